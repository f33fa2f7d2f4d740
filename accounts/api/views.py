from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.access import scope_for
from accounts.api.serializers import MeSerializer
from accounts.models import Unit


class MeView(APIView):
    """Who the caller is: username, roles and units (to check a token or a session)."""

    @extend_schema(
        summary="Who am I",
        responses=MeSerializer,
        examples=[OpenApiExample("An officer", response_only=True, value={
            "username": "officer.dara", "roles": ["officer"],
            "units": [{"code": "pp-daun-penh", "name": "Daun Penh Station"}],
        })],
    )
    def get(self, request):
        scope = scope_for(request.user)
        units = Unit.objects.filter(memberships__user=request.user, is_active=True).distinct().order_by("code")
        data = {
            "username": request.user.get_username(),
            "roles": sorted(scope.roles),
            "units": [{"code": u.code, "name": u.name} for u in units],
        }
        return Response(MeSerializer(data).data)

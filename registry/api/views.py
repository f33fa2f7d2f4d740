"""The registry over REST: premises for field clients, districts as reference data."""

from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response

from accounts.models import Role
from config.api import API_PERMISSIONS, BoundedLimitOffsetPagination
from registry import selectors, services
from registry.api.serializers import DistrictSerializer, PremisesSerializer, PremisesWriteSerializer
from registry.filtersets import PremisesFilterSet
from registry.models import District, Premises

FIELD_ROLES = {Role.OFFICER, Role.SUPERVISOR}
EVERY_ROLE = {Role.OFFICER, Role.SUPERVISOR, Role.ANALYST, Role.ADMINISTRATOR}

PREMISES_EXAMPLE = {
    "id": "6f1c0f3e-8c3a-4f57-9b43-3f0d7d1b2a10", "premises_type": "construction",
    "name": "Mekong Tower site", "registration_number": "CS-2026-0042", "address": "National Road 2",
    "district": "1201", "district_name": "Chamkar Mon", "province": "KH-12", "latitude": "11.549100",
    "longitude": "104.928200", "operator_name": "Mekong Builders Co., Ltd.", "contact": "+855 23 000 000",
    "is_inspectable": True, "created_at": "2026-11-20T09:30:00+07:00",
}


@extend_schema_view(
    list=extend_schema(
        summary="Premises in your jurisdiction",
        description="Search with `q` (name, start of the registration number, or district name).",
        examples=[OpenApiExample("Premises", value=PREMISES_EXAMPLE, response_only=True)],
    ),
    retrieve=extend_schema(summary="One premises",
                           examples=[OpenApiExample("Premises", value=PREMISES_EXAMPLE, response_only=True)]),
    create=extend_schema(
        summary="Record new premises (officers, supervisors)",
        request=PremisesWriteSerializer, responses={201: PremisesSerializer},
        examples=[
            OpenApiExample("New construction site", request_only=True, value={
                "premises_type": "construction", "name": "Mekong Tower site", "district": "1201",
                "registration_number": "CS-2026-0042", "address": "National Road 2",
            }),
            OpenApiExample("Created", value=PREMISES_EXAMPLE, response_only=True, status_codes=["201"]),
        ],
    ),
)
class PremisesViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                      viewsets.GenericViewSet):
    permission_classes = API_PERMISSIONS
    roles = {"*": FIELD_ROLES}
    serializer_class = PremisesSerializer
    pagination_class = BoundedLimitOffsetPagination
    filterset_class = PremisesFilterSet
    queryset = Premises.objects.none()  # the model, for the schema; get_queryset scopes it

    def get_queryset(self):
        return selectors.premises_visible(user=self.request.user).order_by("name", "id")

    def get_object(self):
        return selectors.premises_get(user=self.request.user, premises_id=self.kwargs["pk"])

    def create(self, request, *args, **kwargs):
        serializer = PremisesWriteSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        premises = services.premises_create(actor=request.user, **serializer.validated_data)
        premises = selectors.premises_get(user=request.user, premises_id=premises.pk)
        return Response(PremisesSerializer(premises).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="Districts (reference data)",
                       description="Every district with its province; use the `code` to record premises.",
                       examples=[OpenApiExample("District", response_only=True, value=[{
                           "id": 12, "code": "KH-12-01", "name": "Chamkar Mon", "name_km": "ចំការមន",
                           "province": "KH-12", "province_name": "Phnom Penh"}])]),
)
class DistrictViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    permission_classes = API_PERMISSIONS
    roles = {"*": EVERY_ROLE}
    serializer_class = DistrictSerializer
    pagination_class = None
    queryset = District.objects.select_related("province").order_by("province__name", "name")

"""Reads of the registry, scoped to the user's units."""

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.access import scope_for
from registry.models import District, Premises, PremisesType


def premises_visible(*, user) -> QuerySet[Premises]:
    """Premises in the jurisdiction of the user's officer and supervisor units."""
    scope = scope_for(user)
    if not scope.sees_personal_data:
        return Premises.objects.none()
    qs = Premises.objects.select_related("district__province")
    if scope.province_ids is None:
        return qs
    return qs.filter(district__province_id__in=scope.province_ids)


def premises_inspectable(*, user) -> QuerySet[Premises]:
    """Premises an officer may start an inspection at (diplomatic premises are not inspectable)."""
    return premises_visible(user=user).exclude(premises_type=PremisesType.DIPLOMATIC)


def premises_search(*, user, query: str = "", district_id=None, limit: int = 20) -> QuerySet[Premises]:
    """Find premises by name, registration number or district name, as the officer types."""
    qs = premises_visible(user=user)
    query = (query or "").strip()
    if query:
        qs = qs.filter(
            Q(name__icontains=query) | Q(registration_number__iexact=query)
            | Q(registration_number__istartswith=query) | Q(district__name__icontains=query)
        )
    if district_id:
        qs = qs.filter(district_id=district_id)
    return qs.order_by("name")[:limit]


def premises_get(*, user, premises_id) -> Premises:
    try:
        return premises_visible(user=user).get(pk=premises_id)
    except (Premises.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such premises.") from exc


def districts_for(*, user) -> QuerySet[District]:
    """Districts in the user's jurisdiction (for choosing where new premises are)."""
    scope = scope_for(user)
    qs = District.objects.select_related("province").order_by("province__name", "name")
    if scope.province_ids is None:
        return qs
    return qs.filter(province_id__in=scope.province_ids)

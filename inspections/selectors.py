"""Every read of inspections data, already scoped to the user's units.

Officers see the inspections of their own units; supervisors also see every inspection and flag
of premises in their units' jurisdiction (all of them for a national unit). Analysts and
administrators see no personal data here: their querysets are empty. An object outside the
scope is reported as not found (404), as if it did not exist.
"""

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from accounts.access import Scope, scope_for
from inspections.models import Decision, Encounter, Flag, Inspection, Referral


def _inspection_q(scope: Scope) -> Q | None:
    """Q selecting the inspections ``scope`` may see; None when it may see none."""
    if not scope.sees_personal_data:
        return None
    q = Q(unit_id__in=scope.unit_ids)
    if scope.is_supervisor:
        if scope.supervised_province_ids is None:
            return Q()
        q |= Q(premises__district__province_id__in=scope.supervised_province_ids)
    return q


def inspections_visible(*, user) -> QuerySet[Inspection]:
    q = _inspection_q(scope_for(user))
    if q is None:
        return Inspection.objects.none()
    return Inspection.objects.filter(q)


def inspection_get(*, user, inspection_id) -> Inspection:
    """The inspection with its premises, unit and lead officer; 404 outside the user's scope."""
    try:
        return (
            inspections_visible(user=user)
            .select_related("premises__district__province", "unit", "lead_officer")
            .get(pk=inspection_id)
        )
    except (Inspection.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such inspection.") from exc


def inspection_encounters(*, inspection: Inspection) -> QuerySet[Encounter]:
    """The people met, each with its verification, matched entry and flags (constant queries)."""
    return (
        inspection.encounters.all()
        .select_related("verification", "verification__matched_entry")
        .prefetch_related(Prefetch("flags", queryset=Flag.objects.order_by("kind")))
        .order_by("created_at")
    )


def encounters_visible(*, user) -> QuerySet[Encounter]:
    q = _inspection_q(scope_for(user))
    if q is None:
        return Encounter.objects.none()
    inspection_ids = Inspection.objects.filter(q).values("pk")
    return Encounter.objects.filter(inspection_id__in=inspection_ids)


def encounter_get(*, user, encounter_id) -> Encounter:
    try:
        return encounters_visible(user=user).select_related("inspection").get(pk=encounter_id)
    except (Encounter.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such person.") from exc


def flags_visible(*, user) -> QuerySet[Flag]:
    """Flags a supervisor may review: those of premises in its jurisdiction.

    Officers see flags only through their own inspections (inspection_encounters), not here.
    """
    scope = scope_for(user)
    if not scope.is_supervisor:
        return Flag.objects.none()
    if scope.supervised_province_ids is None:
        return Flag.objects.all()
    return Flag.objects.filter(province_id__in=scope.supervised_province_ids)


def flag_get(*, user, flag_id) -> Flag:
    """One flag with its encounter, inspection and premises; 404 outside the user's scope."""
    try:
        return (
            flags_visible(user=user)
            .select_related(
                "encounter__inspection__premises__district__province", "encounter__inspection__unit",
                "encounter__verification__matched_entry__visa_type", "assignee", "province", "district",
            )
            .get(pk=flag_id)
        )
    except (Flag.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such flag.") from exc


def flag_decisions(*, flag: Flag) -> QuerySet[Decision]:
    return flag.decisions.select_related("decided_by", "assignee").order_by("decided_at", "id")


def referrals_visible(*, user) -> QuerySet[Referral]:
    scope = scope_for(user)
    if not scope.is_supervisor:
        return Referral.objects.none()
    if scope.supervised_province_ids is None:
        return Referral.objects.all()
    return Referral.objects.filter(
        encounter__inspection__premises__district__province_id__in=scope.supervised_province_ids
    )

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


# --- supervisor dashboard ----------------------------------------------------------------------
# Reads behind inspections/views/dashboard.py; every one starts from a scoped queryset above.

def flag_case_records(*, user, flag: Flag) -> dict:
    """What the records say about the person of ``flag`` (already obtained through flag_get):
    matched entry with its extensions, work permits (same document or same foreigner), guest
    registrations at the premises, earlier encounters in the user's scope, the other flags on
    the encounter, its referrals. A fixed number of queries whatever the history's length."""
    from registry.models import GuestRegistration, StayExtension, WorkPermit

    encounter = flag.encounter
    verification = getattr(encounter, "verification", None)
    entry = verification.matched_entry if verification is not None else None
    premises_id = encounter.inspection.premises_id

    person = Q(pk__in=[])
    if encounter.document_number:
        person |= Q(document_number=encounter.document_number,
                    issuing_country=encounter.document_issuing_country)
    if encounter.foreigner_id:
        person |= Q(foreigner_id=encounter.foreigner_id)

    earlier = Q(pk__in=[])
    if encounter.document_number:
        earlier |= Q(document_number=encounter.document_number,
                     document_issuing_country=encounter.document_issuing_country)
    if encounter.foreigner_id:
        earlier |= Q(foreigner_id=encounter.foreigner_id)

    return {
        "entry": entry,
        "extensions": (list(StayExtension.objects.filter(entry=entry).select_related("visa_type")
                            .order_by("granted_on")) if entry is not None else []),
        "work_permits": list(WorkPermit.objects.filter(person).select_related("employer_premises")
                             .order_by("-valid_until")[:20]),
        "guest_registrations": list(GuestRegistration.objects.filter(person, premises_id=premises_id)
                                    .order_by("-check_in")[:20]),
        "earlier_encounters": list(
            encounters_visible(user=user).filter(earlier).exclude(pk=encounter.pk)
            .select_related("inspection__premises", "verification")
            .prefetch_related(Prefetch("flags", queryset=Flag.objects.order_by("kind")))
            .order_by("-inspection__started_at")[:20]
        ),
        "sibling_flags": list(Flag.objects.filter(encounter_id=encounter.pk).exclude(pk=flag.pk).order_by("kind")),
        "referrals": list(flag.referrals.select_related("referred_by").order_by("-referred_at")),
    }


def victim_queue(*, user, limit: int = 20) -> tuple[list[Flag], int]:
    """Trafficking-indicator cases still to act on (newest first) with, on each, ``held_flags``:
    the person's immigration flags held for victim screening. Returns (cases, total)."""
    from inspections.models import FlagKind, FlagStatus

    cases_qs = flags_visible(user=user).filter(
        kind=FlagKind.TRAFFICKING_INDICATORS, status__in=[FlagStatus.OPEN, FlagStatus.IN_REVIEW]
    )
    newest = cases_qs.order_by("-raised_at", "-id")
    cases = list(newest.select_related("encounter__inspection__premises", "province", "district", "assignee")
                 [:limit])
    held: dict = {}
    # one query whether or not there are cases (the page's query count stays fixed)
    for held_flag in Flag.objects.filter(encounter_id__in=newest.values("encounter_id")[:limit],
                                         held_for_victim_screening=True).order_by("kind"):
        held.setdefault(held_flag.encounter_id, []).append(held_flag)
    for case in cases:
        case.held_flags = held.get(case.encounter_id, [])
    return cases, cases_qs.count()


def premises_people(*, user, premises, limit: int = 200) -> dict:
    """Who ``premises`` declared (guest registrations), who officers found there (encounters of
    its inspections in the user's scope) and what the records say, paired person by person on
    document number + issuing country (or the matched foreigner)."""
    from registry.models import GuestRegistration

    registrations = list(GuestRegistration.objects.filter(premises=premises).order_by("-check_in")[:limit])
    encounters = list(
        encounters_visible(user=user).filter(inspection__premises=premises)
        .select_related("inspection", "verification__matched_entry__visa_type")
        .prefetch_related(Prefetch("flags", queryset=Flag.objects.order_by("kind")))
        .order_by("-inspection__started_at", "created_at")[:limit]
    )
    inspection_dates = sorted({e.inspection.started_at.date() for e in encounters})

    def keys(document_number, country, foreigner_id):
        found = set()
        if document_number:
            found.add(("doc", document_number, country))
        if foreigner_id:
            found.add(("person", foreigner_id))
        return found

    rows, used = [], set()
    for encounter in encounters:
        encounter_keys = keys(encounter.document_number, encounter.document_issuing_country,
                              encounter.foreigner_id)
        on = encounter.inspection.started_at.date()
        declared = [r for r in registrations
                    if keys(r.document_number, r.issuing_country, r.foreigner_id) & encounter_keys
                    and r.check_in <= on and (r.check_out is None or r.check_out >= on)]
        used.update(r.pk for r in declared)
        discrepancies = []
        if not declared:
            discrepancies.append("not_declared")
        discrepancies.extend(f.kind for f in encounter.flags.all())
        rows.append({"encounter": encounter, "registrations": declared, "discrepancies": discrepancies})
    for registration in registrations:
        if registration.pk in used:
            continue
        # Declared as staying on a day officers inspected, but not among the people found.
        missed = [d for d in inspection_dates
                  if registration.check_in <= d and (registration.check_out is None or registration.check_out >= d)]
        rows.append({"encounter": None, "registrations": [registration],
                     "discrepancies": ["declared_not_found"] if missed else []})
    return {"rows": rows, "registrations": registrations, "encounters": encounters}


# Weights of the premises risk score (per flag / per person); the page explains them.
RISK_WEIGHTS = {"work": 3, "trafficking": 5, "withheld": 4, "overstay": 2}


def premises_risk_ranking(*, user, limit: int = 50):
    """Premises in the user's jurisdiction ranked by a risk score computed in the database from
    their flags: workers without a permit or on a visa that does not allow work, trafficking
    indicators, identity documents held by someone else, overstays."""
    from django.db.models import Count, F, IntegerField, Value
    from django.db.models.functions import Coalesce

    from inspections.models import FlagKind
    from registry.models import Premises

    premises_key = F("encounter__inspection__premises")
    ranked = (
        flags_visible(user=user).order_by()
        .values(premises_id=premises_key)
        .annotate(
            work=Count("pk", filter=Q(kind__in=[FlagKind.NO_WORK_PERMIT, FlagKind.WORK_NOT_PERMITTED])),
            trafficking=Count("pk", filter=Q(kind=FlagKind.TRAFFICKING_INDICATORS)),
            overstay=Count("pk", filter=Q(kind=FlagKind.OVERSTAY)),
            withheld=Count("encounter", filter=Q(encounter__document_withheld="yes"), distinct=True),
            flags=Count("pk"),
        )
        .annotate(score=Coalesce(
            F("work") * RISK_WEIGHTS["work"] + F("trafficking") * RISK_WEIGHTS["trafficking"]
            + F("withheld") * RISK_WEIGHTS["withheld"] + F("overstay") * RISK_WEIGHTS["overstay"],
            Value(0), output_field=IntegerField()))
        .filter(score__gt=0)
        .order_by("-score", "premises_id")[:limit]
    )
    rows = list(ranked)
    premises = Premises.objects.select_related("district__province").in_bulk([r["premises_id"] for r in rows])
    for row in rows:
        row["premises"] = premises[row["premises_id"]]
    return rows


def overview_figures(*, user, period: str = "week", periods: int = 12, today=None) -> dict:
    """Counts for the overview page (no personal data): flags by kind per week or month, flags by
    status, inspections per province, clearance rate, median time from raising to the first
    decision, and the inspected premises with their open flags for the map."""
    import datetime
    import statistics

    from django.db import connection
    from django.db.models import Count, Min
    from django.db.models.functions import TruncMonth, TruncWeek
    from django.utils import timezone

    from inspections.models import DecisionOutcome, FlagStatus
    from registry.models import Premises

    today = today or timezone.localdate()
    if period == "month":
        start = (today.replace(day=1) - datetime.timedelta(days=31 * (periods - 1))).replace(day=1)
        trunc = TruncMonth("inspected_on")
    else:
        start = today - datetime.timedelta(days=today.weekday() + 7 * (periods - 1))
        trunc = TruncWeek("inspected_on")
    flags = flags_visible(user=user).order_by()
    by_period = list(
        flags.filter(inspected_on__gte=start).annotate(period=trunc)
        .values("period", "kind").annotate(n=Count("pk")).order_by("period", "kind")
    )
    by_status = dict(flags.values_list("status").annotate(n=Count("pk")).order_by())
    by_province = list(
        inspections_visible(user=user).order_by()
        .values("premises__district__province__name").annotate(n=Count("pk")).order_by("-n")
    )
    total = sum(by_status.values())
    closed = sum(n for status, n in by_status.items() if status != FlagStatus.OPEN and status != FlagStatus.IN_REVIEW)

    decisive = [DecisionOutcome.CONFIRM, DecisionOutcome.DISMISS, DecisionOutcome.ESCALATE, DecisionOutcome.REFER]
    # first decisive decision of each flag, beside the time the flag was raised
    first_decisions = (
        Decision.objects.filter(flag__in=flags.values("pk"), outcome__in=decisive)
        .values("flag", "flag__raised_at").annotate(first=Min("decided_at"))
        .values_list("flag__raised_at", "first")
    )
    if connection.vendor == "postgresql":
        sql, params = first_decisions.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM d.first - d.raised))"
                " FROM (" + sql + ") AS d(raised, first)", params,
            )
            value = cursor.fetchone()[0]
        median_hours = None if value is None else float(value) / 3600
    else:
        durations = [(first - raised).total_seconds() for raised, first in first_decisions]
        median_hours = statistics.median(durations) / 3600 if durations else None

    open_statuses = [FlagStatus.OPEN, FlagStatus.IN_REVIEW, FlagStatus.ESCALATED]
    premises_ids = inspections_visible(user=user).values("premises_id")
    points = list(
        Premises.objects.filter(pk__in=premises_ids, latitude__isnull=False, longitude__isnull=False)
        .annotate(open_flags=Count("inspections__encounters__flags",
                                   filter=Q(inspections__encounters__flags__status__in=open_statuses)))
        .values("pk", "name", "latitude", "longitude", "open_flags").order_by("pk")[:5000]
    )
    return {
        "start": start, "by_period": by_period, "by_status": by_status, "by_province": by_province,
        "total": total, "closed": closed, "clearance_rate": (closed / total) if total else None,
        "median_hours": median_hours, "points": points,
    }

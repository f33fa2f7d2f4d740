"""Aggregated counts for analysts and other systems: no personal data, one GROUP BY query each.

Each summary counts rows per period (day, week or month; weeks start on Monday) and optionally per
province, district, premises type and nationality. Only codes and counts leave this module: no
names, document numbers, dates of birth or ids of people. Periods are computed in the
application's time zone (settings.TIME_ZONE).

Summaries are national: they are counts, not personal data, so they are not scoped to the
caller's units (see docs/api.md).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Count, DateField, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncDay, TruncMonth, TruncWeek
from django.utils import timezone

from inspections.models import (
    Encounter,
    EncounterRole,
    Flag,
    Inspection,
    InspectionStatus,
    Referral,
    VerificationStatus,
)

PERIODS = {"day": TruncDay, "week": TruncWeek, "month": TruncMonth}
GROUPS = ("province", "district", "premises_type", "nationality")


@dataclass(frozen=True)
class Summary:
    """How one summary is counted: its rows, its date, its groupable columns and its measures."""

    name: str
    queryset: Callable[[], QuerySet]
    date_field: str
    date_is_datetime: bool
    groups: dict[str, str]            # group name -> ORM path (the value is a code, never a person)
    measures: Callable[[], dict]               # () -> {name: aggregate}
    fixed_groups: dict[str, str] = field(default_factory=dict)  # always grouped by these

    def available_groups(self) -> tuple[str, ...]:
        return tuple(g for g in GROUPS if g in self.groups)


def _submitted_inspections() -> QuerySet:
    return Inspection.objects.exclude(status=InspectionStatus.DRAFT)


def _submitted_encounters() -> QuerySet:
    return Encounter.objects.exclude(inspection__status=InspectionStatus.DRAFT)


def _verification_count(status: str):
    return Count("id", filter=Q(verification__status=status))


SUMMARIES = {
    "inspections": Summary(
        name="inspections", queryset=_submitted_inspections, date_field="started_at", date_is_datetime=True,
        groups={"province": "premises__district__province__code", "district": "premises__district__code",
                "premises_type": "premises__premises_type"},
        measures=lambda: {
            "inspections": Count("id"),
            "foreigners_present": Coalesce(Sum("foreigners_present"), 0),
            "refused_access": Coalesce(Sum("refused_access"), 0),
        },
    ),
    "encounters": Summary(
        name="encounters", queryset=_submitted_encounters, date_field="inspection__started_at",
        date_is_datetime=True,
        groups={"province": "inspection__premises__district__province__code",
                "district": "inspection__premises__district__code",
                "premises_type": "inspection__premises__premises_type", "nationality": "nationality"},
        measures=lambda: {
            "people": Count("id"),
            "workers": Count("id", filter=Q(role=EncounterRole.WORKER)),
            "clear": _verification_count(VerificationStatus.CLEAR),
            "flagged": _verification_count(VerificationStatus.FLAGGED),
            "exempt": _verification_count(VerificationStatus.EXEMPT),
            "pending": Count("id", filter=Q(verification__status__in=[VerificationStatus.PENDING,
                                                                      VerificationStatus.ERROR])
                             | Q(verification__isnull=True)),
        },
    ),
    "flags": Summary(
        name="flags", queryset=Flag.objects.all, date_field="inspected_on", date_is_datetime=False,
        groups={"province": "province__code", "district": "district__code", "premises_type": "premises_type",
                "nationality": "nationality"},
        fixed_groups={"kind": "kind", "severity": "severity", "status": "status"},
        measures=lambda: {
            "flags": Count("id"),
            "held_for_victim_screening": Count("id", filter=Q(held_for_victim_screening=True)),
        },
    ),
    "referrals": Summary(
        name="referrals", queryset=Referral.objects.all, date_field="referred_at", date_is_datetime=True,
        groups={"province": "encounter__inspection__premises__district__province__code",
                "district": "encounter__inspection__premises__district__code",
                "premises_type": "encounter__inspection__premises__premises_type",
                "nationality": "encounter__nationality"},
        fixed_groups={"outcome": "outcome"},
        measures=lambda: {"referrals": Count("id")},
    ),
}


def _bounds(summary: Summary, date_from: datetime.date, date_to: datetime.date) -> Q:
    if not summary.date_is_datetime:
        return Q(**{f"{summary.date_field}__gte": date_from, f"{summary.date_field}__lte": date_to})
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(date_from, datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(date_to + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    return Q(**{f"{summary.date_field}__gte": start, f"{summary.date_field}__lt": end})


def summary_rows(*, name: str, period: str, group_by: list[str], date_from: datetime.date,
                 date_to: datetime.date) -> list[dict]:
    """Counts of one summary per period (and per each group in ``group_by``), oldest first.

    Each row: {"period": date the period starts, <group>: code, ..., <measure>: count, ...}.
    ``group_by`` must be a subset of summary.available_groups(); the caller validates it.
    """
    summary = SUMMARIES[name]
    trunc = PERIODS[period](summary.date_field, output_field=DateField())
    columns = {**summary.fixed_groups, **{g: summary.groups[g] for g in group_by}}
    qs = (
        summary.queryset()
        .filter(_bounds(summary, date_from, date_to))
        .annotate(period_start=trunc)
        .values("period_start", *columns.values())
        .annotate(**summary.measures())
        .order_by("period_start", *columns.values())
    )
    measure_names = list(summary.measures())
    rows = []
    for row in qs:
        out = {"period": row["period_start"]}
        for key, path in columns.items():
            out[key] = row[path]
        for measure in measure_names:
            out[measure] = row[measure]
        rows.append(out)
    return rows

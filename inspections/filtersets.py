"""django-filter FilterSets of the inspections app, shared by the dashboard and the API."""

import django_filters
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.access import scope_for
from accounts.models import Role
from inspections.models import (
    Encounter,
    EncounterRole,
    Flag,
    FlagKind,
    FlagStatus,
    Inspection,
    InspectionStatus,
    Severity,
    VerificationStatus,
)
from registry.models import District, PremisesType, Province

# Statuses a supervisor still has to act on (the queue's "active" shortcut).
ACTIVE_STATUSES = (FlagStatus.OPEN, FlagStatus.IN_REVIEW, FlagStatus.ESCALATED)


def _provinces(request):
    qs = Province.objects.order_by("name")
    if request is None:
        return qs
    supervised = scope_for(request.user).supervised_province_ids
    return qs if supervised is None else qs.filter(pk__in=supervised)


def _districts(request):
    qs = District.objects.select_related("province").order_by("province__name", "name")
    if request is None:
        return qs
    supervised = scope_for(request.user).supervised_province_ids
    return qs if supervised is None else qs.filter(province_id__in=supervised)


def supervisors_for(*, province_ids=None):
    """Active users who supervise in a unit covering any of ``province_ids`` (None: any unit)."""
    q = Q(memberships__role=Role.SUPERVISOR, memberships__unit__is_active=True)
    if province_ids is not None:
        q &= Q(memberships__unit__is_national=True) | Q(memberships__unit__provinces__in=province_ids)
    return get_user_model().objects.filter(q, is_active=True).distinct().order_by("username")


def _assignees(request):
    if request is None:
        return supervisors_for()
    return supervisors_for(province_ids=scope_for(request.user).supervised_province_ids)


class FlagFilterSet(django_filters.FilterSet):
    """Filters of the case queue (dashboard) and of the flags endpoint (API).

    Every filter works on Flag's own columns (province, district, premises type, nationality
    and inspection date are copied onto the flag when it is raised), so that filtering and
    counting never join the encounter, inspection or premises tables.
    """

    # distinct=False: these are Flag's own columns, no join can duplicate a row, and a DISTINCT
    # over the queue's columns would make PostgreSQL sort the whole filtered table.
    kind = django_filters.MultipleChoiceFilter(choices=FlagKind.choices, label=_("Kind"), distinct=False)
    severity = django_filters.MultipleChoiceFilter(choices=Severity.choices, label=_("Severity"), distinct=False)
    status = django_filters.MultipleChoiceFilter(choices=FlagStatus.choices, label=_("Status"), distinct=False)
    # By code (KH-12, KH-12-03): readable in query strings and the API, and not a database id.
    province = django_filters.ModelChoiceFilter(queryset=_provinces, to_field_name="code", label=_("Province"))
    district = django_filters.ModelChoiceFilter(queryset=_districts, to_field_name="code", label=_("District"))
    premises_type = django_filters.ChoiceFilter(choices=PremisesType.choices, label=_("Premises type"))
    nationality = django_filters.CharFilter(method="filter_nationality", label=_("Nationality (ISO code)"))
    inspected_after = django_filters.DateFilter(field_name="inspected_on", lookup_expr="gte",
                                                label=_("Inspected on or after"))
    inspected_before = django_filters.DateFilter(field_name="inspected_on", lookup_expr="lte",
                                                 label=_("Inspected on or before"))
    assignee = django_filters.ModelChoiceFilter(queryset=_assignees, label=_("Assignee"))
    unassigned = django_filters.BooleanFilter(field_name="assignee", lookup_expr="isnull", label=_("Unassigned"))
    held_for_victim_screening = django_filters.BooleanFilter(label=_("Held for victim screening"))
    ordering = django_filters.OrderingFilter(
        fields=(("raised_at", "raised_at"), ("inspected_on", "inspected_on"), ("kind", "kind"),
                ("status", "status"), ("severity", "severity")),
        field_labels={"raised_at": _("Raised"), "inspected_on": _("Inspection date"), "kind": _("Kind"),
                      "status": _("Status"), "severity": _("Severity")},
        label=_("Sort by"),
    )

    class Meta:
        model = Flag
        fields = ["kind", "severity", "status", "province", "district", "premises_type", "nationality",
                  "assignee", "held_for_victim_screening"]

    def filter_nationality(self, queryset, name, value):
        value = (value or "").strip().upper()
        return queryset.filter(nationality=value) if value else queryset

    def queryset_without(self, *names: str):
        """The filtered queryset ignoring the filters ``names`` (and the ordering): the base of
        the counts per value of a filter, which show what choosing another value would give."""
        queryset = self.queryset.all()
        if self.is_bound:
            self.is_valid()  # validates; an invalid filter is left out, exactly as in .qs
            for name, value in self.form.cleaned_data.items():
                if name not in names and name != "ordering":
                    queryset = self.filters[name].filter(queryset, value)
        return queryset.order_by()

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        # A stable order for pagination whatever the chosen sort: the primary key breaks ties.
        ordering = list(queryset.query.order_by) or ["-raised_at"]
        return queryset.order_by(*ordering, "-id" if str(ordering[0]).startswith("-") else "id")


class InspectionFilterSet(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=InspectionStatus.choices, label=_("Status"))
    premises = django_filters.UUIDFilter(field_name="premises_id", label=_("Premises id"))
    started_after = django_filters.DateFilter(field_name="started_at", lookup_expr="date__gte",
                                              label=_("Started on or after"))
    started_before = django_filters.DateFilter(field_name="started_at", lookup_expr="date__lte",
                                               label=_("Started on or before"))

    class Meta:
        model = Inspection
        fields = []


class EncounterFilterSet(django_filters.FilterSet):
    inspection = django_filters.UUIDFilter(field_name="inspection_id", label=_("Inspection id"))
    role = django_filters.ChoiceFilter(choices=EncounterRole.choices, label=_("Role at the premises"))
    verification_status = django_filters.ChoiceFilter(field_name="verification__status",
                                                      choices=VerificationStatus.choices,
                                                      label=_("Verification status"))

    class Meta:
        model = Encounter
        fields = []

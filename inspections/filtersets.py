"""One FilterSet per list of inspections data, shared by the dashboard and the API."""

import django_filters
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

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


class _UpperCharFilter(django_filters.CharFilter):
    def filter(self, qs, value):
        return super().filter(qs, (value or "").strip().upper())


class FlagFilterSet(django_filters.FilterSet):
    """The case queue's filters (supervisor dashboard and GET /api/v1/flags/)."""

    kind = django_filters.MultipleChoiceFilter(choices=FlagKind.choices, label=_("Kind"))
    severity = django_filters.MultipleChoiceFilter(choices=Severity.choices, label=_("Severity"))
    status = django_filters.MultipleChoiceFilter(choices=FlagStatus.choices, label=_("Status"))
    province = django_filters.ModelChoiceFilter(queryset=Province.objects.all(), to_field_name="code",
                                                label=_("Province"))
    district = django_filters.ModelChoiceFilter(queryset=District.objects.all(), to_field_name="code",
                                                label=_("District"))
    premises_type = django_filters.ChoiceFilter(choices=PremisesType.choices, label=_("Premises type"))
    nationality = _UpperCharFilter(max_length=3, label=_("Nationality (ISO 3166-1 alpha-3)"))
    inspected_after = django_filters.DateFilter(field_name="inspected_on", lookup_expr="gte",
                                                label=_("Inspected on or after"))
    inspected_before = django_filters.DateFilter(field_name="inspected_on", lookup_expr="lte",
                                                 label=_("Inspected on or before"))
    assignee = django_filters.ModelChoiceFilter(queryset=get_user_model().objects.filter(is_active=True),
                                                label=_("Assignee (user id)"))
    held_for_victim_screening = django_filters.BooleanFilter(label=_("Held for victim screening"))

    class Meta:
        model = Flag
        fields = []


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

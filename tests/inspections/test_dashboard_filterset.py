"""The queue's FlagFilterSet, shared with the API: every filterable Flag field has a filter
(NetBox-style), and each filter selects what it says."""

import datetime

import pytest
from django.test import RequestFactory

from inspections.filtersets import FlagFilterSet
from inspections.models import Flag, FlagKind, FlagStatus, Severity
from registry.models import PremisesType
from tests.inspections.dashboard_helpers import flag_for, premises_in
from tests.registry.factories import district

pytestmark = pytest.mark.django_db

# Flag fields deliberately without a filter, and why.
NOT_FILTERABLE = {
    "id": "a single flag is fetched by its URL, not filtered",
    "encounter": "the person is found through the case page, never by a query parameter",
    "details": "free-form data (expected vs found)",
    "raised_at": "sorted on (ordering), filtered through the inspection date",
    "updated_at": "bookkeeping",
    "version": "optimistic locking of decisions",
    "decisions": "reverse relation",
    "referrals": "reverse relation",
}


def test_every_filterable_flag_field_has_a_filter():
    filtered = {f.field_name for f in FlagFilterSet.base_filters.values()}
    fields = {f.name for f in Flag._meta.get_fields()}
    missing = fields - filtered - set(NOT_FILTERABLE)
    assert not missing, f"Flag fields without a filter in FlagFilterSet: {sorted(missing)}"
    assert set(NOT_FILTERABLE) <= fields, "NOT_FILTERABLE names a field Flag no longer has"


def test_the_filters_named_in_the_brief_exist():
    assert {"kind", "severity", "status", "province", "district", "premises_type", "nationality",
            "inspected_after", "inspected_before", "assignee", "held_for_victim_screening",
            "ordering"} <= set(FlagFilterSet.base_filters)


def _filter(user, **data):
    request = RequestFactory().get("/")
    request.user = user
    return set(FlagFilterSet(data, queryset=Flag.objects.all(), request=request).qs)


def test_each_filter_selects_its_rows(supervisor):
    a = flag_for(kind=FlagKind.OVERSTAY, severity=Severity.HIGH, inspected_on=datetime.date(2026, 1, 5),
                 assignee=supervisor)
    b = flag_for(premises=premises_in("KH-17", premises_type=PremisesType.CASINO), kind=FlagKind.NO_WORK_PERMIT,
                 severity=Severity.MEDIUM, status=FlagStatus.DISMISSED, nationality="CHN",
                 held_for_victim_screening=True, inspected_on=datetime.date(2026, 6, 5))
    assert _filter(supervisor, kind=["OVERSTAY"]) == {a}
    assert _filter(supervisor, kind=["OVERSTAY", "NO_WORK_PERMIT"]) == {a, b}
    assert _filter(supervisor, severity=["medium"]) == {b}
    assert _filter(supervisor, status=["dismissed"]) == {b}
    assert _filter(supervisor, premises_type="casino") == {b}
    assert _filter(supervisor, nationality=" chn ") == {b}
    assert _filter(supervisor, held_for_victim_screening="true") == {b}
    assert _filter(supervisor, inspected_after="2026-03-01") == {b}
    assert _filter(supervisor, inspected_before="2026-03-01") == {a}
    assert _filter(supervisor, assignee=str(supervisor.pk)) == {a}
    assert _filter(supervisor, unassigned="true") == {b}
    assert _filter(supervisor, district=a.district.code) == {a}
    assert _filter(supervisor, province=a.province.code) == {a}


def test_province_and_district_choices_are_limited_to_the_jurisdiction(supervisor):
    """A Phnom Penh supervisor cannot even name Siem Reap in the filter."""
    request = RequestFactory().get("/")
    request.user = supervisor
    outside = district("KH-17")
    filterset = FlagFilterSet({"district": outside.code}, queryset=Flag.objects.all(), request=request)
    assert not filterset.is_valid() and "district" in filterset.errors
    filterset = FlagFilterSet({"province": outside.province.code}, queryset=Flag.objects.all(), request=request)
    assert not filterset.is_valid() and "province" in filterset.errors


def test_ordering_is_stable(supervisor):
    flags = [flag_for(inspected_on=datetime.date(2026, 1, 1)) for _ in range(3)]
    ordered = list(FlagFilterSet({"ordering": "inspected_on"}, queryset=Flag.objects.all()).qs)
    assert ordered == sorted(flags, key=lambda f: f.pk)
    ordered = list(FlagFilterSet({"ordering": "-inspected_on"}, queryset=Flag.objects.all()).qs)
    assert ordered == sorted(flags, key=lambda f: f.pk, reverse=True)


def test_works_without_a_request_as_the_api_may_use_it(supervisor):
    flag = flag_for()
    assert set(FlagFilterSet({"province": flag.province.code}, queryset=Flag.objects.all()).qs) == {flag}

"""Every list endpoint answers in the same number of queries for 10 rows and for 1,000."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from inspections.models import (
    Encounter,
    Flag,
    FlagKind,
    Inspection,
    InspectionStatus,
    Referral,
    Severity,
    Verification,
    VerificationStatus,
)
from registry.models import Premises, PremisesType
from tests.api.test_permissions import OPERATIONS
from tests.registry.factories import EntryRecordFactory, district

pytestmark = pytest.mark.django_db

LISTS = [op for op in OPERATIONS if op.method == "GET" and "{id}" not in op.path]


def seed(count: int, *, unit, officer, supervisor, start: int) -> None:
    """``count`` more of everything in the officer's unit, with bulk inserts (fast for 1,000)."""
    where = district("KH-12")
    entry = EntryRecordFactory()
    premises = Premises.objects.bulk_create([
        Premises(premises_type=PremisesType.HOTEL, name=f"Hotel {n}", registration_number=f"QC-{n}", district=where)
        for n in range(start, start + count)
    ])
    started = timezone.make_aware(datetime.datetime(2026, 11, 1, 9))
    inspections = Inspection.objects.bulk_create([
        Inspection(premises=p, unit=unit, lead_officer=officer, status=InspectionStatus.VERIFIED,
                   started_at=started + datetime.timedelta(minutes=n)) for n, p in enumerate(premises)
    ])
    encounters = Encounter.objects.bulk_create([
        Encounter(inspection=i, surname=f"PERSON {n}", sex="F", nationality="VNM", role="worker",
                  document_number=f"D{start + n:07d}", document_issuing_country="VNM")
        for n, i in enumerate(inspections)
    ])
    Verification.objects.bulk_create([
        Verification(encounter=e, status=VerificationStatus.FLAGGED, matched_entry=entry) for e in encounters
    ])
    flags = Flag.objects.bulk_create([
        Flag(encounter=e, kind=FlagKind.OVERSTAY, severity=Severity.HIGH, province=where.province, district=where,
             premises_type=PremisesType.HOTEL, nationality="VNM", inspected_on=datetime.date(2026, 11, 1),
             assignee=supervisor) for e in encounters
    ])
    Referral.objects.bulk_create([
        Referral(encounter=f.encounter, flag=f, organisation="Chab Dai", referred_by=supervisor) for f in flags
    ])


@pytest.mark.parametrize("op", LISTS, ids=str)
def test_list_query_count_is_constant(op, api_client, station, officer, supervisor, analyst):
    users = {"officer": officer, "supervisor": supervisor, "analyst": analyst}
    client = api_client(users[op.role])
    params = {"from": "2026-01-01", "to": "2026-12-31", "group_by": "province"} if "summaries" in op.path else {}

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(op.path, params)
        assert response.status_code == 200
        return len(captured)

    seed(10, unit=station, officer=officer, supervisor=supervisor, start=0)
    client.get(op.path, params)  # the token's first use writes last_used_at
    with_10 = queries()
    seed(990, unit=station, officer=officer, supervisor=supervisor, start=10)
    assert Flag.objects.count() == 1000
    assert queries() == with_10


def test_inspection_detail_query_count_does_not_grow_with_people(api_client, station, officer, supervisor):
    seed(1, unit=station, officer=officer, supervisor=supervisor, start=0)
    inspection = Inspection.objects.get()
    client = api_client(officer)
    url = f"/api/v1/inspections/{inspection.pk}/"
    client.get(url)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    with_one = queries()
    people = Encounter.objects.bulk_create([
        Encounter(inspection=inspection, surname=f"P {n}", sex="M", nationality="CHN", role="guest") for n in range(30)
    ])
    where = district("KH-12")
    Flag.objects.bulk_create([
        Flag(encounter=e, kind=FlagKind.NO_ENTRY_RECORD, severity=Severity.HIGH, province_id=where.province_id,
             district=where, premises_type="hotel", nationality="CHN",
             inspected_on=datetime.date(2026, 11, 1)) for e in people
    ])
    assert queries() == with_one

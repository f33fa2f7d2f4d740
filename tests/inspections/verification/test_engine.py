import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import AuditEvent
from inspections.models import (
    Encounter,
    EncounterRole,
    Flag,
    FlagKind,
    FlagStatus,
    InspectionStatus,
    MatchMethod,
    Verification,
    VerificationStatus,
)
from inspections.verification import engine, rules
from registry.models import PremisesType
from tests.inspections.factories import EncounterFactory, InspectionFactory
from tests.registry.factories import (
    EntryRecordFactory,
    ForeignerFactory,
    GuestRegistrationFactory,
    PremisesFactory,
    StayExtensionFactory,
    WorkPermitFactory,
    visa,
)

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def inspection(db):
    return InspectionFactory(status=InspectionStatus.SUBMITTED,
                             premises=PremisesFactory(premises_type=PremisesType.CONSTRUCTION))


def verify(*encounters):
    return engine.verify_encounters(encounter_ids=[e.pk for e in encounters])


def flags_of(encounter):
    return {f.kind: f for f in Flag.objects.filter(encounter=encounter)}


def test_a_lawful_guest_is_clear_and_linked_to_the_foreigner(inspection):
    foreigner = ForeignerFactory()
    entry = EntryRecordFactory(document_number="C1234567", foreigner=foreigner, permitted_until=D(2026, 12, 31))
    enc = EncounterFactory(inspection=inspection, document_number="C1234567")
    GuestRegistrationFactory(premises=inspection.premises, document_number="C1234567")
    result = verify(enc)
    v = Verification.objects.get(encounter=enc)
    assert (v.status, v.matched_entry_id, v.match_method, v.match_score) == (
        VerificationStatus.CLEAR, entry.pk, MatchMethod.EXACT, 1.0)
    assert v.rules_version and v.checked_at and v.attempts == 1
    assert result.clear == 1 and not Flag.objects.exists()
    enc.refresh_from_db()
    assert enc.foreigner == foreigner
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.VERIFIED and inspection.verified_at


def test_the_officers_recorded_foreigner_is_never_overwritten(inspection):
    EntryRecordFactory(document_number="C1234567", foreigner=ForeignerFactory())
    recorded = ForeignerFactory(surname="OTHER")
    enc = EncounterFactory(inspection=inspection, document_number="C1234567", foreigner=recorded)
    verify(enc)
    enc.refresh_from_db()
    assert enc.foreigner == recorded
    assert enc.surname == "NGUYEN"  # recorded data untouched


def test_flags_carry_the_inspection_facts(inspection):
    EntryRecordFactory(document_number="C1234567", permitted_until=D(2026, 10, 31))
    enc = EncounterFactory(inspection=inspection, document_number="C1234567", role=EncounterRole.WORKER)
    verify(enc)
    flags = flags_of(enc)
    assert set(flags) == {FlagKind.OVERSTAY, FlagKind.WORK_NOT_PERMITTED, FlagKind.NO_WORK_PERMIT}
    overstay = flags[FlagKind.OVERSTAY]
    assert overstay.details["days"] == 20 and overstay.severity == "high" and overstay.status == FlagStatus.OPEN
    district = inspection.premises.district
    assert (overstay.province_id, overstay.district_id, overstay.premises_type, overstay.nationality,
            overstay.inspected_on) == (district.province_id, district.pk, "construction", "VNM", D(2026, 11, 20))
    assert Verification.objects.get(encounter=enc).status == VerificationStatus.FLAGGED


def test_registry_facts_are_used(inspection):
    entry = EntryRecordFactory(document_number="C1234567", permitted_until=D(2026, 10, 31),
                               visa_type=visa("EB"))
    StayExtensionFactory(entry=entry, valid_until=D(2026, 12, 31), visa_type=visa("EB"))
    WorkPermitFactory(document_number="C1234567")
    enc = EncounterFactory(inspection=inspection, document_number="C1234567", role=EncounterRole.WORKER)
    verify(enc)
    assert flags_of(enc) == {}


def test_no_entry_record_and_fuzzy_document_mismatch(inspection):
    EntryRecordFactory(document_number="B7777777", surname="TRAN", given_names="THI MAI", sex="F",
                       date_of_birth=D(1995, 3, 8), permitted_until=D(2026, 12, 31))
    nobody = EncounterFactory(inspection=inspection, surname="SOMCHAI", given_names="KLAHAN", nationality="THA",
                              document_number="AA000001", document_issuing_country="THA", role="other")
    new_passport = EncounterFactory(inspection=inspection, surname="TRAN", given_names="THI MAI", sex="F",
                                    date_of_birth=D(1995, 8, 3), document_number="N2222222", role="other")
    verify(nobody, new_passport)
    assert set(flags_of(nobody)) == {FlagKind.NO_ENTRY_RECORD}
    assert set(flags_of(new_passport)) == {FlagKind.DOCUMENT_MISMATCH}
    assert Verification.objects.get(encounter=new_passport).match_method == MatchMethod.FUZZY
    assert Verification.objects.get(encounter=nobody).match_method == MatchMethod.NONE


def test_identity_conflict(inspection):
    EntryRecordFactory(document_number="C1234567", permitted_until=D(2026, 12, 31))
    enc = EncounterFactory(inspection=inspection, document_number="C1234567", surname="PETROV", given_names="IVAN",
                           nationality="RUS", date_of_birth=D(1970, 1, 30), role="other")
    verify(enc)
    assert set(flags_of(enc)) == {FlagKind.IDENTITY_CONFLICT}


def test_diplomat_is_exempt_with_no_flag(inspection):
    EntryRecordFactory(document_number="D1234567", document_type="D", visa_type=visa("A"),
                       permitted_until=D(2026, 10, 2))
    enc = EncounterFactory(inspection=inspection, document_number="D1234567", document_type="D",
                           role=EncounterRole.WORKER)
    verify(enc)
    assert Verification.objects.get(encounter=enc).status == VerificationStatus.EXEMPT
    assert not Flag.objects.exists()


def test_non_punishment_hold(inspection):
    enc = EncounterFactory(inspection=inspection, role=EncounterRole.WORKER, document_withheld="yes")
    verify(enc)
    flags = flags_of(enc)
    assert set(flags) == {FlagKind.NO_ENTRY_RECORD, FlagKind.NO_WORK_PERMIT, FlagKind.TRAFFICKING_INDICATORS}
    assert flags[FlagKind.NO_ENTRY_RECORD].held_for_victim_screening
    assert flags[FlagKind.NO_WORK_PERMIT].held_for_victim_screening
    assert not flags[FlagKind.TRAFFICKING_INDICATORS].held_for_victim_screening


def snapshot():
    return (
        sorted(Verification.objects.values_list("encounter_id", "status", "matched_entry_id", "match_score",
                                                "match_method", "rules_version", "error")),
        sorted(Flag.objects.values_list("id", "encounter_id", "kind", "severity", "status", "details",
                                        "held_for_victim_screening")),
    )


def test_verifying_twice_gives_the_same_rows(inspection):
    EntryRecordFactory(document_number="C1234567", permitted_until=D(2026, 10, 31))
    a = EncounterFactory(inspection=inspection, document_number="C1234567", role=EncounterRole.WORKER)
    b = EncounterFactory(inspection=inspection, document_number="X", surname="LEE", nationality="KOR")
    verify(a, b)
    first = snapshot()
    verify(a, b)
    assert snapshot() == first
    assert Flag.objects.count() == 5
    assert Verification.objects.get(encounter=a).attempts == 2


def test_a_flag_no_longer_true_is_cleared_and_reopens_when_true_again(inspection):
    enc = EncounterFactory(inspection=inspection, document_number="C1234567", role="other")
    verify(enc)
    flag = Flag.objects.get(encounter=enc, kind=FlagKind.NO_ENTRY_RECORD)
    entry = EntryRecordFactory(document_number="C1234567", permitted_until=D(2026, 12, 31))
    verify(enc)
    flag.refresh_from_db()
    assert flag.status == FlagStatus.CLEARED
    assert Verification.objects.get(encounter=enc).status == VerificationStatus.CLEAR
    entry.delete()
    verify(enc)
    flag.refresh_from_db()
    assert flag.status == FlagStatus.OPEN
    assert Flag.objects.filter(encounter=enc).count() == 1


@pytest.mark.parametrize("status", [FlagStatus.CONFIRMED, FlagStatus.DISMISSED, FlagStatus.REFERRED,
                                    FlagStatus.ESCALATED])
def test_decided_flags_are_left_alone(inspection, status):
    enc = EncounterFactory(inspection=inspection, document_number="C1234567", role="other")
    verify(enc)
    Flag.objects.filter(encounter=enc).update(status=status, details={"decided": True})
    EntryRecordFactory(document_number="C1234567", permitted_until=D(2026, 12, 31))
    verify(enc)
    flag = Flag.objects.get(encounter=enc)
    assert (flag.status, flag.details) == (status, {"decided": True})


def test_in_review_flag_keeps_its_status_when_still_true(inspection):
    enc = EncounterFactory(inspection=inspection, document_number="C1234567", role="other")
    verify(enc)
    Flag.objects.filter(encounter=enc).update(status=FlagStatus.IN_REVIEW)
    verify(enc)
    assert Flag.objects.get(encounter=enc).status == FlagStatus.IN_REVIEW


def test_an_error_on_one_encounter_does_not_stop_the_others(inspection, monkeypatch):
    bad = EncounterFactory(inspection=inspection, surname="BAD", role="other")
    good = EncounterFactory(inspection=inspection, surname="GOOD", role="other")
    real = rules.evaluate

    def failing(enc, *args, **kwargs):
        if enc.surname == "BAD":
            raise ValueError("C0000001 NGUYEN")
        return real(enc, *args, **kwargs)

    monkeypatch.setattr(rules, "evaluate", failing)
    result = verify(bad, good)
    assert result.error == 1 and result.flagged == 1
    v = Verification.objects.get(encounter=bad)
    assert v.status == VerificationStatus.ERROR
    assert v.error == "verification failed: ValueError"  # no personal data
    assert Verification.objects.get(encounter=good).status == VerificationStatus.FLAGGED
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.SUBMITTED  # not all done
    monkeypatch.setattr(rules, "evaluate", real)
    assert engine.encounters_needing_verification() == [bad.pk]
    verify(bad)
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.VERIFIED


def test_drafts_are_not_verified(db):
    enc = EncounterFactory(inspection=InspectionFactory(status=InspectionStatus.DRAFT))
    assert verify(enc).encounters == 0
    assert not Verification.objects.exists()


def test_an_empty_inspection_is_verified(inspection):
    engine.inspection_verify(inspection_id=inspection.pk)
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.VERIFIED


def test_an_audit_row_per_batch_without_personal_data(inspection):
    EncounterFactory(inspection=inspection, document_number="C7654321", surname="HIDDEN")
    engine.inspection_verify(inspection_id=inspection.pk)
    event = AuditEvent.objects.get(action="verification.run")
    assert event.actor is None
    assert event.changes["after"]["encounters"] == 1
    assert "HIDDEN" not in str(event.changes) and "C7654321" not in str(event.changes)


def make_batch(n, first_day=0):
    """n people alternating two shapes, each with exactly one flag: a worker overstaying after an
    extension (exact match, permit and work visa in order), a registered guest on a new passport
    (fuzzy match). One flag each keeps every bulk INSERT under SQLite's 999-parameter limit."""
    inspection = InspectionFactory(status=InspectionStatus.SUBMITTED)
    ids = []
    for i in range(n):
        dob = D(1960, 1, 1) + dt.timedelta(first_day + i * 40)  # distinct people, not day/month swaps
        entry = EntryRecordFactory(document_number=f"C{first_day}{i:06d}", foreigner=ForeignerFactory(),
                                   surname=f"NGUYEN{i}", date_of_birth=dob, visa_type=visa("EB"),
                                   permitted_until=D(2026, 10, 31) if i % 2 == 0 else D(2026, 12, 31))
        StayExtensionFactory(entry=entry, valid_until=D(2026, 11, 10), visa_type=visa("EB"))
        WorkPermitFactory(document_number=f"C{first_day}{i:06d}")
        GuestRegistrationFactory(premises=inspection.premises, document_number=f"C{first_day}{i:06d}")
        if i % 2 == 0:
            enc = EncounterFactory(inspection=inspection, document_number=f"C{first_day}{i:06d}", surname=f"NGUYEN{i}",
                                   role=EncounterRole.WORKER, date_of_birth=dob)
        else:
            enc = EncounterFactory(inspection=inspection, document_number=f"NP{9999999 - i:07d}", surname=f"NGUYEN{i}",
                                   role=EncounterRole.GUEST, date_of_birth=dob)
        ids.append(enc.pk)
    return ids


def count_queries(ids):
    with CaptureQueriesContext(connection) as ctx:
        engine.verify_encounters(encounter_ids=ids)
    return len(ctx.captured_queries)


def test_constant_number_of_queries_per_batch(db, django_assert_max_num_queries):
    small, large = make_batch(5), make_batch(50, first_day=1)
    assert count_queries(small) == count_queries(large)
    assert count_queries(small) == count_queries(large)  # the re-run (updates, nothing new)
    with django_assert_max_num_queries(16):
        engine.verify_encounters(encounter_ids=large)
    assert Flag.objects.filter(kind=FlagKind.OVERSTAY).count() == 3 + 25
    assert Flag.objects.filter(kind=FlagKind.DOCUMENT_MISMATCH).count() == 2 + 25
    assert Flag.objects.count() == 55
    assert Verification.objects.filter(match_method=MatchMethod.FUZZY).count() == 27
    assert Encounter.objects.filter(foreigner__isnull=False).count() == 55


@pytest.mark.django_db
def test_candidate_query_with_any_of_finds_the_same_rows_as_in_lists():
    """The candidate query passes each key list as one array (= ANY on PostgreSQL, IN elsewhere):
    the rows must be exactly those of the plain IN-list query it replaced."""
    from django.db.models import F, Q

    from inspections.verification import matching
    from registry.models import EntryRecord
    from registry.normalisation import name_key

    D = dt.date
    EntryRecordFactory(document_number="C1234567")
    EntryRecordFactory(document_number="C7654321", nationality="CHN", date_of_birth=D(1985, 3, 4))
    EntryRecordFactory(document_number="E0000001", nationality="CHN", date_of_birth=D(1985, 4, 3))
    EntryRecordFactory(document_number="E0000002", surname="WANG", given_names="WEI", date_of_birth=D(1979, 1, 2))
    EntryRecordFactory(document_number="E0000003", surname="WANG", given_names="WEI", date_of_birth=D(1979, 1, 3))
    EntryRecordFactory(document_number="C1234568", entry_date=D(2026, 11, 30),  # after the inspection
                       permitted_until=D(2026, 12, 30))
    EntryRecordFactory(document_number="X9999999", nationality="THA")
    keys = matching.BlockingKeys(
        documents=frozenset({"C1234567", "C1234568", "C765432I"}),
        nationality_dobs={"CHN": frozenset({D(1985, 3, 4), D(1985, 4, 3)}), "KOR": frozenset({D(1990, 1, 1)})},
        name_keys=frozenset({name_key("WANG", "WEI")}), dobs=frozenset({D(1979, 1, 2)}))
    latest = D(2026, 11, 1)
    in_lists = Q(document_number__in=sorted(keys.documents))
    for nationality, dobs in sorted(keys.nationality_dobs.items()):
        in_lists |= Q(nationality=nationality, date_of_birth__in=sorted(dobs))
    in_lists |= Q(name_key__in=sorted(keys.name_keys), date_of_birth__in=sorted(keys.dobs))
    in_lists &= Q(entry_date__lte=latest)

    def found(condition):
        return sorted(EntryRecord.objects.filter(condition).values_list("document_number", flat=True))

    assert found(engine.candidate_query(keys, latest)) == found(in_lists) == [
        "C1234567", "C7654321", "E0000001", "E0000002"]
    # an empty list matches nothing, as an empty IN list does
    assert not EntryRecord.objects.filter(engine.AnyOf(F("document_number"), [])).exists()

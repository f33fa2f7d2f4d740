import datetime as dt

import pytest

from inspections.models import SCREENING_QUESTIONS, FlagKind, Severity
from inspections.verification import matching as m
from inspections.verification import rules as r
from tests.inspections.verification.test_matching import encounter, entry

D = dt.date
ON = D(2026, 11, 20)
SCREENING = r.ScreeningSettings.from_mapping(
    {"STRONG": ["document_withheld", "not_free_to_leave", "threats_or_violence", "under_18"], "OTHER_THRESHOLD": 3},
    SCREENING_QUESTIONS)
NO_FACTS = r.RegistryFacts()


def matched(e=None, relation=m.DOC_SAME, **kw):
    e = e or entry()
    return m.MatchResult(e, 1.0, m.EXACT, relation, **kw)


NO_MATCH = m.MatchResult(None, None, m.NONE)


def kinds(outcome):
    return {f.kind for f in outcome.flags}


def test_rule_kinds_and_severities_are_the_models_choices():
    assert {r.NO_ENTRY_RECORD, r.IDENTITY_CONFLICT, r.DOCUMENT_MISMATCH, r.OVERSTAY, r.RECORDED_EXIT,
            r.WORK_NOT_PERMITTED, r.NO_WORK_PERMIT, r.NOT_REGISTERED, r.DOCUMENT_EXPIRED,
            r.TRAFFICKING_INDICATORS} == set(FlagKind.values)
    assert {r.HIGH, r.MEDIUM, r.LOW} == set(Severity.values)


def test_no_entry_record():
    flag = r.rule_no_entry_record(encounter(), NO_MATCH, NO_FACTS, ON)
    assert (flag.kind, flag.severity) == (r.NO_ENTRY_RECORD, r.HIGH)
    assert r.rule_no_entry_record(encounter(), matched(), NO_FACTS, ON) is None
    conflict = m.MatchResult(None, None, m.NONE, conflict=entry(), conflict_score=0.3)
    assert r.rule_no_entry_record(encounter(), conflict, NO_FACTS, ON) is None


def test_identity_conflict_details_expected_vs_found():
    conflict = m.MatchResult(None, None, m.NONE, conflict=entry(source_id="BX-7"), conflict_score=0.3)
    flag = r.rule_identity_conflict(encounter(surname="PETROV"), conflict, NO_FACTS, ON)
    assert (flag.kind, flag.severity) == (r.IDENTITY_CONFLICT, r.HIGH)
    assert flag.details["expected"]["surname"] == "NGUYEN" and flag.details["found"]["surname"] == "PETROV"
    assert flag.details["entry_source_id"] == "BX-7"
    assert r.rule_identity_conflict(encounter(), matched(), NO_FACTS, ON) is None


def test_document_mismatch_only_for_another_document():
    flag = r.rule_document_mismatch(encounter(document_number="N1"), matched(relation=m.DOC_OTHER), NO_FACTS, ON)
    assert (flag.kind, flag.severity) == (r.DOCUMENT_MISMATCH, r.MEDIUM)
    assert flag.details["expected"]["document_number"] == "C1234567"
    assert flag.details["found"]["document_number"] == "N1"
    for relation in (m.DOC_SAME, m.DOC_TYPO, m.DOC_MISSING):
        assert r.rule_document_mismatch(encounter(), matched(relation=relation), NO_FACTS, ON) is None


def test_overstay_counts_days_after_permitted_until():
    flag = r.rule_overstay(encounter(), matched(entry(permitted_until=D(2026, 10, 31))), NO_FACTS, ON)
    assert (flag.kind, flag.severity, flag.details["days"]) == (r.OVERSTAY, r.HIGH, 20)
    assert r.rule_overstay(encounter(), matched(entry(permitted_until=ON)), NO_FACTS, ON) is None


def test_overstay_uses_the_latest_extension():
    ext = r.ExtensionFacts(D(2026, 10, 25), D(2026, 11, 30), "T", False, False)
    shorter = r.ExtensionFacts(D(2026, 10, 2), D(2026, 11, 5), "T", False, False)
    assert r.rule_overstay(encounter(), matched(), r.RegistryFacts(extensions=(ext, shorter)), ON) is None
    flag = r.rule_overstay(encounter(), matched(), r.RegistryFacts(extensions=(shorter,)), ON)
    assert flag.details["days"] == 15


def test_recorded_exit_and_not_overstay():
    e = entry(permitted_until=D(2026, 10, 31), exit_date=D(2026, 10, 20))
    flag = r.rule_recorded_exit(encounter(), matched(e), NO_FACTS, ON)
    assert (flag.kind, flag.severity) == (r.RECORDED_EXIT, r.HIGH)
    assert flag.details["found"]["exit_date"] == "2026-10-20"
    assert r.rule_overstay(encounter(), matched(e), NO_FACTS, ON) is None
    assert r.rule_recorded_exit(encounter(), matched(entry(exit_date=D(2026, 11, 25))), NO_FACTS, ON) is None


def test_work_not_permitted_for_workers_on_a_non_work_visa():
    worker = encounter(role="worker")
    flag = r.rule_work_not_permitted(worker, matched(), NO_FACTS, ON)
    assert (flag.kind, flag.severity, flag.details["found"]["visa_type"]) == (r.WORK_NOT_PERMITTED, r.MEDIUM, "T")
    assert r.rule_work_not_permitted(encounter(role="guest"), matched(), NO_FACTS, ON) is None
    assert r.rule_work_not_permitted(worker, matched(entry(visa_code="EB", visa_allows_work=True)), NO_FACTS,
                                     ON) is None
    converted = r.RegistryFacts(extensions=(r.ExtensionFacts(D(2026, 10, 20), D(2027, 10, 20), "EB", True, False),))
    assert r.rule_work_not_permitted(worker, matched(), converted, ON) is None


def test_no_work_permit_needs_one_valid_on_the_date():
    worker = encounter(role="worker")
    flag = r.rule_no_work_permit(worker, matched(), NO_FACTS, ON)
    assert (flag.kind, flag.severity) == (r.NO_WORK_PERMIT, r.MEDIUM)
    expired = r.RegistryFacts(work_permits=(r.PermitFacts(D(2025, 1, 1), D(2025, 12, 31)),))
    assert r.rule_no_work_permit(worker, matched(), expired, ON).details["found"]["latest_valid_until"] == "2025-12-31"
    valid = r.RegistryFacts(work_permits=(r.PermitFacts(D(2026, 1, 1), D(2026, 12, 31)),))
    assert r.rule_no_work_permit(worker, matched(), valid, ON) is None
    assert r.rule_no_work_permit(encounter(role="guest"), matched(), NO_FACTS, ON) is None


def test_not_registered_at_that_premises_on_that_date():
    guest = encounter(role="guest", premises_id="p1")
    flag = r.rule_not_registered(guest, matched(), NO_FACTS, ON)
    assert (flag.kind, flag.severity) == (r.NOT_REGISTERED, r.LOW)
    here = r.RegistryFacts(guest_registrations=(r.RegistrationFacts("p1", D(2026, 11, 1), None),))
    elsewhere = r.RegistryFacts(guest_registrations=(r.RegistrationFacts("p2", D(2026, 11, 1), None),))
    left = r.RegistryFacts(guest_registrations=(r.RegistrationFacts("p1", D(2026, 11, 1), D(2026, 11, 10)),))
    assert r.rule_not_registered(guest, matched(), here, ON) is None
    assert r.rule_not_registered(guest, matched(), elsewhere, ON) is not None
    assert r.rule_not_registered(guest, matched(), left, ON) is not None
    assert r.rule_not_registered(encounter(role="resident"), matched(), NO_FACTS, ON) is not None
    assert r.rule_not_registered(encounter(role="worker"), matched(), NO_FACTS, ON) is None


def test_document_expired_from_encounter_or_registry():
    flag = r.rule_document_expired(encounter(document_expiry=D(2026, 11, 19)), matched(), NO_FACTS, ON)
    assert (flag.kind, flag.severity, flag.details["found"]["expiry_date"]) == (r.DOCUMENT_EXPIRED, r.LOW,
                                                                                "2026-11-19")
    assert r.rule_document_expired(encounter(document_expiry=ON), matched(), NO_FACTS, ON) is None
    assert r.rule_document_expired(encounter(), matched(), r.RegistryFacts(document_expiry=D(2020, 1, 1)), ON)
    assert r.rule_document_expired(encounter(), matched(), NO_FACTS, ON) is None


@pytest.mark.parametrize("answers, met", [
    ({"document_withheld": "yes"}, True),
    ({"under_18": "yes"}, True),
    ({"debt_owed": "yes", "wages_withheld": "yes", "excessive_hours": "yes"}, True),
    ({"debt_owed": "yes", "wages_withheld": "yes", "excessive_hours": "unknown"}, False),
    ({"debt_owed": "yes", "wages_withheld": "yes"}, False),
    ({"document_withheld": "no", "not_free_to_leave": "unknown"}, False),
])
def test_trafficking_threshold(answers, met):
    screening = {name: "no" for name in SCREENING_QUESTIONS} | answers
    flag = r.make_rule_trafficking(SCREENING)(encounter(screening=screening), matched(), NO_FACTS, ON)
    assert (flag is not None) is met
    if met:
        assert (flag.kind, flag.severity) == (r.TRAFFICKING_INDICATORS, r.HIGH)


def test_threshold_is_a_setting():
    lenient = r.ScreeningSettings(strong=(), other_threshold=1, indicators=tuple(SCREENING_QUESTIONS))
    flag = r.make_rule_trafficking(lenient)(encounter(screening={"debt_owed": "yes"}), matched(), NO_FACTS, ON)
    assert flag is not None


def test_evaluate_clear():
    outcome = r.evaluate(encounter(), matched(entry(permitted_until=D(2026, 12, 31))),
                         r.RegistryFacts(guest_registrations=(r.RegistrationFacts("p1", D(2026, 11, 1), None),)),
                         SCREENING)
    assert outcome == r.Outcome(r.STATUS_CLEAR, ())


def test_non_punishment_holds_immigration_flags_when_trafficking_indicators_are_met():
    worker = encounter(role="worker", screening={"not_free_to_leave": "yes"})
    outcome = r.evaluate(worker, NO_MATCH, NO_FACTS, SCREENING)
    assert outcome.status == r.STATUS_FLAGGED
    assert kinds(outcome) == {r.NO_ENTRY_RECORD, r.NO_WORK_PERMIT, r.TRAFFICKING_INDICATORS}
    held = {f.kind: f.held_for_victim_screening for f in outcome.flags}
    assert held == {r.NO_ENTRY_RECORD: True, r.NO_WORK_PERMIT: True, r.TRAFFICKING_INDICATORS: False}


def test_without_indicators_nothing_is_held():
    outcome = r.evaluate(encounter(role="worker"), NO_MATCH, NO_FACTS, SCREENING)
    assert not any(f.held_for_victim_screening for f in outcome.flags)


@pytest.mark.parametrize("enc, match", [
    (encounter(document_type="D", screening={"not_free_to_leave": "yes"}, role="worker"), NO_MATCH),
    (encounter(role="worker"), matched(entry(visa_code="A", visa_is_diplomatic=True, permitted_until=D(2026, 10, 2)))),
])
def test_diplomatic_exemption_raises_nothing(enc, match):
    assert r.evaluate(enc, match, NO_FACTS, SCREENING) == r.Outcome(r.STATUS_EXEMPT, ())


def test_every_rule_can_fire_together_on_a_seeded_case():
    e = entry(permitted_until=D(2026, 10, 31))
    outcome = r.evaluate(encounter(role="worker", document_expiry=D(2026, 1, 1), document_number="N1"),
                         matched(e, relation=m.DOC_OTHER), NO_FACTS, SCREENING)
    assert kinds(outcome) == {r.DOCUMENT_MISMATCH, r.OVERSTAY, r.WORK_NOT_PERMITTED, r.NO_WORK_PERMIT,
                              r.DOCUMENT_EXPIRED}

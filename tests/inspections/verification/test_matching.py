import datetime as dt

import pytest

from inspections.verification import matching as m
from registry.normalisation import name_key

D = dt.date
SETTINGS = m.MatchSettings()
ON = D(2026, 11, 20)


def encounter(**kw):
    values = dict(key="e1", surname="NGUYEN", given_names="VAN AN", date_of_birth=D(1990, 4, 12), sex="M",
                  nationality="VNM", document_type="P", document_number="C1234567", issuing_country="VNM",
                  document_expiry=None, role="guest", premises_id="p1", inspected_on=ON)
    values.update(kw)
    return m.EncounterFacts(**values)


_ids = iter(range(1, 10_000))


def entry(**kw):
    values = dict(id=next(_ids), source_id="BX-1", foreigner_id=None, document_type="P", document_number="C1234567",
                  issuing_country="VNM", nationality="VNM", surname="NGUYEN", given_names="VAN AN",
                  date_of_birth=D(1990, 4, 12), sex="M", entry_date=D(2026, 10, 1),
                  permitted_until=D(2026, 10, 31), exit_date=None, visa_code="T", visa_allows_work=False,
                  visa_is_diplomatic=False)
    values.update(kw)
    values.setdefault("name_key", name_key(values["surname"], values["given_names"]))
    return m.EntryFacts(**values)


def run(enc, *entries, settings=SETTINGS):
    return m.match_encounter(enc, m.CandidateIndex(entries), settings)


def test_name_similarity_ignores_case_diacritics_spacing_and_order():
    assert m.name_similarity("Nguyễn", "văn  an", "NGUYEN", "VAN AN") == 1.0
    assert m.name_similarity("VAN AN", "NGUYEN", "NGUYEN", "VAN AN") == 1.0
    assert m.name_similarity("NGUYEN", "VANAN", "NGUYEN", "VAN AN") > 0.95


def test_name_similarity_folds_romanisation_variants_but_separates_other_names():
    assert m.name_similarity("MUHAMMAD", "RAHMAN", "MOHAMMED", "RAHMAN") > 0.9
    assert m.name_similarity("CHOUDHURY", "ABDUL", "CHOWDHURY", "ABDUL") > 0.9
    assert m.name_similarity("WANG", "WEI", "SMIRNOV", "DMITRY") < 0.6


def test_missing_given_names_cost_little():
    assert m.name_similarity("NGUYEN", "", "NGUYEN", "VAN AN") > 0.9


def test_dob_similarity_allows_day_month_swap():
    assert m.dob_similarity(D(1990, 4, 12), D(1990, 12, 4)) == 0.9
    assert m.dob_similarity(D(1990, 4, 12), D(1990, 4, 12)) == 1.0
    assert m.dob_similarity(D(1990, 4, 12), D(1991, 4, 12)) == 0.7
    assert m.dob_similarity(D(1990, 4, 12), D(1975, 8, 30)) == 0.0
    assert m.swapped_dob(D(1990, 4, 13)) is None


def test_document_variants_cover_recording_errors():
    variants = m.document_variants("C1234567")
    assert "C124567" in variants  # deletion
    assert "C2134567" in variants  # transposition
    assert "CI234567" in variants  # confusable
    assert m.is_one_edit("C1234567", "C1234568")
    assert m.is_one_edit("C1234567", "C2134567")
    assert not m.is_one_edit("C1234567", "N9876543")


def test_exact_match_on_document_and_country():
    e = entry(source_id="BX-9")
    result = run(encounter(document_number="c 123-4567"), e, entry(document_number="C1234567", issuing_country="CHN",
                                                                    source_id="BX-CHN", surname="WANG"))
    assert result.method == m.EXACT
    assert result.entry.source_id == "BX-9"
    assert result.score == 1.0
    assert result.document_relation == m.DOC_SAME


def test_latest_entry_on_or_before_the_inspection_date():
    old = entry(source_id="old", entry_date=D(2025, 1, 1), permitted_until=D(2025, 1, 31), exit_date=D(2025, 1, 20))
    new = entry(source_id="new", entry_date=D(2026, 11, 1), permitted_until=D(2026, 11, 30))
    future = entry(source_id="future", entry_date=D(2026, 12, 1), permitted_until=D(2026, 12, 30))
    assert run(encounter(), old, new, future).entry.source_id == "new"


def test_entries_after_the_inspection_do_not_match():
    result = run(encounter(), entry(entry_date=D(2026, 12, 1), permitted_until=D(2026, 12, 30)))
    assert result.method == m.NONE and result.entry is None


def test_identity_conflict_when_document_matches_but_person_does_not():
    result = run(encounter(surname="PETROV", given_names="IVAN", date_of_birth=D(1970, 1, 30)), entry())
    assert result.entry is None
    assert result.conflict is not None and result.conflict.source_id == "BX-1"
    assert result.conflict_score < SETTINGS.identity_threshold


def test_fuzzy_match_on_another_document_reports_the_relation():
    result = run(encounter(document_number="N7654321"), entry(document_number="C9999999"))
    assert result.method == m.FUZZY
    assert result.document_relation == m.DOC_OTHER
    assert result.score >= SETTINGS.match_threshold


def test_fuzzy_match_survives_swapped_names_typo_and_dob_swap():
    enc = encounter(surname="VAN ANN", given_names="NGUYEN", date_of_birth=D(1990, 12, 4), document_number="C1234576")
    result = run(enc, entry())
    assert result.method == m.FUZZY
    assert result.document_relation == m.DOC_TYPO


def test_fuzzy_match_blocks_on_name_key_when_the_nationality_is_recorded_wrong():
    enc = encounter(nationality="CHN", issuing_country="VNM", document_number="X0000001")
    result = run(enc, entry(document_number="C9999999"))
    assert (result.method, result.document_relation) == (m.FUZZY, m.DOC_OTHER)


def test_fuzzy_match_blocks_on_a_document_number_one_edit_away():
    enc = encounter(date_of_birth=D(1991, 4, 12), document_number="C12345678")
    result = run(enc, entry(document_number="C1234567"))
    assert (result.method, result.document_relation) == (m.FUZZY, m.DOC_TYPO)


def test_without_document_evidence_a_dob_typo_is_not_enough():
    enc = encounter(date_of_birth=D(1991, 4, 12), document_number="X0000001")
    assert run(enc, entry(document_number="Q5555555")).method == m.NONE
    assert run(encounter(date_of_birth=D(1990, 12, 4), document_number="X0000001"),
               entry(document_number="Q5555555")).method == m.FUZZY


def test_a_different_person_with_the_same_birthday_is_not_matched():
    result = run(encounter(surname="TRAN", given_names="THI MAI", sex="F", document_number="N1"), entry())
    assert result.method == m.NONE


def test_two_close_identities_are_ambiguous_and_nothing_is_matched():
    a = entry(source_id="a", document_number="A1111111")
    b = entry(source_id="b", document_number="B2222222")
    result = run(encounter(document_number="Z9999999"), a, b)
    assert result.entry is None and result.ambiguous == 2


def test_entries_of_one_foreigner_form_one_identity():
    a = entry(source_id="a", document_number="A1111111", foreigner_id="f1", entry_date=D(2026, 1, 1),
              permitted_until=D(2026, 1, 30), exit_date=D(2026, 1, 20))
    b = entry(source_id="b", document_number="B2222222", foreigner_id="f1", entry_date=D(2026, 10, 1))
    result = run(encounter(document_number="Z9999999"), a, b)
    assert result.entry.source_id == "b"


def test_exact_match_prefers_the_persons_latest_entry_on_a_newer_document():
    old = entry(source_id="old", foreigner_id="f1", entry_date=D(2025, 1, 1), permitted_until=D(2025, 1, 30),
                exit_date=D(2025, 1, 20))
    new = entry(source_id="new", foreigner_id="f1", document_number="N8888888", entry_date=D(2026, 10, 1))
    result = run(encounter(), old, new)
    assert result.method == m.EXACT and result.entry.source_id == "new"
    assert result.document_relation == m.DOC_OTHER


def test_thresholds_come_from_the_settings_object():
    enc = encounter(document_number="N7654321", given_names="")
    strict = m.MatchSettings.from_mapping({"MATCH_THRESHOLD": 0.99, "RULES_VERSION": "x"})
    assert strict.match_threshold == 0.99
    assert run(enc, entry(document_number="C9999999")).method == m.FUZZY
    assert run(enc, entry(document_number="C9999999"), settings=strict).method == m.NONE


@pytest.mark.parametrize("nationality_dob, expected",
                         [(("VNM", D(1990, 4, 12)), True), (("THA", D(1990, 4, 12)), False)])
def test_blocking_keys_cover_nationality_dob_and_swap(nationality_dob, expected):
    keys = m.blocking_keys([encounter()])
    nat, dob = nationality_dob
    assert (dob in keys.nationality_dobs.get(nat, ())) is expected
    assert D(1990, 12, 4) in keys.nationality_dobs["VNM"]
    assert "C1234567" in keys.documents and "C124567" in keys.documents
    assert name_key("NGUYEN", "VAN AN") in keys.name_keys

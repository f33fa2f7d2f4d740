"""The officer field app's pages: rendering, validation next to the field, scoping (404), audit rows,
constant query counts."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import AuditEvent, AuditKind, Role
from inspections.models import (
    Answer,
    Encounter,
    EncounterRole,
    FlagKind,
    Inspection,
    InspectionStatus,
    Verification,
    VerificationStatus,
)
from registry.models import Premises
from tests.accounts.factories import user_with_role
from tests.inspections.factories import EncounterFactory, FlagFactory, InspectionFactory
from tests.registry.factories import PremisesFactory, district

pytestmark = pytest.mark.django_db

SPECIMEN_MRZ = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"


@pytest.fixture(autouse=True)
def _no_worker(monkeypatch):
    """Verification is another component: submitting only records that it was asked for."""
    calls = []
    monkeypatch.setattr("inspections.services._enqueue_verification", calls.append)
    return calls


@pytest.fixture(autouse=True)
def _english_afterwards():
    """A request in Khmer leaves Khmer active in this thread (LocaleMiddleware): put English back."""
    yield
    translation.activate("en")


@pytest.fixture
def premises(phnom_penh):
    return PremisesFactory(name="Golden Lotus Guesthouse", registration_number="REG-7", district=district("KH-12"))


@pytest.fixture
def inspection(officer, station, premises):
    return InspectionFactory(premises=premises, unit=station, lead_officer=officer)


@pytest.fixture
def other_inspection(other_officer, other_station, siem_reap):
    return InspectionFactory(premises=PremisesFactory(district=district("KH-17")), unit=other_station,
                             lead_officer=other_officer)


def person_data(**overrides):
    data = {
        "surname": "Nguyen", "given_names": "Van An", "native_name": "", "date_of_birth": "1990-04-12", "sex": "M",
        "nationality": "vnm", "role": "guest", "document_type": "P", "document_number": "C 1234567",
        "document_issuing_country": "VNM", "document_expiry": "2030-01-01", "mrz": "",
    }
    data.update(overrides)
    return data


def inspection_data(**overrides):
    data = {"started_at": "2026-11-20T09:30", "ended_at": "", "foreigners_present": "3", "refused_access": "0",
            "notes": "Back gate locked", "latitude": "11.562108", "longitude": "104.888535"}
    data.update(overrides)
    return data


# --- pages render ------------------------------------------------------------------------------

def test_home_lists_own_drafts_and_units_submitted(client, officer, inspection, station, premises):
    submitted = InspectionFactory(premises=PremisesFactory(name="Mekong Tower Site"), unit=station,
                                  lead_officer=user_with_role(Role.OFFICER, station, username="colleague"),
                                  status=InspectionStatus.SUBMITTED, submitted_at=timezone.now())
    client.force_login(officer)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Golden Lotus Guesthouse" in body
    assert "Mekong Tower Site" in body
    assert reverse("inspection_detail", args=[submitted.pk]) in body
    assert "Start inspection" in body


def test_home_for_supervisor_and_analyst_links_elsewhere(client, supervisor, analyst):
    client.force_login(supervisor)
    assert 'href="/dashboard/"' in client.get(reverse("home")).content.decode()
    client.force_login(analyst)
    assert 'href="/api/docs/"' in client.get(reverse("home")).content.decode()


def test_premises_search_page_and_htmx_partial(client, officer, premises):
    client.force_login(officer)
    response = client.get(reverse("registry:premises_search"), {"q": "lotus"})
    assert response.status_code == 200
    assert "Golden Lotus Guesthouse" in response.content.decode()
    assert "<html" in response.content.decode()
    partial = client.get(reverse("registry:premises_search"), {"q": "REG-7"}, HTTP_HX_REQUEST="true")
    assert "Golden Lotus Guesthouse" in partial.content.decode()
    assert "<html" not in partial.content.decode()
    none = client.get(reverse("registry:premises_search"), {"q": "nothing like this"}, HTTP_HX_REQUEST="true")
    assert "No premises found" in none.content.decode()


def test_premises_search_hides_other_jurisdictions(client, officer, premises):
    PremisesFactory(name="Angkor Lotus Hotel", district=district("KH-17"))
    client.force_login(officer)
    body = client.get(reverse("registry:premises_search"), {"q": "lotus"}).content.decode()
    assert "Golden Lotus Guesthouse" in body
    assert "Angkor Lotus Hotel" not in body


def test_premises_create_then_start_inspection(client, officer, phnom_penh):
    client.force_login(officer)
    assert client.get(reverse("registry:premises_create")).status_code == 200
    response = client.post(reverse("registry:premises_create"), {
        "premises_type": "construction", "name": "Riverside Tower", "registration_number": "co-991",
        "address": "Sisowath Quay", "district": district("KH-12").pk, "latitude": "11.5", "longitude": "104.9",
    })
    assert response.status_code == 302
    premises = Premises.objects.get(name="Riverside Tower")
    assert premises.registration_number == "CO-991"
    assert premises.created_by == officer
    response = client.post(reverse("inspection_start"), {"premises": premises.pk})
    inspection = Inspection.objects.get(premises=premises)
    assert response.status_code == 302
    assert response.url == reverse("inspection_detail", args=[inspection.pk])
    assert inspection.lead_officer == officer and inspection.status == InspectionStatus.DRAFT


def test_premises_form_errors_next_to_field_and_input_kept(client, officer, phnom_penh):
    client.force_login(officer)
    response = client.post(reverse("registry:premises_create"), {
        "premises_type": "hotel", "name": "", "address": "Street 13", "district": district("KH-17").pk,
        "latitude": "95", "longitude": "",
    })
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="id_name_error"' in body
    assert 'aria-describedby="id_name_error"' in body and 'aria-invalid="true"' in body
    assert 'id="id_district_error"' in body  # Siem Reap is outside a Phnom Penh station's jurisdiction
    assert 'id="id_latitude_error"' in body
    assert 'value="Street 13"' in body
    assert not Premises.objects.filter(address="Street 13").exists()


def test_inspection_page_renders_form_and_people(client, officer, inspection):
    EncounterFactory(inspection=inspection, surname="WANG", given_names="LI")
    client.force_login(officer)
    response = client.get(reverse("inspection_detail", args=[inspection.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "WANG, LI" in body
    assert reverse("inspection_autosave", args=[inspection.pk]) in body
    assert f'data-draft-key="inspection:{inspection.pk}:details"' in body
    assert 'for="id_foreigners_present"' in body


def test_inspection_save_and_autosave(client, officer, station, inspection):
    colleague = user_with_role(Role.OFFICER, station, username="colleague")
    client.force_login(officer)
    response = client.post(reverse("inspection_detail", args=[inspection.pk]),
                           inspection_data(team=[colleague.pk]))
    assert response.status_code == 302
    inspection.refresh_from_db()
    assert inspection.foreigners_present == 3 and inspection.notes == "Back gate locked"
    assert list(inspection.team.all()) == [colleague]
    response = client.post(reverse("inspection_autosave", args=[inspection.pk]),
                           inspection_data(foreigners_present="7"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'data-autosave="ok"' in response.content.decode()
    inspection.refresh_from_db()
    assert inspection.foreigners_present == 7
    assert list(inspection.team.all()) == []
    bad = client.post(reverse("inspection_autosave", args=[inspection.pk]),
                      inspection_data(foreigners_present="-2"), HTTP_HX_REQUEST="true")
    assert 'data-autosave="invalid"' in bad.content.decode()
    assert "Foreigners present" in bad.content.decode()
    inspection.refresh_from_db()
    assert inspection.foreigners_present == 7


def test_inspection_form_errors_next_to_field_and_input_kept(client, officer, inspection):
    client.force_login(officer)
    response = client.post(reverse("inspection_detail", args=[inspection.pk]),
                           inspection_data(refused_access="many", ended_at="2026-11-20T08:00"))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="id_refused_access_error"' in body
    assert 'id="id_ended_at_error"' in body and "before the start time" in body
    assert 'value="many"' in body and "Back gate locked" in body
    assert "data-draft-bound" in body


def test_encounter_add_with_screening(client, officer, inspection):
    client.force_login(officer)
    assert client.get(reverse("encounter_add", args=[inspection.pk])).status_code == 200
    response = client.post(reverse("encounter_add", args=[inspection.pk]),
                           person_data(role="worker", document_withheld="yes", debt_owed="no"))
    assert response.status_code == 302
    encounter = Encounter.objects.get(inspection=inspection)
    assert encounter.surname == "NGUYEN" and encounter.nationality == "VNM"
    assert encounter.document_number == "C1234567"
    assert encounter.role == EncounterRole.WORKER
    assert encounter.document_withheld == Answer.YES and encounter.debt_owed == Answer.NO
    assert encounter.isolated == Answer.UNKNOWN
    assert encounter.recorded_by == officer


def test_encounter_form_errors_next_to_field_and_input_kept(client, officer, inspection):
    client.force_login(officer)
    response = client.post(reverse("encounter_add", args=[inspection.pk]),
                           person_data(surname="", nationality="Vietnam", date_of_birth="31.31.1990",
                                       given_names="Van An", document_type=""))
    assert response.status_code == 200
    body = response.content.decode()
    for name in ("surname", "nationality", "date_of_birth", "document_type"):
        assert f'id="id_{name}_error"' in body, name
        assert f'aria-describedby="id_{name}_error"' in body or f'id_{name}_helptext id_{name}_error' in body
    assert 'value="Van An"' in body and 'value="Vietnam"' in body and 'value="31.31.1990"' in body
    assert not Encounter.objects.exists()


def test_mrz_fills_the_form(client, officer, inspection):
    client.force_login(officer)
    response = client.post(reverse("encounter_add", args=[inspection.pk]),
                           {"mrz": SPECIMEN_MRZ, "action": "mrz", "role": "worker"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body and 'id="person-form"' in body
    assert 'value="ERIKSSON"' in body and 'value="ANNA MARIA"' in body
    assert 'value="1974-08-12"' in body and 'value="L898902C3"' in body
    assert 'value="UTO"' in body
    assert '<option value="F" selected>' in body
    assert '<option value="worker" selected>' in body  # what was typed is kept
    assert "check digits correct" in body
    assert "L898902C3" not in response.get("Location", "")
    assert not Encounter.objects.exists()


def test_mrz_with_a_wrong_check_digit_says_which(client, officer, inspection):
    client.force_login(officer)
    bad = SPECIMEN_MRZ.replace("L898902C36", "L898902C37")
    response = client.post(reverse("encounter_add", args=[inspection.pk]),
                           {"mrz": bad, "action": "mrz", "surname": "Typed"})
    body = response.content.decode()
    assert "The document number check digit is wrong." in body
    assert 'id="id_mrz_error"' in body and 'aria-invalid="true"' in body
    assert 'value="Typed"' in body
    assert "<html" in body  # without htmx: the whole page


def test_encounter_edit_and_remove(client, officer, inspection):
    encounter = EncounterFactory(inspection=inspection, surname="WANG", recorded_by=officer)
    client.force_login(officer)
    url = reverse("encounter_edit", args=[inspection.pk, encounter.pk])
    page = client.get(url).content.decode()
    assert 'value="WANG"' in page
    response = client.post(url, person_data(surname="Wang", given_names="Li Na", sex="F", nationality="CHN",
                                            document_issuing_country="CHN"))
    assert response.status_code == 302
    encounter.refresh_from_db()
    assert encounter.given_names == "LI NA" and encounter.nationality == "CHN"
    remove = reverse("encounter_remove", args=[inspection.pk, encounter.pk])
    assert client.get(remove).status_code == 200
    assert client.post(remove).status_code == 302
    assert not Encounter.objects.filter(pk=encounter.pk).exists()


def test_submit_confirm_then_submit(client, officer, inspection, _no_worker):
    EncounterFactory(inspection=inspection, surname="WANG")
    client.force_login(officer)
    confirm = client.get(reverse("inspection_submit", args=[inspection.pk]))
    assert confirm.status_code == 200 and "WANG" in confirm.content.decode()
    response = client.post(reverse("inspection_submit", args=[inspection.pk]))
    assert response.status_code == 302
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.SUBMITTED
    page = client.get(reverse("inspection_detail", args=[inspection.pk])).content.decode()
    assert "Checking…" in page
    assert 'hx-trigger="every 1500ms"' in page
    # a submitted inspection can no longer be changed
    again = client.post(reverse("encounter_add", args=[inspection.pk]), person_data())
    assert again.status_code == 302
    assert Encounter.objects.filter(inspection=inspection).count() == 1


def test_results_partial_shows_each_result_and_stops_polling(client, officer, inspection):
    clear = EncounterFactory(inspection=inspection, surname="CLEAR")
    flagged = EncounterFactory(inspection=inspection, surname="FLAGGED", role=EncounterRole.WORKER)
    exempt = EncounterFactory(inspection=inspection, surname="EXEMPT")
    errored = EncounterFactory(inspection=inspection, surname="ERRORED")
    inspection.status = InspectionStatus.SUBMITTED
    inspection.save()
    for encounter in (clear, flagged, exempt, errored):
        Verification.objects.create(encounter=encounter)
    client.force_login(officer)
    url = reverse("inspection_results", args=[inspection.pk])
    body = client.get(url).content.decode()
    assert body.count("Checking…") == 4 and "hx-trigger" in body

    Verification.objects.filter(encounter=clear).update(status=VerificationStatus.CLEAR)
    Verification.objects.filter(encounter=exempt).update(status=VerificationStatus.EXEMPT)
    Verification.objects.filter(encounter=errored).update(status=VerificationStatus.ERROR)
    Verification.objects.filter(encounter=flagged).update(status=VerificationStatus.FLAGGED)
    FlagFactory(encounter=flagged, kind=FlagKind.OVERSTAY, details={"days": 12}, held_for_victim_screening=True)
    FlagFactory(encounter=flagged, kind=FlagKind.TRAFFICKING_INDICATORS, details={})
    body = client.get(url).content.decode()
    assert 'hx-trigger="every 10s"' in body  # nothing pending; slow polling while the worker retries the error
    assert "Clear" in body and "Exempt (diplomatic)" in body and "Error — will retry" in body
    assert "Overstay" in body and "12 days over the permitted stay" in body
    assert "held for victim screening" in body and "Trafficking indicators" in body

    assert "Checking…" not in body

    Verification.objects.filter(encounter=errored).update(status=VerificationStatus.CLEAR)
    body = client.get(url).content.decode()
    assert "hx-trigger" not in body  # every result is in: polling stops


# --- scoping: another unit's officer gets 404 everywhere ---------------------------------------

def _field_urls(inspection, encounter):
    return [
        reverse("inspection_detail", args=[inspection.pk]),
        reverse("inspection_autosave", args=[inspection.pk]),
        reverse("inspection_results", args=[inspection.pk]),
        reverse("inspection_submit", args=[inspection.pk]),
        reverse("encounter_add", args=[inspection.pk]),
        reverse("encounter_edit", args=[inspection.pk, encounter.pk]),
        reverse("encounter_remove", args=[inspection.pk, encounter.pk]),
    ]


def test_other_units_officer_gets_404_on_every_url(client, officer, other_inspection):
    encounter = EncounterFactory(inspection=other_inspection)
    client.force_login(officer)
    for url in _field_urls(other_inspection, encounter):
        assert client.get(url).status_code == 404, url
        assert client.post(url, person_data() | inspection_data()).status_code == 404, url
        assert client.post(url, {"action": "mrz", "mrz": SPECIMEN_MRZ}).status_code == 404, url
    assert client.post(reverse("inspection_start"), {"premises": other_inspection.premises_id}).status_code == 404
    other_inspection.refresh_from_db()
    encounter.refresh_from_db()
    assert other_inspection.status == InspectionStatus.DRAFT and encounter.surname == "NGUYEN"
    assert not AuditEvent.objects.filter(actor=officer, kind=AuditKind.READ).exists()


def test_encounter_of_another_inspection_is_404(client, officer, inspection, station):
    mine_elsewhere = EncounterFactory(inspection=InspectionFactory(unit=station, lead_officer=officer))
    client.force_login(officer)
    assert client.get(reverse("encounter_edit", args=[inspection.pk, mine_elsewhere.pk])).status_code == 404


def test_get_only_urls_refuse_post_and_autosave_refuses_get(client, officer, inspection):
    client.force_login(officer)
    assert client.get(reverse("inspection_autosave", args=[inspection.pk])).status_code == 405
    assert client.post(reverse("inspection_results", args=[inspection.pk])).status_code == 405
    assert client.get(reverse("inspection_start")).status_code == 405


def test_anonymous_is_sent_to_login(client, inspection):
    response = client.get(reverse("inspection_detail", args=[inspection.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response.url


# --- consultations are audited -------------------------------------------------------------------

def test_pages_with_people_record_consultations(client, officer, inspection):
    people = [EncounterFactory(inspection=inspection, surname=f"P{i}") for i in range(3)]
    client.force_login(officer)
    client.get(reverse("inspection_detail", args=[inspection.pk]))
    reads = AuditEvent.objects.filter(actor=officer, kind=AuditKind.READ)
    assert {r.object_id for r in reads} == {str(p.pk) for p in people}
    assert {r.purpose for r in reads} == {f"inspection:{inspection.pk}"}
    client.get(reverse("encounter_edit", args=[inspection.pk, people[0].pk]))
    assert AuditEvent.objects.filter(actor=officer, kind=AuditKind.READ, action="encounter.view",
                                     object_id=str(people[0].pk), purpose=f"inspection:{inspection.pk}").exists()
    before = AuditEvent.objects.filter(actor=officer, kind=AuditKind.READ).count()
    client.get(reverse("inspection_results", args=[inspection.pk]))
    assert AuditEvent.objects.filter(actor=officer, kind=AuditKind.READ).count() == before + 3


def test_document_numbers_never_in_urls(client, officer, inspection):
    client.force_login(officer)
    response = client.post(reverse("encounter_add", args=[inspection.pk]), person_data(document_number="X9988776"))
    assert "X9988776" not in response["Location"]
    page = client.get(reverse("inspection_detail", args=[inspection.pk])).content.decode()
    assert "X9988776" not in page  # the list shows names, never document numbers


# --- query counts do not grow with the number of people -------------------------------------------

def _with_people(inspection, count):
    for i in range(count):
        encounter = EncounterFactory(inspection=inspection, surname=f"PERSON{i}")
        Verification.objects.create(encounter=encounter, status=VerificationStatus.FLAGGED)
        FlagFactory(encounter=encounter)


@pytest.mark.parametrize("people", [1, 20])
def test_inspection_page_query_count_is_constant(client, officer, inspection, people,
                                                 django_assert_max_num_queries):
    _with_people(inspection, people)
    inspection.status = InspectionStatus.SUBMITTED
    inspection.save()
    client.force_login(officer)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("inspection_detail", args=[inspection.pk]))
    assert response.content.decode().count('class="person"') == people
    with django_assert_max_num_queries(12):
        client.get(reverse("inspection_results", args=[inspection.pk]))


@pytest.mark.parametrize("people", [1, 20])
def test_draft_inspection_page_query_count_is_constant(client, officer, inspection, people,
                                                       django_assert_max_num_queries):
    _with_people(inspection, people)
    client.force_login(officer)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("inspection_detail", args=[inspection.pk]))
    assert response.content.decode().count('class="person"') == people


@pytest.mark.parametrize("inspections", [1, 20])
def test_home_query_count_is_constant(client, officer, station, inspections, django_assert_max_num_queries):
    for i in range(inspections):
        draft = InspectionFactory(unit=station, lead_officer=officer,
                                  started_at=timezone.now() - datetime.timedelta(hours=i))
        EncounterFactory(inspection=draft)
        InspectionFactory(unit=station, lead_officer=officer, status=InspectionStatus.SUBMITTED,
                          submitted_at=timezone.now())
    client.force_login(officer)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("home"))
    assert response.status_code == 200


# --- Khmer ----------------------------------------------------------------------------------------

def test_khmer_catalogue_is_complete_and_compiled(settings):
    import re

    po = (settings.BASE_DIR / "locale" / "km" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    entries = [e for e in po.split("\n\n")[1:] if "msgid" in e and not e.lstrip().startswith("#~")]
    untranslated = [e for e in entries if re.search(r'^msgstr(\[0\])? ""$', e, re.M)
                    and not re.search(r'^msgstr(\[0\])? ""\n"', e, re.M)]
    assert untranslated == []
    assert "#, fuzzy" not in po
    with translation.override("km"):
        assert translation.gettext("Start inspection") == "ចាប់ផ្ដើមការត្រួតពិនិត្យ"
        assert str(FlagKind.OVERSTAY.label) == "ស្នាក់នៅហួសកំណត់"


def test_pages_render_in_khmer(client, officer, inspection):
    EncounterFactory(inspection=inspection, role=EncounterRole.WORKER)
    client.force_login(officer)
    client.cookies["django_language"] = "km"
    body = client.get(reverse("inspection_detail", args=[inspection.pk])).content.decode()
    assert 'lang="km"' in body and "បុគ្គលដែលបានជួប" in body and "កម្មករ" in body
    body = client.get(reverse("encounter_add", args=[inspection.pk])).content.decode()
    assert "តើអ្នករស់នៅកន្លែងដែលអ្នកធ្វើការទេ?" in body


def test_home_counts_people_once_whatever_the_team(client, officer, station, inspection):
    team = [user_with_role(Role.OFFICER, station, username=f"team{i}") for i in range(3)]
    inspection.team.set(team)
    EncounterFactory(inspection=inspection)
    client.force_login(officer)
    body = client.get(reverse("home")).content.decode()
    assert "1 person" in body and "3 people" not in body
    client.force_login(team[0])  # a team member sees the draft too
    assert "Golden Lotus Guesthouse" in client.get(reverse("home")).content.decode()


def test_supervisor_sees_the_inspection_read_only(client, supervisor, inspection):
    EncounterFactory(inspection=inspection, surname="WANG")
    client.force_login(supervisor)
    response = client.get(reverse("inspection_detail", args=[inspection.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "WANG" in body and "inspection_autosave" not in body and "Add person" not in body
    assert client.post(reverse("inspection_autosave", args=[inspection.pk]), inspection_data()).status_code == 403
    assert client.post(reverse("encounter_add", args=[inspection.pk]), person_data()).status_code == 403
    assert client.post(reverse("inspection_submit", args=[inspection.pk])).status_code == 403
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.DRAFT


def test_submitting_twice_is_harmless(client, officer, inspection, _no_worker, django_capture_on_commit_callbacks):
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("inspection_submit", args=[inspection.pk])).status_code == 302
        response = client.post(reverse("inspection_submit", args=[inspection.pk]), follow=True)
    assert response.status_code == 200
    assert "can no longer be changed" in response.content.decode()
    assert _no_worker == [str(inspection.pk)]

import csv
import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import AuditEvent, AuditKind, Role
from inspections.models import (
    Answer,
    Decision,
    DecisionOutcome,
    FlagKind,
    FlagStatus,
    Referral,
    ReferralOutcome,
    Severity,
)
from registry.models import PremisesType
from tests.accounts.factories import UnitFactory, user_with_role
from tests.inspections.dashboard_helpers import flag_for, inspection_at, matched_entry, premises_in
from tests.inspections.factories import EncounterFactory
from tests.registry.factories import (
    GuestRegistrationFactory,
    StayExtensionFactory,
    WorkPermitFactory,
)

pytestmark = pytest.mark.django_db

QUEUE = reverse("dashboard-queue")


@pytest.fixture
def client_sup(client, supervisor):
    client.force_login(supervisor)
    return client


@pytest.fixture
def other_supervisor(other_station):
    return user_with_role(Role.SUPERVISOR, other_station, username="other-supervisor")


def _page_urls(flag, premises):
    return [
        QUEUE, reverse("dashboard-export-csv"), reverse("dashboard-export-xlsx"),
        reverse("dashboard-case", args=[flag.pk]), reverse("dashboard-referrals"),
        reverse("dashboard-premises-ranking"), reverse("dashboard-premises", args=[premises.pk]),
        reverse("dashboard-overview"),
    ]


# --- access -----------------------------------------------------------------------------------

@pytest.mark.parametrize("role", [Role.OFFICER, Role.ANALYST])
def test_officers_and_analysts_are_refused_every_dashboard_page(client, station, role):
    user = user_with_role(role, station, username=f"a-{role}")
    flag = flag_for()
    client.force_login(user)
    for url in _page_urls(flag, flag.encounter.inspection.premises):
        assert client.get(url).status_code == 403, url
    response = client.post(reverse("dashboard-decide", args=[flag.pk]),
                           {"outcome": "start_review", "expected_version": 0})
    assert response.status_code == 403
    assert not Decision.objects.exists()


def test_anonymous_is_sent_to_login(client):
    response = client.get(QUEUE)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_supervisor_of_another_jurisdiction_gets_404_for_objects(client, other_supervisor):
    flag = flag_for()  # Phnom Penh
    client.force_login(other_supervisor)
    assert client.get(reverse("dashboard-case", args=[flag.pk])).status_code == 404
    assert client.get(reverse("dashboard-premises", args=[flag.encounter.inspection.premises_id])).status_code == 404
    response = client.post(reverse("dashboard-decide", args=[flag.pk]),
                           {"outcome": "dismiss", "expected_version": 0, "reason": "x"})
    assert response.status_code == 404
    referral = Referral.objects.create(encounter=flag.encounter, flag=flag, organisation="NGO",
                                       referred_by=user_with_role(Role.SUPERVISOR, UnitFactory(is_national=True)))
    response = client.post(reverse("dashboard-referral-outcome", args=[referral.pk]), {"outcome": "accepted"})
    assert response.status_code == 404
    # and the queue does not list it
    assert str(flag.pk) not in client.get(QUEUE).content.decode()


def test_unknown_ids_are_404(client_sup):
    assert client_sup.get(reverse("dashboard-case", args=["00000000-0000-0000-0000-000000000000"])).status_code == 404


# --- case queue --------------------------------------------------------------------------------

def test_queue_lists_flags_in_jurisdiction_without_document_numbers(client_sup):
    mine = flag_for()
    theirs = flag_for(premises=premises_in("KH-17"))
    html = client_sup.get(QUEUE).content.decode()
    assert reverse("dashboard-case", args=[mine.pk]) in html
    assert reverse("dashboard-case", args=[theirs.pk]) not in html
    assert mine.encounter.surname in html
    assert mine.encounter.document_number not in html


def test_queue_records_a_consultation_per_person_shown(client_sup, supervisor):
    flags = [flag_for() for _ in range(3)]
    client_sup.get(QUEUE)
    events = AuditEvent.objects.filter(actor=supervisor, kind=AuditKind.READ, purpose="queue")
    assert {e.object_id for e in events} == {str(f.encounter_id) for f in flags}


def test_queue_defaults_to_active_statuses_and_counts_every_status(client_sup):
    flag_for(status=FlagStatus.OPEN)
    flag_for(status=FlagStatus.OPEN)
    dismissed = flag_for(status=FlagStatus.DISMISSED)
    response = client_sup.get(QUEUE)
    assert response.context["total"] == 2
    counts = {f["value"]: f["count"] for f in response.context["status_facet"]}
    assert counts[FlagStatus.OPEN] == 2 and counts[FlagStatus.DISMISSED] == 1
    assert reverse("dashboard-case", args=[dismissed.pk]) not in response.content.decode()


def test_queue_filters_and_counts_per_kind_under_the_other_filters(client_sup):
    flag_for(kind=FlagKind.OVERSTAY)
    flag_for(kind=FlagKind.OVERSTAY, status=FlagStatus.DISMISSED)
    flag_for(kind=FlagKind.NO_WORK_PERMIT, severity=Severity.MEDIUM)
    response = client_sup.get(QUEUE, {"status": ["open"], "kind": ["OVERSTAY"]})
    assert response.context["total"] == 1
    kinds = {f["value"]: f["count"] for f in response.context["kind_facet"]}
    # the kind counts ignore the kind filter but honour the status filter
    assert kinds[FlagKind.OVERSTAY] == 1 and kinds[FlagKind.NO_WORK_PERMIT] == 1
    statuses = {f["value"]: f["count"] for f in response.context["status_facet"]}
    assert statuses[FlagStatus.OPEN] == 1 and statuses[FlagStatus.DISMISSED] == 1
    assert [f.kind for f in response.context["flags"]] == [FlagKind.OVERSTAY]


def test_queue_filters_by_date_nationality_premises_type_and_assignee(client_sup, supervisor):
    early = flag_for(premises=premises_in(premises_type=PremisesType.BRICK_KILN),
                     inspected_on=datetime.date(2026, 10, 1))
    late = flag_for(inspected_on=datetime.date(2026, 11, 20), nationality="CHN", assignee=supervisor)
    ids = lambda response: {f.pk for f in response.context["flags"]}  # noqa: E731
    assert ids(client_sup.get(QUEUE, {"inspected_before": "2026-10-31"})) == {early.pk}
    assert ids(client_sup.get(QUEUE, {"inspected_after": "2026-11-01"})) == {late.pk}
    assert ids(client_sup.get(QUEUE, {"nationality": "chn"})) == {late.pk}
    assert ids(client_sup.get(QUEUE, {"premises_type": "brick_kiln"})) == {early.pk}
    assert ids(client_sup.get(QUEUE, {"assignee": supervisor.pk})) == {late.pk}
    assert ids(client_sup.get(QUEUE, {"unassigned": "true"})) == {early.pk}


def test_queue_sorts_and_paginates(client_sup):
    inspection = inspection_at(premises_in())
    flags = [flag_for(inspection=inspection, inspected_on=datetime.date(2026, 11, 1) + datetime.timedelta(days=i))
             for i in range(55)]
    response = client_sup.get(QUEUE, {"ordering": "inspected_on"})
    assert response.context["flags"][0] == flags[0]
    assert len(response.context["flags"]) == 50
    assert response.context["page"].paginator.num_pages == 2
    second = client_sup.get(QUEUE, {"ordering": "inspected_on", "page": 2})
    assert [f.pk for f in second.context["flags"]] == [f.pk for f in flags[50:]]


def test_queue_invalid_filter_value_is_reported_not_a_500(client_sup):
    flag_for(kind=FlagKind.OVERSTAY)
    flag_for(kind=FlagKind.NO_WORK_PERMIT)
    response = client_sup.get(QUEUE, {"inspected_after": "not-a-date", "province": "999999", "kind": ["OVERSTAY"]})
    assert response.status_code == 200
    assert "Enter a valid date" in response.content.decode()
    # the valid filters still apply, to the list and to the counts alike
    assert response.context["total"] == 1 and len(response.context["flags"]) == 1


def test_htmx_request_gets_only_the_results(client_sup):
    flag_for(kind=FlagKind.TRAFFICKING_INDICATORS)
    full = client_sup.get(QUEUE).content.decode()
    partial = client_sup.get(QUEUE, headers={"HX-Request": "true"}).content.decode()
    assert "Victim referral queue" in full and "<html" in full
    assert "Victim referral queue" not in partial and "<html" not in partial
    assert 'id="queue-filters"' in partial


def test_victim_queue_comes_first_with_the_held_immigration_flags(client_sup):
    premises = premises_in()
    encounter = EncounterFactory(inspection=inspection_at(premises), surname="PHAN")
    case = flag_for(encounter=encounter, kind=FlagKind.TRAFFICKING_INDICATORS)
    flag_for(encounter=encounter, kind=FlagKind.OVERSTAY, held_for_victim_screening=True)
    flag_for(kind=FlagKind.TRAFFICKING_INDICATORS, status=FlagStatus.REFERRED)  # already handled
    response = client_sup.get(QUEUE)
    html = response.content.decode()
    assert [c.pk for c in response.context["victims"]] == [case.pk]
    assert html.index("Victim referral queue") < html.index("Case queue</h1>")
    victims_html = html[html.index("victims-title"):html.index("Case queue</h1>")]
    assert "PHAN" in victims_html and "Overstay" in victims_html


# --- case page --------------------------------------------------------------------------------

def _rich_case():
    premises = premises_in()
    entry = matched_entry(document_number="C7654321", surname="NGUYEN", given_names="VAN ANH")
    StayExtensionFactory(entry=entry, valid_until=datetime.date(2026, 11, 10))
    encounter = EncounterFactory(inspection=inspection_at(premises), document_number="C7654321",
                                 given_names="VAN AN", document_withheld=Answer.YES)
    WorkPermitFactory(document_number="C7654321", employer_name="Mekong Builders")
    GuestRegistrationFactory(premises=premises, document_number="C7654321", surname="NGUYEN")
    earlier = EncounterFactory(inspection=inspection_at(premises_in(name="Riverside Kiln"),
                                                        day=datetime.date(2026, 6, 1)),
                               document_number="C7654321")
    flag_for(encounter=earlier, kind=FlagKind.NOT_REGISTERED)
    flag = flag_for(encounter=encounter, entry=entry, kind=FlagKind.OVERSTAY, details={"days": 10})
    return flag


def test_case_page_compares_recorded_and_entry_record(client_sup, supervisor):
    flag = _rich_case()
    response = client_sup.get(reverse("dashboard-case", args=[flag.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    rows = {row["label"]: row for row in response.context["comparison"]}
    assert rows["Given names"]["differs"] and not rows["Surname"]["differs"]
    assert '<tr class="diff"><th scope="row">Given names</th><td>VAN AN</td><td>VAN ANH</td>' in html
    assert "Mekong Builders" in html  # work permit
    assert "2026-11-10" in html  # stay extension
    assert "Riverside Kiln" in html  # earlier encounter
    assert "Exact document match" in html and "0.93" in html
    assert "days" in html
    assert AuditEvent.objects.filter(actor=supervisor, kind=AuditKind.READ, object_id=str(flag.pk),
                                     purpose=f"case:{flag.pk}").count() == 1


def test_case_page_without_a_match_says_so(client_sup):
    flag = flag_for(kind=FlagKind.NO_ENTRY_RECORD)
    html = client_sup.get(reverse("dashboard-case", args=[flag.pk])).content.decode()
    assert "No entry record matched this person." in html


# --- decisions --------------------------------------------------------------------------------

def _decide(client, flag, outcome, **data):
    return client.post(reverse("dashboard-decide", args=[flag.pk]),
                       {"outcome": outcome, "expected_version": flag.version, **data})


def test_start_review_then_confirm(client_sup, supervisor):
    flag = flag_for()
    response = _decide(client_sup, flag, "start_review")
    assert response.status_code == 302
    flag.refresh_from_db()
    assert flag.status == FlagStatus.IN_REVIEW and flag.assignee == supervisor
    _decide(client_sup, flag, "confirm", reason="no extension on record")
    flag.refresh_from_db()
    assert flag.status == FlagStatus.CONFIRMED
    assert list(flag.decisions.values_list("outcome", flat=True)) == ["start_review", "confirm"]
    html = client_sup.get(reverse("dashboard-case", args=[flag.pk])).content.decode()
    assert "no extension on record" in html and "Decision history" in html


def test_assign_to_a_supervisor_of_the_jurisdiction(client_sup, station, other_supervisor):
    colleague = user_with_role(Role.SUPERVISOR, station, username="colleague")
    flag = flag_for()
    _decide(client_sup, flag, "assign", assignee=colleague.pk)
    flag.refresh_from_db()
    assert flag.assignee == colleague and flag.status == FlagStatus.OPEN
    # a supervisor of another jurisdiction is not among the choices
    response = _decide(client_sup, flag, "assign", assignee=other_supervisor.pk)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    flag.refresh_from_db()
    assert flag.assignee == colleague


def test_dismiss_requires_a_reason(client_sup):
    flag = flag_for()
    response = _decide(client_sup, flag, "dismiss", reason="  ")
    assert response.status_code == 200
    assert "Give a reason for this decision." in response.content.decode()
    flag.refresh_from_db()
    assert flag.status == FlagStatus.OPEN and not Decision.objects.exists()
    _decide(client_sup, flag, "dismiss", reason="entry record found under the old passport")
    flag.refresh_from_db()
    assert flag.status == FlagStatus.DISMISSED
    assert Decision.objects.get().reason == "entry record found under the old passport"


def test_escalate_requires_a_reason(client_sup):
    flag = flag_for()
    assert "Give a reason" in _decide(client_sup, flag, "escalate").content.decode()
    _decide(client_sup, flag, "escalate", reason="network case")
    flag.refresh_from_db()
    assert flag.status == FlagStatus.ESCALATED


def test_refer_a_trafficking_case_to_protection_services(client_sup, supervisor):
    encounter = EncounterFactory(inspection=inspection_at(premises_in()))
    flag = flag_for(encounter=encounter, kind=FlagKind.TRAFFICKING_INDICATORS)
    held = flag_for(encounter=encounter, kind=FlagKind.OVERSTAY, held_for_victim_screening=True)
    assert "Name the organisation" in _decide(client_sup, flag, "refer", organisation="").content.decode()
    response = _decide(client_sup, flag, "refer", organisation="Chab Dai", reason="speaks Vietnamese")
    assert response.status_code == 302
    flag.refresh_from_db()
    assert flag.status == FlagStatus.REFERRED
    referral = Referral.objects.get()
    assert (referral.organisation, referral.note, referral.flag_id) == ("Chab Dai", "speaks Vietnamese", flag.pk)
    held.refresh_from_db()
    assert held.held_for_victim_screening  # still protected: the person was referred, not cleared
    # the held immigration flag cannot be confirmed (and the page offers no confirm form)
    html = client_sup.get(reverse("dashboard-case", args=[held.pk])).content.decode()
    assert "decision-confirm" not in html
    response = _decide(client_sup, held, "confirm")
    assert "held for victim screening" in response.content.decode()
    held.refresh_from_db()
    assert held.status == FlagStatus.OPEN


def test_only_trafficking_cases_are_referred(client_sup):
    flag = flag_for(kind=FlagKind.OVERSTAY)
    response = _decide(client_sup, flag, "refer", organisation="Chab Dai")
    assert "Only trafficking cases are referred" in response.content.decode()
    assert not Referral.objects.exists()


def test_a_stale_decision_loses_and_the_supervisor_sees_the_new_state(client_sup, station):
    flag = flag_for()
    seen_version = flag.version
    colleague = user_with_role(Role.SUPERVISOR, station, username="colleague")
    from inspections import services

    services.flag_decide(actor=colleague, flag=flag, outcome=DecisionOutcome.DISMISS, reason="duplicate",
                         expected_version=seen_version)
    response = client_sup.post(reverse("dashboard-decide", args=[flag.pk]),
                               {"outcome": "confirm", "expected_version": seen_version}, follow=True)
    html = response.content.decode()
    assert "Another supervisor decided this flag first" in html
    assert response.context["flag"].status == FlagStatus.DISMISSED
    assert Decision.objects.count() == 1


def test_tampered_outcome_is_a_form_error(client_sup):
    flag = flag_for()
    response = _decide(client_sup, flag, "delete")
    assert response.status_code == 200
    assert not Decision.objects.exists()


# --- referrals --------------------------------------------------------------------------------

def test_referral_queue_lists_referrals_and_records_outcomes(client_sup, supervisor):
    flag = flag_for(kind=FlagKind.TRAFFICKING_INDICATORS)
    from inspections import services

    services.flag_decide(actor=supervisor, flag=flag, outcome=DecisionOutcome.REFER, organisation="IOM",
                         expected_version=flag.version)
    referral = Referral.objects.get()
    response = client_sup.get(reverse("dashboard-referrals"))
    assert "IOM" in response.content.decode()
    assert AuditEvent.objects.filter(purpose="referrals", object_id=str(flag.encounter_id)).exists()
    response = client_sup.post(reverse("dashboard-referral-outcome", args=[referral.pk]),
                               {"outcome": ReferralOutcome.ACCEPTED, "outcome_note": "in shelter"})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert (referral.outcome, referral.outcome_note) == ("accepted", "in shelter")
    assert client_sup.get(reverse("dashboard-referrals"), {"outcome": "pending"}).context["rows"] == []


def test_referral_outcome_must_be_known(client_sup, supervisor):
    flag = flag_for(kind=FlagKind.TRAFFICKING_INDICATORS)
    referral = Referral.objects.create(encounter=flag.encounter, flag=flag, organisation="IOM", referred_by=supervisor)
    response = client_sup.post(reverse("dashboard-referral-outcome", args=[referral.pk]), {"outcome": "bogus"},
                               follow=True)
    assert "Choose an outcome." in response.content.decode()
    referral.refresh_from_db()
    assert referral.outcome == ReferralOutcome.PENDING


# --- export -----------------------------------------------------------------------------------

def test_csv_export_of_the_filtered_queue_is_audited(client_sup, supervisor):
    overstay = flag_for(kind=FlagKind.OVERSTAY)
    flag_for(kind=FlagKind.NO_WORK_PERMIT)
    flag_for(premises=premises_in("KH-17"), kind=FlagKind.OVERSTAY)  # out of scope
    response = client_sup.get(reverse("dashboard-export-csv"), {"kind": "OVERSTAY"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Flag", "Kind", "Severity", "Status"]
    assert [r[0] for r in rows[1:]] == [str(overstay.pk)]
    assert overstay.encounter.document_number not in response.content.decode("utf-8-sig")
    event = AuditEvent.objects.get(kind=AuditKind.EXPORT, actor=supervisor)
    assert event.changes["rows"] == 1 and event.changes["filter"]["kind"] == ["OVERSTAY"]
    assert event.changes["format"] == "csv"
    assert overstay.encounter.surname not in str(event.changes)


def test_xlsx_export(client_sup):
    flag = flag_for(encounter=EncounterFactory(inspection=inspection_at(premises_in()), surname="=HYPERLINK()"))
    response = client_sup.get(reverse("dashboard-export-xlsx"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == str(flag.pk)
    assert rows[1][5] == "'=HYPERLINK()"  # formulas are defused
    assert AuditEvent.objects.filter(kind=AuditKind.EXPORT, changes__format="xlsx").exists()


# --- premises ---------------------------------------------------------------------------------

def test_premises_page_sets_declared_beside_found(client_sup, supervisor):
    premises = premises_in(name="Lucky Star Karaoke")
    inspection = inspection_at(premises)
    found_undeclared = EncounterFactory(inspection=inspection, surname="TRAN", document_number="X1")
    found_declared = EncounterFactory(inspection=inspection, surname="LE", document_number="X2")
    GuestRegistrationFactory(premises=premises, document_number="X2", surname="LE")
    GuestRegistrationFactory(premises=premises, document_number="X3", surname="PHAM")  # declared, not found
    flag_for(encounter=found_undeclared, kind=FlagKind.NOT_REGISTERED)
    response = client_sup.get(reverse("dashboard-premises", args=[premises.pk]))
    rows = {(r["encounter"].surname if r["encounter"] else r["registrations"][0].surname): r
            for r in response.context["rows"]}
    assert rows["TRAN"]["discrepancies"][:1] == ["not_declared"]
    assert rows["LE"]["discrepancies"] == [] and rows["LE"]["registrations"][0].surname == "LE"
    assert rows["PHAM"]["discrepancies"] == ["declared_not_found"]
    html = response.content.decode()
    assert "Found, not declared by the premises" in html and "Not registered by the premises" in html
    assert found_declared.document_number not in html
    assert AuditEvent.objects.filter(purpose=f"premises:{premises.pk}", actor=supervisor).exists()


def test_premises_ranked_by_risk(client_sup):
    kiln = premises_in(name="Kiln 7", premises_type=PremisesType.BRICK_KILN)
    inspection = inspection_at(kiln)
    for _ in range(2):
        encounter = EncounterFactory(inspection=inspection, document_withheld=Answer.YES)
        flag_for(encounter=encounter, kind=FlagKind.NO_WORK_PERMIT)
        flag_for(encounter=encounter, kind=FlagKind.TRAFFICKING_INDICATORS)
    hotel = premises_in(name="Hotel 1")
    flag_for(premises=hotel, kind=FlagKind.OVERSTAY)
    flag_for(premises=hotel, kind=FlagKind.NOT_REGISTERED)
    flag_for(premises=premises_in("KH-17", name="Far Away Kiln"), kind=FlagKind.TRAFFICKING_INDICATORS)
    response = client_sup.get(reverse("dashboard-premises-ranking"))
    rows = response.context["rows"]
    assert [r["premises"].name for r in rows] == ["Kiln 7", "Hotel 1"]
    assert (rows[0]["work"], rows[0]["trafficking"], rows[0]["withheld"]) == (2, 2, 2)
    assert rows[0]["score"] == 2 * 3 + 2 * 5 + 2 * 4
    assert rows[1]["score"] == 2


# --- overview ---------------------------------------------------------------------------------

def test_overview_shows_counts_only(client_sup, supervisor):
    premises = premises_in(name="Mapped Casino", latitude="11.556400", longitude="104.928200")
    flag = flag_for(premises=premises, kind=FlagKind.OVERSTAY, inspected_on=datetime.date.today())
    from inspections import services

    services.flag_decide(actor=supervisor, flag=flag, outcome=DecisionOutcome.DISMISS, reason="ok",
                         expected_version=flag.version)
    flag_for(premises=premises, kind=FlagKind.NO_WORK_PERMIT, inspected_on=datetime.date.today())
    response = client_sup.get(reverse("dashboard-overview"))
    html = response.content.decode()
    figures = response.context["figures"]
    assert figures["total"] == 2 and figures["closed"] == 1
    assert response.context["clearance_percent"] == 50
    assert figures["median_hours"] is not None
    assert "<svg" in html and "k-OVERSTAY" in html
    assert [p["open"] for p in response.context["map"]["points"]] == [1]
    assert flag.encounter.surname not in html
    month = client_sup.get(reverse("dashboard-overview"), {"period": "month"})
    assert month.status_code == 200 and month.context["period"] == "month"


def test_overview_uses_leaflet_only_with_a_tile_server(client_sup, settings):
    assert "leaflet.js" not in client_sup.get(reverse("dashboard-overview")).content.decode()
    settings.MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    html = client_sup.get(reverse("dashboard-overview")).content.decode()
    assert "vendor/leaflet/leaflet.js" in html and "tiles.example.org" in html


def test_counts_follow_a_decision_at_once(client_sup, supervisor):
    """The counts are cached, but under the newest flag change: a decision shows immediately."""
    flag = flag_for()
    flag_for()
    assert client_sup.get(QUEUE).context["total"] == 2
    from inspections import services

    services.flag_decide(actor=supervisor, flag=flag, outcome=DecisionOutcome.DISMISS, reason="duplicate",
                         expected_version=flag.version)
    response = client_sup.get(QUEUE)
    assert response.context["total"] == 1
    assert {f["value"]: f["count"] for f in response.context["status_facet"]}[FlagStatus.DISMISSED] == 1
    flag_for()
    assert client_sup.get(QUEUE).context["total"] == 2

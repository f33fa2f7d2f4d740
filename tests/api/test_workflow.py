"""The field client's and the supervisor's workflows over the API, end to end."""

import pytest
from django.utils import timezone

from accounts.models import AuditEvent, AuditKind
from accounts.services import api_token_issue, api_token_revoke
from inspections.models import (
    Decision,
    Encounter,
    FlagKind,
    FlagStatus,
    InspectionStatus,
    MatchMethod,
    Referral,
    Verification,
)
from registry.models import Premises
from tests.inspections.factories import FlagFactory
from tests.registry.factories import EntryRecordFactory, district

pytestmark = pytest.mark.django_db

V1 = "/api/v1"

PERSON = {"surname": " tran ", "given_names": "van binh", "sex": "M", "nationality": "vnm", "document_type": "P",
          "document_number": "c 123-4567", "document_issuing_country": "vnm", "role": "worker",
          "date_of_birth": "1994-03-07", "not_free_to_leave": "yes"}


def test_officer_records_and_submits_an_inspection(api_client, officer, station, _no_verification_worker,
                                                   django_capture_on_commit_callbacks):
    client = api_client(officer)
    premises = client.post(f"{V1}/premises/", {"premises_type": "brick_kiln", "name": "Kiln 7",
                                               "district": district("KH-12").code}, format="json")
    assert premises.status_code == 201, premises.content
    created = client.post(f"{V1}/inspections/", {"premises": premises.json()["id"], "notes": "tip-off"},
                          format="json")
    assert created.status_code == 201, created.content
    inspection = created.json()
    assert (inspection["status"], inspection["unit"], inspection["encounters"]) == ("draft", station.code, [])

    person = client.post(f"{V1}/encounters/", {"inspection": inspection["id"], **PERSON}, format="json")
    assert person.status_code == 201, person.content
    assert (person.json()["surname"], person.json()["document_number"]) == ("TRAN", "C1234567")
    assert person.json()["verification"] is None

    patched = client.patch(f"{V1}/encounters/{person.json()['id']}/", {"role": "resident"}, format="json")
    assert patched.json()["role"] == "resident"
    counts = client.patch(f"{V1}/inspections/{inspection['id']}/", {"foreigners_present": 4}, format="json")
    assert counts.json()["foreigners_present"] == 4

    with django_capture_on_commit_callbacks(execute=True):
        submitted = client.post(f"{V1}/inspections/{inspection['id']}/submit/")
    assert submitted.status_code == 200, submitted.content
    body = submitted.json()
    assert body["status"] == "submitted"
    assert body["encounters"][0]["verification"]["status"] == "pending"
    assert _no_verification_worker == [inspection["id"]]  # the worker was handed the inspection

    # Submitted: nothing can change any more.
    refused = client.patch(f"{V1}/encounters/{person.json()['id']}/", {"role": "worker"}, format="json")
    assert refused.status_code == 400
    assert "no longer be changed" in refused.json()["error"]["detail"]
    assert client.post(f"{V1}/inspections/{inspection['id']}/submit/").status_code == 400


def test_detail_shows_verification_and_flags(api_client, officer, world):
    encounter = world.encounters[0]
    entry = EntryRecordFactory(source_id="BX-2026-1")
    Verification.objects.filter(pk=encounter.pk).update(
        matched_entry=entry, match_score=0.97, match_method=MatchMethod.FUZZY, rules_version="2026.11.1",
        checked_at=timezone.now())
    FlagFactory(encounter=encounter, kind=FlagKind.NO_WORK_PERMIT, severity="medium", held_for_victim_screening=True)

    response = api_client(officer).get(f"{V1}/inspections/{encounter.inspection_id}/")

    person = response.json()["encounters"][0]
    assert person["verification"] == {
        "status": "flagged", "matched_entry": "BX-2026-1", "match_score": 0.97, "match_method": "fuzzy",
        "rules_version": "2026.11.1", "checked_at": person["verification"]["checked_at"],
    }
    kinds = {f["kind"]: f for f in person["flags"]}
    assert set(kinds) == {"OVERSTAY", "NO_WORK_PERMIT"}
    assert kinds["NO_WORK_PERMIT"]["held_for_victim_screening"] is True
    assert kinds["OVERSTAY"]["details"] == {"days": 12}


def test_responses_with_personal_data_record_a_consultation(api_client, officer, world):
    inspection = world.inspections[0]
    path = f"{V1}/inspections/{inspection.pk}/"
    api_client(officer).get(path)
    reads = AuditEvent.objects.filter(kind=AuditKind.READ, actor=officer, purpose=f"api:{path}")
    assert set(reads.values_list("object_id", flat=True)) == {str(inspection.pk), str(world.encounters[0].pk)}

    api_client(officer).get(f"{V1}/encounters/")
    listed = AuditEvent.objects.filter(kind=AuditKind.READ, purpose=f"api:{V1}/encounters/")
    assert set(listed.values_list("object_id", flat=True)) == {str(e.pk) for e in world.mine("encounters")}


def test_validation_errors_name_the_field(api_client, officer, world):
    response = api_client(officer).post(
        f"{V1}/encounters/", {"inspection": str(world.inspections[0].pk), **PERSON, "surname": "", "sex": "Q"},
        format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["status"], error["code"]) == (400, "invalid")
    assert set(error["fields"]) == {"surname", "sex"}


def test_objects_of_other_units_cannot_be_referenced(api_client, officer, world):
    """Another unit's inspection or premises is 'not found' in a body too, never 'forbidden'."""
    client = api_client(officer)
    person = client.post(f"{V1}/encounters/", {"inspection": str(world.other("inspections").pk), **PERSON},
                         format="json")
    assert person.status_code == 400
    assert "does not exist" in person.json()["error"]["fields"]["inspection"][0]
    inspection = client.post(f"{V1}/inspections/", {"premises": str(world.other("premises").pk)}, format="json")
    assert "does not exist" in inspection.json()["error"]["fields"]["premises"][0]
    assert Encounter.objects.count() == 3


def test_premises_search(api_client, officer, world):
    target = world.premises[1]
    response = api_client(officer).get(f"{V1}/premises/", {"q": target.name[-5:]})
    assert [row["id"] for row in response.json()["results"]] == [str(target.pk)]
    hidden = api_client(officer).get(f"{V1}/premises/", {"q": world.other("premises").name})
    assert hidden.json()["results"] == []


def test_encounter_is_removed_while_draft(api_client, officer, world):
    encounter = world.encounters[0]
    assert api_client(officer).delete(f"{V1}/encounters/{encounter.pk}/").status_code == 204
    assert not Encounter.objects.filter(pk=encounter.pk).exists()


# --- supervisors ---------------------------------------------------------------------------------

def test_decision_flow_and_conflict(api_client, supervisor, world):
    flag = world.flags[0]
    client = api_client(supervisor)
    missing = client.post(f"{V1}/flags/{flag.pk}/decisions/", {"outcome": "dismiss"}, format="json")
    assert missing.status_code == 400
    assert "reason" in missing.json()["error"]["fields"]

    decided = client.post(f"{V1}/flags/{flag.pk}/decisions/",
                          {"outcome": "dismiss", "reason": "Extension shown", "expected_version": 0}, format="json")
    assert decided.status_code == 201, decided.content
    body = decided.json()
    assert (body["status"], body["version"]) == ("dismissed", 1)
    assert body["decisions"][0]["outcome"] == "dismiss"
    assert body["person"]["id"] == str(flag.encounter_id)

    stale = client.post(f"{V1}/flags/{flag.pk}/decisions/",
                        {"outcome": "confirm", "expected_version": 0}, format="json")
    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "conflict"
    assert (stale.json()["current"]["status"], stale.json()["current"]["version"]) == ("dismissed", 1)
    assert Decision.objects.filter(flag=flag).count() == 1


def test_referral_through_a_decision(api_client, supervisor, world):
    flag = world.flags[1]
    flag.kind = FlagKind.TRAFFICKING_INDICATORS
    flag.save(update_fields=["kind"])
    response = api_client(supervisor).post(
        f"{V1}/flags/{flag.pk}/decisions/", {"outcome": "refer", "organisation": "Chab Dai Coalition"},
        format="json")
    assert response.status_code == 201, response.content
    assert response.json()["status"] == FlagStatus.REFERRED
    assert Referral.objects.filter(flag=flag, organisation="Chab Dai Coalition").exists()


def test_flags_filter(api_client, supervisor, world):
    world.flags[0].status = FlagStatus.CONFIRMED
    world.flags[0].save(update_fields=["status"])
    client = api_client(supervisor)
    rows = client.get(f"{V1}/flags/", {"status": "confirmed"}).json()["results"]
    assert [r["id"] for r in rows] == [str(world.flags[0].pk)]
    # a province outside the jurisdiction cannot even be named: a field error, not an empty page
    outside = client.get(f"{V1}/flags/", {"province": "KH-17"})
    assert outside.status_code == 400 and "province" in outside.json()["error"]["fields"]
    bad = client.get(f"{V1}/flags/", {"severity": "extreme"})
    assert bad.status_code == 400
    assert "severity" in bad.json()["error"]["fields"]


def test_search_by_document_in_the_body(api_client, supervisor, world):
    client = api_client(supervisor)
    found = client.post(f"{V1}/encounters/search/", {"document_number": "c000-0001", "issuing_country": "vnm"},
                        format="json")
    assert [row["id"] for row in found.json()] == [str(world.encounters[1].pk)]
    # Another jurisdiction's person is not found.
    hidden = client.post(f"{V1}/encounters/search/", {"document_number": "C0000002", "issuing_country": "VNM"},
                         format="json")
    assert hidden.json() == []
    row = AuditEvent.objects.get(action="api.encounter.search")
    assert "C0000001" not in str(row.__dict__)


# --- authentication ------------------------------------------------------------------------------

def test_revoked_token_is_refused(officer, world):
    from rest_framework.test import APIClient

    token, key = api_token_issue(actor=None, user=officer, name="field tablet")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get(f"{V1}/inspections/").status_code == 200
    api_token_revoke(actor=None, token=token)
    refused = client.get(f"{V1}/inspections/")
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "authentication_failed"


def test_session_authentication(client, officer, world):
    client.force_login(officer)
    response = client.get(f"{V1}/inspections/")
    assert response.status_code == 200
    assert len(response.json()["results"]) == 2


def test_inspection_status_is_reported(api_client, officer, world):
    inspection = world.inspections[0]
    inspection.status = InspectionStatus.VERIFIED
    inspection.save(update_fields=["status"])
    assert api_client(officer).get(f"{V1}/inspections/{inspection.pk}/").json()["status"] == "verified"


def test_pages_are_bounded(api_client, officer, supervisor, world):
    Premises.objects.bulk_create([Premises(premises_type="hotel", name=f"Hotel {n}", district=district("KH-12"))
                                  for n in range(205)])
    premises = api_client(officer).get(f"{V1}/premises/", {"limit": 100000})
    assert (premises.json()["count"], len(premises.json()["results"])) == (207, 200)
    flags = api_client(supervisor).get(f"{V1}/flags/", {"page_size": 1})
    assert len(flags.json()["results"]) == 1
    following = api_client(supervisor).get(flags.json()["next"])
    assert len(following.json()["results"]) == 1
    assert following.json()["results"][0]["id"] != flags.json()["results"][0]["id"]

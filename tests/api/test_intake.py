"""Intake: bulk upserts of registry records by outside systems (administrator tokens)."""

import io

import pytest

from registry.models import EntryRecord, ImportJob, ImportStatus
from tests.api.test_permissions import _entry_row

pytestmark = pytest.mark.django_db
URL = "/api/v1/intake/entry-records/"


def test_json_rows_are_upserted(api_client, administrator):
    client = api_client(administrator)
    response = client.post(URL, [_entry_row(), _entry_row(source_id="BX-API-2")], format="json")
    assert response.status_code == 200, response.content
    assert response.json() == {"kind": "entry_records", "total_rows": 2, "created": 2, "updated": 0}
    again = client.post(URL, [_entry_row(exit_date="2026-10-20")], format="json")
    assert again.json()["updated"] == 1
    assert str(EntryRecord.objects.get(source_id="BX-API-1").exit_date) == "2026-10-20"


def test_every_bad_row_is_reported_and_nothing_written(api_client, administrator):
    rows = [_entry_row(), _entry_row(source_id="BX-API-2", entry_date="01/10/2026"),
            _entry_row(source_id="BX-API-3", visa_type="ZZ", sex="Q")]
    response = api_client(administrator).post(URL, rows, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert set(error["fields"]) == {"line 2", "line 3"}
    assert any(reason.startswith("entry_date:") for reason in error["fields"]["line 2"])
    assert {reason.split(":")[0] for reason in error["fields"]["line 3"]} == {"visa_type", "sex"}
    assert not EntryRecord.objects.exists()
    assert "C7654321" not in response.content.decode()  # no document numbers echoed


@pytest.mark.parametrize("body", [{"source_id": "x"}, [], ["not an object"]])
def test_body_must_be_a_non_empty_array_of_objects(api_client, administrator, body):
    response = api_client(administrator).post(URL, body, format="json")
    assert response.status_code == 400
    assert "non_field_errors" in response.json()["error"]["fields"]


def test_unknown_kind_is_404(api_client, administrator):
    assert api_client(administrator).post("/api/v1/intake/passports/", [_entry_row()], format="json").status_code == 404


def test_file_upload_runs_as_a_job_with_progress(api_client, administrator, settings, tmp_path,
                                                 django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = str(tmp_path)
    header = ",".join(_entry_row())
    lines = [header] + [",".join(_entry_row(source_id=f"BX-F-{n}").values()) for n in range(3)]
    upload = io.BytesIO(("\n".join(lines) + "\n").encode())
    upload.name = "arrivals.csv"
    client = api_client(administrator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, {"file": upload}, format="multipart")
    assert response.status_code == 202, response.content
    job_url = response["Location"]
    job = client.get(job_url).json()
    assert job["status"] == ImportStatus.DONE and job["created_rows"] == 3 and job["total_rows"] == 3
    assert EntryRecord.objects.filter(source_id__startswith="BX-F-").count() == 3


def test_multipart_without_a_file_names_the_field(api_client, administrator):
    response = api_client(administrator).post(URL, {"note": "x"}, format="multipart")
    assert response.status_code == 400 and "file" in response.json()["error"]["fields"]


def test_jobs_are_visible_only_to_their_creator(api_client, administrator, world):
    theirs = ImportJob.objects.exclude(created_by=administrator).first()
    assert api_client(administrator).get(f"/api/v1/intake/jobs/{theirs.pk}/").status_code == 404

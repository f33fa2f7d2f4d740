"""The administrators' upload page: upload, progress, and the validation report."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Role
from registry.models import EntryRecord, ImportJob, ImportStatus
from tests.accounts.factories import user_with_role
from tests.api.test_permissions import _entry_row

pytestmark = pytest.mark.django_db


def _csv(*rows) -> SimpleUploadedFile:
    lines = [",".join(_entry_row())] + [",".join(row.values()) for row in rows]
    return SimpleUploadedFile("arrivals.csv", ("\n".join(lines) + "\n").encode(), content_type="text/csv")


@pytest.fixture
def admin_client(client, station, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    admin = user_with_role(Role.ADMINISTRATOR, station, username="registry-admin")
    client.force_login(admin)
    client.admin = admin
    return client


def test_upload_imports_and_shows_the_counts(admin_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("registry:imports"),
                                     {"kind": "entry_records", "file": _csv(_entry_row(), _entry_row(source_id="B2"))})
    assert response.status_code == 302
    job = ImportJob.objects.get(created_by=admin_client.admin)
    page = admin_client.get(response["Location"])
    assert job.status == ImportStatus.DONE and EntryRecord.objects.count() == 2
    assert b"2 created, 0 updated" in page.content
    assert b"hx-trigger" not in page.content  # done: no more polling


def test_bad_file_lists_every_bad_row_and_imports_nothing(admin_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("registry:imports"), {
            "kind": "entry_records",
            "file": _csv(_entry_row(), _entry_row(source_id="B2", sex="Q"),
                         _entry_row(source_id="B3", visa_type="ZZ"))})
    page = admin_client.get(response["Location"]).content.decode()
    assert not EntryRecord.objects.exists()
    assert "nothing was imported" in page
    assert "<td>3</td><td>sex</td>" in page and "<td>4</td><td>visa_type</td>" in page


def test_progress_partial_polls_while_running(admin_client):
    job = ImportJob.objects.create(kind="entry_records", created_by=admin_client.admin, status=ImportStatus.IMPORTING,
                                   total_rows=100, processed_rows=40)
    partial = admin_client.get(reverse("registry:import_job", args=[job.pk]), headers={"HX-Request": "true"})
    assert b'hx-trigger="every 1s"' in partial.content and b"40 of 100 rows processed" in partial.content


def test_wrong_file_type_is_a_field_error(admin_client):
    bad = SimpleUploadedFile("arrivals.pdf", b"%PDF", content_type="application/pdf")
    response = admin_client.post(reverse("registry:imports"), {"kind": "entry_records", "file": bad})
    assert response.status_code == 400 and "Choose a .csv or .xlsx file." in response.content.decode()
    assert not ImportJob.objects.exists()


def test_only_administrators_and_only_their_own_jobs(client, officer, admin_client, station):
    other_admin = user_with_role(Role.ADMINISTRATOR, station, username="other-admin")
    theirs = ImportJob.objects.create(kind="entry_records", created_by=other_admin)
    assert admin_client.get(reverse("registry:import_job", args=[theirs.pk])).status_code == 404
    client.force_login(officer)
    assert client.get(reverse("registry:imports")).status_code == 403

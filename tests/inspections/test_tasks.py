import datetime as dt
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
from django.db import DatabaseError, transaction

from config.celery import app as celery_app
from inspections.models import (
    Flag,
    FlagKind,
    FlagStatus,
    Inspection,
    InspectionStatus,
    Verification,
    VerificationStatus,
)
from inspections.receivers import encounters_touched
from inspections.tasks import encounters_reverify_task, inspection_verify_task, verification_sweep_task
from registry.signals import records_imported
from tests.inspections.factories import EncounterFactory, InspectionFactory
from tests.registry.factories import EntryRecordFactory, ForeignerFactory, WorkPermitFactory

D = dt.date
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def submitted(db):
    return InspectionFactory(status=InspectionStatus.SUBMITTED)


def test_inspection_verify_task_verifies_every_encounter(submitted):
    EntryRecordFactory(document_number="C1234567", permitted_until=D(2026, 12, 31))
    a = EncounterFactory(inspection=submitted, document_number="C1234567", role="other")
    b = EncounterFactory(inspection=submitted, document_number="Z9", surname="KIM", nationality="KOR", role="other")
    assert inspection_verify_task.delay(str(submitted.pk)).get() == 2
    assert Verification.objects.get(encounter=a).status == VerificationStatus.CLEAR
    assert Verification.objects.get(encounter=b).status == VerificationStatus.FLAGGED
    submitted.refresh_from_db()
    assert submitted.status == InspectionStatus.VERIFIED
    assert inspection_verify_task.delay(str(submitted.pk)).get() == 2  # safe to run twice
    assert Flag.objects.count() == 1


def test_tasks_ack_late_and_retry_with_backoff_and_jitter():
    for task in (inspection_verify_task, encounters_reverify_task, verification_sweep_task):
        assert task.acks_late
        assert DatabaseError in task.autoretry_for
        assert task.retry_backoff and task.retry_jitter and task.max_retries
    assert celery_app.conf.beat_schedule["verify-pending-nightly"]["task"] == verification_sweep_task.name


def test_sweep_verifies_pending_and_error_ones_only(submitted):
    pending = EncounterFactory(inspection=submitted, role="other")
    errored = EncounterFactory(inspection=submitted, role="other", surname="LEE")
    Verification.objects.create(encounter=errored, status=VerificationStatus.ERROR, error="x")
    done = EncounterFactory(inspection=submitted, role="other", surname="PARK")
    Verification.objects.create(encounter=done, status=VerificationStatus.CLEAR)
    draft = EncounterFactory(inspection=InspectionFactory(status=InspectionStatus.DRAFT))
    assert verification_sweep_task.delay().get() == 2
    assert Verification.objects.get(encounter=pending).status == VerificationStatus.FLAGGED
    assert Verification.objects.get(encounter=errored).status == VerificationStatus.FLAGGED
    assert Verification.objects.get(encounter=done).status == VerificationStatus.CLEAR
    assert not Verification.objects.filter(encounter=draft).exists()


def test_import_of_an_entry_record_reverifies_the_unmatched_encounter(submitted, django_capture_on_commit_callbacks):
    enc = EncounterFactory(inspection=submitted, document_number="C1234567", role="other")
    inspection_verify_task.delay(str(submitted.pk))
    flag = Flag.objects.get(encounter=enc)
    assert flag.kind == FlagKind.NO_ENTRY_RECORD
    EntryRecordFactory(document_number="C1234567", permitted_until=D(2026, 12, 31))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        records_imported.send(sender=None, kind="entry_records", documents=[("c1234567", "vnm")])
    assert len(callbacks) == 1
    flag.refresh_from_db()
    assert flag.status == FlagStatus.CLEARED
    assert Verification.objects.get(encounter=enc).status == VerificationStatus.CLEAR


def test_import_of_a_work_permit_reverifies_the_flagged_worker(submitted, django_capture_on_commit_callbacks):
    EntryRecordFactory(document_number="C1234567", permitted_until=D(2026, 12, 31), visa_type__code="EB")
    enc = EncounterFactory(inspection=submitted, document_number="C1234567", role="worker")
    inspection_verify_task.delay(str(submitted.pk))
    assert Flag.objects.get(encounter=enc, kind=FlagKind.NO_WORK_PERMIT).status == FlagStatus.OPEN
    WorkPermitFactory(document_number="C1234567")
    with django_capture_on_commit_callbacks(execute=True):
        records_imported.send(sender=None, kind="work_permits", documents=[("C1234567", "VNM")])
    assert Flag.objects.get(encounter=enc, kind=FlagKind.NO_WORK_PERMIT).status == FlagStatus.CLEARED


def test_import_touches_only_revisable_encounters_of_those_documents(submitted):
    flagged = EncounterFactory(inspection=submitted, document_number="C1", role="other")
    other_doc = EncounterFactory(inspection=submitted, document_number="C2", nationality="THA",
                                 document_issuing_country="THA", role="other")
    clear = EncounterFactory(inspection=submitted, document_number="C3", role="other")
    inspection_verify_task.delay(str(submitted.pk))
    Verification.objects.filter(encounter=clear).update(status=VerificationStatus.CLEAR)
    Flag.objects.filter(encounter=clear).update(status=FlagStatus.CLEARED)
    draft = EncounterFactory(inspection=InspectionFactory(), document_number="C1")
    assert encounters_touched(kind="work_permits", documents=[("C1", "VNM"), ("C3", "VNM")]) == [str(flagged.pk)]
    # entry records: also the NO_ENTRY_RECORD encounters of the imported nationalities
    touched = encounters_touched(kind="entry_records", documents=[("C9", "VNM")])
    assert touched == [str(flagged.pk)]
    assert str(other_doc.pk) not in touched and str(draft.pk) not in touched


def test_a_large_import_reads_the_revisable_encounters_once_with_the_same_result(submitted, monkeypatch):
    from inspections import receivers

    flagged = EncounterFactory(inspection=submitted, document_number="C1", role="other")
    clear = EncounterFactory(inspection=submitted, document_number="C3", role="other")
    inspection_verify_task.delay(str(submitted.pk))
    Verification.objects.filter(encounter=clear).update(status=VerificationStatus.CLEAR)
    EncounterFactory(inspection=InspectionFactory(), document_number="C1")  # a draft
    documents = [("C1", "VNM"), ("C3", "VNM"), ("C1", "THA")] + [(f"X{i}", "VNM") for i in range(10)]
    by_lookup = encounters_touched(kind="work_permits", documents=documents)
    monkeypatch.setattr(receivers, "DOCUMENT_CHUNK", 2)  # more documents than revisable encounters
    assert encounters_touched(kind="work_permits", documents=documents) == by_lookup == [str(flagged.pk)]


def database_url(db: dict) -> str:
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    auth = db.get("USER") or ""
    if db.get("PASSWORD"):
        auth += f":{db['PASSWORD']}"
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{auth}@{host}:{port}/{db['NAME']}"


def _reset_producer_pool():
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.mark.worker
def test_a_real_worker_verifies_a_submitted_inspection(transactional_db, settings):
    broker = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/1")
    redis.Redis.from_url(broker).ping()  # no Redis: this test fails, it is never skipped
    database = settings.DATABASES["default"]
    assert database["ENGINE"].endswith("postgresql") or Path(database["NAME"]).is_file(), (
        "the test database must be a file (TEST NAME in settings) for the worker process to see it")

    inspection = InspectionFactory(status=InspectionStatus.DRAFT)
    EntryRecordFactory(document_number="C1234567", foreigner=ForeignerFactory(), permitted_until=D(2026, 10, 31))
    overstay = EncounterFactory(inspection=inspection, document_number="C1234567", role="other")
    nobody = EncounterFactory(inspection=inspection, document_number="P0000009", surname="OKAFOR",
                              given_names="CHINEDU", nationality="NGA", document_issuing_country="NGA", role="other")

    queue = f"test-verify-{uuid.uuid4().hex[:12]}"
    env = os.environ | {"DATABASE_URL": database_url(database), "CELERY_BROKER_URL": broker,
                        "CELERY_RESULT_BACKEND": broker, "DJANGO_SETTINGS_MODULE": "config.settings"}
    log = ROOT / f"test_worker_{queue}.log"
    with open(log, "wb") as out:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "-Q", queue,
             "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "INFO"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    previous = (celery_app.conf.task_always_eager, celery_app.conf.broker_url)
    try:
        celery_app.conf.task_always_eager = False
        celery_app.conf.broker_url = broker
        _reset_producer_pool()
        with celery_app.connection_for_write(broker) as connection, transaction.atomic():
            # what inspection_submit does: submitted, and the task enqueued once that commits
            Inspection.objects.filter(pk=inspection.pk).update(status=InspectionStatus.SUBMITTED)
            transaction.on_commit(lambda: inspection_verify_task.apply_async(
                (str(inspection.pk),), queue=queue, connection=connection))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and worker.poll() is None:
            inspection.refresh_from_db()
            if inspection.status == InspectionStatus.VERIFIED:
                break
            time.sleep(0.2)
        output = log.read_text(errors="replace")
        assert inspection.status == InspectionStatus.VERIFIED, output[-3000:]
        assert "inspections.tasks.inspection_verify_task[" in output  # the worker, not this process, ran it
    finally:
        worker.terminate()
        worker.wait(timeout=20)
        celery_app.conf.task_always_eager, celery_app.conf.broker_url = previous
        _reset_producer_pool()
        redis.Redis.from_url(broker).delete(queue)
        log.unlink(missing_ok=True)
    assert Verification.objects.get(encounter=overstay).status == VerificationStatus.FLAGGED
    assert Flag.objects.get(encounter=overstay).kind == FlagKind.OVERSTAY
    assert Flag.objects.get(encounter=nobody).kind == FlagKind.NO_ENTRY_RECORD
    overstay.refresh_from_db()
    assert overstay.foreigner_id is not None



@pytest.mark.django_db(transaction=True)  # autocommit, as in a worker: no test transaction around
def test_worker_keeps_its_database_connection_between_tasks_unless_old_or_broken():
    """Celery's Django fixup closes the connection around every task unless CELERY_DB_REUSE_MAX is
    set (a new PostgreSQL backend per task); with it, Django's own rule applies around each task:
    a connection is closed when older than CONN_MAX_AGE or unusable, and kept otherwise."""
    from celery.fixups.django import DjangoWorkerFixup
    from celery.signals import task_postrun, task_prerun
    from django.db import connection

    fixup = DjangoWorkerFixup(celery_app)
    assert fixup.db_reuse_max

    def around_a_task():  # what a worker does around one task (the fixup's handlers and ours)
        fixup.on_task_prerun(inspection_verify_task)
        task_prerun.send(sender=inspection_verify_task, task_id="t", task=inspection_verify_task)
        fixup.on_task_postrun(inspection_verify_task)
        task_postrun.send(sender=inspection_verify_task, task_id="t", task=inspection_verify_task)

    connection.ensure_connection()
    connection.close_at = None  # fresh and persistent
    raw = connection.connection
    for _ in range(3):
        around_a_task()
    assert connection.connection is raw  # kept: no new backend for the next task

    connection.close_at = time.monotonic() - 1  # older than CONN_MAX_AGE
    around_a_task()
    assert connection.connection is None

    connection.ensure_connection()
    connection.close_at = None
    connection.errors_occurred = True  # left by a failed query
    connection.is_usable = lambda: False
    try:
        around_a_task()
        assert connection.connection is None
    finally:
        del connection.is_usable

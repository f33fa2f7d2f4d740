"""Retention with a frozen clock: which encounters are anonymised, what is kept, what is logged;
old audit rows purged; the management command and the beat task."""

import datetime
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command

from accounts.models import AuditEvent, AuditKind
from accounts.services import audit_write
from config.celery import app as celery_app
from inspections.models import (
    Encounter,
    Flag,
    FlagKind,
    FlagStatus,
    Referral,
    Severity,
    Verification,
    VerificationStatus,
)
from inspections.retention import retention_apply, retention_apply_task
from tests.inspections.factories import EncounterFactory, InspectionFactory
from tests.registry.factories import EntryRecordFactory, ForeignerFactory

ROOT = Path(__file__).resolve().parents[2]
CHECKED = datetime.datetime(2024, 1, 10, 9, 0, tzinfo=datetime.UTC)
# Exactly the retention period plus a few days after CHECKED: old enough.
LATER = CHECKED + datetime.timedelta(days=settings.RETENTION["CLEARED_ENCOUNTER_DAYS"] + 5)


def _encounter(status, *flag_statuses, checked_at=CHECKED, referral=False, **fields):
    with time_machine.travel(checked_at, tick=False):
        encounter = EncounterFactory(inspection=_encounter.inspection, native_name="阮文安",
                                     document_expiry=datetime.date(2030, 1, 1),
                                     foreigner=ForeignerFactory(), **fields)
        Verification.objects.create(encounter=encounter, status=status, checked_at=checked_at,
                                    matched_entry=EntryRecordFactory(), match_score=0.97,
                                    rules_version="2026.11.1")
        inspection = encounter.inspection
        district = inspection.premises.district
        kinds = iter([FlagKind.OVERSTAY, FlagKind.NOT_REGISTERED, FlagKind.DOCUMENT_EXPIRED, FlagKind.NO_WORK_PERMIT])
        for flag_status in flag_statuses:
            Flag.objects.create(
                encounter=encounter, kind=next(kinds), severity=Severity.HIGH, status=flag_status,
                details={"days": 12, "expected": "NGUYEN VAN AN", "dob": "1990-04-12", "held": True},
                province=district.province, district=district, premises_type=inspection.premises.premises_type,
                nationality=encounter.nationality, inspected_on=inspection.started_at.date(),
            )
        if referral:
            Referral.objects.create(encounter=encounter, organisation="Protection NGO",
                                    referred_by=inspection.lead_officer)
    return encounter


@pytest.fixture
def cases(db):
    with time_machine.travel(CHECKED, tick=False):
        _encounter.inspection = InspectionFactory()
    return {
        "clear": _encounter(VerificationStatus.CLEAR),
        "exempt": _encounter(VerificationStatus.EXEMPT),
        "all_cleared": _encounter(VerificationStatus.FLAGGED, FlagStatus.CLEARED, FlagStatus.DISMISSED),
        "open": _encounter(VerificationStatus.FLAGGED, FlagStatus.OPEN),
        "in_review": _encounter(VerificationStatus.FLAGGED, FlagStatus.DISMISSED, FlagStatus.IN_REVIEW),
        "confirmed": _encounter(VerificationStatus.FLAGGED, FlagStatus.CONFIRMED),
        "escalated": _encounter(VerificationStatus.FLAGGED, FlagStatus.ESCALATED),
        "referred_flag": _encounter(VerificationStatus.FLAGGED, FlagStatus.REFERRED),
        "clear_with_referral": _encounter(VerificationStatus.CLEAR, referral=True),
        "pending": _encounter(VerificationStatus.PENDING),
        "error": _encounter(VerificationStatus.ERROR),
        "recent": _encounter(VerificationStatus.CLEAR, checked_at=LATER - datetime.timedelta(days=30)),
        "dismissed_recently": _dismissed_recently(),
    }


def _dismissed_recently():
    encounter = _encounter(VerificationStatus.FLAGGED, FlagStatus.OPEN)
    with time_machine.travel(LATER - datetime.timedelta(days=3), tick=False):
        flag = encounter.flags.get()
        flag.status = FlagStatus.DISMISSED
        flag.save(update_fields=["status", "updated_at"])
    return encounter


ERASED = {"clear", "exempt", "all_cleared"}


@pytest.mark.django_db
def test_only_long_cleared_encounters_are_anonymised(cases):
    with time_machine.travel(LATER, tick=False):
        result = retention_apply()
    assert result["encounters_anonymised"] == len(ERASED)
    for name, encounter in cases.items():
        encounter.refresh_from_db()
        erased = encounter.anonymised_at is not None
        assert erased == (name in ERASED), name
        if erased:
            assert (encounter.surname, encounter.given_names, encounter.native_name) == ("", "", "")
            assert encounter.date_of_birth is None and encounter.document_number == ""
            assert encounter.document_expiry is None and encounter.foreigner_id is None
            assert encounter.anonymised_at == LATER
            # what statistics need stays
            assert (encounter.nationality, encounter.sex, encounter.role) == ("VNM", "M", "guest")
            assert encounter.verification.matched_entry_id is None
            assert encounter.verification.status in (VerificationStatus.CLEAR, VerificationStatus.EXEMPT,
                                                     VerificationStatus.FLAGGED)
            for flag in encounter.flags.all():
                assert flag.details == {"days": 12}
        else:
            assert encounter.surname == "NGUYEN" and encounter.document_number == "C0000001"
            assert encounter.verification.matched_entry_id is not None


@pytest.mark.django_db
def test_nothing_is_erased_a_day_before_the_period_ends(cases):
    day_before = CHECKED + datetime.timedelta(days=settings.RETENTION["CLEARED_ENCOUNTER_DAYS"] - 1)
    with time_machine.travel(day_before, tick=False):
        assert retention_apply()["encounters_anonymised"] == 0
    assert not Encounter.objects.filter(anonymised_at__isnull=False).exists()


@pytest.mark.django_db
def test_erasure_is_logged_with_counts_and_ids_never_content(cases):
    with time_machine.travel(LATER, tick=False):
        retention_apply()
    event = AuditEvent.objects.get(kind=AuditKind.ERASE, action="retention.encounters_anonymised")
    assert event.actor_id is None
    assert event.changes["count"] == 3
    assert set(event.changes["ids"]) == {str(cases[name].pk) for name in ERASED}
    dumped = repr(event.changes)
    for content in ("NGUYEN", "VAN AN", "C0000001", "1990", "阮文安"):
        assert content not in dumped


@pytest.mark.django_db
def test_retention_is_idempotent(cases):
    with time_machine.travel(LATER, tick=False):
        retention_apply()
        assert retention_apply()["encounters_anonymised"] == 0
    assert AuditEvent.objects.filter(action="retention.encounters_anonymised").count() == 1


@pytest.mark.django_db
def test_old_audit_rows_are_purged_after_their_period(officer):
    audit_days = settings.RETENTION["AUDIT_DAYS"]
    start = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        old = audit_write(actor=officer, action="test.old", object_id="1")
    with time_machine.travel(start + datetime.timedelta(days=audit_days - 1), tick=False):
        kept = audit_write(actor=officer, action="test.kept", object_id="2")
    with time_machine.travel(start + datetime.timedelta(days=audit_days + 1), tick=False):
        result = retention_apply()
    assert result["audit_rows_purged"] == 1
    assert not AuditEvent.objects.filter(pk=old.pk).exists()
    assert AuditEvent.objects.filter(pk=kept.pk).exists()
    assert AuditEvent.objects.get(action="audit.purge").changes["count"] == 1


@pytest.mark.django_db
def test_apply_retention_command(cases):
    out = io.StringIO()
    call_command("apply_retention", "--today", LATER.date().isoformat(), stdout=out)
    assert "encounters anonymised: 3" in out.getvalue()
    assert Encounter.objects.filter(anonymised_at__isnull=False).count() == 3


@pytest.mark.django_db
def test_the_beat_task_is_registered_under_the_scheduled_name_and_runs(cases):
    scheduled = celery_app.conf.beat_schedule["retention-nightly"]["task"]
    assert scheduled == "inspections.tasks.retention_apply_task"
    assert retention_apply_task.name == scheduled
    # A worker, which imports only what autodiscovery finds, knows the task by that name.
    probe = ("import django; django.setup(); from config.celery import app; "
             "app.loader.import_default_modules(); print(sorted(n for n in app.tasks if n.startswith('inspections')))")
    found = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=60,
                           env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"})
    assert found.returncode == 0, found.stderr
    assert scheduled in found.stdout
    with time_machine.travel(LATER, tick=False):
        result = retention_apply_task.delay().get()
    assert result["encounters_anonymised"] == 3

"""Retention: anonymise the encounters of people who were cleared long ago, and purge old audit rows.

Periods are settings.RETENTION (days; environment RETENTION_CLEARED_ENCOUNTER_DAYS and
RETENTION_AUDIT_DAYS; docs/security.md). An encounter is anonymised when all of these hold:
- its verification is clear or exempt, or flagged with every flag cleared or dismissed;
- it was checked, and every flag last changed, more than CLEARED_ENCOUNTER_DAYS ago;
- it has no referral and no flag in any other status (open, in review, confirmed, referred,
  escalated): a case still alive, or one that went to protection services, is never erased.
Anonymising blanks the names, date of birth and document number/expiry, unlinks the matched
foreigner and entry record, and keeps what statistics need (nationality, sex, role, screening
answers, flag kinds and statuses, numeric flag details such as overstay days). What was erased
is logged as audit rows of kind "erase": counts and ids, never content.

The Celery task carries the name the beat schedule uses (config/celery.py).
"""

import datetime
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db import OperationalError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from accounts.models import AuditKind
from accounts.services import audit_purge, audit_record
from inspections.models import Encounter, Flag, FlagStatus, Referral, Verification, VerificationStatus

ERASABLE_FLAG_STATUSES = (FlagStatus.CLEARED, FlagStatus.DISMISSED)
SETTLED_VERIFICATION_STATUSES = (VerificationStatus.CLEAR, VerificationStatus.EXEMPT, VerificationStatus.FLAGGED)
BATCH_SIZE = 500


def _now(today: datetime.date | None) -> datetime.datetime:
    if today is None:
        return timezone.now()
    return timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))


def encounters_due_for_anonymisation(*, cutoff: datetime.datetime):
    """Encounters that retention may anonymise now (see the module docstring)."""
    live_flags = Flag.objects.filter(encounter=OuterRef("pk")).exclude(status__in=ERASABLE_FLAG_STATUSES)
    recent_flags = Flag.objects.filter(encounter=OuterRef("pk"), updated_at__gte=cutoff)
    referrals = Referral.objects.filter(encounter=OuterRef("pk"))
    return (
        Encounter.objects.filter(
            anonymised_at__isnull=True,
            verification__status__in=SETTLED_VERIFICATION_STATUSES,
            verification__checked_at__lt=cutoff,
        )
        .exclude(Exists(live_flags))
        .exclude(Exists(recent_flags))
        .exclude(Exists(referrals))
        .order_by("pk")
    )


def _numeric_only(details: dict) -> dict:
    return {k: v for k, v in details.items() if isinstance(v, int | float) and not isinstance(v, bool)}


@transaction.atomic
def _anonymise_batch(*, ids: list, now: datetime.datetime, cutoff: datetime.datetime) -> int:
    # Re-check under lock: a flag reopened or a referral made since the batch was selected wins.
    ids = list(encounters_due_for_anonymisation(cutoff=cutoff).filter(pk__in=ids)
               .select_for_update(of=("self",)).values_list("pk", flat=True))
    if not ids:
        return 0
    Encounter.objects.filter(pk__in=ids).update(
        surname="", given_names="", native_name="", date_of_birth=None,
        document_number="", document_expiry=None, foreigner=None, anonymised_at=now,
    )
    Verification.objects.filter(encounter_id__in=ids).update(matched_entry=None)
    for flag in Flag.objects.filter(encounter_id__in=ids).only("pk", "details"):
        kept = _numeric_only(flag.details or {})
        if kept != flag.details:
            Flag.objects.filter(pk=flag.pk).update(details=kept)
    audit_record(actor=None, kind=AuditKind.ERASE, action="retention.encounters_anonymised",
                 object_type="inspections.encounter",
                 changes={"count": len(ids), "ids": [str(pk) for pk in ids], "cutoff": cutoff.isoformat()})
    return len(ids)


def retention_apply(*, today: datetime.date | None = None) -> dict[str, int]:
    """Apply both retention periods; returns how many encounters and audit rows were erased."""
    now = _now(today)
    encounter_cutoff = now - timedelta(days=settings.RETENTION["CLEARED_ENCOUNTER_DAYS"])
    anonymised = 0
    due = encounters_due_for_anonymisation(cutoff=encounter_cutoff)
    while True:
        ids = list(due.values_list("pk", flat=True)[:BATCH_SIZE])
        if not ids:
            break
        done = _anonymise_batch(ids=ids, now=now, cutoff=encounter_cutoff)
        anonymised += done
        if done == 0:
            break
    audit_rows = audit_purge(before=now - timedelta(days=settings.RETENTION["AUDIT_DAYS"]))
    return {"encounters_anonymised": anonymised, "audit_rows_purged": audit_rows}


@shared_task(name="inspections.tasks.retention_apply_task", acks_late=True,
             autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def retention_apply_task() -> dict[str, int]:
    return retention_apply()

"""Celery tasks of the inspections app: thin, load by id, call the engine, own the retry.

All are safe to run twice (the engine is idempotent) and acknowledged late (settings:
CELERY_TASK_ACKS_LATE, prefetch 1), so a worker killed mid-task loses nothing.
"""

from celery import shared_task
from django.conf import settings
from django.db import DatabaseError

from inspections.verification import engine

# Transient failures (connection lost, lock timeout, a concurrent insert of the same flag) are
# retried with exponential back-off and jitter.
RETRY = {
    "autoretry_for": (DatabaseError, ConnectionError, TimeoutError),
    "retry_backoff": 2,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 8,
    "acks_late": True,
}


@shared_task(name="inspections.tasks.inspection_verify_task", **RETRY)
def inspection_verify_task(inspection_id: str) -> int:
    """Verify every encounter of a submitted inspection (enqueued on commit by inspection_submit)."""
    results = engine.inspection_verify(inspection_id=inspection_id)
    return sum(r.encounters for r in results)


@shared_task(name="inspections.tasks.encounters_reverify_task", **RETRY)
def encounters_reverify_task(encounter_ids: list[str]) -> int:
    """Verify these encounters again (after imports, or from the nightly sweep)."""
    return sum(engine.verify_encounters(encounter_ids=chunk).encounters for chunk in engine.batches(encounter_ids))


@shared_task(name="inspections.tasks.verification_sweep_task", **RETRY)
def verification_sweep_task() -> int:
    """Nightly: everything never verified, still pending or in error, in chunks across workers."""
    ids = [str(pk) for pk in engine.encounters_needing_verification()]
    size = settings.VERIFICATION["REVERIFY_CHUNK"]
    for start in range(0, len(ids), size):
        encounters_reverify_task.delay(ids[start:start + size])
    return len(ids)

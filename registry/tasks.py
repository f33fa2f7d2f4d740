"""Celery tasks of the registry: thin, load by id, call a service, own the retry."""

import logging
import os

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from registry.models import ImportJob, ImportStatus
from registry.services import import_run

logger = logging.getLogger(__name__)


@shared_task(bind=True, acks_late=True, max_retries=3)
def import_run_task(self, job_id: str, path: str) -> str:
    """Run a stored upload (MEDIA_ROOT/imports/…) as ``job``; the file is deleted once the job
    has an outcome (done, rejected or failed for good). A lost database connection retries."""
    job = ImportJob.objects.select_related("created_by").filter(pk=job_id).first()
    if job is None:
        logger.warning("import job %s no longer exists", job_id)
        _delete(path)
        return "missing"
    finished = False
    try:
        result = import_run(actor=job.created_by, kind=job.kind, file=path, job=job, file_name=job.file_name)
        finished = True
        return "done" if result.ok else "rejected"
    except OperationalError as exc:
        if self.request.retries < self.max_retries:
            raise self.retry(exc=exc, countdown=30 * 2 ** self.request.retries) from exc
        finished = True
        ImportJob.objects.filter(pk=job_id).update(status=ImportStatus.FAILED, finished_at=timezone.now())
        raise
    except Exception:
        finished = True
        raise
    finally:
        if finished:
            _delete(path)


def _delete(path: str) -> None:
    try:
        os.remove(path)
    except FileNotFoundError:
        pass

"""The Celery app. Settings come from config.settings (CELERY_*); the beat schedule is here, in code."""

import os

from celery import Celery
from celery.schedules import crontab
from celery.signals import task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("residency_inspections")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# inspections/retention.py holds retention_apply_task (named inspections.tasks.retention_apply_task).
app.autodiscover_tasks(["inspections"], related_name="retention")

app.conf.beat_schedule = {
    "verify-pending-nightly": {
        "task": "inspections.tasks.verification_sweep_task",
        "schedule": crontab(hour=1, minute=30),
    },
    "retention-nightly": {
        "task": "inspections.tasks.retention_apply_task",
        "schedule": crontab(hour=2, minute=30),
    },
}


@task_prerun.connect
@task_postrun.connect
def close_old_database_connections(sender=None, **kwargs):
    """Around each task run by a worker, as Django does around each request: close the connection
    only if it is older than CONN_MAX_AGE or unusable (settings.CELERY_DB_REUSE_MAX keeps Celery
    from closing it every task)."""
    if getattr(getattr(sender, "request", None), "is_eager", False):
        return
    from django.db import close_old_connections

    close_old_connections()

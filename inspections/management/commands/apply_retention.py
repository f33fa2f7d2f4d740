"""Apply the retention periods now: ``manage.py apply_retention [--today YYYY-MM-DD]``."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from inspections.retention import retention_apply


class Command(BaseCommand):
    help = ("Anonymise encounters of people cleared longer than RETENTION_CLEARED_ENCOUNTER_DAYS ago and "
            "delete audit rows older than RETENTION_AUDIT_DAYS. Prints counts only.")

    def add_arguments(self, parser):
        parser.add_argument("--today", help="apply as of this date (YYYY-MM-DD) instead of now")

    def handle(self, *args, today=None, **options):
        day = None
        if today:
            try:
                day = datetime.date.fromisoformat(today)
            except ValueError as exc:
                raise CommandError("today: not a date in the form YYYY-MM-DD") from exc
        result = retention_apply(today=day)
        self.stdout.write(f"encounters anonymised: {result['encounters_anonymised']}")
        self.stdout.write(f"audit rows purged: {result['audit_rows_purged']}")

"""The shared base of the import_* commands."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from registry.models import ImportJob
from registry.services import import_run


class ImportCommand(BaseCommand):
    kind: str = ""
    what: str = ""

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV (UTF-8, header row) or XLSX file; see docs/import-formats.md")
        parser.add_argument("--user", help="username recorded in the audit log as the importer")
        parser.add_argument("--batch-size", type=int, default=None, help="rows per database batch")
        parser.add_argument("--job", action="store_true",
                            help="record an import job (status, progress, report) visible in the app")

    @property
    def help(self):
        return f"Import {self.what} from CSV/XLSX: all rows are validated first; any bad row imports nothing."

    def handle(self, *args, file, user=None, batch_size=None, job=False, **options):
        actor = None
        if user:
            actor = get_user_model().objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"no user named '{user}'")
        try:
            handle = open(file, "rb")  # noqa: SIM115
        except OSError as exc:
            raise CommandError(f"cannot open {file}: {exc.strerror}") from None
        with handle:
            job_row = ImportJob.objects.create(kind=self.kind, file_name=handle.name[-255:], created_by=actor) \
                if job else None
            result = import_run(actor=actor, kind=self.kind, file=handle, job=job_row, batch_size=batch_size)
        if not result.ok:
            for error in result.errors:
                column = error["column"] or "-"
                self.stderr.write(f"line {error['line']}, column {column}: {error['reason']}")
            raise CommandError(f"{result.error_count} errors in {result.total_rows} rows; nothing was imported.")
        self.stdout.write(self.style.SUCCESS(
            f"Imported {result.total_rows} {self.what}: {result.created} created, {result.updated} updated."
        ))

"""CSV and XLSX writers for the exported case queue.

The export carries what a supervisor needs to work the cases off-line (who, where, what, which
state) and no travel-document numbers: those stay on the case page, whose every opening is
audited one by one.
"""

import csv
import io

from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook

# Most rows a single export may hold; narrow the filter for more.
EXPORT_MAX_ROWS = 100_000

COLUMNS = [
    ("flag", _("Flag")),
    ("kind", _("Kind")),
    ("severity", _("Severity")),
    ("status", _("Status")),
    ("held_for_victim_screening", _("Held for victim screening")),
    ("surname", _("Surname")),
    ("given_names", _("Given names")),
    ("nationality", _("Nationality")),
    ("province", _("Province")),
    ("district", _("District")),
    ("premises", _("Premises")),
    ("premises_type", _("Premises type")),
    ("inspected_on", _("Inspected on")),
    ("raised_at", _("Raised at")),
    ("assignee", _("Assignee")),
]


def flag_rows(flags):
    """One tuple per flag, in COLUMNS order. ``flags`` is select_related as in the queue."""
    for flag in flags:
        encounter = flag.encounter
        yield (
            str(flag.pk), flag.kind, flag.severity, flag.status,
            "yes" if flag.held_for_victim_screening else "no",
            encounter.surname, encounter.given_names, flag.nationality,
            flag.province.name, flag.district.name, encounter.inspection.premises.name, flag.premises_type,
            flag.inspected_on.isoformat(), flag.raised_at.isoformat(timespec="seconds"),
            flag.assignee.get_username() if flag.assignee_id else "",
        )


def _safe_cell(value):
    """Defuse spreadsheet formulas in free text (CSV injection): a leading = + - @ is quoted."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def write_csv(rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([str(label) for _key, label in COLUMNS])
    for row in rows:
        writer.writerow([_safe_cell(v) for v in row])
    # UTF-8 with BOM so that spreadsheet programs read Khmer and accented names correctly.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def write_xlsx(rows) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title="flags")
    sheet.append([str(label) for _key, label in COLUMNS])
    for row in rows:
        sheet.append([_safe_cell(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

"""Builders of import files for the registry tests."""

import csv
import io

from openpyxl import Workbook

ENTRY_HEADER = ["source_id", "document_type", "document_number", "issuing_country", "nationality", "surname",
                "given_names", "date_of_birth", "sex", "entry_date", "port_of_entry", "visa_type", "permitted_until",
                "exit_date"]


def entry_row(**overrides) -> dict:
    row = {
        "source_id": "BX-1", "document_type": "P", "document_number": "C1234567", "issuing_country": "VNM",
        "nationality": "VNM", "surname": "NGUYEN", "given_names": "VAN AN", "date_of_birth": "1990-04-12",
        "sex": "M", "entry_date": "2026-10-01", "port_of_entry": "Bavet", "visa_type": "T",
        "permitted_until": "2026-10-31", "exit_date": "",
    }
    row.update(overrides)
    return row


def csv_bytes(rows: list[dict], header: list[str] | None = None, bom: bool = False) -> bytes:
    header = header or list(rows[0])
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(name, "") for name in header])
    return (("\ufeff" if bom else "") + out.getvalue()).encode()


def csv_file(rows: list[dict], header: list[str] | None = None, name: str = "entries.csv", bom: bool = False):
    handle = io.BytesIO(csv_bytes(rows, header, bom))
    handle.name = name
    return handle


def xlsx_file(rows: list[list], name: str = "entries.xlsx"):
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    handle = io.BytesIO()
    workbook.save(handle)
    handle.seek(0)
    handle.name = name
    return handle

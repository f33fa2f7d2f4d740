"""registry.imports: reading files and validating every row, without the database writes."""

import datetime

import pytest

from registry.imports import CellError, Reference, read_table, rows_table, spec_for, validate
from registry.models import ImportKind
from tests.registry.importfiles import ENTRY_HEADER, csv_file, entry_row, xlsx_file


def reference(entries=(), premises=()):
    known = {"entry": set(entries), "premises": set(premises)}
    return Reference(
        visa_types=lambda: {"T", "E", "EB", "EG", "A"},
        district_codes=lambda: {"KH-12-01", "KH-17-01"},
        resolve=lambda name, values: values & known[name],
    )


def check(kind, handle, ref=None):
    ref = ref or reference()
    return validate(spec_for(kind, ref), read_table(handle), ref)


def test_a_good_file_has_no_errors_and_counts_rows():
    result = check(ImportKind.ENTRY_RECORDS, csv_file([entry_row(), entry_row(source_id="BX-2")]))
    assert result.errors == []
    assert result.total_rows == 2


def test_bom_is_accepted():
    result = check(ImportKind.ENTRY_RECORDS, csv_file([entry_row()], bom=True))
    assert result.errors == []


def test_every_bad_row_is_reported_with_line_column_and_reason():
    rows = [
        entry_row(),  # line 2: good
        entry_row(source_id="BX-2", date_of_birth="12/04/1990"),  # line 3
        entry_row(source_id="BX-3", visa_type="XX", sex="Q"),  # line 4
        entry_row(source_id="BX-4", permitted_until="2026-09-01"),  # line 5
        entry_row(source_id="BX-2"),  # line 6: duplicate of line 3
        entry_row(source_id="BX-6", issuing_country="VNX", nationality="vn1"),  # line 7
        entry_row(source_id="BX-7", exit_date="2026-09-30"),  # line 8
    ]
    result = check(ImportKind.ENTRY_RECORDS, csv_file(rows))
    found = {(e["line"], e["column"], e["reason"]) for e in result.report()}
    assert found == {
        (3, "date_of_birth", "not a date (YYYY-MM-DD)"),
        (4, "visa_type", "unknown visa type 'XX'"),
        (4, "sex", "unknown sex 'Q' (expected M/F/X)"),
        (5, "permitted_until", "permitted_until is before entry_date"),
        (6, "source_id", "duplicate source_id in this file (also on line 3)"),
        (7, "issuing_country", "unknown country code 'VNX'"),
        (7, "nationality", "not a country code (1 to 3 letters as in the MRZ, e.g. VNM, D, XXA)"),
        (8, "exit_date", "exit_date is before entry_date"),
    }


def test_missing_and_unknown_header_columns_are_named_on_line_1():
    header = [c for c in ENTRY_HEADER if c != "entry_date"] + ["entry date"]
    result = check(ImportKind.ENTRY_RECORDS, csv_file([entry_row()], header=header))
    reasons = {e["reason"] for e in result.errors}
    assert reasons == {"missing header column 'entry_date'", "unknown header column 'entry date'"}
    assert {e["line"] for e in result.errors} == {1}


def test_document_numbers_never_appear_in_errors():
    secret = "ZX9#77"
    result = check(ImportKind.ENTRY_RECORDS, csv_file([entry_row(document_number=secret)]))
    assert result.errors == [{"line": 2, "column": "document_number",
                              "reason": "may contain only letters, digits, spaces and hyphens"}]
    assert "ZX9" not in str(result.report())


@pytest.mark.parametrize("code", ["D", "GBD", "UNO", "XXA", "DEU", "KHM"])
def test_mrz_special_country_codes_are_accepted(code):
    result = check(ImportKind.ENTRY_RECORDS, csv_file([entry_row(issuing_country=code)]))
    assert result.errors == []


@pytest.mark.parametrize(("column", "value", "reason"), [
    ("document_type", "X", "unknown document type 'X' (expected P/D/O/I/L)"),
    ("entry_date", "20261001", "not a date (YYYY-MM-DD)"),
    ("entry_date", "2026-02-30", "not a date (YYYY-MM-DD)"),
    ("surname", "", "is required"),
    ("port_of_entry", "x" * 101, "longer than 100 characters"),
])
def test_cell_reasons(column, value, reason):
    result = check(ImportKind.ENTRY_RECORDS, csv_file([entry_row(**{column: value})]))
    assert {"line": 2, "column": column, "reason": reason} in result.errors


def test_dates_in_the_future_are_refused():
    tomorrow = (datetime.date.today() + datetime.timedelta(days=1)).isoformat()
    result = check(ImportKind.ENTRY_RECORDS, csv_file([entry_row(entry_date=tomorrow, permitted_until=tomorrow)]))
    assert {"line": 2, "column": "entry_date", "reason": "entry_date is in the future"} in result.errors


def test_a_row_with_extra_cells_is_reported():
    handle = csv_file([entry_row()])
    handle = type(handle)(handle.getvalue().replace(b"\n", b",surplus\n").replace(b"exit_date,surplus", b"exit_date"))
    handle.name = "x.csv"
    result = check(ImportKind.ENTRY_RECORDS, handle)
    assert result.errors == [{"line": 2, "column": "", "reason": "row has 15 cells, the header has 14"}]


def test_quoted_newlines_keep_file_line_numbers():
    rows = [entry_row(port_of_entry="Bavet\ncheckpoint"), entry_row(source_id="BX-2", sex="Q")]
    result = check(ImportKind.ENTRY_RECORDS, csv_file(rows))
    # the first record spans lines 2-3 (and a line break is no place name), the second starts on line 4
    assert [(e["line"], e["column"], e["reason"]) for e in result.report()] == [
        (2, "port_of_entry", "contains control characters"),
        (4, "sex", "unknown sex 'Q' (expected M/F/X)"),
    ]


def test_xlsx_rows_are_read_with_dates_and_numbers():
    row = entry_row()
    values = [row[c] for c in ENTRY_HEADER]
    values[7] = datetime.datetime(1990, 4, 12)  # a real date cell
    bad = list(values)
    bad[0], bad[8] = "BX-2", "Q"
    handle = xlsx_file([ENTRY_HEADER, values, bad])
    result = check(ImportKind.ENTRY_RECORDS, handle)
    assert result.errors == [{"line": 3, "column": "sex", "reason": "unknown sex 'Q' (expected M/F/X)"}]


def test_a_file_that_is_not_utf8_cannot_be_read():
    handle = csv_file([entry_row()], header=["sürname", *ENTRY_HEADER[1:]])
    handle = type(handle)(handle.getvalue().decode().encode("latin-1"))
    with pytest.raises(CellError, match="not UTF-8"):
        read_table(handle, "x.csv")


def test_stay_extensions_need_an_existing_entry():
    ref = reference(entries={"BX-1"})
    rows = [{"source_id": "SX-1", "entry_source_id": "BX-1", "visa_type": "T", "granted_on": "2026-10-20",
             "valid_until": "2026-11-20"},
            {"source_id": "SX-2", "entry_source_id": "BX-404", "visa_type": "T", "granted_on": "2026-10-20",
             "valid_until": "2026-10-01"}]
    spec = spec_for(ImportKind.STAY_EXTENSIONS, ref)
    result = validate(spec, rows_table(rows, spec), ref)
    assert {(e["line"], e["column"], e["reason"]) for e in result.errors} == {
        (2, "entry_source_id", "no entry record with source_id 'BX-404'"),
        (2, "valid_until", "valid_until is before granted_on"),
    }


def test_premises_rows():
    ref = reference()
    rows = [{"registration_number": "R-1", "premises_type": "Hotel", "name": "Lotus", "district_code": "KH-12-01",
             "latitude": "11.5", "longitude": "104.9"},
            {"registration_number": "R-2", "premises_type": "spaceport", "name": "X", "district_code": "KH-99-01",
             "latitude": "95"}]
    spec = spec_for(ImportKind.PREMISES, ref)
    result = validate(spec, rows_table(rows, spec), ref)
    assert {(e["line"], e["column"], e["reason"]) for e in result.errors} == {
        (2, "premises_type", "unknown premises type 'spaceport' (expected hotel/construction/company/"
                             "entertainment/casino/brick_kiln/residential/compound/diplomatic/other)"),
        (2, "district_code", "unknown district code 'KH-99-01'"),
        (2, "latitude", "out of range (-90 to 90)"),
    }


def test_a_broken_encoding_mid_file_is_reported_on_its_line():
    good = csv_file([entry_row(), entry_row(source_id="BX-2")]).getvalue()
    handle = type(csv_file([entry_row()]))(good + b"BX-3,P,C1,VNM,VNM,M\xfcLLER,,1990-01-01,M,2026-10-01,Bavet,T,"
                                                 b"2026-10-30,\n")
    handle.name = "x.csv"
    result = check(ImportKind.ENTRY_RECORDS, handle)
    assert result.errors == [{"line": 4, "column": "",
                              "reason": "the file is not UTF-8 text from here on (save the CSV as UTF-8)"}]
    assert result.total_rows == 2

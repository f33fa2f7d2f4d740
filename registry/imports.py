"""Reading and validating import files. No writes: registry.services does those.

One ``ImportSpec`` per kind names its columns, how each cell is parsed and which checks span a
row. ``read_table`` turns a CSV (UTF-8, with or without BOM) or XLSX file, or a list of JSON
objects, into numbered rows; ``validate`` checks every row and returns every error as
``{"line", "column", "reason"}``; ``parse_rows`` yields the parsed values of a file that passed.

Line numbers are file line numbers: the header is line 1, so the first data row is line 2 (for a
JSON array, ``line`` is the 1-based position in the array). Error reasons never quote the content
of a document-number cell.
"""

from __future__ import annotations

import csv
import datetime
import io
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from registry.countries import MRZ_COUNTRY_CODES
from registry.models import DocumentType, ImportKind, PremisesType, Sex
from registry.normalisation import normalise_document_number

MAX_REPORTED_ERRORS = 10_000


class CellError(ValueError):
    """A cell that cannot be read; the message is the plain-English reason."""


class UnreadableLine(CellError):
    """The file cannot be read on from ``line`` (bad encoding, broken quoting)."""

    def __init__(self, line: int, reason: str):
        super().__init__(reason)
        self.line = line


# --- cell parsers: str -> value, raising CellError -------------------------------------------

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
_COUNTRY = re.compile(r"[A-Z]{1,3}\Z")
_DOCUMENT = re.compile(r"[A-Za-z0-9 \-]+\Z")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def parse_text(max_length: int) -> Callable[[str], str]:
    def parse(value: str) -> str:
        if len(value) > max_length:
            raise CellError(f"longer than {max_length} characters")
        if _CONTROL.search(value):
            raise CellError("contains control characters")
        return value

    return parse


def parse_name(max_length: int) -> Callable[[str], str]:
    """Names as the document prints them: upper-cased, inner spaces collapsed."""
    text = parse_text(max_length)

    def parse(value: str) -> str:
        return " ".join(text(value).upper().split())

    return parse


def parse_date(value: str) -> datetime.date:
    if not _DATE.match(value):
        raise CellError("not a date (YYYY-MM-DD)")
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CellError("not a date (YYYY-MM-DD)") from None


def parse_country(value: str) -> str:
    code = value.upper()
    if not _COUNTRY.match(code):
        raise CellError("not a country code (1 to 3 letters as in the MRZ, e.g. VNM, D, XXA)")
    if code not in MRZ_COUNTRY_CODES:
        raise CellError(f"unknown country code '{code}'")
    return code


def parse_document_number(value: str) -> str:
    """Normalised; never echoes the content (it is personal data)."""
    if value.isascii() and value.isalnum():  # the usual case: already letters and digits
        number = value.upper()
        if len(number) > 30:
            raise CellError("longer than 30 letters and digits")
        return number
    if not _DOCUMENT.match(value):
        raise CellError("may contain only letters, digits, spaces and hyphens")
    number = normalise_document_number(value)
    if not number:
        raise CellError("has no letters or digits")
    if len(number) > 30:
        raise CellError("longer than 30 letters and digits")
    return number


def parse_choice(choices: type, label: str) -> Callable[[str], str]:
    """One of ``choices``' values; other case accepted (codes are upper case, words lower case)."""
    allowed = {c.value for c in choices}
    listing = "/".join(c.value for c in choices)
    lower = all(v == v.lower() for v in allowed)

    def parse(value: str) -> str:
        if value in allowed:
            return value
        folded = value.lower() if lower else value.upper()
        if folded in allowed:
            return folded
        raise CellError(f"unknown {label} '{value[:20]}' (expected {listing})")

    return parse


def parse_code(label: str, known: Callable[[], set[str]]) -> Callable[[str], str]:
    """A code that must exist in reference data (``known`` is evaluated once per import)."""
    cache: dict[str, set[str]] = {}

    def parse(value: str) -> str:
        if "codes" not in cache:
            cache["codes"] = known()
        codes = cache["codes"]
        code = value.upper()
        if code not in codes:
            raise CellError(f"unknown {label} '{value[:20]}'")
        return code

    return parse


def parse_decimal(low: int, high: int, label: str) -> Callable[[str], Decimal]:
    def parse(value: str) -> Decimal:
        try:
            number = Decimal(value)
        except InvalidOperation:
            raise CellError(f"not a number (e.g. {label})") from None
        if not number.is_finite() or not low <= number <= high:
            raise CellError(f"out of range ({low} to {high})")
        return number.quantize(Decimal("0.000001"))

    return parse


# --- specs ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Column:
    name: str
    parse: Callable[[str], Any]
    required: bool = True
    # Resolved against the database in sets after every row was read (e.g. entry_source_id).
    reference: str = ""


@dataclass(frozen=True)
class ImportSpec:
    kind: str
    columns: tuple[Column, ...]
    key: str
    # Each takes the parsed row and returns (column, reason) pairs.
    row_checks: tuple[Callable[[dict], list[tuple[str, str]]], ...] = ()

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]


@dataclass
class Reference:
    """Lookups the specs need from the database, supplied by the caller (registry.services)."""

    visa_types: Callable[[], set[str]]
    district_codes: Callable[[], set[str]]
    # name -> function(set of values) -> the subset that exists
    resolve: Callable[[str, set[str]], set[str]]


def _not_before(later: str, earlier: str, *, optional: bool = False):
    def check(row: dict) -> list[tuple[str, str]]:
        a, b = row.get(later), row.get(earlier)
        if a is None or b is None:
            return []
        if a < b:
            return [(later, f"{later} is before {earlier}")]
        return []

    return check


def _not_in_future(column: str):
    today = datetime.date.today()  # once per import (a spec is made for each)

    def check(row: dict) -> list[tuple[str, str]]:
        value = row.get(column)
        if value is not None and value > today:
            return [(column, f"{column} is in the future")]
        return []

    return check


def _premises_position(row: dict) -> list[tuple[str, str]]:
    if (row.get("latitude") is None) != (row.get("longitude") is None):
        missing = "longitude" if row.get("longitude") is None else "latitude"
        return [(missing, "latitude and longitude must be given together")]
    return []


def spec_for(kind: str, ref: Reference) -> ImportSpec:
    source_id = Column("source_id", parse_text(64))
    visa_type = Column("visa_type", parse_code("visa type", ref.visa_types))
    doc_number = Column("document_number", parse_document_number)
    issuing = Column("issuing_country", parse_country)
    surname = Column("surname", parse_name(100))
    given = Column("given_names", parse_name(150), required=False)

    if kind == ImportKind.ENTRY_RECORDS:
        return ImportSpec(
            kind=kind, key="source_id",
            columns=(
                source_id,
                Column("document_type", parse_choice(DocumentType, "document type")),
                doc_number, issuing,
                Column("nationality", parse_country),
                surname, given,
                Column("date_of_birth", parse_date),
                Column("sex", parse_choice(Sex, "sex")),
                Column("entry_date", parse_date),
                Column("port_of_entry", parse_text(100)),
                visa_type,
                Column("permitted_until", parse_date),
                Column("exit_date", parse_date, required=False),
            ),
            row_checks=(
                _not_before("permitted_until", "entry_date"),
                _not_before("exit_date", "entry_date"),
                _not_before("entry_date", "date_of_birth"),
                _not_in_future("date_of_birth"),
                _not_in_future("entry_date"),
            ),
        )
    if kind == ImportKind.STAY_EXTENSIONS:
        return ImportSpec(
            kind=kind, key="source_id",
            columns=(
                source_id,
                Column("entry_source_id", parse_text(64), reference="entry"),
                visa_type,
                Column("granted_on", parse_date),
                Column("valid_until", parse_date),
            ),
            row_checks=(_not_before("valid_until", "granted_on"),),
        )
    if kind == ImportKind.WORK_PERMITS:
        return ImportSpec(
            kind=kind, key="source_id",
            columns=(
                source_id, doc_number, issuing, surname, given,
                Column("employer_name", parse_text(200)),
                Column("employer_registration_number", parse_text(60), required=False, reference="premises"),
                Column("occupation", parse_text(120), required=False),
                Column("valid_from", parse_date),
                Column("valid_until", parse_date),
            ),
            row_checks=(_not_before("valid_until", "valid_from"),),
        )
    if kind == ImportKind.GUEST_REGISTRATIONS:
        return ImportSpec(
            kind=kind, key="source_id",
            columns=(
                source_id,
                Column("premises_registration_number", parse_text(60), reference="premises"),
                doc_number, issuing,
                Column("nationality", parse_country, required=False),
                surname, given,
                Column("check_in", parse_date),
                Column("check_out", parse_date, required=False),
            ),
            row_checks=(_not_before("check_out", "check_in"),),
        )
    if kind == ImportKind.PREMISES:
        return ImportSpec(
            kind=kind, key="registration_number",
            columns=(
                Column("registration_number", parse_text(60)),
                Column("premises_type", parse_choice(PremisesType, "premises type")),
                Column("name", parse_text(200)),
                Column("address", parse_text(300), required=False),
                Column("district_code", parse_code("district code", ref.district_codes)),
                Column("latitude", parse_decimal(-90, 90, "11.556374"), required=False),
                Column("longitude", parse_decimal(-180, 180, "104.928207"), required=False),
                Column("operator_name", parse_text(200), required=False),
                Column("contact", parse_text(200), required=False),
            ),
            row_checks=(_premises_position,),
        )
    raise ValueError(f"unknown import kind {kind!r}")


# --- reading ----------------------------------------------------------------------------------

@dataclass
class Table:
    """A header and an iterator of (line number, cells). ``reopen`` gives a fresh iterator."""

    header: list[str]
    reopen: Callable[[], Iterator[tuple[int, list[str]]]]
    header_errors: list[dict] = field(default_factory=list)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _open_binary(source) -> io.BufferedIOBase:
    if isinstance(source, str | os.PathLike):
        return open(source, "rb")  # noqa: SIM115 - closed by the caller
    source.seek(0)
    return source


def is_xlsx(source, file_name: str = "") -> bool:
    name = file_name or str(getattr(source, "name", "") or (source if isinstance(source, str | Path) else ""))
    if name.lower().endswith(".xlsx"):
        return True
    if name.lower().endswith(".csv"):
        return False
    handle = _open_binary(source)
    try:
        return handle.read(4) == b"PK\x03\x04"
    finally:
        if isinstance(source, str | os.PathLike):
            handle.close()
        else:
            source.seek(0)


def _utf8_lines(handle) -> Iterator[str]:
    """Decoded lines, a decoding error named by its line (a BOM on the first line is dropped)."""
    for number, raw in enumerate(handle, start=1):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise UnreadableLine(number, "the file is not UTF-8 text from here on (save the CSV as UTF-8)") from None
        yield text.lstrip("\ufeff") if number == 1 else text


def _csv_rows(source) -> Iterator[tuple[int, list[str]]]:
    handle = _open_binary(source)
    try:
        reader = csv.reader(_utf8_lines(handle), strict=True)
        start = 1
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise UnreadableLine(start, f"the file is not a readable CSV from here on ({exc})") from None
            yield start, cells
            start = reader.line_num + 1
    finally:
        if isinstance(source, str | os.PathLike):
            handle.close()


def _xlsx_rows(source) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    handle = _open_binary(source)
    workbook = load_workbook(handle, read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield line, [_cell(v) for v in values]
    finally:
        workbook.close()
        if isinstance(source, str | os.PathLike):
            handle.close()


def read_table(source, file_name: str = "") -> Table:
    """A CSV or XLSX file (path or binary file object) as a Table. Raises CellError when the file
    cannot be read at all (not UTF-8, not a spreadsheet, empty)."""
    reader = _xlsx_rows if is_xlsx(source, file_name) else _csv_rows

    def body() -> Iterator[tuple[int, list[str]]]:
        rows = reader(source)
        next(rows, None)
        yield from rows

    try:
        first = next(reader(source), None)
    except UnreadableLine as exc:
        raise CellError(str(exc).replace("from here on ", "")) from None
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise CellError(f"the file is not a readable XLSX workbook ({type(exc).__name__})") from None
    if first is None:
        raise CellError("the file is empty")
    header = [_cell(h).lstrip("\ufeff").strip().lower() for h in first[1]]
    while header and header[-1] == "":
        header.pop()
    return Table(header=header, reopen=body)


def rows_table(rows: Iterable[dict], spec: ImportSpec) -> Table:
    """JSON objects (the API) as a Table with the spec's columns: a missing or null field is an
    empty cell, fields the spec does not name are ignored; ``line`` is the 1-based position in
    the array."""
    rows = list(rows)
    names = spec.names

    def body() -> Iterator[tuple[int, list[str]]]:
        for line, row in enumerate(rows, start=1):
            yield line, [_cell(row.get(name)) if isinstance(row, dict) else "" for name in names]

    return Table(header=list(names), reopen=body)


# --- validation -------------------------------------------------------------------------------

def _error(line: int, column: str, reason: str) -> dict:
    return {"line": line, "column": column, "reason": reason}


def check_header(spec: ImportSpec, header: list[str]) -> list[dict]:
    errors = []
    seen = set()
    for name in header:
        if name in seen:
            errors.append(_error(1, name, f"duplicate header column '{name}'"))
        seen.add(name)
        if name not in spec.names:
            errors.append(_error(1, name, f"unknown header column '{name[:40]}'"))
    for name in spec.names:
        if name not in seen:
            errors.append(_error(1, name, f"missing header column '{name}'"))
    return errors


def _parse_row(spec: ImportSpec, positions: list[tuple], cells: list[str],
               width: int) -> tuple[dict, list[tuple[str, str]]]:
    values: dict[str, Any] = {}
    problems: list[tuple[str, str]] = []
    count = len(cells)
    if count > width and any(c.strip() for c in cells[width:]):
        problems.append(("", f"row has {count} cells, the header has {width}"))
    for name, index, parse, required, empty in positions:
        raw = cells[index].strip() if index < count else ""
        if not raw:
            if required:
                problems.append((name, "is required"))
            values[name] = empty
            continue
        try:
            values[name] = parse(raw)
        except CellError as exc:
            problems.append((name, str(exc)))
            values[name] = None
    for check in spec.row_checks:  # each skips values that did not parse
        if found := check(values):
            problems.extend(found)
    return values, problems


# Optional columns stored as NULL (dates, numbers) rather than "".
_NULLABLE = {"exit_date", "check_out", "latitude", "longitude"}


def _positions(spec: ImportSpec, header: list[str]) -> list[tuple]:
    """(name, cell index, parser, required, value when empty) for each of the spec's columns; a
    column missing from the header gets an index past any row's end (an empty cell)."""
    index = {name: i for i, name in enumerate(header)}
    return [(c.name, index.get(c.name, sys.maxsize), c.parse, c.required, None if c.name in _NULLABLE else "")
            for c in spec.columns]


@dataclass
class Validation:
    total_rows: int = 0
    errors: list[dict] = field(default_factory=list)
    error_count: int = 0
    # The parsed rows, kept when the file is small enough (``keep``), so the writes need not
    # read and parse it a second time; None otherwise.
    rows: list[dict] | None = None

    def add(self, line: int, column: str, reason: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append(_error(line, column, reason))

    def report(self) -> list[dict]:
        errors = sorted(self.errors, key=lambda e: e["line"])
        if self.error_count > len(errors):
            errors.append(_error(0, "", f"{self.error_count - len(errors)} more errors not listed"))
        return errors


def _is_blank(cells: list[str]) -> bool:
    return not any(c.strip() for c in cells)


def validate(spec: ImportSpec, table: Table, ref: Reference, *,
             progress: Callable[[int], None] | None = None, progress_every: int = 5000,
             keep: int = 0, sink: Callable[[int, dict, bool], None] | None = None,
             duplicates: bool = True) -> Validation:
    """Check every row; return every error. Reads the whole table once. With ``keep``, the
    parsed rows of a valid table of at most ``keep`` rows are returned in ``rows``. With
    ``sink``, every row's parsed values go to ``sink(line, values, ok)`` as they are read (``ok``:
    no error so far in the file), e.g. to stage them in the database. ``duplicates=False`` leaves
    the check of duplicate keys to the caller (who then sees every key through ``sink``)."""
    result = Validation(rows=[] if keep else None)
    header_errors = check_header(spec, table.header)
    if header_errors:
        for e in header_errors:
            result.add(e["line"], e["column"], e["reason"])
        return result
    checker = _RowChecker(spec, table.header, ref, result, keep, sink, duplicates)
    try:
        for line, cells in table.reopen():
            if _is_blank(cells):
                continue
            checker.check(line, cells)
            if progress is not None and result.total_rows % progress_every == 0:
                progress(result.total_rows)
    except UnreadableLine as exc:
        result.add(exc.line, "", str(exc))
        result.rows = None
    checker.resolve_all()
    if result.total_rows == 0 and not result.error_count:
        result.add(1, "", "the file has a header but no rows")
    return result


class _RowChecker:
    """The state of one validation pass: keys seen (duplicates), references waiting to be
    resolved against the database in sets, and the parsed rows kept for the writes."""

    RESOLVE_EVERY = 5000

    def __init__(self, spec: ImportSpec, header: list[str], ref: Reference, result: Validation, keep: int,
                 sink: Callable[[int, dict, bool], None] | None = None, duplicates: bool = True):
        self.spec, self.ref, self.result, self.keep = spec, ref, result, keep
        self.sink, self.duplicates = sink, duplicates
        self.positions = _positions(spec, header)
        self.width = len(header)
        self.keys: dict[str, int] = {}
        self.references = [c for c in spec.columns if c.reference]
        self.pending: dict[str, dict[str, list[int]]] = {c.name: {} for c in self.references}

    def check(self, line: int, cells: list[str]) -> None:
        result = self.result
        result.total_rows += 1
        values, problems = _parse_row(self.spec, self.positions, cells, self.width)
        for column, reason in problems:
            result.add(line, column, reason)
        if result.rows is not None:
            if problems or len(result.rows) >= self.keep:
                result.rows = None
            else:
                values["line"] = line
                result.rows.append(values)
        if self.sink is not None:
            self.sink(line, values, not result.error_count)
        key = values.get(self.spec.key) if self.duplicates else None
        if key:
            if key in self.keys:
                result.add(line, self.spec.key,
                           f"duplicate {self.spec.key} in this file (also on line {self.keys[key]})")
            else:
                self.keys[key] = line
        for column in self.references:
            value = values.get(column.name)
            if value:
                waiting = self.pending[column.name]
                waiting.setdefault(value, []).append(line)
                if len(waiting) >= self.RESOLVE_EVERY:
                    self.resolve(column)

    def resolve(self, column: Column) -> None:
        waiting = self.pending[column.name]
        if not waiting:
            return
        found = self.ref.resolve(column.reference, set(waiting))
        what = "entry record with source_id" if column.reference == "entry" else "premises with registration number"
        for value, lines in waiting.items():
            if value not in found:
                for line in lines:
                    self.result.add(line, column.name, f"no {what} '{value[:64]}'")
        waiting.clear()

    def resolve_all(self) -> None:
        for column in self.references:
            self.resolve(column)


def parse_rows(spec: ImportSpec, table: Table) -> Iterator[dict]:
    """The parsed rows of a table that passed ``validate`` (each a dict with ``line``)."""
    positions = _positions(spec, table.header)
    width = len(table.header)
    for line, cells in table.reopen():
        if _is_blank(cells):
            continue
        values, problems = _parse_row(spec, positions, cells, width)
        if problems:  # the file changed between the passes
            raise CellError(f"line {line} changed after validation")
        values["line"] = line
        yield values

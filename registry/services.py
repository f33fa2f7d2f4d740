"""Writes of the registry: imports of border, stay, labour and guest records, and premises.

Imports are all-or-nothing. Every row is validated first (registry.imports); if any is bad,
nothing is written and the full report (line, column, reason) comes back. Otherwise rows are
upserted on their key in batches, with a constant number of queries per batch, inside one
transaction; ``records_imported`` is sent after it commits and one audit row records the import.
"""

from __future__ import annotations

import csv
import io
import logging
import operator
import os
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from itertools import islice
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import FileSystemStorage
from django.db import DatabaseError, connection, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import scope_for
from accounts.services import audit_write
from registry.imports import (
    MAX_REPORTED_ERRORS,
    CellError,
    ImportSpec,
    Reference,
    Table,
    parse_rows,
    read_table,
    rows_table,
    spec_for,
    validate,
)
from registry.models import (
    District,
    EntryRecord,
    Foreigner,
    GuestRegistration,
    ImportJob,
    ImportKind,
    ImportStatus,
    Premises,
    StayExtension,
    TravelDocument,
    VisaType,
    WorkPermit,
)
from registry.normalisation import name_key
from registry.signals import records_imported

logger = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 5000
# Files up to this many rows are parsed once and kept in memory (about 1 kB a row) between
# validation and writing; longer ones are read a second time.
KEEP_PARSED_ROWS = 200_000


def _batch_size() -> int:
    return getattr(settings, "REGISTRY_IMPORT_BATCH_SIZE", DEFAULT_BATCH_SIZE)


@dataclass
class ImportResult:
    kind: str
    file_name: str = ""
    total_rows: int = 0
    created: int = 0
    updated: int = 0
    errors: list[dict] = field(default_factory=list)
    error_count: int = 0

    @property
    def ok(self) -> bool:
        return not self.error_count


class ImportRejected(Exception):
    """The file had bad rows (or could not be read); nothing was written."""

    def __init__(self, result: ImportResult):
        super().__init__(f"{result.error_count} errors; nothing imported")
        self.result = result


# --- database lookups the validation needs ----------------------------------------------------

def _resolve(reference: str, values: set[str]) -> set[str]:
    if reference == "entry":
        return set(EntryRecord.objects.filter(source_id__in=values).values_list("source_id", flat=True))
    if reference == "premises":
        return set(Premises.objects.filter(registration_number__in=values)
                   .values_list("registration_number", flat=True))
    raise ValueError(reference)


def _reference() -> Reference:
    return Reference(
        visa_types=lambda: set(VisaType.objects.filter(is_active=True).values_list("code", flat=True)),
        district_codes=lambda: set(District.objects.values_list("code", flat=True)),
        resolve=_resolve,
    )


def _batches(rows: Iterable[dict], size: int) -> Iterator[list[dict]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


# --- the writers: one per kind; each takes a batch of parsed rows -----------------------------
# Each returns (created, updated, documents) and issues a constant number of queries.
# On PostgreSQL rows go through COPY (into the table, or into a temporary stage followed by one
# INSERT ... ON CONFLICT); elsewhere through bulk_create.

def _is_pg() -> bool:
    return connection.vendor == "postgresql"


def _columns(model, names: list[str]) -> list[str]:
    return [model._meta.get_field(n).column for n in names]


def _copy(cursor, table: str, columns: list[str], rows: list[tuple]) -> None:
    qn = connection.ops.quote_name
    with cursor.cursor.copy(f"COPY {qn(table)} ({', '.join(qn(c) for c in columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _insert(model, names: list[str], rows: list[tuple]) -> None:
    """Plain inserts of new rows."""
    if not rows:
        return
    if _is_pg():
        with connection.cursor() as cursor:
            _copy(cursor, model._meta.db_table, _columns(model, names), rows)
        return
    attnames = [model._meta.get_field(n).attname for n in names]
    model.objects.bulk_create([model(**dict(zip(attnames, row, strict=True))) for row in rows])


def _upsert(model, names: list[str], rows: list[tuple], *, update: list[str], key: str = "source_id"):
    """Insert or update on ``key``; returns (created, updated)."""
    if _is_pg():
        qn = connection.ops.quote_name
        table = model._meta.db_table
        stage = qn(f"import_stage_{table}")
        columns = ", ".join(qn(c) for c in _columns(model, names))
        assignments = ", ".join(f"{qn(c)} = EXCLUDED.{qn(c)}" for c in _columns(model, update))
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE TEMPORARY TABLE IF NOT EXISTS {stage} ON COMMIT DROP AS "
                           f"SELECT {columns} FROM {qn(table)} WITH NO DATA")
            cursor.execute(f"TRUNCATE {stage}")
            _copy(cursor, f"import_stage_{table}", _columns(model, names), rows)
            cursor.execute(
                f"WITH up AS (INSERT INTO {qn(table)} ({columns}) SELECT {columns} FROM {stage} "
                f"ON CONFLICT ({qn(model._meta.get_field(key).column)}) DO UPDATE SET {assignments} "
                f"RETURNING (xmax = 0) AS created) "
                f"SELECT count(*) FILTER (WHERE created), count(*) FILTER (WHERE NOT created) FROM up"
            )
            created, updated = cursor.fetchone()
        return created, updated
    position = names.index(key)
    existing = _existing(model, key, [row[position] for row in rows])
    attnames = [model._meta.get_field(n).attname for n in names]
    model.objects.bulk_create([model(**dict(zip(attnames, row, strict=True))) for row in rows],
                              update_conflicts=True, unique_fields=[key], update_fields=update)
    return len(rows) - len(existing), len(existing)


def _existing(model, key: str, values: list[str]) -> set[str]:
    return set(model.objects.filter(**{f"{key}__in": values}).values_list(key, flat=True))


def _foreigners_by_document(pairs: set[tuple[str, str]]) -> dict[tuple[str, str], object]:
    """(number, issuing country) -> foreigner id, when exactly one foreigner holds such a document."""
    if not pairs:
        return {}
    found: dict[tuple[str, str], set] = {}
    rows = TravelDocument.objects.filter(number__in={n for n, _ in pairs}).values_list(
        "number", "issuing_country", "foreigner_id")
    for number, country, foreigner_id in rows:
        if (number, country) in pairs:
            found.setdefault((number, country), set()).add(foreigner_id)
    return {pair: next(iter(ids)) for pair, ids in found.items() if len(ids) == 1}


def _identity(row: dict) -> tuple:
    """Names exactly as imported (upper case, single spaces), date of birth, sex, nationality."""
    return row["surname"], row["given_names"], row["date_of_birth"], row["sex"], row["nationality"]


def _same_identity_candidates(rows: list[dict]) -> list[dict]:
    """Known foreigners sharing nationality, date of birth and surname with any of ``rows``: one query."""
    if _is_pg():
        # Exact (nationality, date of birth, surname) triples joined on the foreigner_nat_dob
        # index; IN lists on each column separately would scan the table once it is large.
        triples = {(r["nationality"], r["date_of_birth"], r["surname"]) for r in rows}
        nationalities, dobs, surnames = (list(c) for c in zip(*triples, strict=True))
        table = connection.ops.quote_name(Foreigner._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT f.id, f.surname, f.given_names, f.date_of_birth, f.sex, f.nationality FROM {table} f "
                "JOIN unnest(%s::varchar[], %s::date[], %s::varchar[]) AS k(nationality, date_of_birth, surname) "
                "ON f.nationality = k.nationality AND f.date_of_birth = k.date_of_birth AND f.surname = k.surname",
                [nationalities, dobs, surnames],
            )
            names = ["id", "surname", "given_names", "date_of_birth", "sex", "nationality"]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    return list(Foreigner.objects.filter(
        nationality__in={r["nationality"] for r in rows},
        date_of_birth__in={r["date_of_birth"] for r in rows},
        surname__in={r["surname"] for r in rows}).values(
        "id", "surname", "given_names", "date_of_birth", "sex", "nationality"))


def _attach_foreigners(batch: list[dict], now) -> list:
    """The foreigner id for each entry row: the holder of the same document (type, number,
    issuing country); else the one existing foreigner with exactly the same identity (names,
    date of birth, sex, nationality), who is given the new document; else a new foreigner.
    At most four queries whatever the batch size."""
    keys = {(r["document_type"], r["document_number"], r["issuing_country"]) for r in batch}
    holders: dict[tuple, object] = {}
    for doc_type, number, country, foreigner_id in TravelDocument.objects.filter(
            number__in={k[1] for k in keys}).values_list("document_type", "number", "issuing_country",
                                                           "foreigner_id"):
        if (doc_type, number, country) in keys:
            holders[(doc_type, number, country)] = foreigner_id

    unknown = [r for r in batch if (r["document_type"], r["document_number"], r["issuing_country"]) not in holders]
    if unknown:
        candidates: dict[tuple, list] = {}
        for f in _same_identity_candidates(unknown):
            candidates.setdefault(_identity(f), []).append(f["id"])
        new_foreigners: list[tuple] = []
        new_documents: list[tuple] = []
        by_identity: dict[tuple, object] = {ident: ids[0] for ident, ids in candidates.items() if len(ids) == 1}
        for row in unknown:
            key = (row["document_type"], row["document_number"], row["issuing_country"])
            if key in holders:
                continue
            ident = _identity(row)
            foreigner_id = by_identity.get(ident)
            if foreigner_id is None:
                foreigner_id = by_identity[ident] = uuid.uuid4()
                new_foreigners.append((foreigner_id, *ident, "", now))
            new_documents.append((foreigner_id, *key))
            holders[key] = foreigner_id
        _insert(Foreigner, ["id", "surname", "given_names", "date_of_birth", "sex", "nationality", "native_name",
                            "created_at"], new_foreigners)
        _insert(TravelDocument, ["foreigner", "document_type", "number", "issuing_country"], new_documents)
    return [holders[(r["document_type"], r["document_number"], r["issuing_country"])] for r in batch]


_ENTRY_FIELDS = ["document_type", "document_number", "issuing_country", "nationality", "surname", "given_names",
                 "date_of_birth", "sex", "entry_date", "port_of_entry", "permitted_until", "exit_date"]
_ENTRY_COLUMNS = ["source_id", "foreigner", "visa_type", "name_key", "imported_at", "updated_at", *_ENTRY_FIELDS]


def _write_entries(batch: list[dict], ctx: dict):
    now = ctx["now"]
    foreigner_ids = _attach_foreigners(batch, now)
    visa_ids = ctx["visa_ids"]
    keys = ctx.setdefault("name_keys", {})  # names repeat a lot; name_key is the costliest per-row step
    if len(keys) > 500_000:
        keys.clear()

    def key_of(surname: str, given_names: str) -> str:
        try:
            return keys[surname, given_names]
        except KeyError:
            value = keys[surname, given_names] = name_key(surname, given_names)
            return value

    rows = [
        (r["source_id"], foreigner_id, visa_ids[r["visa_type"]], key_of(r["surname"], r["given_names"]), now, now,
         *[r[f] for f in _ENTRY_FIELDS])
        for r, foreigner_id in zip(batch, foreigner_ids, strict=True)
    ]
    created, updated = _upsert(EntryRecord, _ENTRY_COLUMNS, rows,
                               update=[*_ENTRY_FIELDS, "foreigner", "visa_type", "name_key", "updated_at"])
    documents = [(r["document_number"], r["issuing_country"]) for r in batch]
    return created, updated, documents


# --- entry records on PostgreSQL: parsed once into a server-side stage, written set-based -----
# Validation streams every parsed row into a temporary table (COPY, in chunks), so the file is
# read and parsed once whatever its size and nothing of it is held in Python. Duplicate keys are
# found there with SQL; the writes are then a handful of INSERT ... SELECT statements: documents
# and their known holders by joins, new foreigners with gen_random_uuid(), entries upserted on
# source_id. The attachment rules are those of _attach_foreigners, applied to the whole file at
# once: a document's identity is that of its first row in the file; a new person is made once
# per identity (and given all their new documents) unless exactly one known foreigner has it.

ENTRY_STAGE = "import_entry_stage"
# The stage's columns: the file's row number, the parsed columns, the derived name key.
ENTRY_STAGE_COLUMNS = [
    ("line", "integer"), ("source_id", "text"), ("document_type", "text"), ("document_number", "text"),
    ("issuing_country", "text"), ("nationality", "text"), ("surname", "text"), ("given_names", "text"),
    ("date_of_birth", "date"), ("sex", "text"), ("entry_date", "date"), ("port_of_entry", "text"),
    ("visa_type", "text"), ("permitted_until", "date"), ("exit_date", "date"), ("name_key", "text"),
]
ENTRY_WORK_TABLES = ["import_entry_documents", "import_entry_people", "import_entry_holders"]
_STAGE_TEXT = [name for name, kind in ENTRY_STAGE_COLUMNS if kind == "text"]
_IDENTITY = ["surname", "given_names", "date_of_birth", "sex", "nationality"]
_DOCUMENT_KEY = ["document_type", "document_number", "issuing_country"]


def _stage_copy_sql(table: str, columns: list[str]) -> str:
    """COPY of CSV text into the stage; empty text cells are '' (not NULL), empty dates NULL."""
    text = ", ".join(c for c in columns if c in _STAGE_TEXT)
    return (f"COPY {table} ({', '.join(columns)}) FROM STDIN "
            f"(FORMAT csv{f', FORCE_NOT_NULL ({text})' if text else ''})")


def _equal(left: str, right: str, columns: list[str], right_names: list[str] | None = None) -> str:
    return " AND ".join(f"{left}.{a} = {right}.{b}" for a, b in zip(columns, right_names or columns, strict=True))


def entry_stage_writes(cursor, stage: str, now) -> tuple[int, int]:
    """Write a stage of valid entry rows (ENTRY_STAGE_COLUMNS) into the registry: new travel
    documents and foreigners, then the entries upserted on source_id. Returns (created, updated).
    Leaves the temporary table ``import_entry_holders`` (document -> foreigner) until the commit."""
    qn = connection.ops.quote_name
    foreigner, document, entry, visa = (qn(m._meta.db_table) for m in (Foreigner, TravelDocument, EntryRecord,
                                                                       VisaType))
    identity, key = ", ".join(_IDENTITY), ", ".join(_DOCUMENT_KEY)
    # Sorts and hashes of a whole file in memory; no JIT (compiling costs more than it saves on
    # statements whose time is index maintenance).
    cursor.execute("SET LOCAL work_mem = '64MB'")
    cursor.execute("SET LOCAL jit = off")
    # Created ON COMMIT DROP, but an outer transaction (a test's) may still hold the last import's.
    cursor.execute(f"DROP TABLE IF EXISTS {', '.join(ENTRY_WORK_TABLES)}")
    cursor.execute(f"ANALYZE {stage}")
    # Every document of the file with the identity of its first row and, if known, its holder.
    cursor.execute(
        f"CREATE TEMPORARY TABLE import_entry_documents ON COMMIT DROP AS "
        f"SELECT s.*, t.foreigner_id FROM (SELECT DISTINCT ON ({key}) {key}, {identity}, line FROM {stage} "
        f"ORDER BY {key}, line) s "
        f"LEFT JOIN {document} t ON t.document_type = s.document_type AND t.number = s.document_number "
        f"AND t.issuing_country = s.issuing_country"
    )
    # Each identity of an unknown document: the one known foreigner with exactly it, else a new one.
    cursor.execute(
        f"CREATE TEMPORARY TABLE import_entry_people ON COMMIT DROP AS "
        f"WITH i AS (SELECT {identity}, min(line) AS line FROM import_entry_documents "
        f"WHERE foreigner_id IS NULL GROUP BY {identity}), "
        f"m AS (SELECT {', '.join(f'i.{c}' for c in _IDENTITY)}, (array_agg(f.id))[1] AS id FROM i "
        f"JOIN {foreigner} f ON {_equal('f', 'i', _IDENTITY)} "
        f"GROUP BY {', '.join(f'i.{c}' for c in _IDENTITY)} HAVING count(*) = 1) "
        f"SELECT i.*, coalesce(m.id, gen_random_uuid()) AS foreigner_id, m.id IS NULL AS new "
        f"FROM i LEFT JOIN m ON {_equal('m', 'i', _IDENTITY)}"
    )
    cursor.execute(
        f"INSERT INTO {foreigner} (id, {identity}, native_name, created_at) "
        f"SELECT foreigner_id, {identity}, '', %s FROM import_entry_people WHERE new ORDER BY line", [now])
    cursor.execute(
        f"CREATE TEMPORARY TABLE import_entry_holders ON COMMIT DROP AS "
        f"SELECT {', '.join(f'd.{c}' for c in _DOCUMENT_KEY)}, d.line, d.foreigner_id IS NULL AS new, "
        f"coalesce(d.foreigner_id, p.foreigner_id) AS foreigner_id FROM import_entry_documents d "
        f"LEFT JOIN import_entry_people p ON d.foreigner_id IS NULL AND {_equal('p', 'd', _IDENTITY)}"
    )
    cursor.execute(
        f"INSERT INTO {document} (foreigner_id, document_type, number, issuing_country) "
        f"SELECT foreigner_id, {key} FROM import_entry_holders WHERE new ORDER BY line")
    columns = ", ".join(qn(c) for c in _columns(EntryRecord, _ENTRY_COLUMNS))
    update = _columns(EntryRecord, [*_ENTRY_FIELDS, "foreigner", "visa_type", "name_key", "updated_at"])
    cursor.execute(
        f"WITH up AS (INSERT INTO {entry} ({columns}) "
        f"SELECT s.source_id, h.foreigner_id, v.id, s.name_key, %s, %s, "
        f"{', '.join(f's.{c}' for c in _ENTRY_FIELDS)} FROM {stage} s "
        f"JOIN import_entry_holders h ON {_equal('h', 's', _DOCUMENT_KEY)} "
        f"JOIN {visa} v ON v.code = s.visa_type ORDER BY s.line "
        f"ON CONFLICT (source_id) DO UPDATE SET {', '.join(f'{qn(c)} = EXCLUDED.{qn(c)}' for c in update)} "
        f"RETURNING (xmax = 0) AS created) "
        f"SELECT count(*) FILTER (WHERE created), count(*) FILTER (WHERE NOT created) FROM up",
        [now, now],
    )
    return cursor.fetchone()


STAGE_TEMP_BUFFERS = "256MB"


def _temp_buffers(cursor) -> None:
    """Room for the stage in memory (temporary tables live in the session's own buffers, 8 MB by
    default, and spill to files beyond). PostgreSQL takes this only before the session's first use
    of a temporary table; a session that already used one keeps its setting."""
    if not connection.get_autocommit():  # a failed SET would abort the caller's transaction
        return
    try:
        cursor.execute(f"SET temp_buffers = '{STAGE_TEMP_BUFFERS}'")
    except DatabaseError:
        pass


class _EntryStage:
    """The temporary table an entry-record import is validated into (PostgreSQL only)."""

    FLUSH_BYTES = 1 << 20
    _VALUES = operator.itemgetter(*[name for name, _kind in ENTRY_STAGE_COLUMNS[1:-1]])
    _BLANK = ("",) * (len(ENTRY_STAGE_COLUMNS) - 2)

    def __init__(self):
        qn = connection.ops.quote_name
        self.table = qn(ENTRY_STAGE)
        with connection.cursor() as cursor:
            _temp_buffers(cursor)
            cursor.execute(f"DROP TABLE IF EXISTS {self.table}")
            cursor.execute(f"CREATE TEMPORARY TABLE {self.table} "
                           f"({', '.join(f'{name} {kind}' for name, kind in ENTRY_STAGE_COLUMNS)})")
        self.copy_sql = _stage_copy_sql(self.table, [name for name, _kind in ENTRY_STAGE_COLUMNS])
        self.buffer = io.StringIO()
        self.writer = csv.writer(self.buffer, lineterminator="\n")
        self.name_keys: dict[tuple[str, str], str] = {}

    def add(self, line: int, values: dict, ok: bool) -> None:
        """A parsed row (validate's sink). Once the file has an error nothing will be written, so
        only the key is kept, for the duplicate check."""
        if ok:
            names = values["surname"], values["given_names"]
            key = self.name_keys.get(names)
            if key is None:
                if len(self.name_keys) > 500_000:
                    self.name_keys.clear()
                key = self.name_keys[names] = name_key(*names)
            self.writer.writerow((line, *self._VALUES(values), key))
        else:
            self.writer.writerow((line, values["source_id"] or "", *self._BLANK))
        if self.buffer.tell() >= self.FLUSH_BYTES:
            self.flush()

    def flush(self) -> None:
        data = self.buffer.getvalue()
        if not data:
            return
        with connection.cursor() as cursor, cursor.cursor.copy(self.copy_sql) as copy:
            copy.write(data)
        self.buffer.seek(0)
        self.buffer.truncate()

    def check_duplicates(self, validation) -> None:
        """Report every repeated source_id as validate would: on each later line, naming the first."""
        self.flush()
        with connection.cursor() as cursor:
            cursor.execute(
                f"WITH d AS (SELECT source_id FROM {self.table} WHERE source_id <> '' GROUP BY source_id "
                f"HAVING count(*) > 1), "
                f"r AS (SELECT s.line, min(s.line) OVER (PARTITION BY s.source_id) AS first FROM {self.table} s "
                f"JOIN d USING (source_id)) "
                f"SELECT line, first, count(*) OVER () FROM r WHERE line <> first ORDER BY line LIMIT %s",
                [MAX_REPORTED_ERRORS])
            found = cursor.fetchall()
        if not found:
            return
        repeated = [{"line": line, "column": "source_id",
                     "reason": f"duplicate source_id in this file (also on line {first})"} for line, first, _n in found]
        # The first MAX_REPORTED_ERRORS by line of both lists are those of the union.
        validation.errors = sorted(validation.errors + repeated, key=lambda e: e["line"])[:MAX_REPORTED_ERRORS]
        validation.error_count += found[0][2]

    def write(self, now) -> tuple[int, int, list[tuple[str, str]]]:
        with connection.cursor() as cursor:
            created, updated = entry_stage_writes(cursor, self.table, now)
            cursor.execute("SELECT document_number, issuing_country FROM import_entry_holders ORDER BY line")
            documents = cursor.fetchall()
            cursor.execute(f"DROP TABLE {', '.join(ENTRY_WORK_TABLES)}")
        return created, updated, documents

    def drop(self) -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE IF EXISTS {self.table}")
        except DatabaseError:  # the connection is gone or the transaction aborted: the table goes with it
            logger.warning("could not drop the import stage", exc_info=True)


def _write_stay_extensions(batch: list[dict], ctx: dict):
    entries = {
        source_id: (pk, number, country)
        for source_id, pk, number, country in EntryRecord.objects.filter(
            source_id__in={r["entry_source_id"] for r in batch}).values_list(
            "source_id", "id", "document_number", "issuing_country")
    }
    created, updated = _upsert(
        StayExtension, ["source_id", "entry", "visa_type", "granted_on", "valid_until", "imported_at"],
        [(r["source_id"], entries[r["entry_source_id"]][0], ctx["visa_ids"][r["visa_type"]], r["granted_on"],
          r["valid_until"], ctx["now"]) for r in batch],
        update=["entry", "visa_type", "granted_on", "valid_until"],
    )
    documents = [entries[r["entry_source_id"]][1:] for r in batch]
    return created, updated, documents


def _premises_ids(numbers: set[str]) -> dict[str, object]:
    numbers = {n for n in numbers if n}
    if not numbers:
        return {}
    return dict(Premises.objects.filter(registration_number__in=numbers).values_list("registration_number", "id"))


def _write_work_permits(batch: list[dict], ctx: dict):
    holders = _foreigners_by_document({(r["document_number"], r["issuing_country"]) for r in batch})
    premises = _premises_ids({r["employer_registration_number"] for r in batch})
    fields = ["document_number", "issuing_country", "surname", "given_names", "employer_name", "occupation",
              "valid_from", "valid_until"]
    created, updated = _upsert(
        WorkPermit, ["source_id", "foreigner", "employer_premises", "imported_at", *fields],
        [(r["source_id"], holders.get((r["document_number"], r["issuing_country"])),
          premises.get(r["employer_registration_number"]), ctx["now"], *[r[f] for f in fields]) for r in batch],
        update=["foreigner", "employer_premises", *fields],
    )
    documents = [(r["document_number"], r["issuing_country"]) for r in batch]
    return created, updated, documents


def _write_guest_registrations(batch: list[dict], ctx: dict):
    holders = _foreigners_by_document({(r["document_number"], r["issuing_country"]) for r in batch})
    premises = _premises_ids({r["premises_registration_number"] for r in batch})
    fields = ["document_number", "issuing_country", "nationality", "surname", "given_names", "check_in",
              "check_out"]
    created, updated = _upsert(
        GuestRegistration, ["source_id", "premises", "foreigner", "imported_at", *fields],
        [(r["source_id"], premises[r["premises_registration_number"]],
          holders.get((r["document_number"], r["issuing_country"])), ctx["now"], *[r[f] for f in fields])
         for r in batch],
        update=["premises", "foreigner", *fields],
    )
    documents = [(r["document_number"], r["issuing_country"]) for r in batch]
    return created, updated, documents


_PREMISES_FIELDS = ["premises_type", "name", "address", "latitude", "longitude", "operator_name", "contact"]


def _write_premises(batch: list[dict], ctx: dict):
    # The registration number is unique only when not blank (a partial index), which ON CONFLICT
    # cannot target portably, so existing rows are updated with bulk_update instead.
    existing = dict(Premises.objects.filter(registration_number__in=[r["registration_number"] for r in batch])
                    .values_list("registration_number", "id"))
    district_ids = ctx["district_ids"]
    now = ctx["now"]
    new, changed = [], []
    for r in batch:
        premises = Premises(
            id=existing.get(r["registration_number"], uuid.uuid4()), registration_number=r["registration_number"],
            district_id=district_ids[r["district_code"]], updated_at=now, **{f: r[f] for f in _PREMISES_FIELDS},
        )
        if r["registration_number"] in existing:
            changed.append(premises)
        else:
            premises.created_at = now
            premises.created_by = ctx["actor"] if getattr(ctx["actor"], "pk", None) else None
            new.append(premises)
    Premises.objects.bulk_create(new)
    if changed:
        Premises.objects.bulk_update(changed, [*_PREMISES_FIELDS, "district", "updated_at"])
    return len(new), len(changed), []


_WRITERS: dict[str, Callable] = {
    ImportKind.ENTRY_RECORDS: _write_entries,
    ImportKind.STAY_EXTENSIONS: _write_stay_extensions,
    ImportKind.WORK_PERMITS: _write_work_permits,
    ImportKind.GUEST_REGISTRATIONS: _write_guest_registrations,
    ImportKind.PREMISES: _write_premises,
}


# --- progress ---------------------------------------------------------------------------------

class _Progress:
    """Writes a job's progress where a poller can see it. On PostgreSQL the import's transaction is
    still open, so progress goes through a second connection; on SQLite (one writer) it is written
    in the same transaction and becomes visible when the import commits."""

    def __init__(self, job: ImportJob | None):
        self.job = job
        self._side = None

    def update(self, **values) -> None:
        if self.job is None:
            return
        for name, value in values.items():
            setattr(self.job, name, value)
        if connection.vendor == "postgresql" and connection.in_atomic_block:
            if self._side is None:
                self._side = connections.create_connection("default")
            columns = ", ".join(f"{connection.ops.quote_name(name)} = %s" for name in values)
            with self._side.cursor() as cursor:
                cursor.execute(f"UPDATE {ImportJob._meta.db_table} SET {columns} WHERE id = %s",  # noqa: S608
                               [*values.values(), self.job.pk])
        else:
            ImportJob.objects.filter(pk=self.job.pk).update(**values)

    def close(self) -> None:
        if self._side is not None:
            self._side.close()
            self._side = None


# PostgreSQL plans the per-batch lookups from table statistics, which do not see the rows this
# import's transaction is adding: a registry that starts empty would be scanned in full for every
# batch (quadratic time). ANALYZE inside the transaction counts its own rows; it runs when the rows
# written reach ANALYSE_FROM, then each time they double.
ANALYSE_FROM = 50_000
_ANALYSE_TABLES = {
    ImportKind.ENTRY_RECORDS: [EntryRecord, Foreigner, TravelDocument],
    ImportKind.STAY_EXTENSIONS: [StayExtension],
    ImportKind.WORK_PERMITS: [WorkPermit],
    ImportKind.GUEST_REGISTRATIONS: [GuestRegistration],
    ImportKind.PREMISES: [Premises],
}


def _analyse(kind: str) -> None:
    if not _is_pg():
        return
    tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in _ANALYSE_TABLES[kind])
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {tables}")


# --- the import -------------------------------------------------------------------------------

def _table(*, rows: Iterable[dict] | None, file, file_name: str, spec: ImportSpec) -> Table:
    if rows is not None:
        return rows_table(rows, spec)
    return read_table(file, file_name)


def _import(*, actor, kind: str, rows: Iterable[dict] | None = None, file=None, file_name: str = "",
            job: ImportJob | None = None, batch_size: int | None = None) -> ImportResult:
    if file is not None and not file_name:
        file_name = Path(str(getattr(file, "name", file))).name
    result = ImportResult(kind=kind, file_name=file_name)
    progress = _Progress(job)
    batch_size = batch_size or _batch_size()
    stage: _EntryStage | None = None
    try:
        progress.update(status=ImportStatus.VALIDATING, processed_rows=0)
        ref = _reference()
        spec: ImportSpec = spec_for(kind, ref)
        try:
            table = _table(rows=rows, file=file, file_name=file_name, spec=spec)
        except CellError as exc:
            result.errors = [{"line": 1, "column": "", "reason": str(exc)}]
            result.error_count = 1
            raise ImportRejected(result) from None
        if kind == ImportKind.ENTRY_RECORDS and _is_pg():
            stage = _EntryStage()
            validation = validate(spec, table, ref, progress=lambda n: progress.update(processed_rows=n),
                                  sink=stage.add, duplicates=False)
            stage.check_duplicates(validation)
        else:
            validation = validate(spec, table, ref, progress=lambda n: progress.update(processed_rows=n),
                                  keep=getattr(settings, "REGISTRY_IMPORT_KEEP_PARSED_ROWS", KEEP_PARSED_ROWS))
        result.total_rows = validation.total_rows
        if validation.error_count:
            result.errors = validation.report()
            result.error_count = validation.error_count
            raise ImportRejected(result)

        progress.update(status=ImportStatus.IMPORTING, total_rows=result.total_rows, processed_rows=0)
        documents: list[tuple[str, str]] = []
        with transaction.atomic():
            ctx = {
                "now": timezone.now(), "actor": actor,
                "visa_ids": dict(VisaType.objects.values_list("code", "id")),
                "district_ids": dict(District.objects.values_list("code", "id")) if kind == ImportKind.PREMISES
                else {},
            }
            if stage is not None:
                result.created, result.updated, documents = stage.write(ctx["now"])
                progress.update(processed_rows=result.total_rows)
            else:
                writer = _WRITERS[kind]
                processed = 0
                parsed = validation.rows if validation.rows is not None else parse_rows(spec, table)
                validation.rows = None
                analyse_at = ANALYSE_FROM
                for batch in _batches(parsed, batch_size):
                    created, updated, docs = writer(batch, ctx)
                    result.created += created
                    result.updated += updated
                    documents.extend(docs)
                    processed += len(batch)
                    progress.update(processed_rows=processed)
                    if processed >= analyse_at:
                        _analyse(kind)
                        analyse_at *= 2
            audit_write(
                actor=actor, action=f"import.{kind}", object_type="registry.importjob",
                object_id=str(job.pk) if job else "",
                after={"file": file_name, "rows": result.total_rows, "created": result.created,
                       "updated": result.updated},
            )
            progress.close()
            if job is not None:
                job.status = ImportStatus.DONE
                job.created_rows, job.updated_rows = result.created, result.updated
                job.finished_at = timezone.now()
                job.errors = []
                job.save(update_fields=["status", "created_rows", "updated_rows", "finished_at", "errors",
                                        "processed_rows", "total_rows"])
            transaction.on_commit(
                lambda: records_imported.send(sender=ImportJob, kind=kind, documents=documents)
            )
        logger.info("import %s done: %d rows, %d created, %d updated", kind, result.total_rows, result.created,
                    result.updated)
        return result
    except ImportRejected as rejected:
        progress.close()
        if job is not None:
            job.status = ImportStatus.REJECTED
            job.errors = rejected.result.errors
            job.total_rows = rejected.result.total_rows
            job.finished_at = timezone.now()
            job.save(update_fields=["status", "errors", "total_rows", "processed_rows", "finished_at"])
        logger.info("import %s rejected: %d errors", kind, rejected.result.error_count)
        raise
    except Exception:
        progress.close()
        if job is not None:
            ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.FAILED, finished_at=timezone.now())
        raise
    finally:
        if stage is not None:
            stage.drop()


def entry_records_import(*, actor, rows: Iterable[dict] | None = None, file=None, file_name: str = "",
                         job: ImportJob | None = None, batch_size: int | None = None) -> ImportResult:
    """Upsert entry records on source_id. Raises ImportRejected (with every error) if any row is bad."""
    return _import(actor=actor, kind=ImportKind.ENTRY_RECORDS, rows=rows, file=file, file_name=file_name, job=job,
                   batch_size=batch_size)


def stay_extensions_import(*, actor, rows: Iterable[dict] | None = None, file=None, file_name: str = "",
                           job: ImportJob | None = None, batch_size: int | None = None) -> ImportResult:
    return _import(actor=actor, kind=ImportKind.STAY_EXTENSIONS, rows=rows, file=file, file_name=file_name,
                   job=job, batch_size=batch_size)


def work_permits_import(*, actor, rows: Iterable[dict] | None = None, file=None, file_name: str = "",
                        job: ImportJob | None = None, batch_size: int | None = None) -> ImportResult:
    return _import(actor=actor, kind=ImportKind.WORK_PERMITS, rows=rows, file=file, file_name=file_name, job=job,
                   batch_size=batch_size)


def guest_registrations_import(*, actor, rows: Iterable[dict] | None = None, file=None, file_name: str = "",
                               job: ImportJob | None = None, batch_size: int | None = None) -> ImportResult:
    return _import(actor=actor, kind=ImportKind.GUEST_REGISTRATIONS, rows=rows, file=file, file_name=file_name,
                   job=job, batch_size=batch_size)


def premises_import(*, actor, rows: Iterable[dict] | None = None, file=None, file_name: str = "",
                    job: ImportJob | None = None, batch_size: int | None = None) -> ImportResult:
    return _import(actor=actor, kind=ImportKind.PREMISES, rows=rows, file=file, file_name=file_name, job=job,
                   batch_size=batch_size)


IMPORTERS: dict[str, Callable[..., ImportResult]] = {
    ImportKind.ENTRY_RECORDS: entry_records_import,
    ImportKind.STAY_EXTENSIONS: stay_extensions_import,
    ImportKind.WORK_PERMITS: work_permits_import,
    ImportKind.GUEST_REGISTRATIONS: guest_registrations_import,
    ImportKind.PREMISES: premises_import,
}


def import_run(*, actor, kind: str, file=None, rows: Iterable[dict] | None = None, job: ImportJob | None = None,
               file_name: str = "", batch_size: int | None = None) -> ImportResult:
    """The one entry point of the command, the API and the upload page.

    ``file`` is a path or a binary file object (CSV or XLSX); ``rows`` a list of JSON objects.
    Returns the result; a rejected import (``result.ok`` false) wrote nothing and carries every
    error. The job, when given, follows along (status, processed_rows, counts, errors).
    """
    if kind not in IMPORTERS:
        raise ValueError(f"unknown import kind {kind!r}")
    try:
        return IMPORTERS[kind](actor=actor, rows=rows, file=file, file_name=file_name, job=job,
                               batch_size=batch_size)
    except ImportRejected as rejected:
        return rejected.result


@transaction.atomic
def import_job_enqueue(*, actor, kind: str, upload) -> ImportJob:
    """Store an uploaded file under MEDIA_ROOT/imports/ and run it in the background
    (registry.tasks.import_run_task, which deletes the file when done)."""
    from registry.tasks import import_run_task

    name = Path(getattr(upload, "name", "") or "upload.csv").name
    suffix = ".xlsx" if name.lower().endswith(".xlsx") else ".csv"
    job = ImportJob.objects.create(kind=kind, file_name=name[:255],
                                   created_by=actor if getattr(actor, "pk", None) else None)
    storage = FileSystemStorage(location=os.path.join(settings.MEDIA_ROOT, "imports"))
    stored = storage.save(f"{job.pk}{suffix}", upload)
    path = storage.path(stored)
    transaction.on_commit(lambda: import_run_task.delay(str(job.pk), path))
    return job


# --- premises ---------------------------------------------------------------------------------

PREMISES_FIELDS = ("premises_type", "name", "registration_number", "address", "district", "latitude", "longitude",
                   "operator_name", "contact")


def _require_district_in_scope(*, actor, district: District) -> None:
    """Officers and supervisors record premises in their units' jurisdiction; administrators anywhere."""
    scope = scope_for(actor)
    if not (scope.sees_personal_data or scope.is_administrator):
        raise PermissionDenied(_("Only officers, supervisors and administrators record premises."))
    if scope.is_administrator or scope.province_ids is None:
        return
    if district.province_id not in scope.province_ids:
        raise ValidationError({"district": _("This district is outside your unit's jurisdiction.")})


def _premises_full_clean(premises: Premises) -> None:
    """full_clean, with the position's range checks named by field (the database constraints
    would otherwise be reported for the whole object)."""
    errors = {}
    for name, limit in (("latitude", 90), ("longitude", 180)):
        value = getattr(premises, name)
        if value in (None, ""):
            continue
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            continue  # full_clean names it
        if not number.is_finite() or not -limit <= number <= limit:
            errors[name] = [_("must be between -%(limit)s and %(limit)s") % {"limit": limit}]
    try:
        premises.full_clean(exclude=list(errors))
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)


def _premises_snapshot(premises: Premises) -> dict:
    data = {name: getattr(premises, name) for name in PREMISES_FIELDS if name != "district"}
    data["district"] = premises.district.code if premises.district_id else None
    for name in ("latitude", "longitude"):
        data[name] = str(data[name]) if data[name] is not None else None
    return data


def _tidy_premises(premises: Premises) -> None:
    for name in ("name", "address", "operator_name", "contact"):
        setattr(premises, name, (getattr(premises, name) or "").strip())
    premises.registration_number = (premises.registration_number or "").strip().upper()


@transaction.atomic
def premises_create(
    *, actor, premises_type: str, name: str, district: District, registration_number: str = "", address: str = "",
    latitude=None, longitude=None, operator_name: str = "", contact: str = "",
) -> Premises:
    """Record a new place that can be inspected (officers do it on the spot)."""
    _require_district_in_scope(actor=actor, district=district)
    premises = Premises(
        premises_type=premises_type, name=name, district=district, registration_number=registration_number,
        address=address, latitude=latitude, longitude=longitude, operator_name=operator_name, contact=contact,
        created_by=actor,
    )
    _tidy_premises(premises)
    _premises_full_clean(premises)
    premises.save()
    audit_write(actor=actor, action="premises.create", obj=premises, after=_premises_snapshot(premises))
    return premises


@transaction.atomic
def premises_update(*, actor, premises: Premises, **changes) -> Premises:
    unknown = set(changes) - set(PREMISES_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed.") for name in sorted(unknown)})
    premises = Premises.objects.select_for_update().select_related("district").get(pk=premises.pk)
    _require_district_in_scope(actor=actor, district=premises.district)
    if "district" in changes:
        _require_district_in_scope(actor=actor, district=changes["district"])
    before = _premises_snapshot(premises)
    for name, value in changes.items():
        setattr(premises, name, value)
    _tidy_premises(premises)
    _premises_full_clean(premises)
    premises.save()
    after = _premises_snapshot(premises)
    changed = [k for k in after if after[k] != before[k]]
    audit_write(actor=actor, action="premises.update", obj=premises,
                before={k: before[k] for k in changed}, after={k: after[k] for k in changed})
    return premises

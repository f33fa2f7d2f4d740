"""Entry-record import rate against PostgreSQL's own COPY of the same file.

    python bench/import_rate.py --database-url postgres://postgres@127.0.0.1:5432/ri_bench_import \
        [--rows 1000000] [--seed-demo 1000000] [--profile]

The database must be a bench database (its name contains "bench"): the registry tables are
emptied first. The script migrates it, writes an entry-record CSV of --rows rows (the
DESIGN.md format, generated like seed_demo's people), times ``manage.py import_entries`` on it
(validation included, into an empty registry), then times ``COPY ... FROM STDIN (FORMAT csv)`` of
the same file into a plain table with the same columns and types, and prints rows/s for both
and their ratio. ``--seed-demo N`` also times ``seed_demo --entries N`` on an emptied registry.
"""

import argparse
import csv
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

ENTRY_HEADER = """source_id document_type document_number issuing_country nationality surname given_names
date_of_birth sex entry_date port_of_entry visa_type permitted_until exit_date"""

COPY_TABLE = """
CREATE TABLE bench_entry_copy (
    source_id varchar(64), document_type varchar(1), document_number varchar(30), issuing_country varchar(3),
    nationality varchar(3), surname varchar(100), given_names varchar(150), date_of_birth date, sex varchar(1),
    entry_date date, port_of_entry varchar(100), visa_type varchar(8), permitted_until date, exit_date date
)"""


def write_csv(path: Path, rows: int, seed: int) -> None:
    from django.utils import timezone

    from registry.demo import _People

    rng = random.Random(seed)
    people = _People(rng, timezone.localdate(), start=0)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle, lineterminator="\n")
        out.writerow(ENTRY_HEADER.split())
        made = 0
        while made < rows:
            nat, surname, given, dob, sex, nationality, issuing = people.person()
            number = people.document_number(nat)
            for day, code, permitted, exit_date in people.visits(dob, False):
                if made >= rows:
                    break
                made += 1
                out.writerow([f"BENCH-{made:09d}", "P", number, issuing, nationality, surname, given, dob.isoformat(),
                              sex, day.isoformat(), rng.choice(("Bavet", "Poipet", "Phnom Penh International Airport")),
                              code, permitted.isoformat(), exit_date.isoformat() if exit_date else ""])


def empty_registry() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE registry_stayextension, registry_workpermit, registry_guestregistration, "
                       "registry_entryrecord, registry_traveldocument, registry_foreigner, registry_premises CASCADE")
        cursor.execute("DROP TABLE IF EXISTS bench_entry_copy")
        cursor.execute("VACUUM ANALYZE")


def time_copy(path: Path) -> float:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_entry_copy")
        cursor.execute(COPY_TABLE)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        sql = "COPY bench_entry_copy FROM STDIN (FORMAT csv, HEADER true, ENCODING 'UTF8')"
        with cursor.cursor.copy(sql) as copy, open(path, "rb") as handle:
            while chunk := handle.read(1 << 20):
                copy.write(chunk)
    elapsed = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_entry_copy")
    return elapsed


def server_cpu() -> float:
    """CPU seconds used so far by this connection's PostgreSQL backend (local server only, else 0)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("select pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Timer:
    """Wall time, this process's CPU time and the PostgreSQL backend's CPU time of a block."""

    def __enter__(self):
        self.wall, self.cpu, self.server = time.perf_counter(), time.process_time(), server_cpu()
        return self

    def __exit__(self, *exc):
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu
        self.server = server_cpu() - self.server

    def line(self, what: str, rows: int) -> str:
        return (f"{what}: {self.wall:.2f} s wall = {rows / self.wall:,.0f} rows/s "
                f"(CPU: client {self.cpu:.1f} s, PostgreSQL backend {self.server:.1f} s; "
                f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--seed-demo", type=int, default=0, help="also time seed_demo --entries N")
    parser.add_argument("--profile", action="store_true", help="profile the import with pyinstrument")
    args = parser.parse_args()
    if not args.database_url.startswith(("postgres://", "postgresql://")) or "bench" not in args.database_url:
        parser.error("--database-url must name a PostgreSQL bench database (its name contains 'bench')")
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    empty_registry()
    with connection.cursor() as cursor:
        cursor.execute("select version()")
        print(cursor.fetchone()[0].split(",")[0])

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "entries.csv"
        started = time.perf_counter()
        write_csv(path, args.rows, args.seed)
        print(f"generated {args.rows:,} rows ({path.stat().st_size / 1e6:.0f} MB) in "
              f"{time.perf_counter() - started:.1f} s")

        with Timer() as copy_t:
            time_copy(path)
        print(copy_t.line("COPY into a plain table", args.rows))

        profiler = None
        if args.profile:
            from pyinstrument import Profiler

            profiler = Profiler()
            profiler.start()
        with Timer() as import_t:
            call_command("import_entries", str(path))
        if profiler:
            profiler.stop()
            print(profiler.output_text(unicode=False, color=False, show_all=False))
        print(import_t.line("import_entries (validation included)", args.rows))
        print(f"ratio import/COPY (wall): {copy_t.wall / import_t.wall:.3f} (goal >= 0.5)")

        with Timer() as again_t:
            call_command("import_entries", str(path))
        print(again_t.line("re-import of the same file (all updates)", args.rows))

    if args.seed_demo:
        empty_registry()
        with Timer() as seed_t:
            call_command("seed_demo", entries=args.seed_demo, premises=2000, seed=args.seed)
        print(seed_t.line(f"seed_demo --entries {args.seed_demo:,}", args.seed_demo))
    empty_registry()


if __name__ == "__main__":
    main()

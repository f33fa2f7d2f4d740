"""A national year in PostgreSQL: 5,000,000 entry records, 200,000 inspections, 1,000,000 people met.

    /work/main/.venv/bin/python bench/national_data.py \\
        --database-url postgres://postgres@127.0.0.1:5432/ri_bench_national

Creates the database if missing and migrates it, then times the two generators the other
benchmarks use:

1. the registry: ``seed_demo --entries N --premises P`` (entry records with their foreigners and
   travel documents, stay extensions, work permits, guest registrations; COPY on PostgreSQL);
2. the casework: ``bench/queue_page.py``'s SQL generator (INSERT ... SELECT over generate_series:
   premises, inspections of 5 people each, one flag per person met, then VACUUM ANALYZE).

The database then serves ``bench/queue_page.py`` and ``bench/load.py`` (pass the same URL).
Refuses a database whose name lacks "bench". Prints wall time, rows per table and size on disk.
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/ri_bench_national")
    parser.add_argument("--entries", type=int, default=5_000_000)
    parser.add_argument("--premises", type=int, default=20_000, help="premises made by seed_demo")
    parser.add_argument("--encounters", type=int, default=1_000_000,
                        help="people met (5 per inspection, one flag each)")
    args = parser.parse_args()
    if "bench" not in args.database_url.rsplit("/", 1)[-1]:
        sys.exit("refusing a database whose name lacks 'bench'")

    os.environ["DATABASE_URL"] = args.database_url
    os.environ["DJANGO_DEBUG"] = "0"  # no query log: the generators run millions of rows
    os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 40)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")

    from bench import queue_page

    queue_page.ensure_database(args.database_url)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    print(f"# {os.uname().sysname} {os.uname().release}, {os.cpu_count()} cpus, "
          f"PostgreSQL {connection.cursor().connection.info.server_version}", flush=True)

    total = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM registry_entryrecord")
        have = cursor.fetchone()[0]
    if have >= args.entries:
        print(f"registry: {have:,} entry records already there")
    else:
        started = time.perf_counter()
        call_command("seed_demo", entries=args.entries - have, premises=args.premises, seed=2026 + have)
        print(f"registry: seed_demo --entries {args.entries - have} in {time.perf_counter() - started:.0f} s",
              flush=True)

    started = time.perf_counter()
    queue_page.generate(args.encounters)
    print(f"casework: {time.perf_counter() - started:.0f} s", flush=True)
    print(f"total: {time.perf_counter() - total:.0f} s")

    tables = ["registry_entryrecord", "registry_foreigner", "registry_traveldocument", "registry_stayextension",
              "registry_workpermit", "registry_guestregistration", "registry_premises", "inspections_inspection",
              "inspections_encounter", "inspections_flag"]
    print("| table | rows | size with indexes |")
    print("|---|---|---|")
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT count(*), pg_size_pretty(pg_total_relation_size('{table}')) FROM {table}")
            rows, size = cursor.fetchone()
            print(f"| {table} | {rows:,} | {size} |")
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        print(f"database size: {cursor.fetchone()[0]}")


if __name__ == "__main__":
    main()

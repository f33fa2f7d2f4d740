"""Verification throughput on PostgreSQL with millions of entry records, against a raw-SQL lower
bound measured in the same run: in-process, and through 1 and 2 real Celery worker processes
(each compared with the raw SQL over 1 and 2 parallel connections); the latency of a 50-person
inspection verified by a real worker after submission; the workers' peak memory (VmHWM) and
where the CPU goes (worker processes, PostgreSQL, this process).

    flock /tmp/bench.lock /work/main/.venv/bin/python -m bench.verify_throughput \\
        --database-url postgres://postgres@127.0.0.1:5432/ri_bench_verify \\
        --redis-url redis://127.0.0.1:6379/2 --entries 5000000 --encounters 20000 \\
        --workers 1,2 --worker-runs 100

The database is created and migrated if missing; entry records are loaded with COPY once and
reused on later runs (--reload to load again). Encounters, verifications and flags of earlier
runs are deleted first.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import resource
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/2")
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--encounters", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--worker-runs", type=int, default=20)
    parser.add_argument("--workers", default="1,2",
                        help="numbers of worker processes for the throughput through real workers, e.g. 1,2 "
                             "(empty: skip)")
    parser.add_argument("--pool", choices=("solo", "prefork"), default="solo",
                        help="solo: k separate `celery worker --pool=solo` processes; prefork: one "
                             "`celery worker --pool=prefork --concurrency k`")
    parser.add_argument("--load-only", action="store_true", help="load the entry records and stop")
    parser.add_argument("--skip-engine", action="store_true", help="skip the in-process engine passes")
    parser.add_argument("--profile", default="",
                        help="write a pyinstrument text profile of the tasks run in-process to this file")
    parser.add_argument("--reload", action="store_true")
    parser.add_argument("--name-dob-index", action="store_true",
                        help="create the index (name_key, date_of_birth) the name-key block needs "
                             "(recommended for registry; not in its migrations yet)")
    return parser.parse_args()


ARGS = parse_args() if __name__ == "__main__" else None
if ARGS is not None:
    os.environ["DATABASE_URL"] = ARGS.database_url
    os.environ["CELERY_BROKER_URL"] = ARGS.redis_url
    os.environ["CELERY_RESULT_BACKEND"] = ARGS.redis_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    # production settings (the workers inherit them): with DEBUG on, Django keeps the text of
    # every query, which costs CPU and grows the workers' memory
    os.environ.setdefault("DJANGO_DEBUG", "0")
    os.environ.setdefault("SECRET_KEY", f"bench-only-{uuid.uuid4().hex}{uuid.uuid4().hex}")

    import psycopg

    url = urlparse(ARGS.database_url)
    with psycopg.connect(ARGS.database_url.replace(url.path, "/postgres"), autocommit=True) as admin:
        if not admin.execute("select 1 from pg_database where datname = %s", [url.path[1:]]).fetchone():
            admin.execute(f'create database "{url.path[1:]}"')

    import django

    django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.labelled_data import generate_encounters, generate_registry  # noqa: E402
from inspections.verification import matching  # noqa: E402
from registry.normalisation import name_key  # noqa: E402

ENTRY_COLUMNS = ["source_id", "document_type", "document_number", "issuing_country", "nationality", "surname",
                 "given_names", "date_of_birth", "sex", "entry_date", "port_of_entry", "visa_type_id",
                 "permitted_until", "exit_date", "name_key", "imported_at", "updated_at"]


def load_entries(n: int, reload: bool):
    from registry.models import EntryRecord, VisaType

    existing = EntryRecord.objects.count()
    t = time.perf_counter()
    # ~1.75 entries a person: enough people for n entries, stopped at exactly n
    persons, entries = generate_registry(int(n / 1.6) + 10, seed=7, max_entries=n)
    generated = time.perf_counter() - t
    print(f"generated {len(persons):,} people, {len(entries):,} entries in {generated:.1f}s "
          f"(this process's peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB)")
    if existing >= len(entries) and not reload:
        print(f"entry records: {existing:,} already loaded")
        return persons, entries
    visas = dict(VisaType.objects.values_list("code", "id"))
    now = timezone.now()
    t = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("truncate registry_entryrecord cascade")
        # secondary indexes are dropped for the COPY and built again after (much faster than
        # maintaining them row by row); constraint indexes (primary key, unique) stay
        cursor.execute("select indexname, indexdef from pg_indexes where tablename = 'registry_entryrecord' "
                       "and indexname not in (select conname from pg_constraint "
                       "where conrelid = 'registry_entryrecord'::regclass)")
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f'drop index "{name}"')
        with cursor.cursor.copy(f"copy registry_entryrecord ({', '.join(ENTRY_COLUMNS)}) from stdin") as copy:
            for e in entries:
                copy.write_row((e.source_id, e.document_type, e.document_number, e.issuing_country, e.nationality,
                                e.surname, e.given_names, e.date_of_birth, e.sex, e.entry_date, e.port_of_entry,
                                visas[e.visa_type], e.permitted_until, e.exit_date,
                                name_key(e.surname, e.given_names), now, now))
        copied = time.perf_counter() - t
        cursor.execute("set constraints all immediate")  # the deferred foreign-key checks run now
        cursor.execute("set local maintenance_work_mem = '1GB'")
        for _, definition in indexes:
            cursor.execute(definition)
    with connection.cursor() as cursor:
        cursor.execute("vacuum analyze registry_entryrecord")
    print(f"entry records: {len(entries):,} loaded with COPY in {copied:.1f}s, "
          f"{len(indexes)} secondary indexes built, vacuum analyze: {time.perf_counter() - t:.1f}s in all")
    return persons, entries


def make_inspections(labelled, per_inspection: int, status: str):
    from accounts.models import Unit, UnitKind
    from inspections.models import Encounter, Inspection
    from registry.models import District, Premises

    unit, _ = Unit.objects.get_or_create(code="bench-unit", defaults={"name": "Bench", "kind": UnitKind.STATION})
    from django.contrib.auth import get_user_model

    officer, _ = get_user_model().objects.get_or_create(username="bench-officer")
    premises, _ = Premises.objects.get_or_create(
        registration_number="BENCH-1",
        defaults={"name": "Bench site", "premises_type": "construction", "district": District.objects.first()})
    inspections, encounters = [], []
    for start in range(0, len(labelled), per_inspection):
        group = labelled[start:start + per_inspection]
        on = group[0].inspected_on
        inspection = Inspection(premises=premises, unit=unit, lead_officer=officer, status=status,
                                started_at=timezone.make_aware(timezone.datetime(on.year, on.month, on.day, 10)))
        inspections.append(inspection)
        for e in group:
            encounters.append(Encounter(
                inspection=inspection, surname=e.surname, given_names=e.given_names, date_of_birth=e.date_of_birth,
                sex=e.sex, nationality=e.nationality, document_type=e.document_type,
                document_number=e.document_number, document_issuing_country=e.issuing_country,
                document_expiry=e.document_expiry, role=e.role, **e.screening))
    Inspection.objects.bulk_create(inspections, batch_size=2000)
    Encounter.objects.bulk_create(encounters, batch_size=2000)
    return inspections, encounters


def clear_previous():
    with connection.cursor() as cursor:
        cursor.execute("truncate inspections_flag, inspections_verification, inspections_encounter, "
                       "inspections_inspection_team, inspections_inspection cascade")


def engine_rate(encounter_ids, batch: int):
    from inspections.verification import engine

    t = time.perf_counter()
    for start in range(0, len(encounter_ids), batch):
        engine.verify_encounters(encounter_ids=encounter_ids[start:start + batch])
    return len(encounter_ids) / (time.perf_counter() - t)


RAW_SQL = """
with keys as (
    select * from bench_keys
), candidates as (
    select k.encounter_id, r.id, r.entry_date, r.permitted_until, r.exit_date, r.visa_type_id
    from keys k join registry_entryrecord r on r.document_number = any(k.documents)
    union
    select k.encounter_id, r.id, r.entry_date, r.permitted_until, r.exit_date, r.visa_type_id
    from keys k join registry_entryrecord r on r.nationality = k.nationality and r.date_of_birth = any(k.dobs)
    union
    select k.encounter_id, r.id, r.entry_date, r.permitted_until, r.exit_date, r.visa_type_id
    from keys k join registry_entryrecord r on r.name_key = k.name_key and r.date_of_birth = any(k.dobs)
), latest as (
    select distinct on (c.encounter_id) c.* from candidates c join keys k using (encounter_id)
    where c.entry_date <= k.inspected_on
    order by c.encounter_id, c.entry_date desc
)
select l.encounter_id, l.id, greatest(l.permitted_until, max(x.valid_until)),
       count(distinct w.id), count(distinct g.id)
from latest l
join keys k using (encounter_id)
left join registry_stayextension x on x.entry_id = l.id
left join registry_workpermit w on w.document_number = k.documents[1]
left join registry_guestregistration g on g.document_number = k.documents[1]
group by l.encounter_id, l.id, l.permitted_until
"""


def raw_facts(encounters) -> list[tuple]:
    """The keys the raw query looks up, per encounter (prepared before the clock starts)."""
    facts = []
    for enc in encounters:
        on = timezone.localtime(enc.inspection.started_at).date()
        doc = enc.document_number
        dobs = [d for d in (enc.date_of_birth, matching.swapped_dob(enc.date_of_birth)) if d]
        facts.append((str(enc.pk), [doc, *sorted(matching.document_variants(doc))], enc.nationality, dobs,
                      name_key(enc.surname, enc.given_names), on))
    return facts


def raw_sql_rate(facts, connections: int = 1) -> tuple[float, int, dict]:
    """The same lookups (document number and its one-edit variants, nationality + DOB and its swap,
    name key + DOB; latest entry; extensions, permits, registrations) as one set-based query, the
    encounters split between ``connections`` parallel connections (one thread each)."""
    import psycopg

    shares = [facts[i::connections] for i in range(connections)]
    conns = [psycopg.connect(ARGS.database_url) for _ in shares]
    counts = [0] * connections
    errors = []
    barrier = threading.Barrier(connections + 1)

    def run(i):
        barrier.wait()
        try:
            with conns[i].transaction(), conns[i].cursor() as cursor:
                cursor.execute("create temporary table bench_keys (encounter_id uuid, documents text[], "
                               "nationality text, dobs date[], name_key text, inspected_on date) on commit drop")
                with cursor.copy("copy bench_keys from stdin") as copy:
                    for row in shares[i]:
                        copy.write_row(row)
                cursor.execute("analyze bench_keys")
                cursor.execute(RAW_SQL)
                counts[i] = len(cursor.fetchall())
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(connections)]
    for thread in threads:
        thread.start()
    before = cpu_snapshot([])
    barrier.wait()
    t = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - t
    cpu = cpu_delta(before, cpu_snapshot([]), elapsed)
    for conn in conns:
        conn.close()
    if errors:
        raise errors[0]
    return len(facts) / elapsed, sum(counts), cpu


# --- processes: peak memory and CPU from /proc ---------------------------------------------

TICK = os.sysconf("SC_CLK_TCK")


def process_tree(pid: int) -> list[int]:
    """pid and its descendants (prefork children)."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    todo += [int(c) for c in f.read().split()]
        except OSError:
            pass
    return out


def status_kb(pid: int, field: str) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def cpu_seconds(pid: int, children: bool = False) -> float:
    """utime + stime (and the reaped children's, with ``children``) of one process."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    ticks = int(fields[11]) + int(fields[12])
    if children:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / TICK


def postgres_cpu() -> float:
    """Every postgres process (backends, writers) plus what the postmaster collected from the
    backends that exited: continuous across connections that come and go."""
    total = 0.0
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/comm") as f:
                    if f.read().strip() != "postgres":
                        continue
            except OSError:
                continue
            total += cpu_seconds(int(name), children=True)
    return total


def machine_busy() -> tuple[float, float]:
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    idle = values[3] + values[4]
    return (sum(values) - idle) / TICK, sum(values) / TICK


def backends_cpu() -> dict[int, float]:
    """CPU of each PostgreSQL backend connected to the bench database (workers, raw-SQL threads,
    this process): the other sessions' databases on this shared machine are left out."""
    import psycopg

    with psycopg.connect(ARGS.database_url, autocommit=True) as conn:
        pids = [r[0] for r in conn.execute("select pid from pg_stat_activity where datname = current_database() "
                                           "and pid <> pg_backend_pid()")]
    return {pid: cpu_seconds(pid) for pid in pids}


def cpu_snapshot(worker_pids: list[int]) -> dict:
    t = os.times()
    busy, total = machine_busy()
    return {"workers": sum(cpu_seconds(p, children=True) for p in worker_pids), "postgres_all": postgres_cpu(),
            "backends": backends_cpu(), "bench": t.user + t.system, "busy": busy, "total": total}


def cpu_delta(before: dict, after: dict, wall: float) -> dict:
    """CPU seconds per party over the window, and the machine's busy share (all cores)."""
    out = {k: after[k] - before[k] for k in ("workers", "postgres_all", "bench")}
    out["postgres"] = sum(cpu - before["backends"].get(pid, 0.0) for pid, cpu in after["backends"].items())
    out["busy_share"] = (after["busy"] - before["busy"]) / max(after["total"] - before["total"], 1e-9)
    out["wall"] = wall
    return out


def cpu_line(cpu: dict, persons: int) -> str:
    per = 1000 / persons
    busy = cpu["busy_share"] * (os.cpu_count() or 1) * cpu["wall"]
    other = busy - cpu["workers"] - cpu["postgres_all"] - cpu["bench"]
    return (f"CPU s: workers {cpu['workers']:.1f}, postgres backends of this database {cpu['postgres']:.1f} "
            f"(all postgres processes {cpu['postgres_all']:.1f}), bench {cpu['bench']:.1f}, "
            f"everything else {max(other, 0):.1f} over {cpu['wall']:.1f}s wall; per 1,000 persons: workers "
            f"{cpu['workers'] * per:.2f}s, postgres {cpu['postgres'] * per:.2f}s; machine busy "
            f"{cpu['busy_share'] * 100:.0f}%")


# --- real workers --------------------------------------------------------------------------

class Workers:
    """k worker processes (`--pool=solo` each) or one prefork worker with k children, listening on
    a private queue; each solo worker also on its own queue, so that each can be warmed up."""

    def __init__(self, k: int, pool: str, redis_url: str):
        self.queue = f"bench-{uuid.uuid4().hex[:8]}"
        self.redis_url = redis_url
        env = os.environ | {"DATABASE_URL": ARGS.database_url, "CELERY_BROKER_URL": redis_url,
                            "CELERY_RESULT_BACKEND": redis_url, "LOG_LEVEL": "WARNING"}
        base = [sys.executable, "-m", "celery", "-A", "config", "worker", "--without-gossip", "--without-mingle",
                "--without-heartbeat", "-l", "WARNING"]
        if pool == "solo":
            self.own = [f"{self.queue}-{i}" for i in range(k)]
            commands = [base + ["--pool=solo", "-Q", f"{self.queue},{own}", "-n", f"{own}@%h"] for own in self.own]
        else:
            self.own = []
            commands = [base + ["--pool=prefork", f"--concurrency={k}", "-Q", self.queue, "-n", f"{self.queue}@%h"]]
        self.k = k
        self.procs = [subprocess.Popen(c, cwd=ROOT, env=env, stdout=subprocess.DEVNULL) for c in commands]  # no banner

    def pids(self) -> list[int]:
        return [p for proc in self.procs for p in process_tree(proc.pid)]

    def peak_memory_mb(self) -> list[float]:
        """VmHWM of every worker process (children included), MB."""
        return [status_kb(p, "VmHWM") / 1024 for p in self.pids()]

    def warm_up(self, labelled, timeout: float = 180) -> float:
        """One 50-person inspection per worker process (per child for prefork); returns seconds."""
        from inspections.models import Inspection, InspectionStatus
        from inspections.tasks import inspection_verify_task

        t = time.perf_counter()
        queues = self.own or [self.queue] * self.k
        pks = []
        for i, queue in enumerate(queues):
            inspections, _ = make_inspections(labelled[i * 50:i * 50 + 50], 50, InspectionStatus.SUBMITTED)
            pks.append(inspections[0].pk)
            inspection_verify_task.apply_async((str(inspections[0].pk),), queue=queue)
        wait_verified(Inspection.objects.filter(pk__in=pks), timeout)
        return time.perf_counter() - t

    def stop(self):
        for proc in self.procs:
            proc.terminate()
        for proc in self.procs:
            proc.wait(timeout=60)
        import redis

        redis.Redis.from_url(self.redis_url).delete(self.queue, *self.own)


def wait_verified(queryset, timeout: float, interval: float = 0.05):
    """Until no inspection of the queryset is still submitted. The query is compiled once and
    polled as plain SQL: building a 400-id queryset every poll cost this process a quarter of
    a core in the first 5M run, taken from the workers on this 2-core machine."""
    from inspections.models import InspectionStatus

    sql, params = queryset.filter(status=InspectionStatus.SUBMITTED).values("pk")[:1].query.sql_with_params()
    deadline = time.perf_counter() + timeout
    with connection.cursor() as cursor:
        while True:
            cursor.execute(sql, params)
            if cursor.fetchone() is None:
                return
            if time.perf_counter() > deadline:
                raise RuntimeError("the workers did not verify the inspections in time")
            time.sleep(interval)


def reset_verification(inspection_ids):
    """Back to 'submitted, never verified', so that every run does the same (first-pass) work."""
    from inspections.models import Inspection, InspectionStatus

    with connection.cursor() as cursor:
        cursor.execute("truncate inspections_flag, inspections_verification cascade")
    Inspection.objects.filter(pk__in=inspection_ids).update(status=InspectionStatus.SUBMITTED, verified_at=None)
    with connection.cursor() as cursor:
        cursor.execute("vacuum analyze inspections_inspection")
        cursor.execute("analyze inspections_encounter")


def worker_throughput(k: int, inspection_ids, persons: int, labelled) -> dict:
    """Enqueue inspection_verify_task for every inspection on a private queue served by k warm
    worker processes; time from the first enqueue until every inspection is verified."""
    from inspections.models import Inspection
    from inspections.tasks import inspection_verify_task

    reset_verification(inspection_ids)
    workers = Workers(k, ARGS.pool, ARGS.redis_url)
    try:
        warm = workers.warm_up(labelled)
        before = cpu_snapshot(workers.pids())
        t = time.perf_counter()
        for pk in inspection_ids:
            inspection_verify_task.apply_async((str(pk),), queue=workers.queue)
        enqueued = time.perf_counter() - t
        wait_verified(Inspection.objects.filter(pk__in=inspection_ids), timeout=3600)
        elapsed = time.perf_counter() - t
        cpu = cpu_delta(before, cpu_snapshot(workers.pids()), elapsed)
        memory = workers.peak_memory_mb()
    finally:
        workers.stop()
    return {"rate": persons / elapsed, "elapsed": elapsed, "enqueued": enqueued, "warm": warm, "cpu": cpu,
            "memory": memory}


def worker_latency(labelled, runs: int) -> tuple[float, float, float, list[float]]:
    from inspections.models import Inspection, InspectionStatus
    from inspections.tasks import inspection_verify_task

    workers = Workers(1, "solo", ARGS.redis_url)
    try:
        workers.warm_up(labelled)
        latencies = []
        for i in range(runs):
            inspections, _ = make_inspections(labelled[(i % 10) * 50:(i % 10) * 50 + 50], 50, InspectionStatus.DRAFT)
            pk = inspections[0].pk
            with transaction.atomic():  # as inspection_submit does: enqueued on commit
                Inspection.objects.filter(pk=pk).update(status=InspectionStatus.SUBMITTED, submitted_at=timezone.now())
                transaction.on_commit(lambda pk=pk: inspection_verify_task.apply_async((str(pk),),
                                                                                      queue=workers.queue))
            t = time.perf_counter()
            wait_verified(Inspection.objects.filter(pk=pk), timeout=30, interval=0.005)
            latencies.append(time.perf_counter() - t)
        memory = workers.peak_memory_mb()
    finally:
        workers.stop()
    latencies.sort()
    return (statistics.median(latencies), latencies[int(round(0.95 * (len(latencies) - 1)))], max(latencies),
            memory)


def tasks_in_process(inspection_ids, profile_path: str) -> float:
    """The task body (engine.inspection_verify per inspection, first pass) in this process:
    the worker's work without Celery and Redis; profiled with pyinstrument if asked."""
    from inspections.tasks import inspection_verify_task

    reset_verification(inspection_ids)
    profiler = None
    if profile_path:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.001)
        profiler.start()
    t = time.perf_counter()
    persons = sum(inspection_verify_task.run(str(pk)) for pk in inspection_ids)
    elapsed = time.perf_counter() - t
    if profiler is not None:
        profiler.stop()
        Path(profile_path).write_text(profiler.output_text(unicode=False, color=False, show_all=False))
    return persons / elapsed


def main():
    from inspections.models import Encounter, Inspection, InspectionStatus

    print(f"# {platform.platform()}, {os.cpu_count()} cpus, python {sys.version.split()[0]}, "
          f"PostgreSQL {connection.cursor().connection.info.server_version}")
    call_command("migrate", verbosity=0)
    persons, entries = load_entries(ARGS.entries, ARGS.reload)
    if ARGS.load_only:
        return
    with connection.cursor() as cursor:
        if ARGS.name_dob_index:
            cursor.execute("create index if not exists bench_entry_namekey_dob "
                           "on registry_entryrecord (name_key, date_of_birth)")
        else:
            cursor.execute("drop index if exists bench_entry_namekey_dob")
    clear_previous()
    labelled = generate_encounters(persons, entries, ARGS.encounters, seed=11)
    # A worker process does not hold millions of generated records: drop them, so that the
    # garbage collector does not walk them during the measurement.
    del persons, entries
    gc.collect()
    gc.freeze()
    t = time.perf_counter()
    make_inspections(labelled, 50, InspectionStatus.SUBMITTED)
    print(f"encounters: {len(labelled):,} in {len(labelled) // 50} submitted inspections "
          f"({time.perf_counter() - t:.1f}s)")
    ids = list(Encounter.objects.order_by("pk").values_list("pk", flat=True))
    inspection_ids = list(Inspection.objects.filter(status=InspectionStatus.SUBMITTED).order_by("pk")
                          .values_list("pk", flat=True))
    with connection.cursor() as cursor:
        cursor.execute("analyze")
    n = len(ids)
    rows = {}

    facts = raw_facts(Encounter.objects.select_related("inspection"))
    raw = {}
    for k in sorted({1, *WORKERS}):
        runs = [raw_sql_rate(facts, k) for _ in range(2)]
        best = max(runs, key=lambda r: r[0])
        raw[k] = best
        print(f"raw SQL lower bound, {k} connection(s), {best[1]:,} matched rows: {best[0]:,.0f} persons/s "
              f"(runs: {', '.join(f'{r[0]:,.0f}' for r in runs)}); {cpu_line(best[2], n)}")

    if not ARGS.skip_engine:
        first = engine_rate(ids, ARGS.batch)
        second = engine_rate(ids, ARGS.batch)
        rows[f"in-process, batches of {ARGS.batch}, first pass"] = (first, raw[1][0])
        rows[f"in-process, batches of {ARGS.batch}, re-run"] = (second, raw[1][0])
        print(f"engine in-process, batches of {ARGS.batch}: first pass {first:,.0f} persons/s, "
              f"re-run {second:,.0f} persons/s")
    per_task = tasks_in_process(inspection_ids, "")
    rows["in-process, task body per 50-person inspection"] = (per_task, raw[1][0])
    print(f"task body in-process, one 50-person inspection at a time (first pass): {per_task:,.0f} persons/s")
    if ARGS.profile:
        profiled = tasks_in_process(inspection_ids[:100], ARGS.profile)
        print(f"  profiled again over 100 inspections ({profiled:,.0f} persons/s under the profiler): {ARGS.profile}")

    for k in WORKERS:
        result = worker_throughput(k, inspection_ids, n, labelled)
        rows[f"{k} worker process(es), --pool={ARGS.pool}"] = (result["rate"], raw[k][0])
        print(f"{k} worker(s), --pool={ARGS.pool}: {result['rate']:,.0f} persons/s ({len(inspection_ids)} tasks "
              f"in {result['elapsed']:.1f}s, enqueued in {result['enqueued']:.2f}s, start + warm-up "
              f"{result['warm']:.1f}s, not timed); raw SQL with {k} connection(s) {raw[k][0]:,.0f}/s; "
              f"ratio {result['rate'] / raw[k][0]:.2f}")
        print(f"  {cpu_line(result['cpu'], n)}")
        print(f"  peak memory (VmHWM) of the worker processes: "
              f"{', '.join(f'{m:,.0f}' for m in result['memory'])} MB")

    print("\n| measured | persons/s | raw SQL, same connections | ratio (goal >= 0.25) |\n|---|---|---|---|")
    for name, (rate, lower) in rows.items():
        print(f"| {name} | {rate:,.0f} | {lower:,.0f} | {rate / lower:.2f} |")

    if ARGS.worker_runs:
        median, p95, worst, memory = worker_latency(labelled, ARGS.worker_runs)
        print(f"\n50-person inspection, submission -> verified by a real worker ({ARGS.worker_runs} runs): "
              f"median {median * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, max {worst * 1000:.0f} ms (goal <= 1000 ms); "
              f"worker VmHWM {', '.join(f'{m:,.0f}' for m in memory)} MB")


WORKERS = [int(k) for k in ARGS.workers.split(",") if k.strip()] if ARGS is not None else []

if __name__ == "__main__":
    main()

"""Benchmark of the supervisor's case queue (/dashboard/) with a million flags on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ri_bench_queue \
        /work/main/.venv/bin/python bench/queue_page.py --flags 1000000 --repeat 30

Creates the database if missing, migrates it, generates the data in SQL (INSERT ... SELECT over
generate_series: premises, inspections, encounters and one flag per encounter, about a minute
for a million) unless it is already there, runs VACUUM ANALYZE, then times the queue view
in-process with Django's test Client (middleware, view, queries, template, audit rows: the
server's time, no network) for a national and a provincial supervisor, with the landing filter
and filtered variants. Prints a Markdown table: median and p95 with the counts cached (the usual
case: they are kept 60 s per worker under the newest flag change), and median and maximum
"cold" (cache emptied before every request, the counts' GROUP BY runs); --explain prints the
plans of the queue's queries for one variant.
"""

import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")

import django  # noqa: E402

KINDS = ["NO_ENTRY_RECORD", "IDENTITY_CONFLICT", "DOCUMENT_MISMATCH", "OVERSTAY", "RECORDED_EXIT",
         "WORK_NOT_PERMITTED", "NO_WORK_PERMIT", "NOT_REGISTERED", "DOCUMENT_EXPIRED", "TRAFFICKING_INDICATORS"]
# cumulative weights of the kinds above (overstay and permits dominate, trafficking is rare)
KIND_CUMULATIVE = [0.08, 0.11, 0.15, 0.40, 0.45, 0.55, 0.72, 0.90, 0.98, 1.0]
SEVERITY = {"NO_ENTRY_RECORD": "high", "IDENTITY_CONFLICT": "high", "DOCUMENT_MISMATCH": "medium",
            "OVERSTAY": "high", "RECORDED_EXIT": "high", "WORK_NOT_PERMITTED": "medium", "NO_WORK_PERMIT": "medium",
            "NOT_REGISTERED": "low", "DOCUMENT_EXPIRED": "low", "TRAFFICKING_INDICATORS": "high"}
# cumulative: most flags were decided long ago; a quarter still waits
STATUS_CUMULATIVE = [("open", 0.22), ("in_review", 0.27), ("escalated", 0.29), ("confirmed", 0.49),
                     ("dismissed", 0.79), ("referred", 0.80), ("cleared", 1.0)]
NATIONALITIES = ["CHN", "VNM", "THA", "KOR", "IDN", "MYS", "PHL", "IND", "USA", "GBR", "FRA", "MMR", "LAO", "NGA"]
PREMISES_TYPES = ["hotel", "construction", "company", "entertainment", "casino", "brick_kiln", "residential",
                  "compound", "other"]
PEOPLE_PER_INSPECTION = 5


def ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1].split("?")[0]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")


def _case(column: str, cumulative) -> str:
    """SQL CASE picking a value from cumulative weights with the random number ``column``."""
    whens = " ".join(f"WHEN {column} < {weight} THEN '{value}'" for value, weight in cumulative)
    return f"CASE {whens} ELSE '{cumulative[-1][0]}' END"


def bench_units():
    """The bench's national unit and its Phnom Penh provincial unit (idempotent; every bench uses them)."""
    from accounts.models import Unit
    from registry.models import Province

    national, _ = Unit.objects.get_or_create(code="bench-hq", defaults={"name": "Bench HQ", "kind": "national",
                                                                        "is_national": True})
    provincial, created = Unit.objects.get_or_create(code="bench-pp", defaults={"name": "Bench Phnom Penh",
                                                                                "kind": "provincial"})
    if created:
        provincial.provinces.set([Province.objects.get(code="KH-12")])
    return national, provincial


def generate(flags: int) -> dict:
    from django.db import connection

    from accounts.models import Membership, Role

    User = django.contrib.auth.get_user_model()
    national, provincial = bench_units()
    users = {}
    for username, unit, role in [("bench-national", national, Role.SUPERVISOR),
                                 ("bench-provincial", provincial, Role.SUPERVISOR),
                                 ("bench-officer", provincial, Role.OFFICER)]:
        users[username], _ = User.objects.get_or_create(username=username)
        Membership.objects.get_or_create(user=users[username], unit=unit, role=role)

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM inspections_flag")
        existing = cursor.fetchone()[0]
    if existing >= flags:
        print(f"{existing} flags already there")
        return users

    inspections = flags // PEOPLE_PER_INSPECTION
    premises = max(inspections // 10, 100)
    started = time.perf_counter()
    kind_case = _case("r_kind", list(zip(KINDS, KIND_CUMULATIVE, strict=True)))
    severity_case = "CASE " + " ".join(f"WHEN e.f_kind = '{k}' THEN '{v}'" for k, v in SEVERITY.items()) + " END"
    status_case = _case("r_status", STATUS_CUMULATIVE)
    nat_array = "ARRAY[" + ",".join(f"'{n}'" for n in NATIONALITIES) + "]"
    type_array = "ARRAY[" + ",".join(f"'{t}'" for t in PREMISES_TYPES) + "]"
    statements = [
        "SELECT setseed(0.42)",
        # premises spread over every district; Phnom Penh gets a larger share, as in reality
        f"""
        WITH d AS (SELECT array_agg(id ORDER BY id) AS ids,
                          array_agg(id ORDER BY id) FILTER (WHERE province_id =
                              (SELECT id FROM registry_province WHERE code = 'KH-12')) AS pp
                   FROM registry_district)
        INSERT INTO registry_premises (id, premises_type, name, registration_number, address, district_id,
            latitude, longitude, operator_name, contact, created_at, updated_at)
        SELECT gen_random_uuid(), ({type_array})[1 + (i % {len(PREMISES_TYPES)})], 'Bench premises ' || i,
            'BENCH-' || i, 'Street ' || (i % 500),
            CASE WHEN i % 4 = 0 THEN d.pp[1 + (i % array_length(d.pp, 1))]
                 ELSE d.ids[1 + (i % array_length(d.ids, 1))] END,
            10.5 + random() * 4, 102.5 + random() * 5, '', '', now(), now()
        FROM generate_series(1, {premises}) AS i, d
        """,
        f"""
        WITH p AS (SELECT array_agg(id) AS ids FROM registry_premises WHERE registration_number LIKE 'BENCH-%%')
        INSERT INTO inspections_inspection (id, premises_id, unit_id, lead_officer_id, started_at, ended_at, status,
            notes, foreigners_present, refused_access, submitted_at, verified_at, created_at, updated_at)
        SELECT gen_random_uuid(), p.ids[1 + (i % array_length(p.ids, 1))], {provincial.pk},
            {users['bench-officer'].pk}, t, t + interval '1 hour', 'verified', '', {PEOPLE_PER_INSPECTION}, 0,
            t + interval '1 hour', t + interval '2 hours', t, t
        FROM (SELECT i, now() - (random() * 730) * interval '1 day' AS t
              FROM generate_series(1, {inspections}) AS i) AS s, p
        """,
        f"""
        INSERT INTO inspections_encounter (id, inspection_id, surname, given_names, native_name, date_of_birth, sex,
            nationality, document_type, document_number, document_issuing_country, role,
            document_withheld, not_free_to_leave, debt_owed, wages_withheld, excessive_hours, isolated,
            threats_or_violence, deceived_about_job, under_18, physical_abuse_signs, lives_at_workplace,
            created_at, updated_at)
        SELECT gen_random_uuid(), ins.id, 'SURNAME' || (n % 5000), 'GIVEN ' || (n % 700), '',
            date '1970-01-01' + (n % 15000)::int, CASE WHEN n % 3 = 0 THEN 'F' ELSE 'M' END, nat, 'P',
            'B' || lpad(n::text, 9, '0'), nat,
            CASE WHEN n % 5 < 3 THEN 'worker' WHEN n % 5 = 3 THEN 'guest' ELSE 'resident' END,
            CASE WHEN n % 97 = 0 THEN 'yes' ELSE 'no' END, 'no', 'no', 'no', 'no', 'no', 'no', 'no', 'no', 'no',
            'no', ins.started_at, ins.started_at
        FROM (SELECT id, started_at, row_number() OVER () AS k FROM inspections_inspection
              WHERE notes = '' AND unit_id = {provincial.pk}) AS ins,
             generate_series(1, {PEOPLE_PER_INSPECTION}) AS j,
             LATERAL (SELECT (ins.k * {PEOPLE_PER_INSPECTION} + j) AS n,
                             ({nat_array})[1 + ((ins.k * 7 + j) % {len(NATIONALITIES)})] AS nat) AS x
        """,
        f"""
        INSERT INTO inspections_flag (id, encounter_id, kind, severity, details, status, held_for_victim_screening,
            assignee_id, province_id, district_id, premises_type, nationality, inspected_on, raised_at, updated_at,
            version)
        SELECT gen_random_uuid(), e.id, e.f_kind, {severity_case}, '{{}}'::jsonb, e.f_status, false,
            CASE WHEN e.f_status IN ('in_review', 'escalated') THEN {users['bench-national'].pk} END,
            d.province_id, d.id, p.premises_type, e.nationality, (i.started_at AT TIME ZONE 'Asia/Phnom_Penh')::date,
            i.started_at + interval '3 hours', i.started_at + interval '3 hours', 0
        FROM (SELECT e.*, {kind_case} AS f_kind, {status_case} AS f_status
              FROM (SELECT e.*, random() AS r_kind, random() AS r_status FROM inspections_encounter e) AS e) AS e
        JOIN inspections_inspection i ON i.id = e.inspection_id
        JOIN registry_premises p ON p.id = i.premises_id
        JOIN registry_district d ON d.id = p.district_id
        WHERE i.unit_id = {provincial.pk} AND i.notes = ''
        """,
        # trafficking cases hold the person's other flags
        """
        UPDATE inspections_flag SET held_for_victim_screening = true
        WHERE kind <> 'TRAFFICKING_INDICATORS' AND status = 'open' AND encounter_id IN
            (SELECT encounter_id FROM inspections_flag WHERE kind = 'TRAFFICKING_INDICATORS')
        """,
    ]
    done_checks = [
        None,
        "SELECT count(*) FROM registry_premises WHERE registration_number LIKE 'BENCH-%%'",
        f"SELECT count(*) FROM inspections_inspection WHERE notes = '' AND unit_id = {provincial.pk}",
        f"SELECT count(*) FROM inspections_encounter e JOIN inspections_inspection i ON i.id = e.inspection_id "
        f"WHERE i.notes = '' AND i.unit_id = {provincial.pk}",
    ]
    with connection.cursor() as cursor:
        for index, sql in enumerate(statements):
            check = done_checks[index] if index < len(done_checks) else None
            if check:  # each statement commits on its own: a re-run after a failure resumes
                cursor.execute(check.replace("%%", "%"))
                if cursor.fetchone()[0]:
                    print(f"  step {index} already done", flush=True)
                    continue
            step = time.perf_counter()
            cursor.execute(sql)
            print(f"  {sql.split()[0]} {sql.split()[2] if len(sql.split()) > 2 else ''}: "
                  f"{cursor.rowcount} rows, {time.perf_counter() - step:.1f}s", flush=True)
    connection.close()
    import psycopg

    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    print(f"generated {flags} flags in {time.perf_counter() - started:.0f}s (incl. VACUUM ANALYZE)")
    return users


VARIANTS = [
    ("landing (open, in review, escalated)", {}),
    ("all statuses", {"status": ["open", "in_review", "confirmed", "dismissed", "referred", "escalated",
                                 "cleared"]}),
    ("kind=OVERSTAY, open", {"kind": "OVERSTAY", "status": "open"}),
    ("kind=TRAFFICKING_INDICATORS", {"kind": "TRAFFICKING_INDICATORS"}),
    ("province=Phnom Penh", {"province": "__pp__", "status": "open"}),
    ("nationality=VNM, severity=high", {"nationality": "VNM", "severity": "high", "status": "open"}),
    ("inspected in the last 30 days", {"inspected_after": "__30d__"}),
    ("premises_type=brick_kiln, sort by inspection date", {"premises_type": "brick_kiln",
                                                             "ordering": "-inspected_on"}),
    ("assignee=bench-national", {"assignee": "__assignee__", "status": ["in_review", "escalated"]}),
    ("page 20", {"page": "20"}),
    ("htmx partial (filter change)", {"kind": "NO_WORK_PERMIT", "__htmx__": True}),
]


def measure(users: dict, repeat: int, explain: bool) -> list[tuple]:
    import datetime

    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext


    pp = "KH-12"
    results = []
    print("| supervisor | variant | median ms | p95 ms | cold median ms | cold max ms | queries | flags |")
    print("|---|---|---|---|---|---|---|---|")
    for username in ("bench-national", "bench-provincial"):
        client = Client()
        client.force_login(users[username])
        for label, params in VARIANTS:
            params = dict(params)
            headers = {"HX-Request": "true"} if params.pop("__htmx__", False) else {}
            for key, value in list(params.items()):
                if value == "__pp__":
                    params[key] = pp
                elif value == "__30d__":
                    params[key] = (datetime.date.today() - datetime.timedelta(days=30)).isoformat()
                elif value == "__assignee__":
                    params[key] = users["bench-national"].pk
            for _ in range(3):
                response = client.get("/dashboard/", params, headers=headers)
                assert response.status_code == 200, (label, response.status_code)
            timings = []
            for _ in range(repeat):
                reset_queries()
                start = time.perf_counter()
                response = client.get("/dashboard/", params, headers=headers)
                timings.append((time.perf_counter() - start) * 1000)
            # cold: the counts computed (cache emptied before each request)
            from django.core.cache import cache

            cold = []
            for _ in range(max(repeat // 3, 3)):
                cache.clear()
                start = time.perf_counter()
                client.get("/dashboard/", params, headers=headers)
                cold.append((time.perf_counter() - start) * 1000)
            cold.sort()
            with CaptureQueriesContext(connection) as queries:
                response = client.get("/dashboard/", params, headers=headers)
            timings.sort()
            median = statistics.median(timings)
            p95 = timings[min(len(timings) - 1, int(round(0.95 * len(timings))) - 1)]
            found = re.search(r'class="result-count" role="status">([0-9,]+) flag', response.content.decode())
            total = found.group(1) if found else "-"
            cold_median, cold_max = statistics.median(cold), cold[-1]
            results.append((username, label, median, p95, cold_median, cold_max, len(queries), total))
            print(f"| {username} | {label} | {median:.0f} | {p95:.0f} | {cold_median:.0f} | {cold_max:.0f} | "
                  f"{len(queries)} | {total} |", flush=True)
            if explain and username == "bench-national" and label.startswith("landing"):
                with connection.cursor() as cursor:
                    for query in queries.captured_queries:
                        if "inspections_flag" in query["sql"] and query["sql"].startswith("SELECT"):
                            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
                            print("\n".join(row[0] for row in cursor.fetchall()), "\n")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--flags", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database of your own, e.g. "
                 "postgres://postgres@127.0.0.1:5432/ri_bench_queue")
    ensure_database(url)
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    users = generate(args.flags)
    measure(users, args.repeat, args.explain)


if __name__ == "__main__":
    main()

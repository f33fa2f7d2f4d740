"""Load test of the API and the dashboard: 50 concurrent users for 60 s per scenario, against gunicorn.

    /work/main/.venv/bin/python bench/load.py \
        --database-url postgres://postgres@127.0.0.1:5432/ri_bench_queue --port 8105

One command: migrates the database, adds the bench users (analyst, supervisor, officer), their
passwords and API tokens (idempotently; the flags come from bench/queue_page.py, run it first),
collects the static files, starts ``gunicorn config.wsgi --workers 3`` on 127.0.0.1:<port> with
DJANGO_DEBUG=0 (production settings), then for each scenario drives ``--users`` concurrent
clients (threads of this process, a separate process from the server) for ``--duration``
seconds (with no pause between requests unless --think is given), each request timed from connect
to the last byte:

- summary: 50 analysts' tokens, GET /api/v1/summaries/{inspections,encounters,flags,referrals}/
  ?period=month&group_by=province in turn, with ``Accept-Encoding: gzip`` as HTTP client
  libraries send it;
- flags: 50 national supervisors' tokens, GET /api/v1/flags/ (first page of 50);
- case: a national supervisor logged in through the login form, GET /dashboard/flags/<uuid>/ of a
  random flag;
- submit: an officer logged in through the login form, through the field app's forms: start an
  inspection (POST /inspections/start/), add one person (POST .../people/new/), submit
  (POST .../submit/). Without a Celery worker: the server's CELERY_BROKER_URL points at the
  Redis DB given (--redis-url), so submission only puts a message there (web side only); the
  queue is emptied at the end.

The server runs with production settings, so its cookies are Secure: the client says what a TLS
reverse proxy in front would say (``X-Forwarded-Proto: https``, honoured by
SECURE_PROXY_SSL_HEADER) and keeps its own cookies; no setting is weakened.

Bounded: each scenario stops after --duration seconds or --max-requests requests; a request
times out after 30 s; the server is stopped at the end (also on errors). Loopback only.

Prints per scenario and per request kind: requests, errors, p50/p95/p99 (ms), throughput, and the
peak resident memory (VmHWM) of the gunicorn master and workers; the load average before and
after. ``--profile SCENARIO`` instead runs that scenario's requests in-process under pyinstrument
(Django's test Client, DEBUG off) and prints the profile.
"""

import argparse
import http.client
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PASSWORD = "bench-load-password-0123"  # noqa: S105 (bench users in a bench database only)
SUMMARIES = ("inspections", "encounters", "flags", "referrals")
SCENARIOS = ("summary", "flags", "case", "submit")
STATIC_ROOT = "/tmp/ri-bench-load-static"
SECRET = "bench-load-secret-key-not-for-production-0123456789abcdef"  # noqa: S105


# --- data ----------------------------------------------------------------------------------------

def prepare(database_url: str, clients: int = 50) -> dict:
    """Users, memberships, passwords, tokens; ids of flags and premises to use. Idempotent.

    API clients are ``clients`` analysts and ``clients`` national supervisors, one token each, as
    many systems or people would be: DRF's per-user throttle (6000/min, counted in the shared cache)
    applies to each, not to one user carrying the whole load."""
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from accounts.models import ApiToken, Membership, Role
    from accounts.services import api_token_issue
    from bench.queue_page import bench_units

    call_command("migrate", verbosity=0)
    User = get_user_model()
    national, provincial = bench_units()
    users = {}
    for username, unit, role in [("bench-national", national, Role.SUPERVISOR),
                                 ("bench-officer", provincial, Role.OFFICER),
                                 ("bench-analyst", national, Role.ANALYST)]:
        user, _ = User.objects.get_or_create(username=username)
        if not user.check_password(PASSWORD):
            user.set_password(PASSWORD)
            user.save(update_fields=["password"])
        Membership.objects.get_or_create(user=user, unit=unit, role=role)
        users[username] = user
    # one live token per bench user: the previous run's are removed (keys are shown only once)
    ApiToken.objects.filter(user__in=users.values(), name="bench-load").delete()
    tokens = {}
    for name, unit, role in [("bench-national", national, Role.SUPERVISOR), ("bench-analyst", national, Role.ANALYST)]:
        tokens[name] = []
        for i in range(clients):
            client, _ = User.objects.get_or_create(username=f"{name}-{i:02d}")
            Membership.objects.get_or_create(user=client, unit=unit, role=role)
            ApiToken.objects.filter(user=client, name="bench-load").delete()
            tokens[name].append(api_token_issue(actor=None, user=client, name="bench-load")[1])
    with connection.cursor() as cursor:
        cursor.execute("SELECT id::text FROM inspections_flag TABLESAMPLE SYSTEM (1) LIMIT 2000")
        flag_ids = [row[0] for row in cursor.fetchall()]
        cursor.execute("""SELECT p.id::text FROM registry_premises p JOIN registry_district d ON d.id = p.district_id
                          JOIN registry_province r ON r.id = d.province_id
                          WHERE r.code = 'KH-12' AND p.premises_type <> 'diplomatic' LIMIT 500""")
        premises_ids = [row[0] for row in cursor.fetchall()]
    if not flag_ids or not premises_ids:
        sys.exit("No flags or Phnom Penh premises: run bench/queue_page.py against this database first.")
    connection.close()
    return {"tokens": tokens, "flag_ids": flag_ids, "premises_ids": premises_ids}


# --- server --------------------------------------------------------------------------------------

def server_env(database_url: str, redis_url: str, cache_url: str) -> dict:
    env = dict(os.environ)
    env.update({
        "DATABASE_URL": database_url, "DJANGO_DEBUG": "0", "SECRET_KEY": SECRET, "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0", "STATIC_ROOT": STATIC_ROOT, "CELERY_BROKER_URL": redis_url,
        "CELERY_RESULT_BACKEND": redis_url, "CACHE_URL": cache_url, "DJANGO_SETTINGS_MODULE": "config.settings",
        "LOG_LEVEL": "WARNING",
    })
    return env


def start_server(env: dict, port: int, workers: int, worker_class: str = "sync", threads: int = 1) -> subprocess.Popen:
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env,
                   check=True)
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    server = subprocess.Popen([gunicorn, "config.wsgi", "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
                               "--worker-class", worker_class, "--threads", str(threads),
                               "--timeout", "60", "--log-level", "warning"], cwd=ROOT, env=env,
                              start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            status, _, _ = request(port, "GET", "/accounts/login/")
            if status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.5)
    stop_server(server)
    sys.exit("gunicorn did not answer within 60 s")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _status_kb(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class MemorySampler(threading.Thread):
    """Peak RSS of the master and each worker (VmHWM, the kernel's high-water mark) and of their sum."""

    def __init__(self, master: int):
        super().__init__(daemon=True)
        self.master, self.stop_event, self.peak_total_kb, self.hwm = master, threading.Event(), 0, {}

    def run(self):
        while not self.stop_event.is_set():
            pids = [self.master, *_children(self.master)]
            self.peak_total_kb = max(self.peak_total_kb, sum(_status_kb(p, "VmRSS") for p in pids))
            for pid in pids:
                self.hwm[pid] = max(self.hwm.get(pid, 0), _status_kb(pid, "VmHWM"))
            self.stop_event.wait(0.5)


# --- client --------------------------------------------------------------------------------------

def request(port: int, method: str, path: str, *, headers=None, body: bytes | None = None, cookies=None):
    """One request on a fresh connection (gunicorn's sync workers close after each response)."""
    headers = {"Host": f"127.0.0.1:{port}", "X-Forwarded-Proto": "https", **(headers or {})}
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    if body is not None:
        headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        headers["Referer"] = f"https://127.0.0.1:{port}{path}"
        headers["Origin"] = f"https://127.0.0.1:{port}"
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        if cookies is not None:
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    key, _, rest = value.partition("=")
                    cookies[key.strip()] = rest.split(";", 1)[0]
        return response.status, response.getheader("Location", ""), data
    finally:
        conn.close()


_CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


def _csrf(data: bytes) -> str:
    found = _CSRF.search(data)
    if not found:
        raise RuntimeError("no CSRF token in the page")
    return found.group(1).decode()


def login(port: int, username: str) -> dict:
    cookies: dict = {}
    _, _, page = request(port, "GET", "/accounts/login/", cookies=cookies)
    body = urlencode({"username": username, "password": PASSWORD, "csrfmiddlewaretoken": _csrf(page)}).encode()
    status, _, _ = request(port, "POST", "/accounts/login/", body=body, cookies=cookies)
    if status != 302 or "sessionid" not in cookies:
        raise RuntimeError(f"login of {username} failed: {status}")
    return cookies


class User:
    """One virtual user; ``step()`` makes one or more timed requests and records them."""

    def __init__(self, scenario: str, port: int, data: dict, record, number: int = 0):
        self.scenario, self.port, self.data, self.record = scenario, port, data, record
        self.analyst_token = data["tokens"]["bench-analyst"][number % len(data["tokens"]["bench-analyst"])]
        self.supervisor_token = data["tokens"]["bench-national"][number % len(data["tokens"]["bench-national"])]
        self.rng = random.Random()
        self.turn = self.rng.randrange(len(SUMMARIES))
        self.cookies = login(port, "bench-national" if scenario == "case" else "bench-officer") \
            if scenario in ("case", "submit") else None

    def timed(self, kind: str, expected: tuple, method: str, path: str, **kwargs):
        start = time.perf_counter()
        try:
            status, location, body = request(self.port, method, path, **kwargs)
        except (OSError, http.client.HTTPException) as exc:
            self.record(kind, (time.perf_counter() - start) * 1000, type(exc).__name__)
            return None
        self.record(kind, (time.perf_counter() - start) * 1000, None if status in expected else status)
        return status, location, body

    def step(self):
        if self.scenario == "summary":
            name = SUMMARIES[self.turn % len(SUMMARIES)]
            self.turn += 1
            self.timed(f"summary/{name}", (200,), "GET",
                       f"/api/v1/summaries/{name}/?period=month&group_by=province",
                       headers={"Authorization": f"Token {self.analyst_token}", "Accept-Encoding": "gzip"})
        elif self.scenario == "flags":
            self.timed("flags", (200,), "GET", "/api/v1/flags/",
                       headers={"Authorization": f"Token {self.supervisor_token}"})
        elif self.scenario == "case":
            self.timed("case", (200,), "GET", f"/dashboard/flags/{self.rng.choice(self.data['flag_ids'])}/",
                       cookies=self.cookies)
        else:
            self.submit_flow()

    def submit_flow(self):
        csrf = self.cookies.get("csrftoken", "")
        premises = self.rng.choice(self.data["premises_ids"])
        got = self.timed("submit/start", (302,), "POST", "/inspections/start/", cookies=self.cookies,
                         body=urlencode({"premises": premises, "csrfmiddlewaretoken": csrf}).encode())
        if not got or not re.match(r"^/inspections/[0-9a-f-]{36}/$", got[1]):
            return
        inspection = got[1]
        person = {"surname": "BENCH", "given_names": f"LOAD {self.rng.randrange(10**6)}",
                  "date_of_birth": "1990-05-17", "sex": "M", "nationality": "VNM", "role": "worker",
                  "document_type": "P", "document_number": f"L{self.rng.randrange(10**8):08d}",
                  "document_issuing_country": "VNM", "document_expiry": "2030-01-01", "not_free_to_leave": "no",
                  "csrfmiddlewaretoken": csrf}
        got = self.timed("submit/add person", (302,), "POST", f"{inspection}people/new/", cookies=self.cookies,
                         body=urlencode(person).encode())
        if not got:
            return
        self.timed("submit/submit", (302,), "POST", f"{inspection}submit/", cookies=self.cookies,
                   body=urlencode({"csrfmiddlewaretoken": csrf}).encode())


def run_scenario(scenario: str, port: int, data: dict, users: int, duration: float, max_requests: int,
                 think: float = 0.0) -> dict:
    lock = threading.Lock()
    samples: dict = defaultdict(list)
    errors: dict = defaultdict(lambda: defaultdict(int))
    count = [0]

    def record(kind, ms, error):
        with lock:
            samples[kind].append(ms)
            count[0] += 1
            if error is not None:
                errors[kind][str(error)] += 1

    clients = [User(scenario, port, data, record, number) for number in range(users)]  # logins before the clock starts
    start = time.monotonic()
    deadline = start + duration

    def loop(client):
        while time.monotonic() < deadline and count[0] < max_requests:
            client.step()
            if think:  # a person reading the answer: uniformly 0.5-1.5 x --think seconds
                time.sleep(min(think * (0.5 + client.rng.random()), max(0.0, deadline - time.monotonic())))

    threads = [threading.Thread(target=loop, args=(c,), daemon=True) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=duration + 60)
    elapsed = time.monotonic() - start
    return {"samples": samples, "errors": errors, "elapsed": elapsed}


WRK_SCRIPT = """
local paths = {%(paths)s}
local tokens = {%(tokens)s}
%(headers)s
local n = 0
request = function()
  n = n + 1
  if #tokens > 0 then wrk.headers["Authorization"] = "Token " .. tokens[(n %% #tokens) + 1] end
  return wrk.format("GET", paths[(n %% #paths) + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("WRK %%d %%d %%d %%.3f %%.3f %%.3f %%.3f %%.3f\\n", summary.requests,
    e.connect + e.read + e.write + e.timeout, e.status, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000))
end
"""


def run_wrk(scenario: str, port: int, data: dict, users: int, duration: float) -> dict:
    """The GET scenarios driven by wrk (C, one event-loop thread): far less client CPU taken from the
    server than 50 Python threads. Same requests as User.step(); latencies from wrk's histogram."""
    rng = random.Random(7)
    headers, tokens = {"X-Forwarded-Proto": "https"}, []
    if scenario == "summary":  # each request in turn from the next of the 50 analysts
        paths = [f"/api/v1/summaries/{name}/?period=month&group_by=province" for name in SUMMARIES]
        tokens = data["tokens"]["bench-analyst"][:users]
        headers["Accept-Encoding"] = "gzip"  # as HTTP client libraries send by default
    elif scenario == "flags":
        paths = ["/api/v1/flags/"]
        tokens = data["tokens"]["bench-national"][:users]
    elif scenario == "case":
        paths = [f"/dashboard/flags/{flag}/" for flag in rng.sample(data["flag_ids"], min(500, len(data["flag_ids"])))]
        cookies = login(port, "bench-national")
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    else:
        raise ValueError(f"wrk drives GET scenarios only, not {scenario}")
    script = WRK_SCRIPT % {"paths": ", ".join(f'"{p}"' for p in paths), "tokens": ", ".join(f'"{t}"' for t in tokens),
                           "headers": "\n".join(f'wrk.headers["{k}"] = "{v}"' for k, v in headers.items())}
    script_path = Path(f"/tmp/ri-bench-wrk-{os.getpid()}.lua")
    script_path.write_text(script)
    try:
        out = subprocess.run(["wrk", "-t", "1", "-c", str(users), "-d", f"{duration:.0f}s", "--timeout", "30s",
                              "-s", str(script_path), f"http://127.0.0.1:{port}"], capture_output=True, text=True,
                             check=True).stdout
    finally:
        script_path.unlink(missing_ok=True)
    fields = next(line for line in out.splitlines() if line.startswith("WRK ")).split()[1:]
    requests, socket_errors, status_errors = (int(v) for v in fields[:3])
    seconds, p50, p95, p99, worst = (float(v) for v in fields[3:])
    return {"requests": requests, "errors": socket_errors + status_errors, "p50": p50, "p95": p95, "p99": p99,
            "max": worst, "rate": requests / seconds,
            "error_detail": f"socket {socket_errors}, non-2xx/3xx {status_errors}"}


def percentile(sorted_values: list, q: float) -> float:
    return sorted_values[min(len(sorted_values) - 1, max(0, int(round(q * len(sorted_values))) - 1))]


def report_rows(scenario: str, result: dict) -> list[str]:
    rows = []
    kinds = sorted(result["samples"])
    everything = sorted(ms for kind in kinds for ms in result["samples"][kind])
    for label, values, errs in [(f"**{scenario}** (all)", everything,
                                 sum(sum(e.values()) for e in result["errors"].values()))] + \
            ([(kind, sorted(result["samples"][kind]), sum(result["errors"][kind].values())) for kind in kinds]
             if len(kinds) > 1 else []):
        if not values:
            continue
        rows.append(f"| {label} | {len(values)} | {errs} | {statistics.median(values):.0f} | "
                    f"{percentile(values, 0.95):.0f} | {percentile(values, 0.99):.0f} | {values[-1]:.0f} | "
                    f"{len(values) / result['elapsed']:.1f} |")
    return rows


# --- profile -------------------------------------------------------------------------------------

def profile(scenario: str, data: dict, repeat: int) -> None:
    from django.conf import settings
    from django.test import Client
    from django.test.utils import override_settings
    from pyinstrument import Profiler

    from accounts.models import ApiToken  # noqa: F401 (settings loaded)

    with override_settings(DEBUG=False, STORAGES={**settings.STORAGES, "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}):
        client = Client()
        headers = {}
        if scenario == "case":
            from django.contrib.auth import get_user_model

            client.force_login(get_user_model().objects.get(username="bench-national"))
            paths = [f"/dashboard/flags/{random.choice(data['flag_ids'])}/" for _ in range(repeat)]
        elif scenario == "flags":
            headers = {"Authorization": f"Token {data['tokens']['bench-national'][0]}"}
            paths = ["/api/v1/flags/"] * repeat
        elif scenario.startswith("summary"):
            names = [scenario.split("/", 1)[1]] if "/" in scenario else list(SUMMARIES)
            headers = {"Authorization": f"Token {data['tokens']['bench-analyst'][0]}"}
            paths = [f"/api/v1/summaries/{names[i % len(names)]}/?period=month&group_by=province"
                     for i in range(repeat)]
        else:
            sys.exit("--profile takes case, flags, summary or summary/<name>")
        client.get(paths[0], headers=headers)  # warm-up
        profiler = Profiler(interval=0.001)
        timings = []
        with profiler:
            for path in paths:
                start = time.perf_counter()
                response = client.get(path, headers=headers)
                timings.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200, (path, response.status_code)
        timings.sort()
        print(f"{scenario}: {repeat} requests in-process, median {statistics.median(timings):.0f} ms, "
              f"max {timings[-1]:.0f} ms")
        print(profiler.output_text(unicode=False, color=False, show_all=False))


# --- main ----------------------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/ri_bench_queue")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/8")
    parser.add_argument("--cache-url", default="redis://127.0.0.1:6379/9",
                        help="the server's CACHE_URL (shared by its workers, as in production); emptied before "
                             "and after")
    parser.add_argument("--port", type=int, default=8105)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--max-requests", type=int, default=100_000, help="per scenario")
    parser.add_argument("--scenarios", default=",".join(SCENARIOS))
    parser.add_argument("--think", type=float, default=0.0,
                        help="seconds each user waits between steps (default 0: closed loop, saturation)")
    parser.add_argument("--client", choices=("python", "wrk"), default="python",
                        help="wrk (Debian's package) drives the GET scenarios (summary, flags, case) from one C "
                             "thread; submit always uses the Python client (forms with CSRF tokens)")
    parser.add_argument("--worker-class", default="sync", help="gunicorn worker class (sync or gthread)")
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker (gthread)")
    parser.add_argument("--profile", metavar="SCENARIO")
    parser.add_argument("--repeat", type=int, default=100, help="requests profiled with --profile")
    args = parser.parse_args()
    name = args.database_url.rsplit("/", 1)[1].split("?")[0]
    if not args.database_url.startswith("postgres") or "bench" not in name:
        sys.exit("Use a PostgreSQL database whose name contains 'bench' (bench users and tokens are added).")
    data = prepare(args.database_url, args.users)
    if args.profile:
        profile(args.profile, data, args.repeat)
        return
    import redis

    env = server_env(args.database_url, args.redis_url, args.cache_url)
    load_before = os.getloadavg()
    redis.Redis.from_url(env["CACHE_URL"]).flushdb()  # no summary cached by an earlier run
    server = start_server(env, args.port, args.workers, args.worker_class, args.threads)
    sampler = MemorySampler(server.pid)
    sampler.start()
    lines = ["| scenario / request | requests | errors | p50 ms | p95 ms | p99 ms | max ms | req/s |",
             "|---|---|---|---|---|---|---|---|"]
    error_details = []
    try:
        for scenario in args.scenarios.split(","):
            print(f"{scenario}: {args.users} users, {args.duration:.0f} s, load average {os.getloadavg()[0]:.1f}",
                  flush=True)
            if args.client == "wrk" and scenario != "submit":
                if args.think:
                    sys.exit("--think needs the Python client (wrk has no pause between requests)")
                got = run_wrk(scenario, args.port, data, args.users, args.duration)
                rows = [f"| **{scenario}** (wrk) | {got['requests']} | {got['errors']} | {got['p50']:.0f} | "
                        f"{got['p95']:.0f} | {got['p99']:.0f} | {got['max']:.0f} | {got['rate']:.1f} |"]
                error_details.append(f"{scenario}: {got['error_detail']}")
            else:
                result = run_scenario(scenario, args.port, data, args.users, args.duration, args.max_requests,
                                      args.think)
                rows = report_rows(scenario, result)
                for kind, errs in result["errors"].items():
                    error_details.append(f"{kind}: {dict(errs)}")
            print("\n".join(rows), flush=True)
            lines += rows
    finally:
        sampler.stop_event.set()
        sampler.join()
        stop_server(server)
        redis.Redis.from_url(args.redis_url).flushdb()  # the queued verification messages (no worker ran)
        redis.Redis.from_url(env["CACHE_URL"]).flushdb()
        shutil.rmtree(STATIC_ROOT, ignore_errors=True)
    print()
    print(f"gunicorn --workers {args.workers} --worker-class {args.worker_class} --threads {args.threads}, "
          f"client {args.client}, {args.users} users x {args.duration:.0f} s per scenario, "
          f"think time {args.think:g} s; "
          f"load average before {load_before[0]:.1f}, after {os.getloadavg()[0]:.1f} (1 min)")
    print("\n".join(lines))
    print("errors:", "; ".join(error_details) or "none")
    master = server.pid
    workers = {pid: kb for pid, kb in sampler.hwm.items() if pid != master}
    print(f"peak RSS (VmHWM): master {sampler.hwm.get(master, 0) / 1024:.0f} MiB; workers "
          + ", ".join(f"{kb / 1024:.0f}" for kb in sorted(workers.values(), reverse=True))
          + f" MiB; peak sum of all {sampler.peak_total_kb / 1024:.0f} MiB")


if __name__ == "__main__":
    main()

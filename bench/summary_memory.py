"""Resident memory of one process serving the same summary request again and again.

    /work/main/.venv/bin/python bench/summary_memory.py \\
        --database-url postgres://postgres@127.0.0.1:5432/ri_bench_national --requests 300

Runs the request in-process (Django's test Client, DEBUG off, the summary cache in this process's
memory) as an analyst with an API token, and prints VmRSS every --every requests. With
``--cache-seconds 0`` every request counts and renders again. Used to find why gunicorn workers
grew on the summary endpoint (docs/benchmarks.md, "Memory").
"""

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def rss_mib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) // 1024
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/ri_bench_national")
    parser.add_argument("--path", default="/api/v1/summaries/flags/?period=month&group_by=province")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--every", type=int, default=25)
    parser.add_argument("--cache-seconds", default="60")
    args = parser.parse_args()
    if "bench" not in args.database_url.rsplit("/", 1)[-1]:
        sys.exit("refusing a database whose name lacks 'bench' (a bench user and token are added)")
    os.environ.update(DATABASE_URL=args.database_url, DJANGO_SETTINGS_MODULE="config.settings", DJANGO_DEBUG="0",
                      SECRET_KEY="bench-only-" + "x" * 40, SUMMARY_CACHE_SECONDS=args.cache_seconds,
                      LOG_LEVEL="WARNING", CACHE_URL="locmemcache://")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client

    from accounts.models import ApiToken, Membership, Role
    from accounts.services import api_token_issue
    from bench.queue_page import bench_units

    national, _ = bench_units()
    analyst, _ = get_user_model().objects.get_or_create(username="bench-memory-analyst")
    Membership.objects.get_or_create(user=analyst, unit=national, role=Role.ANALYST)
    ApiToken.objects.filter(user=analyst, name="bench-memory").delete()
    key = api_token_issue(actor=None, user=analyst, name="bench-memory")[1]
    client = Client()
    print(f"start: {rss_mib()} MiB")
    for i in range(1, args.requests + 1):
        response = client.get(args.path, headers={"Authorization": f"Token {key}"}, secure=True)
        assert response.status_code == 200, response.status_code
        if i == 1 or i % args.every == 0:
            print(f"after {i} requests ({len(response.content):,} bytes each): {rss_mib()} MiB", flush=True)


if __name__ == "__main__":
    main()

"""
The coordinator's pages at scale, measured through Django's request handling (the test Client
runs the full middleware stack, URL routing, view and template) on the database in DATABASE_URL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cpdhub_bench \\
        .venv/bin/python manage.py seed_scale --profiles 100000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cpdhub_bench \\
        .venv/bin/python bench/coordinator.py

Prints p50 and p95 (milliseconds) and the query count of each page: the dashboard for the whole
community, one hub and one term, a deep page of schools, a CPD leader's school slice, the needs
against supply page (first and a deep page) and a CSV download. Rounds are interleaved
(BENCH_ROUNDS, 15 by default).
Signs in as bench-coordinator@bench.test, a superuser it creates if missing.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cpdhub.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from hubs.models import Hub, School, Term, User  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "15"))
LIMIT_MS, LIMIT_QUERIES = 1000, 25


def timed(client: Client, url: str) -> tuple[float, int]:
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        elapsed = (time.perf_counter() - start) * 1000
    if response.status_code != 200 or not body:
        raise SystemExit(f"{url}: HTTP {response.status_code}")
    return elapsed, len(queries)


def main() -> int:
    user = User.objects.filter(email="bench-coordinator@bench.test").first()
    if user is None:
        user = User.objects.create_superuser(
            "bench-coordinator@bench.test", first_name="Bench", last_name="Coordinator"
        )
    client = Client()
    client.force_login(user)
    hub = Hub.objects.filter(slug__startswith="scale-hub-").order_by("pk").first()
    school = School.objects.filter(urn__gte=900000).order_by("pk").first()
    term = Term.objects.order_by("-start").first()
    schools = School.objects.count()
    pages = {
        "dashboard, whole community": "/coordinator/",
        "dashboard, one hub": f"/coordinator/?hub={hub.slug}" if hub else "/coordinator/",
        "dashboard, one term": f"/coordinator/?term={term.pk}" if term else "/coordinator/",
        "dashboard, page 40 of schools": "/coordinator/?page=40",
        "a school's slice": f"/schools/{school.urn}/dashboard/",
        "participation CSV (every school)": "/coordinator/participation.csv",
        "needs against supply": "/coordinator/needs/",
        "needs against supply, page 50": "/coordinator/needs/?page=50",
    }
    for url in pages.values():  # warm: connections, templates, caches
        timed(client, url)
    times: dict[str, list[float]] = {name: [] for name in pages}
    queries: dict[str, int] = {}
    for _ in range(ROUNDS):
        for name, url in pages.items():
            elapsed, n = timed(client, url)
            times[name].append(elapsed)
            queries[name] = n
    print(f"{schools:,} schools, {User.objects.count():,} people, {ROUNDS} interleaved rounds")
    print(f"{'page':36} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}")
    ok = True
    for name, values in times.items():
        values.sort()
        p50 = statistics.median(values)
        p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
        print(f"{name:36} {p50:8.0f} {p95:8.0f} {queries[name]:8}")
        ok = ok and p95 < LIMIT_MS and queries[name] <= LIMIT_QUERIES
    print("OK: every page under 1 s and 25 queries" if ok else "OVER a limit")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

"""
The coordinator's pages at scale, measured through Django's request handling (the test Client
runs the full middleware stack, URL routing, view and template) on the database in DATABASE_URL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cpdhub_bench \\
        .venv/bin/python manage.py seed_scale --profiles 100000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cpdhub_bench \\
        .venv/bin/python bench/coordinator.py

Every filter the pages offer is measured: the dashboard for the whole community, another year,
one term, one hub, a hub and a term, a deep page of schools, a CPD leader's school slice and a
CSV download; the needs page plain, for one hub, one area, a hub and an area, and a deep page.
Each round asks for every page twice in a row: "cold" right after the shared cache is emptied
(``cache.clear()``: the five-minute counts and the shared values all gone), "warm" straight
after. Prints p50 and p95 (milliseconds) of both and the query count of each, with the load
average before and after. Rounds are interleaved (BENCH_ROUNDS, 15 by default).

The dashboard's participation figures are kept as summary rows (coordination/participation.py);
on a database that has none yet (seed_scale's bulk inserts send no signals), or with
BENCH_REFRESH=1, the bench first counts them as the nightly task does and says how long that
took.
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

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from coordination.models import SchoolFigures  # noqa: E402
from coordination.participation import figures_refresh  # noqa: E402
from cpdhub.academic_year import academic_year_of  # noqa: E402
from experts.models import ExpertiseArea  # noqa: E402
from hubs.models import Hub, School, Term, User  # noqa: E402
from portfolios.models import Need  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "15"))
LIMIT_QUERIES = 25
# Targets at 100,000 profiles: (cold p95, warm p95) in milliseconds.
DASHBOARD_MS, NEEDS_MS = (300, 150), (250, 250)


def timed(client: Client, url: str) -> tuple[float, int]:
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        elapsed = (time.perf_counter() - start) * 1000
    if response.status_code != 200 or not body:
        raise SystemExit(f"{url}: HTTP {response.status_code}")
    return elapsed, len(queries)


def pages() -> dict[str, str]:
    hub = Hub.objects.filter(slug__startswith="scale-hub-").order_by("pk").first()
    school = School.objects.filter(urn__gte=900000).order_by("pk").first()
    today = timezone.localdate()
    term = (
        Term.objects.filter(start__lte=today, end__gte=today).first()
        or Term.objects.order_by("-start").first()
    )
    last_year = academic_year_of(timezone.localdate()) - 1
    area = (
        ExpertiseArea.objects.filter(pk__in=Need.objects.values("area_id")).order_by("pk").first()
    )
    h = f"hub={hub.slug}" if hub else ""
    t = f"term={term.pk}" if term else ""
    a = f"area={area.slug}" if area else ""
    return {
        "dashboard, whole community": "/coordinator/",
        "dashboard, last year": f"/coordinator/?year={last_year}",
        "dashboard, one term": f"/coordinator/?{t}",
        "dashboard, one hub": f"/coordinator/?{h}",
        "dashboard, one hub and one term": f"/coordinator/?{h}&{t}",
        "dashboard, page 40 of schools": "/coordinator/?page=40",
        "a school's slice": f"/schools/{school.urn}/dashboard/",
        "participation CSV (every school)": "/coordinator/participation.csv",
        "needs against supply": "/coordinator/needs/",
        "needs, one hub": f"/coordinator/needs/?{h}",
        "needs, one area": f"/coordinator/needs/?{a}",
        "needs, one hub and one area": f"/coordinator/needs/?{h}&{a}",
        "needs, page 50": "/coordinator/needs/?page=50",
    }


def p95(values: list[float]) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]


def target(name: str) -> tuple[int, int] | None:
    if name.startswith("dashboard"):
        return DASHBOARD_MS
    if name.startswith("needs"):
        return NEEDS_MS
    return None


def main() -> int:
    user = User.objects.filter(email="bench-coordinator@bench.test").first()
    if user is None:
        user = User.objects.create_superuser(
            "bench-coordinator@bench.test", first_name="Bench", last_name="Coordinator"
        )
    if not SchoolFigures.objects.exists() or os.environ.get("BENCH_REFRESH"):
        start = time.perf_counter()
        rows = figures_refresh()
        took = time.perf_counter() - start
        print(f"{rows:,} summary rows counted (the nightly task's work) in {took:.1f} s")
    client = Client()
    client.force_login(user)
    urls = pages()
    for url in urls.values():  # connections, templates
        timed(client, url)
    cold: dict[str, list[float]] = {name: [] for name in urls}
    warm: dict[str, list[float]] = {name: [] for name in urls}
    queries: dict[str, tuple[int, int]] = {}
    load_before = os.getloadavg()
    for _ in range(ROUNDS):
        for name, url in urls.items():
            cache.clear()
            cold_ms, cold_n = timed(client, url)
            warm_ms, warm_n = timed(client, url)
            cold[name].append(cold_ms)
            warm[name].append(warm_ms)
            queries[name] = (cold_n, warm_n)
    load_after = os.getloadavg()
    print(
        f"{School.objects.count():,} schools, {User.objects.count():,} people, "
        f"{ROUNDS} interleaved rounds; load average {load_before[0]:.2f} before, "
        f"{load_after[0]:.2f} after ({os.cpu_count()} cores)"
    )
    print(
        f"{'page':36} {'cold p50':>9} {'cold p95':>9} {'warm p50':>9} {'warm p95':>9} "
        f"{'queries':>9} target"
    )
    ok = True
    for name in urls:
        cold_n, warm_n = queries[name]
        limits = target(name)
        c95, w95 = p95(cold[name]), p95(warm[name])
        met = limits is None or (c95 <= limits[0] and w95 <= limits[1])
        ok = ok and met and cold_n <= LIMIT_QUERIES
        print(
            f"{name:36} {statistics.median(cold[name]):9.0f} {c95:9.0f} "
            f"{statistics.median(warm[name]):9.0f} {w95:9.0f} {f'{cold_n}/{warm_n}':>9} "
            + (f"{limits[0]}/{limits[1]} ms {'met' if met else 'OVER'}" if limits else "")
        )
    print("OK: every target met" if ok else "OVER a target")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

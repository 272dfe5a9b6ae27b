"""
Coaching at trust scale, measured through Django's request handling (the test Client runs the
middleware, routing, view and template) on the database in DATABASE_URL.

    createdb cpdhub_coachbench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cpdhub_coachbench \\
        .venv/bin/python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cpdhub_coachbench \\
        .venv/bin/python manage.py seed_scale --profiles 12000
    psql cpdhub_coachbench -c "VACUUM ANALYZE"
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cpdhub_coachbench \\
        .venv/bin/python bench/coaching.py

``seed_scale --profiles 12000`` makes 12,000 staff and (coaching/scale.py) 3,000 active coaching
relationships with a year of cycles each. This times, in BENCH_ROUNDS (5) interleaved rounds:
the caseload (``/coaching/``) of BENCH_PEOPLE (20) coaches with the largest caseloads; the cycle
page (``/coaching/<id>/``) of the BENCH_PEOPLE relationships with the most observations, as
their coach; a school's coaching figures (``/schools/<urn>/coaching/``) as a CPD leader of each
of BENCH_PEOPLE schools, busiest first; the community's (``/coordinator/coaching/``) and two of
its CSVs as the coordinator. The figures are kept and counted again by a worker after coaching
changes: "changed" rows open a page just after a change (it shows the last count and asks for a
new one), "counting" rows empty the cache first, to time the count itself (the worker's job; no
target). Prints the load average at the start, p50, p95 and max in ms and the most queries of
each kind of page, against the targets (p95 <= 200 ms, <= 12 queries).
Signs in as bench-coordinator@bench.test (a coordinator it creates if missing) and makes the
first member of each sampled school one of its CPD leaders (kept for the next run).
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

from django.contrib.auth.models import Group  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from coaching.models import Membership, Observation, Relationship  # noqa: E402
from hubs.models import COORDINATORS_GROUP, School, User  # noqa: E402

PEOPLE = int(os.environ.get("BENCH_PEOPLE", "20"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
TARGET_P95_MS, TARGET_QUERIES = 200.0, 12


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def pages() -> list[tuple[str, Client, str]]:
    found: list[tuple[str, Client, str]] = []
    coaches = (
        Membership.objects.filter(role="coach", relationship__status="active")
        .values("user_id")
        .annotate(n=Count("relationship_id"))
        .order_by("-n", "user_id")[:PEOPLE]
    )
    if not coaches:
        raise SystemExit("Seed the database first: manage.py seed_scale --profiles 12000")
    for row in coaches:
        found.append(("caseload", client_for(User.objects.get(pk=row["user_id"])), "/coaching/"))
    busiest = (
        Observation.objects.filter(relationship__status="active")
        .values("relationship_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "relationship_id")[:PEOPLE]
    )
    for row in busiest:
        relationship = Relationship.objects.get(pk=row["relationship_id"])
        coach = relationship.memberships.filter(role="coach").first().user
        found.append(("cycle", client_for(coach), relationship.get_absolute_url()))
    schools = (
        Membership.objects.filter(relationship__status="active", school__isnull=False)
        .values("school_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "school_id")[:PEOPLE]
    )
    for row in schools:
        school = School.objects.get(pk=row["school_id"])
        leader = User.objects.filter(school=school, is_active=True).order_by("pk").first()
        school.cpd_leaders.add(leader)
        found.append(("school figures", client_for(leader), f"/schools/{school.urn}/coaching/"))
    coordinator, _ = User.objects.get_or_create(
        email="bench-coordinator@bench.test",
        defaults={"first_name": "Bench", "last_name": "Coordinator", "is_staff": True},
    )
    coordinator.groups.add(Group.objects.get(name=COORDINATORS_GROUP))
    as_coordinator = client_for(coordinator)
    found.append(("community figures", as_coordinator, "/coordinator/coaching/"))
    found.append(("community CSV", as_coordinator, "/coordinator/coaching/schools.csv"))
    found.append(("community CSV", as_coordinator, "/coordinator/coaching/coaches.csv"))
    # After a change to coaching: the page shows the last count and hands a new one to a worker.
    for _, client, url in [f for f in found if f[0] == "school figures"][:5]:
        found.append(("school, changed", client, url))
    found.append(("community, changed", as_coordinator, "/coordinator/coaching/"))
    # The count itself, with nothing kept (what the worker does after a change, and the very
    # first page of figures): not a page anyone waits for after the first, so no target.
    for _, client, url in [f for f in found if f[0] == "school figures"][:5]:
        found.append(("school, counting", client, url))
    found.append(("community, counting", as_coordinator, "/coordinator/coaching/"))
    return found


def timed(client: Client, url: str, kind: str = "") -> tuple[float, int]:
    if kind.endswith("counting"):
        cache.clear()
    elif kind.endswith("changed"):
        cache.delete("shared:coaching-activity-generation")  # as a coaching write does
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
        elapsed = (time.perf_counter() - start) * 1000
    if response.status_code != 200:
        raise SystemExit(f"{url}: HTTP {response.status_code}")
    return elapsed, len(queries)


def main() -> int:
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    print(f"Load average at the start: {load}")
    found = pages()
    for _, client, url in found:  # warm: connections, templates, the shared cache
        timed(client, url)
    times: dict[str, list[float]] = {}
    most: dict[str, int] = {}
    # The kept figures first, then after a change, then counting (emptying the cache would make
    # every later page count afresh too).
    for last in (False, True):
        for _ in range(ROUNDS):
            for kind, client, url in found:
                if kind.endswith("counting") != last:
                    continue
                elapsed, n = timed(client, url, kind)
                times.setdefault(kind, []).append(elapsed)
                most[kind] = max(most.get(kind, 0), n)
    print(
        f"{User.objects.count():,} people, {School.objects.count():,} schools, "
        f"{Relationship.objects.filter(status='active').count():,} active relationships, "
        f"{Observation.objects.count():,} observations; {ROUNDS} interleaved rounds"
    )
    print(f"{'page':18} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'queries':>8}")
    ok = True
    for kind, values in times.items():
        values.sort()
        p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
        print(
            f"{kind:18} {len(values):5} {statistics.median(values):8.1f} {p95:8.1f} "
            f"{values[-1]:8.1f} {most[kind]:8}"
        )
        if not kind.endswith("counting"):
            ok = ok and p95 <= TARGET_P95_MS and most[kind] <= TARGET_QUERIES
    print(
        f"Targets (p95 <= {TARGET_P95_MS:.0f} ms, <= {TARGET_QUERIES} queries): "
        + ("met" if ok else "NOT met")
    )
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    print(f"Load average at the end: {load}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

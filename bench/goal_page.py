"""
The goal and need pages at scale (each suggests colleagues who can help and sessions), measured
through Django's request handling (the test Client runs the middleware, routing, view and
template) on the database in DATABASE_URL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cpdhub_bench \\
        .venv/bin/python manage.py seed_scale --profiles 100000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cpdhub_bench \\
        .venv/bin/python bench/goal_page.py [--explain]

Samples BENCH_PEOPLE (40) people of the synthetic community, spread over its schools, gives each
(once; kept for the next run) the phase of their school, two goals, in one area and in two,
and a need, and times GET of every one of those pages, BENCH_ROUNDS (5) interleaved rounds.
Prints the load average at the start, p50, p95 and max in ms and the most queries of each kind
of page, against the targets (p95 <= 60 ms, <= 10 queries). --explain also prints Postgres's
plan, with its timing, of the suggestions' query for one of them.
"""

import os
import random
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

from cpdhub.academic_year import current_academic_year  # noqa: E402
from experts.models import ExpertiseArea  # noqa: E402
from hubs.models import Phase, User  # noqa: E402
from portfolios import suggestions  # noqa: E402
from portfolios.models import Goal, Need  # noqa: E402

PEOPLE = int(os.environ.get("BENCH_PEOPLE", "40"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
TITLE = "Goal page bench"
TARGET_P95_MS, TARGET_QUERIES = 60.0, 10


def people_with_pages() -> list[tuple[User, list[str]]]:
    people = list(
        User.objects.filter(is_active=True, email__endswith=".scale.test").order_by("pk")[
            : PEOPLE * 997 : 997
        ]
    )
    if len(people) < PEOPLE:
        raise SystemExit("Seed the database first: manage.py seed_scale --profiles 100000")
    areas = list(ExpertiseArea.objects.order_by("pk"))
    rng = random.Random(11)
    year = current_academic_year()
    found = []
    for person in people:
        goals = list(Goal.objects.filter(owner=person, title__startswith=TITLE))
        if not goals:
            # A teacher says which phase they work in (the suggestions put it first).
            if person.school and not person.phases.exists():
                person.phases.set(Phase.objects.filter(slug=person.school.phase))
            for n in (1, 2):
                goal = Goal.objects.create(owner=person, title=f"{TITLE} {n}", academic_year=year)
                goal.areas.set(rng.sample(areas, n))
                goals.append(goal)
            Need.objects.create(owner=person, area=rng.choice(areas), description=TITLE)
        needs = Need.objects.filter(owner=person, description=TITLE)
        found.append(
            (person, [g.get_absolute_url() for g in goals] + [n.get_absolute_url() for n in needs])
        )
    return found


def timed(client: Client, url: str) -> tuple[float, int]:
    connection.queries_log.clear()  # a full log (9,000 queries) would capture nothing
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - start) * 1000
    if response.status_code != 200:
        raise SystemExit(f"{url}: HTTP {response.status_code}")
    return elapsed, len(queries)


def explain(person: User) -> None:
    goal = Goal.objects.filter(owner=person, title=f"{TITLE} 2").first()
    areas = list(goal.areas.all())
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as queries:
        suggestions.suggest_experts(person, areas)
    print(f"\nThe suggestions for {person.email} in {', '.join(a.name for a in areas)}:")
    with connection.cursor() as cursor:
        for query in queries.captured_queries:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {query['sql']}")
            print("\n".join(row[0] for row in cursor.fetchall()), end="\n\n")


def main() -> int:
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    print(f"Load average at the start: {load}")
    sampled = people_with_pages()
    times: dict[str, list[float]] = {"goal page": [], "need page": []}
    most: dict[str, int] = {"goal page": 0, "need page": 0}
    clients = []
    for person, urls in sampled:
        client = Client()
        client.force_login(person)
        for url in urls:  # warm: connections, templates, the shared cache
            timed(client, url)
        clients.append((client, urls))
    for _ in range(ROUNDS):
        for client, urls in clients:
            for url in urls:
                kind = "goal page" if "/goals/" in url else "need page"
                elapsed, n = timed(client, url)
                times[kind].append(elapsed)
                most[kind] = max(most[kind], n)
    print(
        f"{ExpertiseArea.objects.count()} areas, {User.objects.count():,} people; "
        f"{len(sampled)} people, {ROUNDS} interleaved rounds"
    )
    print(f"{'page':12} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'queries':>8}")
    ok = True
    for kind, values in times.items():
        values.sort()
        p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
        print(
            f"{kind:12} {len(values):5} {statistics.median(values):8.1f} {p95:8.1f} "
            f"{values[-1]:8.1f} {most[kind]:8}"
        )
        ok = ok and p95 <= TARGET_P95_MS and most[kind] <= TARGET_QUERIES
    print(
        f"Targets (p95 <= {TARGET_P95_MS:.0f} ms, <= {TARGET_QUERIES} queries): "
        + ("met" if ok else "NOT met")
    )
    if "--explain" in sys.argv:
        explain(sampled[0][0])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

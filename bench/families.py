"""
Families of schools, lone rangers, and the hub, network and school pages, at scale, through
Django's request handling (the test Client: middleware, routing, view, template), on the
database in DATABASE_URL (seed_scale: 100,000 profiles over 2,000 schools).

    createdb -h 127.0.0.1 -U postgres -T cpdhub_tpl_100000 cpdhub_match_100k
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/cpdhub_match_100k
    .venv/bin/python manage.py migrate && .venv/bin/python bench/families.py

The first run gives teachers subjects and makes networks if nobody has a subject (prepare()).

Prints p50 and p95 (ms) and the query count of: ``family_of`` alone (one SQL query ranking
every school) for a spread of schools, the family page, the school page, a hub page, a network
page and /coordinator/lone-rangers/ (the whole community, then one hub). ``measure()`` returns
the same figures as a dict, for bench/coordinator.py to call.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cpdhub.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django

django.setup()

from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from hubs.families import family_of  # noqa: E402
from hubs.models import COORDINATORS_GROUP, Hub, School, Subject, SubjectNetwork, User  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "20"))


def _stats(times: list[float], queries: int) -> dict:
    ordered = sorted(times)
    return {
        "p50_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(ordered[max(0, int(len(ordered) * 0.95) - 1)], 1),
        "queries": queries,
        "n": len(ordered),
    }


def _spread(queryset, n: int) -> list:
    """``n`` rows spread evenly over the table (not just the first few)."""
    total = queryset.count()
    step = max(1, total // n)
    return [queryset[i] for i in range(0, total, step)][:n]


def time_family_of(schools: list[School]) -> dict:
    times, queries = [], 0
    for school in schools:
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            family = list(family_of(school))
            times.append((time.perf_counter() - start) * 1000)
        if len(family) != 5:
            raise SystemExit(f"{school}: a family of {len(family)}, not 5")
        queries = max(queries, len(ctx.captured_queries))
    return _stats(times, queries)


def time_pages(client: Client, urls: list[str]) -> dict:
    times, queries = [], 0
    for url in urls:
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url}: {response.status_code}")
        queries = max(queries, len(ctx.captured_queries))
    return _stats(times, queries)


BENCH_COORDINATOR = "bench-coordinator@families.bench.test"


def prepare() -> None:
    """
    seed_scale gives nobody subjects and makes no networks: without them there are no lone
    rangers by subject to list. Once (when nobody has a subject): teachers and middle leaders get
    one or two subjects spread by id, and each subject a network for the whole community and one
    in each of the first ten hubs. Only for a benchmark database.
    """
    through = User.subjects.through
    if through.objects.exists():
        return
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO hubs_user_subjects (user_id, subject_id)
            SELECT u.id, s.id FROM hubs_user u
            JOIN (SELECT id, ROW_NUMBER() OVER (ORDER BY id) - 1 AS n FROM hubs_subject) s
              ON s.n = (u.id * 7) % (SELECT COUNT(*) FROM hubs_subject)
              OR (u.id % 2 = 0 AND s.n = (u.id * 13 + 5) % (SELECT COUNT(*) FROM hubs_subject))
            WHERE u.job_role IN ('teacher', 'middle_leader')
            ON CONFLICT DO NOTHING
            """
        )
    subjects = list(Subject.objects.all())
    networks = [
        SubjectNetwork(name=f"Bench {s.name}", slug=f"bench-{s.slug}", subject=s) for s in subjects
    ]
    for hub in Hub.objects.order_by("pk")[:10]:
        networks += [
            SubjectNetwork(
                name=f"Bench {hub.name} {s.name}",
                slug=f"bench-{hub.slug}-{s.slug}",
                subject=s,
                hub=hub,
            )
            for s in subjects
        ]
    SubjectNetwork.objects.bulk_create(networks, ignore_conflicts=True)
    print(f"prepared: {through.objects.count()} subjects taught, {len(networks)} networks")


def measure(rounds: int = ROUNDS) -> dict:
    # A coordinator of its own for the lone rangers page (seed_scale makes none), removed after.
    coordinator, _ = User.objects.get_or_create(
        email=BENCH_COORDINATOR, defaults={"first_name": "Bench", "last_name": "Coordinator"}
    )
    coordinator.groups.add(Group.objects.get(name=COORDINATORS_GROUP))
    try:
        return _measure(rounds, coordinator)
    finally:
        coordinator.delete()


def _measure(rounds: int, coordinator: User) -> dict:
    teacher = User.objects.filter(is_active=True, school__isnull=False).order_by("pk").first()
    schools = _spread(School.objects.order_by("pk"), rounds)
    hubs = _spread(Hub.objects.order_by("pk"), min(rounds, Hub.objects.count()))
    networks = _spread(SubjectNetwork.objects.order_by("pk"), rounds)
    figures = {
        "schools": School.objects.count(),
        "family_of": time_family_of(schools),
    }
    client = Client()
    client.force_login(teacher)
    client.get("/")  # warm up: templates, the session
    figures["family page"] = time_pages(client, [f"/schools/{s.urn}/family/" for s in schools])
    figures["school page"] = time_pages(client, [f"/schools/{s.urn}/" for s in schools])
    figures["hub page"] = time_pages(client, [f"/hubs/{h.slug}/" for h in hubs])
    if networks:
        figures["network page"] = time_pages(client, [f"/networks/{n.slug}/" for n in networks])
    client.force_login(coordinator)
    figures["lone rangers, every hub"] = time_pages(
        client, ["/coordinator/lone-rangers/"] * max(3, rounds // 4)
    )
    figures["lone rangers, one hub"] = time_pages(
        client, [f"/coordinator/lone-rangers/?hub={h.slug}" for h in hubs]
    )
    return figures


def main() -> None:
    prepare()
    figures = measure()
    print(f"{figures.pop('schools')} schools; {ROUNDS} rounds each (ms)")
    print(f"{'what':28} {'p50':>8} {'p95':>8} {'queries':>8}")
    for name, row in figures.items():
        print(f"{name:28} {row['p50_ms']:>8} {row['p95_ms']:>8} {row['queries']:>8}")


if __name__ == "__main__":
    main()

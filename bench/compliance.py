"""
Required training at community scale, measured through Django's request handling (the test
Client runs the middleware, routing, view and template) on the database in DATABASE_URL.

    createdb cpdhub_trainbench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cpdhub_trainbench \\
        .venv/bin/python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cpdhub_trainbench \\
        .venv/bin/python bench/compliance.py

The first run makes a synthetic community (marked "trainbench" in its hub slug and email
domains; kept for the next run): BENCH_SCHOOLS (60) schools of BENCH_STAFF (200) staff, 12,000
in all, one in twenty a DSL; six requirements (five for all staff, one for teachers and DSLs);
each person's completions of each: about 70% in date, 8% due within 30 days, 12% overdue,
10% missing, half with an earlier completion before the latest (about 110,000 rows).
Then it times, in BENCH_ROUNDS (5) interleaved rounds: the matrix (``/schools/<urn>/training/``)
of BENCH_PEOPLE (10) schools as their CPD leader, unfiltered, by status, by requirement, its
printable page and its CSV; the community's summary (``/coordinator/training/``) as the
coordinator. Prints the load average, p50, p95 and max in ms and the most queries of each
kind of page against the targets (matrix p95 <= 300 ms, summary p95 <= 1 s, <= 15 queries).
Last, the reminder job for the whole community (training.reminders.reminders_send), its first
run of the day (the ledger rows written) and a second (idempotent: nothing new), against the
target (under 60 s); its ledger rows are left pending for the sweep (enqueue off: sending is
the ledger workers' job, measured by bench/outbox.py) and removed at the start of each run.
"""

import datetime
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

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from hubs.models import (  # noqa: E402
    COORDINATORS_GROUP,
    Hub,
    Responsibility,
    School,
    User,
    UserResponsibility,
)
from notifications.models import Delivery  # noqa: E402
from training.models import Completion, Requirement, add_months  # noqa: E402
from training.reminders import reminders_send  # noqa: E402

SCHOOLS = int(os.environ.get("BENCH_SCHOOLS", "60"))
STAFF = int(os.environ.get("BENCH_STAFF", "200"))
PEOPLE = int(os.environ.get("BENCH_PEOPLE", "10"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
TARGET_MATRIX_MS, TARGET_SUMMARY_MS, TARGET_QUERIES, TARGET_JOB_S = 300.0, 1000.0, 15, 60.0
SLUG = "trainbench"
REQUIREMENTS = [
    ("Bench: safeguarding level 1", 36, [], []),
    ("Bench: Prevent", 36, [], []),
    ("Bench: first aid", 36, [], []),
    ("Bench: fire safety", 12, [], []),
    ("Bench: data protection", 12, [], []),
    ("Bench: safeguarding level 3", 24, ["teacher"], [Responsibility.DSL]),
]
BATCH = 5000


def seed() -> None:
    if Hub.objects.filter(slug=SLUG).exists():
        return
    rng = random.Random(7)
    started = time.perf_counter()
    today = timezone.localdate()
    password = make_password(None)
    with transaction.atomic():
        hub = Hub.objects.create(name="Training bench hub", slug=SLUG)
        schools = School.objects.bulk_create(
            [
                School(
                    name=f"Training bench school {i:02d}",
                    urn=950000 + i,
                    phase=School.Phase.PRIMARY,
                    establishment_type=School.EstablishmentType.ACADEMY_CONVERTER,
                    hub=hub,
                )
                for i in range(SCHOOLS)
            ]
        )
        roles = [r for r, _ in User.JobRole.choices]
        people = User.objects.bulk_create(
            [
                User(
                    email=f"p{s.urn}-{n}@{SLUG}.test",
                    first_name=f"Person{n}",
                    last_name=f"School{s.urn}",
                    school=s,
                    job_role=rng.choice(roles),
                    password=password,
                )
                for s in schools
                for n in range(STAFF)
            ],
            batch_size=BATCH,
        )
        for school in schools:
            school.cpd_leaders.add(next(p for p in people if p.school_id == school.pk))
        UserResponsibility.objects.bulk_create(
            [
                UserResponsibility(user=p, responsibility=Responsibility.DSL)
                for p in people
                if rng.random() < 0.05
            ],
            batch_size=BATCH,
        )
        requirements = [
            Requirement.objects.create(
                title=title, valid_months=months, job_roles=roles_, responsibilities=duties
            )
            for title, months, roles_, duties in REQUIREMENTS
        ]
        rows = []
        for person in people:
            for requirement in requirements:
                roll = rng.random()
                if roll < 0.10:
                    continue  # missing
                months = requirement.valid_months
                if roll < 0.22:  # overdue: expired up to a year ago
                    expires = today - datetime.timedelta(days=rng.randint(0, 365))
                elif roll < 0.30:  # due within 30 days
                    expires = today + datetime.timedelta(days=rng.randint(1, 30))
                else:
                    expires = today + datetime.timedelta(days=rng.randint(31, months * 30))
                done = add_months(expires, -months)
                rows.append(
                    Completion(
                        requirement=requirement,
                        user=person,
                        completed_on=done,
                        expires_on=expires,
                        provider="Bench provider",
                    )
                )
                if rng.random() < 0.5:
                    earlier = add_months(done, -months)
                    rows.append(
                        Completion(
                            requirement=requirement,
                            user=person,
                            completed_on=earlier,
                            expires_on=done,
                            provider="Bench provider",
                        )
                    )
        Completion.objects.bulk_create(rows, batch_size=BATCH)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"seeded {len(people)} staff in {len(schools)} schools, {len(rows)} completions "
        f"in {time.perf_counter() - started:.0f} s"
    )


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def timed(client: Client, url: str) -> tuple[float, int]:
    with CaptureQueriesContext(connection) as ctx:
        start = time.perf_counter()
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
        elapsed = (time.perf_counter() - start) * 1000
    if response.status_code != 200:
        raise SystemExit(f"{url}: {response.status_code}")
    return elapsed, len(ctx.captured_queries)


def main() -> None:
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    seed()
    coordinator, _ = User.objects.get_or_create(
        email=f"bench-coordinator@{SLUG}.test",
        defaults={"first_name": "Bench", "last_name": "Coordinator", "is_staff": True},
    )
    coordinator.groups.add(Group.objects.get(name=COORDINATORS_GROUP))
    staff = User.objects.filter(school__hub__slug=SLUG).count()
    completions = Completion.objects.filter(user__school__hub__slug=SLUG).count()
    print(f"community: {staff} staff, {Requirement.objects.count()} requirements, "
          f"{completions} completions")  # fmt: skip
    schools = list(School.objects.filter(hub__slug=SLUG).order_by("urn")[:PEOPLE])
    first = Requirement.objects.order_by("pk").first()
    pages = []
    for school in schools:
        leader = client_for(school.cpd_leaders.get())
        base = f"/schools/{school.urn}/training/"
        pages += [
            ("matrix", leader, base),
            ("matrix ?status=overdue", leader, f"{base}?status=overdue"),
            ("matrix ?requirement=", leader, f"{base}?requirement={first.pk}&page=2"),
            ("printable page", leader, f"{base}print/"),
            ("CSV", leader, f"{base}?format=csv"),
        ]
    summary = client_for(coordinator)
    pages += [("community summary", summary, "/coordinator/training/")] * 2
    for _, client, url in pages:  # warm
        timed(client, url)
    times: dict[str, list[float]] = {}
    queries: dict[str, int] = {}
    for _ in range(ROUNDS):
        for kind, client, url in pages:
            ms, n = timed(client, url)
            times.setdefault(kind, []).append(ms)
            queries[kind] = max(queries.get(kind, 0), n)
    print(f"{'page':<26}{'n':>5}{'p50':>9}{'p95':>9}{'max':>9}{'queries':>9}  target")
    for kind, found in times.items():
        found.sort()
        p95 = found[max(0, round(0.95 * len(found)) - 1)]
        target = TARGET_SUMMARY_MS if kind == "community summary" else TARGET_MATRIX_MS
        ok = p95 <= target and queries[kind] <= TARGET_QUERIES
        print(
            f"{kind:<26}{len(found):>5}{statistics.median(found):>9.1f}{p95:>9.1f}"
            f"{found[-1]:>9.1f}{queries[kind]:>9}  p95 <= {target:.0f} ms, <= {TARGET_QUERIES}"
            f" queries: {'met' if ok else 'MISSED'}"
        )
    Delivery.objects.filter(kind__startswith="training_").delete()
    for label in ("reminder job, first run", "reminder job, second run"):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            pending = reminders_send(enqueue=False)
            elapsed = time.perf_counter() - start
        written = Delivery.objects.filter(kind__startswith="training_").count()
        print(
            f"{label}: {elapsed:.1f} s, {len(ctx.captured_queries)} queries, {written} ledger "
            f"rows ({pending} pending); target < {TARGET_JOB_S:.0f} s: "
            f"{'met' if elapsed < TARGET_JOB_S else 'MISSED'}"
        )
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()

"""
CPD reviews at community scale, on the database in DATABASE_URL (Postgres), in this process:
the staff survey of 100 schools of 120 staff (12,000 people) opened and sent, and the
coordinator's page (/coordinator/quality/) with every school's review.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cpdhub_quality \\
        .venv/bin/python manage.py migrate
    env -u REDIS_URL DATABASE_URL=postgres://postgres@127.0.0.1:5432/cpdhub_quality \\
        .venv/bin/python bench/quality.py [--schools 100 --staff 120]

Without REDIS_URL, Celery runs each task in this process, one after another: the survey's
``notifications.send_batch`` jobs (500 people each) are what ONE worker would run, and the
email backend is Django's locmem (no network), as bench/digest.py's sink stands in for SMTP.
It makes (and first removes, from an earlier run) its own hub of schools with URNs 700000
and up, staff at @qbench.test, a CPD leader each, a started review (every criterion rated),
three actions, and then:

1. opens each school's survey (the invites' rows and the ledger's batches), timing the
   opening and the sending to the last of the 12,000 emails: emails a second and the
   projected time for 12,000 (target: under 2 minutes);
2. times /coordinator/quality/ (pages 1, 2 and the last) BENCH_ROUNDS (10) times each as a
   coordinator: p50, p95, max and the most queries (target: under 500 ms, at most 15 queries).

Prints the load average at the start and the end.
"""

from __future__ import annotations

import argparse
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

from django.conf import settings  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.core import mail  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from cpdhub.academic_year import current_academic_year  # noqa: E402
from hubs.models import COORDINATORS_GROUP, Hub, School, User  # noqa: E402
from notifications.models import Delivery  # noqa: E402
from quality import services, survey  # noqa: E402
from quality.models import Level, Part, Rating, Review  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "10"))
URN_FROM = 700000
DOMAIN = "qbench.test"
TARGET_SECONDS, TARGET_MS, TARGET_QUERIES = 120, 500, 15


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def clean() -> None:
    reviews = Review.objects.filter(school__urn__gte=URN_FROM, school__urn__lt=URN_FROM + 10_000)
    Delivery.objects.filter(kind="quality_survey", email__endswith=f"@{DOMAIN}").delete()
    reviews.delete()
    User.objects.filter(email__endswith=f"@{DOMAIN}").delete()
    School.objects.filter(urn__gte=URN_FROM, urn__lt=URN_FROM + 10_000).delete()
    Hub.objects.filter(slug="quality-bench").delete()


def build(schools: int, staff: int) -> list[tuple[School, User]]:
    hub = Hub.objects.create(name="Quality bench hub", slug="quality-bench")
    made = School.objects.bulk_create(
        [
            School(
                name=f"Bench Quality School {i:03d}",
                urn=URN_FROM + i,
                phase="primary",
                establishment_type="community",
                hub=hub,
                pupil_count=200 + i,
            )
            for i in range(schools)
        ]
    )
    password = make_password(None)
    roles = ["teacher"] * 6 + ["ta", "support_staff", "middle_leader", "senior_leader"]
    User.objects.bulk_create(
        [
            User(
                email=f"s{s.urn}-{i}@{DOMAIN}",
                first_name="Staff",
                last_name=f"{s.urn}-{i}",
                school=s,
                job_role=roles[i % len(roles)],
                password=password,
            )
            for s in made
            for i in range(staff)
        ],
        batch_size=2_000,
    )
    out = []
    for school in made:
        leader = User.objects.get(email=f"s{school.urn}-0@{DOMAIN}")
        school.cpd_leaders.add(leader)
        out.append((school, leader))
    return out


def reviews(pairs, year: int) -> list[Review]:
    made = []
    framework_levels = None
    for n, (school, leader) in enumerate(pairs):
        review = services.review_start(school=school, year=year, by=leader)
        if framework_levels is None:
            framework_levels = list(Level.objects.filter(framework=review.framework))
        level = framework_levels[n % len(framework_levels)]
        Rating.objects.filter(review=review).update(level=level, comment="Bench comment")
        parts = list(Part.objects.filter(framework=review.framework))
        for i in range(3):
            services.action_add(
                review=review, by=leader, part=parts[(n + i) % len(parts)], text=f"Action {i}"
            )
        services.self_review_done(review=review, by=leader)
        made.append((review, leader))
    return made


def send(made) -> dict:
    mail.outbox = []
    started = time.perf_counter()
    for review, leader in made:
        with transaction.atomic():
            survey.survey_open(review=review, by=leader)
        # after commit: the ledger's batches, run here (one worker, one job after another)
    elapsed = time.perf_counter() - started
    sent = len(mail.outbox)
    twice = sent - len({m.to[0] for m in mail.outbox})
    return {"sent": sent, "seconds": elapsed, "rate": sent / elapsed, "twice": twice}


def coordinator_page(pages: int) -> dict:
    coordinator, _ = User.objects.get_or_create(
        email=f"coordinator@{DOMAIN}", defaults={"first_name": "Bench", "last_name": "Coord"}
    )
    coordinator.groups.add(Group.objects.get(name=COORDINATORS_GROUP))
    client = Client()
    client.force_login(coordinator)
    urls = [
        "/coordinator/quality/",
        "/coordinator/quality/?page=2",
        f"/coordinator/quality/?page={pages}",
    ]
    times, queries = [], 0
    for url in urls:
        if client.get(url).status_code != 200:
            raise SystemExit(f"{url} did not answer 200")
    for _ in range(ROUNDS):
        for url in urls:
            with CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{url} did not answer 200")
            queries = max(queries, len(ctx.captured_queries))
    times.sort()
    return {
        "p50": statistics.median(times),
        "p95": times[int(len(times) * 0.95) - 1],
        "max": times[-1],
        "queries": queries,
        "n": len(times),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--schools", type=int, default=100)
    parser.add_argument("--staff", type=int, default=120)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("Set DATABASE_URL to a Postgres database.")
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        raise SystemExit("Unset REDIS_URL: the send jobs run in this process, one after another.")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    print(f"load average at the start: {load()}")
    clean()
    year = current_academic_year()
    pairs = build(args.schools, args.staff)
    made = reviews(pairs, year)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    total = Review.objects.filter(year=year).count()
    print(
        f"{args.schools} schools x {args.staff} staff = {args.schools * args.staff:,} people; "
        f"{total} reviews this year in the database"
    )
    result = send(made)
    projected = args.schools * args.staff / result["rate"]
    print(
        f"survey: {result['sent']:,} emails sent in {result['seconds']:.1f} s "
        f"({result['rate']:.0f} a second, one worker; {result['twice']} twice): "
        f"12,000 take {12_000 / result['rate']:.0f} s (target < {TARGET_SECONDS} s); "
        f"this run {projected:.0f} s"
    )
    pages = (School.objects.count() + 24) // 25
    page = coordinator_page(pages)
    print(
        f"/coordinator/quality/ ({School.objects.count()} schools, {pages} pages; {page['n']} "
        f"requests): p50 {page['p50']:.0f} ms, p95 {page['p95']:.0f} ms, max "
        f"{page['max']:.0f} ms, at most {page['queries']} queries "
        f"(target < {TARGET_MS} ms, <= {TARGET_QUERIES})"
    )
    print(f"load average at the end: {load()}")


if __name__ == "__main__":
    main()

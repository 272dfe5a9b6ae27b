"""
The ledger as the outbox, with the broker really stopped: 500 user actions (contact requests
posted through Django's test client, bookings made through the service) on Postgres, with
this script's own Redis (port 6391) stopped for 60 s in the middle of the run, a real Celery
worker (with its beat, so the sweep runs every minute) and an SMTP sink counting the
messages each recipient gets.

    createdb -h 127.0.0.1 -U postgres cpdhub_h5   # any database of your own
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cpdhub_h5 .venv/bin/python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cpdhub_h5 .venv/bin/python bench/outbox.py

Every action has its own recipient (250 experts contacted once each, 250 people booking
once each), so "lost" is a recipient with no message and "twice" one with more than one.
Prints errors shown to users (a 5xx or an exception), emails lost and sent twice once the
broker is back, and how long the last waiting email took to arrive after it came back.
The cache is kept in memory here: this measures the broker, not the cache.
"""

from __future__ import annotations

import argparse
import collections
import datetime
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
REDIS_PORT = int(os.environ.get("BENCH_REDIS_PORT", "6391"))
SMTP_PORT = int(os.environ.get("BENCH_SMTP_PORT", "8026"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cpdhub.settings")
os.environ["REDIS_URL"] = f"redis://127.0.0.1:{REDIS_PORT}/0"
os.environ["CACHE_URL"] = "locmemcache://"
os.environ["EMAIL_URL"] = f"smtp://127.0.0.1:{SMTP_PORT}"
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402
from common import Sink, celery_worker, redis_start, redis_stop  # noqa: E402  (bench/common.py)

django.setup()

from aiosmtpd.controller import Controller  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from cpd_sessions.booking import booking_create  # noqa: E402
from cpd_sessions.models import DevelopmentSession, SessionDate  # noqa: E402
from experts.models import ContactRequest, ExpertProfile  # noqa: E402
from hubs.models import Hub, School, User  # noqa: E402
from notifications.models import Delivery  # noqa: E402

PREFIX = "outbox-bench"


def prepare(n: int):
    """n/2 experts and their n/2 correspondents, n/2 people booking, sessions with room."""
    Delivery.objects.all().delete()
    ContactRequest.objects.filter(sender__email__startswith=PREFIX).delete()
    User.objects.filter(email__startswith=PREFIX).delete()
    DevelopmentSession.objects.filter(title__startswith=PREFIX).delete()
    hub, _ = Hub.objects.get_or_create(slug=PREFIX, defaults={"name": "Outbox bench hub"})
    school, _ = School.objects.get_or_create(
        urn=999991,
        defaults={"name": "Outbox Bench Primary", "hub": hub, "postcode": "NE1 4AB"},
    )
    password = make_password(None)
    half = n // 2

    def people(role: str, count: int) -> list:
        return User.objects.bulk_create(
            [
                User(
                    email=f"{PREFIX}-{role}-{i}@bench.test",
                    first_name=f"{role.title()} {i}",
                    last_name="O'Bench",
                    school=school,
                    password=password,
                )
                for i in range(count)
            ]
        )

    experts = people("expert", half)
    profiles = ExpertProfile.objects.bulk_create(
        [
            ExpertProfile(
                user=u,
                headline="Happy to help",
                contact_preference="form",
                last_confirmed_at=timezone.now(),
            )
            for u in experts
        ]
    )
    senders = people("sender", half // 4 + 1)  # four requests each, under the daily limit
    bookers = people("booker", n - half)
    start = timezone.now() + datetime.timedelta(days=14)
    sessions = []
    for i in range(5):
        session = DevelopmentSession.objects.create(
            title=f"{PREFIX} session {i}",
            status=DevelopmentSession.Status.PUBLISHED,
            capacity=1000,
            start=start.replace(hour=16, minute=30),
            end=start.replace(hour=17, minute=30),
        )
        SessionDate.objects.create(session=session, start=session.start, end=session.end)
        sessions.append(session)
    actions = []
    for i in range(max(half, n - half)):
        if i < half:
            actions.append(("contact", senders[i // 4], profiles[i]))
        if i < n - half:
            actions.append(("book", bookers[i], sessions[i % len(sessions)]))
    return actions[:n], [u.email for u in experts] + [u.email for u in bookers]


def act(client, action) -> bool:
    """One user action; True when the user saw it succeed (no 5xx, no exception)."""
    kind, person, target = action
    try:
        if kind == "contact":
            client.force_login(person)
            response = client.post(
                reverse("experts:contact", args=[target.pk]), {"message": "Could I visit?"}
            )
            return response.status_code < 500
        booking_create(session=target, user=person)
        return True
    except Exception as exc:  # what a user would have seen as a 500
        print(f"  error: {type(exc).__name__}: {exc}", flush=True)
        return False


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--actions", type=int, default=500)
    parser.add_argument("--outage", type=float, default=60.0, help="seconds Redis is stopped")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("Set DATABASE_URL to a Postgres database of your own.")

    actions, recipients = prepare(args.actions)
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=SMTP_PORT)
    controller.start()
    redis_start(REDIS_PORT)
    schedule = Path(tempfile.mkdtemp()) / "beat-schedule"
    worker = celery_worker(beat_schedule=schedule)  # with its beat: the sweep
    client = Client(raise_request_exception=False)
    errors = 0
    try:
        time.sleep(4)  # the worker connects to the broker
        third = len(actions) // 3
        started = time.perf_counter()
        for action in actions[:third]:
            errors += not act(client, action)
        redis_stop(REDIS_PORT)
        stopped = time.perf_counter()
        print(f"Redis stopped after {third} actions", flush=True)
        during = actions[third : 2 * third]
        for action in during:
            errors += not act(client, action)
        outage_actions = time.perf_counter() - stopped
        time.sleep(max(0.0, args.outage - outage_actions))
        waiting = Delivery.objects.filter(status="pending").count()
        redis_start(REDIS_PORT)
        back = time.perf_counter()
        print(
            f"Redis back after {back - stopped:.0f} s; {len(during)} actions in "
            f"{outage_actions:.1f} s while it was down; {waiting} emails waiting on the ledger",
            flush=True,
        )
        for action in actions[2 * third :]:
            errors += not act(client, action)
        deadline = time.perf_counter() + 300
        while sink.total() < len(recipients) and time.perf_counter() < deadline:
            time.sleep(0.2)
        all_in = time.perf_counter()
        time.sleep(5)  # anything sent twice would arrive now
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        redis_stop(REDIS_PORT)
        controller.stop()
    lost = sum(1 for r in recipients if sink.per_recipient[r.lower()] == 0)
    twice = sum(1 for r in recipients if sink.per_recipient[r.lower()] > 1)
    statuses = dict(collections.Counter(Delivery.objects.values_list("status", flat=True)))
    print(
        f"{len(actions)} actions ({sum(a[0] == 'contact' for a in actions)} contact requests, "
        f"{sum(a[0] == 'book' for a in actions)} bookings) in {all_in - started:.0f} s with "
        f"Redis stopped for {back - stopped:.0f} s: {errors} errors shown to users, "
        f"{lost} emails lost, {twice} sent twice; the last one arrived "
        f"{all_in - back:.1f} s after Redis came back; ledger: {statuses}"
    )


if __name__ == "__main__":
    main()

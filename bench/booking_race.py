"""
No overbooking, under fire: concurrent booking attempts at one session, each on its own
Postgres connection (a thread per attempt, Django gives each thread its own connection,
closed after the attempt), all released at once by a barrier.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/cpdhub_race
    .venv/bin/python manage.py migrate && .venv/bin/python bench/booking_race.py

Options: --attempts 200 --seats 20 --cancels 50 --workers N. At most ``--workers`` attempts
are in flight at once (all of them at the barrier together, then the rest as connections free
up). Without ``--workers``, the pool is sized from the server: ``max_connections`` less the
reserved ones, less those in use by anyone at the start, less a few spare (this run's own
connection and the watcher), capped at 80; a ``--workers`` above what is free is lowered to it.
Creates its own school, people and session with a unique prefix and deletes them afterwards.
Exits non-zero if any rule is broken.
"""

import argparse
import datetime
import os
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cpdhub.settings")
# Mail from promotions goes nowhere here; the race is about seats.
os.environ.setdefault("EMAIL_URL", "dummymail://")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.utils import timezone  # noqa: E402

from cpd_sessions.booking import booking_cancel, booking_create  # noqa: E402
from cpd_sessions.models import Booking, DevelopmentSession, SessionDate  # noqa: E402
from hubs.models import Hub, School, User  # noqa: E402


def run_all(fn, items, workers):
    """Run fn(item) for every item, each call on its own connection, started together."""
    first_wave = min(workers, len(items))
    barrier = threading.Barrier(first_wave)
    errors: list[BaseException] = []

    def one(indexed):
        index, item = indexed
        try:
            if index < first_wave:
                barrier.wait(timeout=30)  # the first wave starts at the same instant
            return fn(item)
        except BaseException as error:
            errors.append(error)
            return None
        finally:
            connection.close()

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(one, enumerate(items)))
    return results, errors, time.perf_counter() - started


SPARE_CONNECTIONS = 4  # this script's own connection, the watcher, and a margin for others


def free_connections() -> int:
    """Connections the server can still give us: max_connections less reserved and in use."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('max_connections')::int, "
            "current_setting('superuser_reserved_connections')::int, "
            "(SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend')"
        )
        max_connections, reserved, in_use = cursor.fetchone()
    return max_connections - reserved - in_use - SPARE_CONNECTIONS


def pool_size(requested: int | None, free: int) -> int:
    """The pool for the run: what was asked for (80 by default), never more than is free."""
    return max(1, min(requested or 80, free))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--attempts", type=int, default=200)
    parser.add_argument("--seats", type=int, default=20)
    parser.add_argument("--cancels", type=int, default=50)
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print("This benchmark needs Postgres: set DATABASE_URL.")
        return 2
    free = free_connections()
    workers = pool_size(args.workers, free)
    if args.workers and workers < args.workers:
        print(f"Only {free} connections are free: {workers} workers, not {args.workers}.")
    args.workers = workers
    print(f"Pool: {workers} connections ({free} free on the server at the start).")

    tag = uuid.uuid4().hex[:8]
    hub = Hub.objects.create(name=f"Race hub {tag}", slug=f"race-{tag}")
    school = School.objects.create(
        name=f"Race school {tag}",
        urn=900000 + int(tag[:5], 16) % 99999,
        phase="primary",
        establishment_type="community",
        hub=hub,
    )
    users = User.objects.bulk_create(
        [
            User(email=f"race-{tag}-{i}@race.test", first_name="R", last_name=str(i), school=school)
            for i in range(args.attempts)
        ]
    )
    start = timezone.now() + datetime.timedelta(days=30)
    start = start.replace(hour=18, minute=0)  # after any school day: no release needed
    session = DevelopmentSession.objects.create(
        title=f"Race {tag}",
        status="published",
        capacity=args.seats,
        start=start,
        end=start + datetime.timedelta(hours=1),
    )
    SessionDate.objects.create(session=session, start=session.start, end=session.end)
    connection.close()
    try:
        _, errors, elapsed = run_all(
            lambda user: booking_create(session=session, user=user),
            users,
            args.workers,
        )
        counts = dict(
            Booking.objects.filter(session=session).values_list("status").annotate(n=Count("pk"))
        )
        positions = sorted(
            Booking.objects.filter(session=session, status="waitlisted").values_list(
                "waitlist_position", flat=True
            )
        )
        seats = counts.get("confirmed", 0)
        waiting = counts.get("waitlisted", 0)
        print(
            f"{args.attempts} concurrent booking attempts at a {args.seats}-seat session "
            f"({args.workers} connections at once): {elapsed:.2f} s"
        )
        print(f"  confirmed {seats}, waitlisted {waiting}, errors {len(errors)}")
        print(
            f"  waitlist positions unique and 1..{len(positions)}: "
            f"{positions == list(range(1, len(positions) + 1))}"
        )
        ok = (
            seats == min(args.seats, args.attempts)
            and waiting == args.attempts - seats
            and positions == list(range(1, waiting + 1))
            and not errors
        )

        def cancel_a_seat_holder(_):
            # Someone who holds a seat at this moment cancels it (the lock makes "this moment"
            # well defined): every cancellation frees a seat, so each must promote one person.
            with transaction.atomic():
                locked = DevelopmentSession.objects.select_for_update().get(pk=session.pk)
                holder = (
                    Booking.objects.filter(session=locked, status="confirmed")
                    .select_related("user", "session")
                    .order_by("pk")
                    .first()
                )
                return booking_cancel(booking=holder, by=holder.user)

        stop = threading.Event()
        peak = [0]

        def watch():
            while not stop.is_set():
                held_now = Booking.objects.filter(
                    session=session, status__in=Booking.HOLDS_SEAT
                ).count()
                peak[0] = max(peak[0], held_now)
            connection.close()

        watcher = threading.Thread(target=watch)
        watcher.start()
        results, cancel_errors, elapsed = run_all(
            cancel_a_seat_holder, range(args.cancels), args.workers
        )
        stop.set()
        watcher.join()
        held = Booking.objects.filter(session=session, status__in=Booking.HOLDS_SEAT).count()
        after = dict(
            Booking.objects.filter(session=session).values_list("status").annotate(n=Count("pk"))
        )
        promoted = sum(len(r or []) for r in results)
        print(f"{args.cancels} concurrent cancellations by seat holders: {elapsed:.2f} s")
        print(
            f"  promoted {promoted}, seats held {held} (capacity {args.seats}, highest seen "
            f"while running {peak[0]}), cancelled {after.get('cancelled', 0)}, "
            f"still waiting {after.get('waitlisted', 0)}, errors {len(cancel_errors)}"
        )
        expected = min(args.cancels, waiting)
        ok = ok and promoted == expected and after.get("waitlisted", 0) == waiting - expected
        ok = ok and peak[0] <= args.seats
        ok = ok and held <= args.seats
        ok = ok and not cancel_errors
        for error in (errors + cancel_errors)[:5]:
            print("  error:", repr(error))
        print("OK: no overbooking" if ok else "FAILED")
        return 0 if ok else 1
    finally:
        Booking.objects.filter(session=session).delete()
        session.delete()
        User.objects.filter(pk__in=[u.pk for u in users]).delete()
        school.delete()
        hub.delete()


if __name__ == "__main__":
    sys.exit(main())

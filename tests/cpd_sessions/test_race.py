"""
No overbooking under concurrency, on Postgres (the full 200-attempt run is bench/booking_race.py).
Each thread books on its own database connection; a barrier releases them together.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, transaction

from cpd_sessions.booking import booking_cancel, booking_create
from cpd_sessions.models import Booking, DevelopmentSession
from tests.factories import UserFactory

from .factories import SessionFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def all_at_once(fn, items):
    barrier = threading.Barrier(len(items))
    errors = []

    def one(item):
        try:
            barrier.wait(timeout=30)
            return fn(item)
        except Exception as error:  # counted below
            errors.append(error)
            return None
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(items)) as pool:
        results = list(pool.map(one, items))
    return results, errors


def test_fifty_concurrent_bookings_fill_ten_seats_exactly(personas):
    session = SessionFactory(capacity=10)
    people = [UserFactory(school=personas.school) for _ in range(50)]
    _, errors = all_at_once(lambda u: booking_create(session=session, user=u), people)
    assert errors == []
    bookings = Booking.objects.filter(session=session)
    assert bookings.filter(status="confirmed").count() == 10
    waiting = sorted(
        bookings.filter(status="waitlisted").values_list("waitlist_position", flat=True)
    )
    assert waiting == list(range(1, 41))

    # Ten concurrent cancellations by whoever holds a seat: ten promoted, never above ten.
    def cancel_a_seat_holder(_):
        with transaction.atomic():
            locked = DevelopmentSession.objects.select_for_update().get(pk=session.pk)
            holder = (
                Booking.objects.filter(session=locked, status="confirmed")
                .select_related("user", "session")
                .order_by("pk")
                .first()
            )
            return booking_cancel(booking=holder, by=holder.user)

    results, errors = all_at_once(cancel_a_seat_holder, list(range(10)))
    assert errors == []
    assert sum(len(r) for r in results) == 10
    assert bookings.filter(status__in=Booking.HOLDS_SEAT).count() == 10
    assert bookings.filter(status="waitlisted").count() == 30


def test_a_double_click_race_makes_one_booking(personas):
    session = SessionFactory(capacity=10)
    results, errors = all_at_once(
        lambda _: booking_create(session=session, user=personas.owner), list(range(8))
    )
    assert errors == []
    assert sum(r.created for r in results) == 1
    assert Booking.objects.filter(session=session).count() == 1

"""A session's seats and its waitlist, as they stand. Every write that gives or frees a seat
(``booking``, ``approvals``, ``session_changes``) first takes ``lock_session``, the session's row
``SELECT … FOR UPDATE``, then counts the seats held and decides, so two bookings of the same
session are decided one after the other. The database backs this with ``booking_one_per_person``
and ``booking_waitlist_position_unique``. On SQLite the whole database is locked by the write
transaction (``transaction_mode=IMMEDIATE``), which serialises the same way.
"""

from __future__ import annotations

from django.db.models import (
    Max,
)

from .models import (
    Booking,
    DevelopmentSession,
)

S = Booking.Status


def lock_session(session: DevelopmentSession) -> DevelopmentSession:
    """The session's row, locked until the transaction ends (the one place seats are decided)."""
    return DevelopmentSession.objects.select_for_update().get(pk=session.pk)


def seats_taken(session: DevelopmentSession) -> int:
    return Booking.objects.filter(session=session, status__in=Booking.HOLDS_SEAT).count()


def has_free_seat(session: DevelopmentSession) -> bool:
    return session.capacity is None or seats_taken(session) < session.capacity


def next_waitlist_position(session: DevelopmentSession) -> int:
    last = Booking.objects.filter(session=session, status=S.WAITLISTED).aggregate(
        m=Max("waitlist_position")
    )["m"]
    return (last or 0) + 1


def waitlist_place(booking: Booking) -> int | None:
    """My place in the queue: 1 means next (positions are orderings, with gaps)."""
    if booking.status != Booking.Status.WAITLISTED:
        return None
    if getattr(booking, "queue_place", None):  # loaded by booking_of
        return booking.queue_place
    return Booking.objects.filter(
        session_id=booking.session_id,
        status=Booking.Status.WAITLISTED,
        waitlist_position__lte=booking.waitlist_position,
    ).count()

"""Booking a place and giving it back: a seat if one is free, else the waitlist; the waitlist moving
up when a seat frees (``promote_from_waitlist``) and down when places are cut
(``demote_over_capacity``); whether a session needs release time from the booker's school; the
claims the daily reminder and feedback tasks take before they send; and my bookings.

Each write is one transaction under the session's row lock (``seats.lock_session``). The emails
are recorded on the ledger inside it (``emails``) and sent after commit.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import (
    Count,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
)
from django.utils import timezone

from hubs.models import User

from . import emails, lifecycle, permissions
from .budget import settle_release
from .fee_shares import estimated_fee_share
from .models import (
    MAX_RELEASE_TOTAL,
    Booking,
    DevelopmentSession,
    ReleaseRequest,
    SessionDate,
)
from .money import format_money
from .seats import S, has_free_seat, lock_session, next_waitlist_position


class BookingRefused(Exception):
    """Why a booking cannot be made, in words for the person booking."""


class ReleaseNeeded(BookingRefused):
    """The session is in the booker's school day: they must say what cover and cost it needs."""


@dataclass
class BookingResult:
    booking: Booking
    created: bool  # False: the person already had this booking (e.g. a double click)
    promoted: list[Booking] = field(default_factory=list)


# --- Does it need release time? ---


def in_school_day(dates: Iterable[tuple[datetime.datetime, datetime.datetime]], school) -> bool:
    """Does any meeting overlap the school's day (Monday to Friday, in London time)?"""
    if school is None:
        return False
    for start, end in dates:
        local_start, local_end = timezone.localtime(start), timezone.localtime(end)
        day = local_start.date()
        if day.weekday() >= 5:
            continue
        tz = local_start.tzinfo
        day_start = datetime.datetime.combine(day, school.day_start, tzinfo=tz)
        day_end = datetime.datetime.combine(day, school.day_end, tzinfo=tz)
        if local_start < day_end and local_end > day_start:
            return True
    return False


def session_needs_release(session: DevelopmentSession, user: User) -> bool:
    """In the booker's school day; or an external course, whatever its hours (its fee is the
    school's money, so the CPD leader decides it)."""
    if session.kind == DevelopmentSession.Kind.EXTERNAL_COURSE and user.school_id:
        return True
    return in_school_day(session.dates.values_list("start", "end"), user.school)


# --- Booking and cancelling ---


@transaction.atomic
def booking_create(
    *, session: DevelopmentSession, user: User, release: dict | None = None
) -> BookingResult:
    """
    Book a place: a seat if one is free (confirmed, or pending when it needs release time),
    otherwise the next place on the waitlist. ``release`` holds the ReleaseRequest fields the
    booker gives (cover_lessons, cover_notes, supply_cost, travel_cost, goal) and is required
    when the session falls in the booker's school day; the fee share is the session's own split
    for the booker's school (``estimated_fee_share``), whatever ``release`` says.
    """
    session = lock_session(session)
    now = timezone.now()
    if session.status == DevelopmentSession.Status.CANCELLED:
        raise BookingRefused("This session has been cancelled, so it cannot be booked.")
    if session.status != DevelopmentSession.Status.PUBLISHED:
        raise BookingRefused("This session is not open for booking.")
    if session.start <= now:
        raise BookingRefused("This session has already started, so it can no longer be booked.")
    if session.booking_deadline and session.booking_deadline < now:
        raise BookingRefused("The booking deadline for this session has passed.")

    existing = Booking.objects.select_for_update().filter(session=session, user=user).first()
    if existing is not None and existing.is_active:
        return BookingResult(booking=existing, created=False)

    needs_release = session_needs_release(session, user)
    if needs_release and release is None:
        raise ReleaseNeeded(
            "This session is during your school day, so your CPD leader needs to approve "
            "release time. Tell them what cover and costs it needs."
        )

    fee_share = Decimal("0.00")
    if needs_release:
        # The share is the product's own split (as the form showed it), never a typed figure,
        # worked out under the session's lock so it counts every place already held.
        fee_share = estimated_fee_share(session, user.school)
        given = (Decimal(release.get(k) or 0) for k in ("supply_cost", "travel_cost"))
        total = sum(given, fee_share)
        if total > MAX_RELEASE_TOTAL:
            raise BookingRefused(
                f"With your school's share of the fee ({format_money(fee_share)}) the costs "
                f"come to {format_money(total)}; one release is at most "
                f"{format_money(MAX_RELEASE_TOTAL)}."
            )

    booking = existing or Booking(session=session, user=user)
    if has_free_seat(session):
        booking.status = S.PENDING if needs_release else S.CONFIRMED
        booking.waitlist_position = None
    else:
        booking.status = S.WAITLISTED
        booking.waitlist_position = next_waitlist_position(session)
    booking.created_at = now
    booking.reminder_sent_at = None
    booking.feedback_requested_at = None
    booking.save()

    if needs_release:
        ReleaseRequest.objects.update_or_create(
            booking=booking,
            defaults={
                **{k: release[k] for k in RELEASE_FIELDS if k in release},
                "fee_share": fee_share,
                "decision": ReleaseRequest.Decision.PENDING,
                "decided_by": None,
                "decided_at": None,
                "reason": "",
                "created_at": now,
            },
        )
    else:
        ReleaseRequest.objects.filter(booking=booking).delete()

    if booking.status == S.CONFIRMED:
        emails.mail_booking(booking.pk, "booking_confirmed")
    elif booking.status == S.WAITLISTED:
        emails.mail_booking(booking.pk, "booking_waitlisted")
    else:
        emails.mail_release_requested(booking.pk)
    return BookingResult(booking=booking, created=True)


# What the booker says; the fee share is the product's split (``booking_create``).
RELEASE_FIELDS = ("cover_lessons", "cover_notes", "supply_cost", "travel_cost", "goal")


@transaction.atomic
def booking_cancel(*, booking: Booking, by: User) -> list[Booking]:
    """Cancel my booking; a seat it held goes to the first person on the waitlist."""
    permissions.require_can_cancel_booking(by, booking)
    session = lock_session(booking.session)
    lifecycle.check_booking_cancel(booking, now=timezone.now())
    booking = Booking.objects.select_for_update().get(pk=booking.pk)
    if not booking.is_active:
        return []  # already cancelled (a second click): nothing to do
    held = booking.holds_seat
    booking.status = S.CANCELLED
    booking.waitlist_position = None
    booking.save(update_fields=["status", "waitlist_position", "updated_at"])
    booking.session = session
    settle_release(booking, "Booking cancelled", by=by)
    return promote_from_waitlist(session) if held else []


# --- The waitlist moving ---


def promote_from_waitlist(session: DevelopmentSession) -> list[Booking]:
    """Fill free seats from the waitlist, first come first served (session already locked)."""
    promoted = []
    while has_free_seat(session):
        nxt = (
            Booking.objects.select_for_update()
            .filter(session=session, status=S.WAITLISTED)
            .order_by("waitlist_position")
            .first()
        )
        if nxt is None:
            break
        release = ReleaseRequest.objects.filter(booking=nxt).first()
        # A release approved while waiting is charged now, as the place is confirmed.
        needs_decision = release is not None and release.decision != release.Decision.APPROVED
        nxt.status = S.PENDING if needs_decision else S.CONFIRMED
        nxt.waitlist_position = None
        nxt.save(update_fields=["status", "waitlist_position", "updated_at"])
        nxt.session = session
        settle_release(nxt, "Place confirmed from the waitlist")
        emails.mail_booking(nxt.pk, "booking_promoted")
        if needs_decision:
            emails.mail_release_requested(nxt.pk)
        promoted.append(nxt)
    return promoted


def demote_over_capacity(session: DevelopmentSession) -> None:
    """When places fall below the seats held, the latest bookings go to the waitlist's front."""
    if session.capacity is None:
        return
    holders = Booking.objects.select_for_update().filter(
        session=session, status__in=Booking.HOLDS_SEAT
    )
    excess = max(holders.count() - session.capacity, 0)
    over = list(holders.order_by("-created_at", "-pk")[:excess])
    if not over:
        return
    waiting = list(Booking.objects.filter(session=session, status=S.WAITLISTED))
    shift = len(over) + max((b.waitlist_position for b in waiting), default=0)
    # Move the waiting list down in two steps so the unique position never clashes.
    waiting.sort(key=lambda b: b.waitlist_position, reverse=True)
    for booking in waiting:
        booking.waitlist_position += shift
        booking.save(update_fields=["waitlist_position"])
    for position, booking in enumerate(reversed(over), start=1):
        booking.status = S.WAITLISTED
        booking.waitlist_position = position
        booking.save(update_fields=["status", "waitlist_position", "updated_at"])
        emails.mail_booking(booking.pk, "booking_waitlisted")
    for position, booking in enumerate(reversed(waiting), start=len(over) + 1):
        booking.waitlist_position = position
        booking.save(update_fields=["waitlist_position"])


# --- Claims the daily tasks take before they send ---


REMINDER_AGAIN_AFTER = datetime.timedelta(hours=20)


def booking_claim_reminder(*, booking_id: int) -> bool:
    """Claim a booking's day-before reminder (before it is sent), so a second run of the
    morning task does not send it again. False if it was claimed in the last twenty hours."""
    now = timezone.now()
    return bool(
        Booking.objects.filter(pk=booking_id)
        .exclude(reminder_sent_at__gte=now - REMINDER_AGAIN_AFTER)
        .update(reminder_sent_at=now)
    )


def booking_claim_feedback_request(*, booking_id: int, now: datetime.datetime) -> bool:
    """Claim a booking's one request for feedback (before it is sent). False if already asked."""
    return bool(
        Booking.objects.filter(pk=booking_id, feedback_requested_at__isnull=True).update(
            feedback_requested_at=now
        )
    )


# --- My bookings (the teacher) ---


def my_bookings(user: User) -> dict[str, list[Booking]]:
    """
    ``/sessions/mine/``: my bookings of sessions to come (held, pending, waitlisted: each with
    ``place`` on the waitlist and its release request) and of sessions that have started where I
    had a place (each with ``feedback_due``: started, confirmed, no feedback yet). Two queries
    (the bookings, and the meetings of their sessions), whatever the number.
    """
    now = timezone.now()
    place = Subquery(
        Booking.objects.filter(
            session=OuterRef("session"),
            status=Booking.Status.WAITLISTED,
            waitlist_position__lte=OuterRef("waitlist_position"),
        )
        .order_by()
        .values("session")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    bookings = list(
        Booking.objects.filter(user=user)
        .filter(
            Q(status__in=Booking.ACTIVE, session__end__gte=now)
            | Q(status=Booking.Status.CONFIRMED, session__start__lt=now)
        )
        .exclude(session__status=DevelopmentSession.Status.PROPOSED)
        .select_related("session__venue_school", "release", "feedback", "attendance")
        .prefetch_related(
            Prefetch("session__dates", queryset=SessionDate.objects.order_by("start"))
        )
        .annotate(place=place)
        .order_by("session__start", "pk")
    )
    upcoming, past = [], []
    for booking in bookings:
        session = booking.session
        if session.start < now and booking.status == Booking.Status.CONFIRMED:
            booking.feedback_due = (
                session.status != DevelopmentSession.Status.CANCELLED
                and session.scope != DevelopmentSession.Scope.PRIVATE
                and getattr(booking, "feedback", None) is None
            )
            past.append(booking)
        else:
            upcoming.append(booking)
    past.reverse()  # the latest first
    return {"upcoming": upcoming, "past": past}

"""
Writes to development sessions. Each function is one transaction.

No overbooking: every function that gives or frees a seat first locks the session's row
(``SELECT … FOR UPDATE``), then counts the seats held and decides, so two bookings of the
same session are decided one after the other. The database backs this with
``booking_one_per_person`` and ``booking_waitlist_position_unique``. On SQLite the whole
database is locked by the write transaction (``transaction_mode=IMMEDIATE``), which serialises
the same way.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from hubs.models import User

from . import lifecycle, permissions, tasks
from .lifecycle import SessionRefused
from .models import (
    CANCEL_REASON_MAX,
    DESCRIPTION_MAX,
    FEEDBACK_TEXT_MAX,
    MATERIALS_MAX,
    Attendance,
    Booking,
    CalendarFeed,
    CpdBudget,
    DevelopmentSession,
    Feedback,
    ReleaseRequest,
    SessionDate,
    _new_feed_token,
)
from .signals import attendance_marked, attendance_unmarked, feedback_given

S = Booking.Status


class BookingRefused(Exception):
    """Why a booking cannot be made, in words for the person booking."""


class ReleaseNeeded(BookingRefused):
    """The session is in the booker's school day: they must say what cover and cost it needs."""


class DecisionRefused(Exception):
    """Why a release request cannot be decided (already decided, no reason given …)."""


@dataclass
class BookingResult:
    booking: Booking
    created: bool  # False: the person already had this booking (e.g. a double click)
    promoted: list[Booking] = field(default_factory=list)


# --- Helpers ---


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
    return in_school_day(session.dates.values_list("start", "end"), user.school)


def _lock(session: DevelopmentSession) -> DevelopmentSession:
    """The session's row, locked until the transaction ends (the one place seats are decided)."""
    return DevelopmentSession.objects.select_for_update().get(pk=session.pk)


def _seats_taken(session: DevelopmentSession) -> int:
    return Booking.objects.filter(session=session, status__in=Booking.HOLDS_SEAT).count()


def _has_free_seat(session: DevelopmentSession) -> bool:
    return session.capacity is None or _seats_taken(session) < session.capacity


def _next_waitlist_position(session: DevelopmentSession) -> int:
    last = Booking.objects.filter(session=session, status=S.WAITLISTED).aggregate(
        m=Max("waitlist_position")
    )["m"]
    return (last or 0) + 1


def _mail_on_commit(kind: str, booking_id: int) -> None:
    tasks.mail_booking(booking_id, kind)  # on the ledger in this transaction; sent after commit


def _release_requested_on_commit(booking_id: int) -> None:
    tasks.mail_release_requested(booking_id)  # the same


def _promote(session: DevelopmentSession) -> list[Booking]:
    """Fill free seats from the waitlist, first come first served (session already locked)."""
    promoted = []
    while _has_free_seat(session):
        nxt = (
            Booking.objects.select_for_update()
            .filter(session=session, status=S.WAITLISTED)
            .order_by("waitlist_position")
            .first()
        )
        if nxt is None:
            break
        release = ReleaseRequest.objects.filter(booking=nxt).first()
        nxt.status = S.PENDING if release is not None else S.CONFIRMED
        nxt.waitlist_position = None
        nxt.save(update_fields=["status", "waitlist_position", "updated_at"])
        _mail_on_commit("booking_promoted", nxt.pk)
        if release is not None:
            _release_requested_on_commit(nxt.pk)
        promoted.append(nxt)
    return promoted


# --- Booking ---


@transaction.atomic
def booking_create(
    *, session: DevelopmentSession, user: User, release: dict | None = None
) -> BookingResult:
    """
    Book a place: a seat if one is free (confirmed, or pending when it needs release time),
    otherwise the next place on the waitlist. ``release`` holds the ReleaseRequest fields
    (cover_lessons, cover_notes, supply_cost, travel_cost, fee_share, goal) and is required
    when the session falls in the booker's school day.
    """
    session = _lock(session)
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

    booking = existing or Booking(session=session, user=user)
    if _has_free_seat(session):
        booking.status = S.PENDING if needs_release else S.CONFIRMED
        booking.waitlist_position = None
    else:
        booking.status = S.WAITLISTED
        booking.waitlist_position = _next_waitlist_position(session)
    booking.created_at = now
    booking.reminder_sent_at = None
    booking.feedback_requested_at = None
    booking.save()

    if needs_release:
        ReleaseRequest.objects.update_or_create(
            booking=booking,
            defaults={
                **{k: release[k] for k in RELEASE_FIELDS if k in release},
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
        _mail_on_commit("booking_confirmed", booking.pk)
    elif booking.status == S.WAITLISTED:
        _mail_on_commit("booking_waitlisted", booking.pk)
    else:
        _release_requested_on_commit(booking.pk)
    return BookingResult(booking=booking, created=True)


RELEASE_FIELDS = ("cover_lessons", "cover_notes", "supply_cost", "travel_cost", "fee_share", "goal")


@transaction.atomic
def booking_cancel(*, booking: Booking, by: User) -> list[Booking]:
    """Cancel my booking; a seat it held goes to the first person on the waitlist."""
    if booking.user_id != by.pk:
        raise PermissionDenied("Only the person who booked can cancel a booking.")
    session = _lock(booking.session)
    lifecycle.check_booking_cancel(booking, now=timezone.now())
    booking = Booking.objects.select_for_update().get(pk=booking.pk)
    if not booking.is_active:
        return []  # already cancelled (a second click): nothing to do
    held = booking.holds_seat
    booking.status = S.CANCELLED
    booking.waitlist_position = None
    booking.save(update_fields=["status", "waitlist_position", "updated_at"])
    return _promote(session) if held else []


# --- Release time ---


def budget_for(user: User, academic_year: str, *, lock: bool = False) -> CpdBudget:
    budgets = CpdBudget.objects.select_for_update() if lock else CpdBudget.objects
    budget, _ = budgets.get_or_create(user=user, academic_year=academic_year)
    return budget


@transaction.atomic
def release_decide(
    *, release: ReleaseRequest, by: User, approve: bool, reason: str = ""
) -> list[Booking]:
    """
    Approve (the booking is confirmed and the person's CPD budget charged) or decline (a reason
    is required; the seat is freed and the waitlist moves). Returns bookings promoted.
    """
    booking = release.booking
    if not permissions.can_decide_release(by, release):
        raise PermissionDenied("Only a CPD leader of the person's own school can decide this.")
    reason = reason.strip()
    if not approve and not reason:
        raise DecisionRefused("Give a reason when you decline, so your colleague knows why.")
    session = _lock(booking.session)
    booking = Booking.objects.select_for_update().select_related("user").get(pk=booking.pk)
    release = ReleaseRequest.objects.select_for_update().get(pk=release.pk)
    if release.decision != ReleaseRequest.Decision.PENDING or booking.status != S.PENDING:
        raise DecisionRefused(f"{booking.user.full_name}'s request has already been dealt with.")
    release.decided_by = by
    release.decided_at = timezone.now()
    release.reason = reason
    promoted: list[Booking] = []
    if approve:
        release.decision = ReleaseRequest.Decision.APPROVED
        booking.status = S.CONFIRMED
        budget = budget_for(booking.user, session.academic_year, lock=True)
        budget.spent += release.total_cost
        budget.save(update_fields=["spent"])
    else:
        release.decision = ReleaseRequest.Decision.DECLINED
        booking.status = S.DECLINED
    release.save()
    booking.save(update_fields=["status", "updated_at"])
    if not approve:
        promoted = _promote(session)
    _mail_on_commit("release_decided", booking.pk)
    return promoted


@transaction.atomic
def releases_approve(*, releases: Sequence[ReleaseRequest], by: User) -> int:
    """Approve several requests at once (all or none). Returns how many were approved."""
    for release in releases:
        release_decide(release=release, by=by, approve=True)
    return len(releases)


@transaction.atomic
def budget_set(*, user: User, academic_year: str, allocated: Decimal, by: User) -> CpdBudget:
    if not permissions.can_set_budget(by, user):
        raise PermissionDenied("Only the person's own CPD leader sets their budget.")
    budget = budget_for(user, academic_year, lock=True)
    budget.allocated = allocated
    budget.set_by = by
    budget.save(update_fields=["allocated", "set_by"])
    return budget


# --- Offering and running sessions ---


def _set_dates(
    session: DevelopmentSession, dates: Sequence[tuple[datetime.datetime, datetime.datetime]]
) -> bool:
    """Make the session meet on ``dates`` (kept rows keep their ids, so calendar UIDs stay)."""
    dates = sorted(dates)
    existing = list(session.dates.order_by("start", "pk"))
    changed = [(d.start, d.end) for d in existing] != dates
    if not changed:
        return False
    for row, (start, end) in zip(existing, dates, strict=False):
        row.start, row.end = start, end
    # Shift out of the way first, so the unique (session, start) never sees a transient clash.
    for index, row in enumerate(existing[: len(dates)]):
        SessionDate.objects.filter(pk=row.pk).update(
            start=datetime.datetime(1900, 1, 1, tzinfo=datetime.UTC)
            + datetime.timedelta(days=index),
            end=datetime.datetime(1900, 1, 1, 1, tzinfo=datetime.UTC)
            + datetime.timedelta(days=index),
        )
    for row in existing[: len(dates)]:
        row.save(update_fields=["start", "end"])
    for row in existing[len(dates) :]:
        row.delete()
    SessionDate.objects.bulk_create(
        [SessionDate(session=session, start=s, end=e) for s, e in dates[len(existing) :]]
    )
    session.start, session.end = dates[0][0], dates[-1][1]
    return True


SESSION_FIELDS = (
    "title",
    "description",
    "kind",
    "consultant",
    "job_roles",
    "scope",
    "hub",
    "network",
    "school",
    "format",
    "venue_school",
    "room",
    "join_link",
    "capacity",
    "booking_deadline",
    "fee",
    "cost_split",
    "min_places",
    "min_schools",
    "decision_date",
    "recording_url",
    "materials",
)
M2M_FIELDS = ("areas", "phases", "subjects")
MOVES = ("format", "venue_school", "room", "join_link")


TEXT_LIMITS = {
    "title": 160,
    "description": DESCRIPTION_MAX,
    "materials": MATERIALS_MAX,
    "room": 120,
    "cancel_reason": CANCEL_REASON_MAX,
}


def _text_errors(values: dict, limits: dict[str, int]) -> dict[str, str]:
    return {
        name: f"Keep this to {limit:,} characters or fewer (it has {len(values[name]):,})."
        for name, limit in limits.items()
        if isinstance(values.get(name), str) and len(values[name]) > limit
    }


def _check_session(
    session: DevelopmentSession,
    dates: Sequence[tuple[datetime.datetime, datetime.datetime]] | None,
    old: Sequence[tuple[datetime.datetime, datetime.datetime]] = (),
) -> None:
    """The rules the form shows, again here for every other caller (admin, shell, tasks)."""
    errors = _text_errors(vars(session), TEXT_LIMITS)
    if dates is not None:
        errors |= lifecycle.check_dates(dates, old=old, now=timezone.now())
    errors |= session.schedule_errors()
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def session_propose(
    *,
    by: User,
    dates: Sequence[tuple[datetime.datetime, datetime.datetime]],
    leads: Iterable[User] = (),
    **fields,
) -> DevelopmentSession:
    if not permissions.can_propose(by):
        raise PermissionDenied("Add a directory profile to offer a session.")
    dates = sorted(dates)
    session = DevelopmentSession(
        proposed_by=by,
        status=DevelopmentSession.Status.PROPOSED,
        start=dates[0][0],
        end=dates[-1][1],
        **{k: v for k, v in fields.items() if k in SESSION_FIELDS},
    )
    _check_session(session, dates)
    session.save()
    for name in M2M_FIELDS:
        if name in fields:
            getattr(session, name).set(fields[name])
    session.leads.set([by, *leads])
    SessionDate.objects.bulk_create(
        [SessionDate(session=session, start=s, end=e) for s, e in dates]
    )
    return session


@transaction.atomic
def session_publish(*, session: DevelopmentSession, by: User) -> None:
    if not permissions.can_publish(by, session):
        raise PermissionDenied("Only a coordinator, or the lead of this hub or network, publishes.")
    session = _lock(session)
    if session.status == DevelopmentSession.Status.PUBLISHED:
        return  # a second click
    lifecycle.check_transition(session, DevelopmentSession.Status.PUBLISHED, now=timezone.now())
    DevelopmentSession.objects.filter(
        pk=session.pk, status=DevelopmentSession.Status.PROPOSED
    ).update(status=DevelopmentSession.Status.PUBLISHED)


@transaction.atomic
def session_update(
    *,
    session: DevelopmentSession,
    by: User,
    dates: Sequence[tuple[datetime.datetime, datetime.datetime]] | None = None,
    **fields,
) -> bool:
    """
    Change a session. When the time or place changes, SEQUENCE goes up (calendars replace the
    event) and everyone booked is told. Returns whether it moved.
    """
    if not permissions.can_edit(by, session):
        raise PermissionDenied("Only the session's leads or a coordinator can change it.")
    session = _lock(session)
    if session.status == DevelopmentSession.Status.CANCELLED:
        raise SessionRefused(
            f"This session is {session.get_status_display().lower()}, so it cannot be changed."
        )
    audience = ("scope", "hub", "network", "school")
    if session.status == DevelopmentSession.Status.PUBLISHED and any(
        name in fields and fields[name] != getattr(session, name) for name in audience
    ):
        new = {name: fields.get(name, getattr(session, name)) for name in audience}
        if not permissions.can_publish_to(
            by, scope=new["scope"], hub=new["hub"], network=new["network"]
        ):
            raise SessionRefused(
                "This session is published, and only a coordinator (or the lead of that hub or "
                "network) can publish a session for that audience: ask them to change it."
            )
    old_dates = list(session.dates.order_by("start").values_list("start", "end"))
    moved = any(
        name in fields and getattr(session, name) != fields[name]
        for name in MOVES
        if name != "venue_school"
    ) or ("venue_school" in fields and session.venue_school != fields["venue_school"])
    for name, value in fields.items():
        if name in SESSION_FIELDS:
            setattr(session, name, value)
    if dates is not None and _set_dates(session, dates):
        moved = True
    # After the fields and dates are set, so deadlines meet the new first meeting; a refusal
    # here rolls the whole change back.
    _check_session(session, sorted(dates) if dates is not None else None, old_dates)
    if moved:
        session.sequence += 1
    session.save()
    for name in M2M_FIELDS:
        if name in fields:
            getattr(session, name).set(fields[name])
    # A raised capacity frees seats for the waitlist.
    _promote(session)
    if moved and session.status == DevelopmentSession.Status.PUBLISHED:
        tasks.mail_session_notice(session.pk, "session_changed")  # sent after commit
    return moved


@transaction.atomic
def session_cancel(*, session: DevelopmentSession, by: User | None, reason: str) -> None:
    """Cancel a session (``by`` None: the system, e.g. a minimum not met). Everyone is told."""
    if by is not None and not permissions.can_edit(by, session):
        raise PermissionDenied("Only the session's leads or a coordinator can cancel it.")
    session = _lock(session)
    if session.status == DevelopmentSession.Status.CANCELLED:
        return
    lifecycle.check_transition(session, DevelopmentSession.Status.CANCELLED, now=timezone.now())
    reason = reason.strip()
    if errors := _text_errors({"reason": reason}, {"reason": CANCEL_REASON_MAX}):
        raise ValidationError(errors)
    session.status = DevelopmentSession.Status.CANCELLED
    session.cancel_reason = reason
    session.sequence += 1
    session.save(update_fields=["status", "cancel_reason", "sequence"])
    tasks.mail_session_notice(session.pk, "session_cancelled")  # sent after commit


def minimum_met(session: DevelopmentSession) -> bool:
    held = Booking.objects.filter(session=session, status__in=Booking.HOLDS_SEAT)
    if session.min_places and held.count() < session.min_places:
        return False
    schools = held.exclude(user__school=None).values("user__school").distinct().count()
    return not (session.min_schools and schools < session.min_schools)


@transaction.atomic
def session_check_minimum(*, session: DevelopmentSession) -> bool:
    """On the decision date: cancel when the minimum places or schools are not met."""
    session = _lock(session)
    if session.status != DevelopmentSession.Status.PUBLISHED or minimum_met(session):
        return False
    if session.has_started:
        return False  # too late to call off: it has begun (a late run of the nightly task)
    parts = []
    if session.min_places:
        parts.append(f"{session.min_places} places")
    if session.min_schools:
        parts.append(f"{session.min_schools} schools")
    session_cancel(
        session=session,
        by=None,
        reason=f"Not enough bookings by the decision date (it needed {' and '.join(parts)}).",
    )
    return True


# --- After the session ---


@transaction.atomic
def attendance_mark(*, session: DevelopmentSession, by: User, present_ids: Iterable[int]) -> int:
    """
    Keep the register: every confirmed booking is marked present (if its id is in
    ``present_ids``) or absent. Sends ``attendance_marked`` for each newly present booking.
    """
    if not permissions.can_mark_attendance(by, session):
        raise PermissionDenied("Only the session's leads or a coordinator keep the register.")
    session = _lock(session)
    lifecycle.check_register(session, now=timezone.now())
    present_ids = set(present_ids)
    bookings = list(
        Booking.objects.filter(session=session, status=S.CONFIRMED).select_related("attendance")
    )
    newly_present, unmarked = [], []
    now = timezone.now()
    for booking in bookings:
        present = booking.pk in present_ids
        previous = getattr(booking, "attendance", None)
        # Read before `previous` is updated below: absent → present is "newly present" too.
        was_present = previous is not None and previous.present
        if previous is None:
            Attendance.objects.create(booking=booking, present=present, marked_by=by, marked_at=now)
        elif previous.present != present:
            previous.present, previous.marked_by, previous.marked_at = present, by, now
            previous.save()
        if present and not was_present:
            newly_present.append(booking)
        elif was_present and not present:
            unmarked.append(booking)
    if session.is_past and session.status == DevelopmentSession.Status.PUBLISHED:
        DevelopmentSession.objects.filter(pk=session.pk).update(
            status=DevelopmentSession.Status.COMPLETED
        )
    for booking in newly_present:
        transaction.on_commit(lambda b=booking: attendance_marked.send(sender=Booking, booking=b))
    for booking in unmarked:
        transaction.on_commit(lambda b=booking: attendance_unmarked.send(sender=Booking, booking=b))
    return len(newly_present)


@transaction.atomic
def feedback_give(*, booking: Booking, by: User, **answers) -> Feedback:
    if not permissions.can_give_feedback(by, booking):
        raise PermissionDenied("Only someone who attended can give feedback.")
    texts = ("most_useful", "will_try", "comment")
    if errors := _text_errors(answers, dict.fromkeys(texts, FEEDBACK_TEXT_MAX)):
        raise ValidationError(errors)
    feedback, _ = Feedback.objects.update_or_create(
        booking=booking,
        defaults={
            k: answers[k]
            for k in ("rating", "most_useful", "will_try", "comment", "anonymous")
            if k in answers
        },
    )
    transaction.on_commit(lambda: feedback_given.send(sender=Feedback, feedback=feedback))
    return feedback


# --- Calendar feed ---


@transaction.atomic
def feed_renew(*, user: User) -> CalendarFeed:
    """Make (or replace) my feed's address: the old one stops working at once."""
    feed, created = CalendarFeed.objects.get_or_create(user=user)
    if not created:
        feed.token = _new_feed_token()
        feed.created_at = timezone.now()
        feed.save(update_fields=["token", "created_at"])
    return feed


@transaction.atomic
def feed_revoke(*, user: User) -> None:
    CalendarFeed.objects.filter(user=user).delete()

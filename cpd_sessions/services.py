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

from django.core.exceptions import PermissionDenied, ValidationError  # noqa: F401 -- callers catch services.PermissionDenied
from django.db import models, transaction
from django.db.models import Max, Q, Sum
from django.utils import timezone

from cpdhub.academic_year import validate_year_label
from cpdhub.erasure import names_of, scrub_text
from hubs.models import User

from . import lifecycle, permissions, selectors, tasks
from .lifecycle import SessionRefused
from .models import (
    CANCEL_REASON_MAX,
    DESCRIPTION_MAX,
    FEEDBACK_TEXT_MAX,
    MATERIALS_MAX,
    MAX_RELEASE_TOTAL,
    Attendance,
    Booking,
    BudgetEntry,
    CalendarFeed,
    CpdBudget,
    DevelopmentSession,
    Feedback,
    ReleaseRequest,
    SessionDate,
    SessionMessage,
    _new_feed_token,
)
from .money import format_money
from .selectors import budget_spent
from .signals import (
    attendance_marked,
    attendance_unmarked,
    feedback_given,
    session_published,
    session_publishing,
)

S = Booking.Status


class BookingRefused(Exception):
    """Why a booking cannot be made, in words for the person booking."""


class ReleaseNeeded(BookingRefused):
    """The session is in the booker's school day: they must say what cover and cost it needs."""


class DecisionRefused(Exception):
    """Why a release request cannot be decided (already decided, no reason given …)."""


class OverBudget(DecisionRefused):
    """The approval would take the person over their remaining budget: it needs confirming."""

    def __init__(self, message: str, *, over_by: Decimal):
        super().__init__(message)
        self.over_by = over_by


@dataclass
class BookingResult:
    booking: Booking
    created: bool  # False: the person already had this booking (e.g. a double click)
    promoted: list[Booking] = field(default_factory=list)


# --- Helpers ---


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


# --- The budget ledger ---
# A release costs the person's budget exactly while its place is confirmed, the release approved
# and the session not cancelled. ``_settle`` makes the ledger say so: it adds one charge or one
# refund row for the difference between what the release should cost now and what its rows
# already sum to. So a release is never charged twice and never refunded more than it was
# charged. Callers hold the session's row lock (and the booking's), which serialises them.


def _release_owes(release: ReleaseRequest, booking: Booking, session: DevelopmentSession):
    if (
        release.decision == ReleaseRequest.Decision.APPROVED
        and booking.status == S.CONFIRMED
        and session.status != DevelopmentSession.Status.CANCELLED
    ):
        return release.total_cost
    return Decimal("0.00")


def _settle(booking: Booking, why: str, *, by: User | None = None) -> None:
    """Charge or refund ``booking``'s release so the ledger matches its state (session locked)."""
    release = ReleaseRequest.objects.filter(booking=booking).first()
    if release is None:
        return
    session = booking.session
    charged = BudgetEntry.objects.filter(release=release).aggregate(t=Sum("amount"))["t"]
    # Quantised: SQLite sums decimals as floats.
    charged = Decimal(charged or 0).quantize(Decimal("0.01"))
    delta = _release_owes(release, booking, session) - charged
    if not delta:
        return
    BudgetEntry.objects.create(
        user_id=booking.user_id,
        academic_year=session.academic_year,
        kind=BudgetEntry.Kind.CHARGE if delta > 0 else BudgetEntry.Kind.REFUND,
        amount=delta,
        release=release,
        reason=f"{why}: {session.title}"[:200],
        created_by=by,
    )


def _settle_session(session: DevelopmentSession, why: str, *, by: User | None = None) -> None:
    """Settle every release of a session (cancelled, or its places changed)."""
    bookings = Booking.objects.filter(session=session, release__isnull=False)
    for booking in bookings.select_related("session"):
        booking.session = session
        _settle(booking, why, by=by)


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
        # A release approved while waiting is charged now, as the place is confirmed.
        needs_decision = release is not None and release.decision != release.Decision.APPROVED
        nxt.status = S.PENDING if needs_decision else S.CONFIRMED
        nxt.waitlist_position = None
        nxt.save(update_fields=["status", "waitlist_position", "updated_at"])
        nxt.session = session
        _settle(nxt, "Place confirmed from the waitlist")
        _mail_on_commit("booking_promoted", nxt.pk)
        if needs_decision:
            _release_requested_on_commit(nxt.pk)
        promoted.append(nxt)
    return promoted


def _demote_over_capacity(session: DevelopmentSession) -> None:
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
        _mail_on_commit("booking_waitlisted", booking.pk)
    for position, booking in enumerate(reversed(waiting), start=len(over) + 1):
        booking.waitlist_position = position
        booking.save(update_fields=["waitlist_position"])


# --- Booking ---


@transaction.atomic
def booking_create(
    *, session: DevelopmentSession, user: User, release: dict | None = None
) -> BookingResult:
    """
    Book a place: a seat if one is free (confirmed, or pending when it needs release time),
    otherwise the next place on the waitlist. ``release`` holds the ReleaseRequest fields the
    booker gives (cover_lessons, cover_notes, supply_cost, travel_cost, goal) and is required
    when the session falls in the booker's school day; the fee share is the session's own split
    for the booker's school (``selectors.estimated_fee_share``), whatever ``release`` says.
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

    needs_release = selectors.session_needs_release(session, user)
    if needs_release and release is None:
        raise ReleaseNeeded(
            "This session is during your school day, so your CPD leader needs to approve "
            "release time. Tell them what cover and costs it needs."
        )

    fee_share = Decimal("0.00")
    if needs_release:
        # The share is the product's own split (as the form showed it), never a typed figure,
        # worked out under the session's lock so it counts every place already held.
        fee_share = selectors.estimated_fee_share(session, user.school)
        given = (Decimal(release.get(k) or 0) for k in ("supply_cost", "travel_cost"))
        total = sum(given, fee_share)
        if total > MAX_RELEASE_TOTAL:
            raise BookingRefused(
                f"With your school's share of the fee ({format_money(fee_share)}) the costs "
                f"come to {format_money(total)}; one release is at most "
                f"{format_money(MAX_RELEASE_TOTAL)}."
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
        _mail_on_commit("booking_confirmed", booking.pk)
    elif booking.status == S.WAITLISTED:
        _mail_on_commit("booking_waitlisted", booking.pk)
    else:
        _release_requested_on_commit(booking.pk)
    return BookingResult(booking=booking, created=True)


# What the booker says; the fee share is the product's split (``booking_create``).
RELEASE_FIELDS = ("cover_lessons", "cover_notes", "supply_cost", "travel_cost", "goal")


@transaction.atomic
def booking_cancel(*, booking: Booking, by: User) -> list[Booking]:
    """Cancel my booking; a seat it held goes to the first person on the waitlist."""
    permissions.require_can_cancel_booking(by, booking)
    session = _lock(booking.session)
    lifecycle.check_booking_cancel(booking, now=timezone.now())
    booking = Booking.objects.select_for_update().get(pk=booking.pk)
    if not booking.is_active:
        return []  # already cancelled (a second click): nothing to do
    held = booking.holds_seat
    booking.status = S.CANCELLED
    booking.waitlist_position = None
    booking.save(update_fields=["status", "waitlist_position", "updated_at"])
    booking.session = session
    _settle(booking, "Booking cancelled", by=by)
    return _promote(session) if held else []


# --- Release time ---


def budget_for(user: User, academic_year: str, *, lock: bool = False) -> CpdBudget:
    budgets = CpdBudget.objects.select_for_update() if lock else CpdBudget.objects
    budget, _ = budgets.get_or_create(user=user, academic_year=academic_year)
    return budget


def over_budget_by(release: ReleaseRequest, academic_year: str) -> Decimal:
    """
    How far approving ``release`` would take the person past their budget (0: within it).
    A person whose CPD leader has set no budget for the year has no limit to go over.
    """
    user = release.booking.user
    budget = CpdBudget.objects.filter(user=user, academic_year=academic_year).first()
    if budget is None or (budget.set_by_id is None and not budget.allocated):
        return Decimal("0.00")
    remaining = budget.allocated - budget_spent(user.pk, academic_year)
    return max(release.total_cost - remaining, Decimal("0.00"))


DECIDABLE = (S.PENDING, S.WAITLISTED)


@transaction.atomic
def release_decide(
    *,
    release: ReleaseRequest,
    by: User,
    approve: bool,
    reason: str = "",
    allow_over_budget: bool = False,
) -> list[Booking]:
    """
    Approve (the booking is confirmed and the person's CPD budget charged; a waitlisted place
    keeps its turn and is charged when promoted) or decline (a reason is required; the seat is
    freed, the waitlist moves and anything charged is refunded). An approval that takes the
    person over their budget is refused unless ``allow_over_budget``. An approved request may
    later be declined (approval withdrawn) until the session starts. Returns bookings promoted.
    """
    booking = release.booking
    permissions.require_can_decide_release(by, release)
    reason = reason.strip()
    if not approve and not reason:
        raise DecisionRefused("Give a reason when you decline, so your colleague knows why.")
    session = _lock(booking.session)
    booking = (
        Booking.objects.select_for_update(of=("self",)).select_related("user").get(pk=booking.pk)
    )
    release = ReleaseRequest.objects.select_for_update().get(pk=release.pk)
    release.booking = booking
    booking.session = session
    name = booking.user.full_name
    pending = release.decision == ReleaseRequest.Decision.PENDING and booking.status in DECIDABLE
    withdrawing = (
        not approve
        and release.decision == ReleaseRequest.Decision.APPROVED
        and booking.status in (S.CONFIRMED, S.WAITLISTED)
    )
    if not (pending or withdrawing):
        raise DecisionRefused(f"{name}'s request has already been dealt with.")
    if withdrawing and session.has_started:
        raise DecisionRefused("The session has started, so the approval can no longer change.")
    if approve:
        # The budget row is locked so two approvals for one person are decided in turn.
        CpdBudget.objects.select_for_update().filter(
            user=booking.user, academic_year=session.academic_year
        ).first()
        over = over_budget_by(release, session.academic_year)
        if over and not allow_over_budget:
            raise OverBudget(
                f"Approving {name}'s request would take them over their CPD budget by "
                f"{format_money(over)}. Tick “Approve anyway” to approve it over budget.",
                over_by=over,
            )
    release.decided_by = by
    release.decided_at = timezone.now()
    release.reason = reason
    held = booking.holds_seat
    if approve:
        release.decision = ReleaseRequest.Decision.APPROVED
        if booking.status == S.PENDING:
            booking.status = S.CONFIRMED
    else:
        release.decision = ReleaseRequest.Decision.DECLINED
        booking.status = S.DECLINED
        booking.waitlist_position = None
    release.save()
    booking.save(update_fields=["status", "waitlist_position", "updated_at"])
    _settle(booking, "Release approved" if approve else "Release declined", by=by)
    promoted = _promote(session) if not approve and held else []
    _mail_on_commit("release_decided", booking.pk)
    return promoted


@dataclass
class BulkApproval:
    approved: list[ReleaseRequest] = field(default_factory=list)
    over_budget: list[ReleaseRequest] = field(default_factory=list)  # left waiting, not approved


@transaction.atomic
def releases_approve(
    *, releases: Sequence[ReleaseRequest], by: User, allow_over_budget: bool = False
) -> BulkApproval:
    """
    Approve several requests at once. Without ``allow_over_budget`` a request that would take its
    person over budget is left waiting and listed in ``over_budget``; any other refusal refuses
    the lot (nothing approved).
    """
    result = BulkApproval()
    for release in releases:
        try:
            with transaction.atomic():
                release_decide(
                    release=release, by=by, approve=True, allow_over_budget=allow_over_budget
                )
        except OverBudget:
            result.over_budget.append(release)
        else:
            result.approved.append(release)
    return result


@transaction.atomic
def budget_set(*, user: User, academic_year: str, allocated: Decimal, by: User) -> CpdBudget:
    permissions.require_can_set_budget(by, user)
    validate_year_label(academic_year)
    budget = budget_for(user, academic_year, lock=True)
    budget.allocated = allocated
    budget.set_by = by
    budget.save(update_fields=["allocated", "set_by"])
    return budget


@transaction.atomic
def budgets_set_many(
    *, allocations: dict[User, Decimal], academic_year: str, by: User
) -> list[CpdBudget]:
    """
    Set many people's budgets for the year at once (the staff budgets page): each one as
    ``budget_set`` does, all or nothing. Only the allocation changes; the ledger, and so what
    each person has spent, is untouched.
    """
    validate_year_label(academic_year)
    return [  # budget_set refuses anyone ``by`` may not set for, and the transaction undoes all
        budget_set(user=person, academic_year=academic_year, allocated=amount, by=by)
        for person, amount in sorted(allocations.items(), key=lambda item: item[0].pk)
    ]


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
    "recording_consent",
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
    errors |= session.schedule_errors() | session.recording_errors()
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
    permissions.require_can_propose(by)
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
    permissions.require_can_publish(by, session)
    session = _lock(session)
    if session.status == DevelopmentSession.Status.PUBLISHED:
        return  # a second click
    lifecycle.check_transition(session, DevelopmentSession.Status.PUBLISHED, now=timezone.now())
    session_publishing.send(sender=DevelopmentSession, session=session)  # may refuse
    DevelopmentSession.objects.filter(
        pk=session.pk, status=DevelopmentSession.Status.PROPOSED
    ).update(status=DevelopmentSession.Status.PUBLISHED)
    session.status = DevelopmentSession.Status.PUBLISHED
    session_published.send(sender=DevelopmentSession, session=session, by=by)


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
    permissions.require_can_edit(by, session)
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
    # A raised capacity frees seats for the waitlist; a lowered one moves the latest back to it.
    _demote_over_capacity(session)
    _promote(session)
    _settle_session(session, "Places on the session changed", by=by)
    if moved and session.status == DevelopmentSession.Status.PUBLISHED:
        tasks.mail_session_notice(session.pk, "session_changed")  # sent after commit
    return moved


@transaction.atomic
def session_cancel(*, session: DevelopmentSession, by: User | None, reason: str) -> None:
    """Cancel a session (``by`` None: the system, e.g. a minimum not met). Everyone is told."""
    if by is not None:
        permissions.require_can_cancel(by, session)
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
    _settle_session(session, "Session cancelled", by=by)
    tasks.mail_session_notice(session.pk, "session_cancelled")  # sent after commit


def minimum_met(session: DevelopmentSession) -> bool:
    held = Booking.objects.filter(session=session, status__in=Booking.HOLDS_SEAT)
    if session.min_places and held.count() < session.min_places:
        return False
    schools = (
        held.annotate(counts_for=selectors.booking_school())
        .exclude(counts_for=None)
        .values("counts_for")
        .distinct()
        .count()
    )
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
    permissions.require_can_mark_attendance(by, session)
    session = _lock(session)
    lifecycle.check_register(session, now=timezone.now())
    present_ids = set(present_ids)
    # (an erased account's booking keeps the mark it had: it is not on the register to change)
    bookings = list(
        Booking.objects.filter(
            session=session, status=S.CONFIRMED, user__isnull=False
        ).select_related("attendance")
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
    permissions.require_can_give_feedback(by, booking)
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


@dataclass
class MessageSent:
    message: SessionMessage
    created: bool
    recipients: int


@transaction.atomic
def session_message_send(
    *,
    session: DevelopmentSession,
    by: User,
    subject: str,
    body: str,
    token: str,
    include_waitlist: bool = False,
) -> MessageSent:
    """
    Email everyone with a place on the session (and the waitlist when asked) through the ledger:
    once per message and person. The same form sent twice (``token``) is the same message.
    """
    permissions.require_can_message_attendees(by, session)
    if session.status == DevelopmentSession.Status.CANCELLED:
        raise SessionRefused("The session is cancelled: everyone booked has already been told.")
    message, created = SessionMessage.objects.get_or_create(
        token=token,
        defaults={
            "session": session,
            "sent_by": by,
            "subject": subject,
            "body": body,
            "include_waitlist": include_waitlist,
        },
    )
    if message.session_id != session.pk:
        raise SessionRefused("This form was for another session: open it again from this one.")
    deliveries = tasks.mail_session_message(message.pk)
    return MessageSent(message=message, created=created, recipients=len(deliveries))


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


# --- Erasing an account (privacy) ---


def _sessions_forget_name(user: User) -> None:
    """Their name and address out of every free-text field of the sessions they led or proposed."""
    names = names_of(user)
    fields = [
        f.name
        for f in DevelopmentSession._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField) and not f.choices
    ]
    sessions = DevelopmentSession.objects.filter(Q(leads=user) | Q(proposed_by=user)).distinct()
    for session in sessions:
        changed = []
        for name in fields:
            before = getattr(session, name)
            after = scrub_text(before, names)
            if after != before:
                setattr(session, name, after)
                changed.append(name)
        if changed:
            DevelopmentSession.objects.filter(pk=session.pk).update(
                **{name: getattr(session, name) for name in changed}
            )


# What a message a lead sent says once the lead's account is erased.
ERASED_MESSAGE_SUBJECT = "(Removed: an account was erased.)"


@transaction.atomic
def person_erase(*, user: User) -> None:
    """
    A person's account is being erased (``hubs.signals.user_deleting``, after their future
    places were cancelled): what they did stays as counts, nothing says it was them.

    - Bookings keep their session, status and register mark, lose the person and keep their
      school (``former_school``), so the school's figures (places, attendance, fee shares,
      release costs) are the same after as before.
    - Release requests keep their decision and costs; the words the person wrote (the goal it
      serves, the cover details) are blanked.
    - Feedback keeps its rating (the session's figures); the comments are blanked.
    - The budget ledger's rows stay (so the money adds up), unlinked and without their name;
      the person's own allocation goes (nobody is left to spend it).
    - Messages they emailed as a session's lead keep their date, lose their words.
    - The leader's reason for their decision (which may name them) is blanked too.
    - Sessions they led or proposed stay (others booked them), with their name and address
      taken out of the session's words.
    """
    ReleaseRequest.objects.filter(booking__user=user).update(goal="", cover_notes="", reason="")
    _sessions_forget_name(user)
    Feedback.objects.filter(booking__user=user).update(
        most_useful="", will_try="", comment="", anonymous=True
    )
    Booking.objects.filter(user=user).update(user=None, former_school_id=user.school_id)
    for entry in BudgetEntry.objects.filter(user=user).only("pk", "reason"):
        reason = scrub_text(entry.reason, names_of(user))
        BudgetEntry.objects.filter(pk=entry.pk).update(user=None, reason=reason)
    CpdBudget.objects.filter(user=user).delete()
    SessionMessage.objects.filter(sent_by=user).update(
        sent_by=None, subject=ERASED_MESSAGE_SUBJECT, body=""
    )

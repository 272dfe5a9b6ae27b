"""Release requests and the CPD leaders who decide them: approving (the place confirmed, the budget
charged) or declining (the seat freed, anything charged refunded), one or several at once; the
approvals queue as each leader sees it; and what waits for a leader on their dashboard. Who may
decide is ``permissions.can_decide_release``; the money is ``budget``.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Window,
)
from django.utils import timezone

from cpdhub.academic_year import current_academic_year, year_label
from hubs.models import School, User

from . import emails, permissions
from .booking import promote_from_waitlist
from .budget import MONEY_SUM, ZERO, over_budget_by, settle_release, staff_without_budget
from .fee_shares import booking_of_schools
from .models import (
    Booking,
    CpdBudget,
    ReleaseRequest,
)
from .money import PENNY, format_money
from .seats import S, lock_session


class DecisionRefused(Exception):
    """Why a release request cannot be decided (already decided, no reason given …)."""


class OverBudget(DecisionRefused):
    """The approval would take the person over their remaining budget: it needs confirming."""

    def __init__(self, message: str, *, over_by: Decimal):
        super().__init__(message)
        self.over_by = over_by


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
    session = lock_session(booking.session)
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
    settle_release(booking, "Release approved" if approve else "Release declined", by=by)
    promoted = promote_from_waitlist(session) if not approve and held else []
    emails.mail_booking(booking.pk, "release_decided")
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


# --- The queue ---


def release_queue(user: User) -> QuerySet[ReleaseRequest]:
    """
    Requests a person may decide (permissions.can_decide_release, as a query): a CPD leader
    sees their schools' staff but never themselves; a coordinator sees requests from people
    whose school has no other CPD leader (a school's only leader, or a school with none).
    """
    mine = Q(booking__user__school__in=user.led_school_ids)
    if user.is_coordinator:
        other_leader = School.cpd_leaders.through.objects.filter(
            school_id=OuterRef("booking__user__school_id"), user__is_active=True
        ).exclude(user_id=OuterRef("booking__user_id"))
        mine |= Q(booking__user__school__isnull=False) & ~Exists(other_leader)
    return (
        ReleaseRequest.objects.filter(mine)
        .exclude(booking__user=user)
        .select_related(
            "booking__user__school",
            "booking__session__venue_school",
            "decided_by",
        )
        .order_by("booking__session__start", "created_at", "pk")
    )


QUEUE_FILTERS = {
    "pending": Q(
        decision=ReleaseRequest.Decision.PENDING,
        booking__status__in=[Booking.Status.PENDING, Booking.Status.WAITLISTED],
    ),
    "approved": Q(decision=ReleaseRequest.Decision.APPROVED),
    "declined": Q(decision=ReleaseRequest.Decision.DECLINED),
    "all": Q(
        booking__status__in=[
            Booking.Status.PENDING,
            Booking.Status.WAITLISTED,
            Booking.Status.CONFIRMED,
            Booking.Status.DECLINED,
        ]
    )
    | ~Q(decision=ReleaseRequest.Decision.PENDING),
}


def approvals_search(user: User, *, show: str, q: str = "") -> QuerySet[ReleaseRequest]:
    """The approvals queue this person sees, one tab of it (``QUEUE_FILTERS``), searched by
    the booker's name or the session's title."""
    queue = release_queue(user).filter(QUEUE_FILTERS[show])
    if q:
        queue = queue.filter(
            Q(booking__user__first_name__icontains=q)
            | Q(booking__user__last_name__icontains=q)
            | Q(booking__session__title__icontains=q)
        )
    return queue


def queue_totals(releases: QuerySet[ReleaseRequest]) -> dict:
    """Counts and costs of the requests shown. Money is summed as Decimal in the database."""
    totals = releases.aggregate(
        cover=Sum("cover_lessons"),
        cost=Sum(F("supply_cost") + F("travel_cost") + F("fee_share"), output_field=MONEY_SUM),
    )
    cost = Decimal(totals["cost"] or 0).quantize(PENNY, rounding=ROUND_HALF_UP)
    return {"cover": totals["cover"] or 0, "cost": cost, "count": releases.count()}


def releases_pending_since(cutoff, *, school_ids=None) -> QuerySet[ReleaseRequest]:
    """Release requests still undecided, made before ``cutoff``; of staff of ``school_ids``
    (ids or a values() queryset) when given."""
    releases = ReleaseRequest.objects.filter(
        decision=ReleaseRequest.Decision.PENDING, created_at__lt=cutoff
    )
    if school_ids is not None:
        releases = releases.filter(booking__user__school_id__in=school_ids)
    return releases


# --- What waits for a CPD leader (the dashboard) ---


@dataclass
class LeaderWaiting:
    pending: int
    oldest: list[ReleaseRequest]
    without_budget: int
    academic_year: int
    term: object | None  # hubs.Term, when one is current
    places: int
    attended: int
    spent: Decimal

    @property
    def year_label(self) -> str:
        return year_label(self.academic_year)


def leader_waiting(leader: User, *, term=None) -> LeaderWaiting | None:
    """
    What waits for a CPD leader (or a coordinator deciding for schools without another leader):
    release requests waiting (count, oldest first), staff with no budget set for the year, and
    their schools' figures for the term (places held, attendances, release costs charged).
    None for anyone else. A fixed number of queries.
    """
    if not permissions.can_see_approvals(leader):
        return None
    waiting = approvals_search(leader, show="pending")
    year = current_academic_year()
    figures = {"places": 0, "attended": 0, "spent": ZERO}
    if term is not None and leader.led_school_ids:
        tz = timezone.get_current_timezone()
        start = datetime.datetime.combine(term.start, datetime.time.min, tzinfo=tz)
        end = datetime.datetime.combine(
            term.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz
        )
        bookings = Booking.objects.filter(
            booking_of_schools(leader.led_school_ids),
            session__start__gte=start,
            session__start__lt=end,
        )
        # One query: a booking's release and attendance are one-to-one, so the join to the
        # ledger repeats a booking only once per ledger row (counted distinct).
        totals = bookings.aggregate(
            places=Count("pk", filter=Q(status__in=Booking.HOLDS_SEAT), distinct=True),
            attended=Count("pk", filter=Q(attendance__present=True), distinct=True),
            spent=Sum("release__budget_entries__amount", output_field=MONEY_SUM),
        )
        figures = {
            "places": totals["places"],
            "attended": totals["attended"],
            "spent": Decimal(totals["spent"] or 0).quantize(PENNY),
        }
    oldest = list(
        waiting.annotate(waiting_count=Window(Count("pk"))).order_by("created_at", "pk")[:3]
    )
    return LeaderWaiting(
        pending=oldest[0].waiting_count if oldest else 0,
        oldest=oldest,
        without_budget=staff_without_budget(leader, year),
        academic_year=year,
        term=term,
        **figures,
    )

"""Reads of development sessions, with their joins decided once."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.urls import reverse
from django.utils import timezone

from experts.models import ExpertiseArea
from hubs.models import School, User
from hubs.selectors import count_per_row

from .models import Booking, CpdBudget, DevelopmentSession, Feedback, ReleaseRequest, SessionDate

PENNY = Decimal("0.01")


def with_list_data(queryset: QuerySet[DevelopmentSession], user: User) -> QuerySet:
    """What a session card shows: seats taken, my booking's status, leads, areas, venue, dates."""
    return (
        queryset.select_related("venue_school", "consultant", "hub", "network")
        .annotate(
            seats_taken=count_per_row(
                Booking.objects.filter(session=OuterRef("pk"), status__in=Booking.HOLDS_SEAT),
                "session",
            ),
            my_status=Subquery(
                Booking.objects.filter(session=OuterRef("pk"), user=user).values("status")[:1]
            ),
        )
        .prefetch_related("leads", "areas", "dates")
    )


def session_list(user: User) -> QuerySet[DevelopmentSession]:
    return with_list_data(DevelopmentSession.objects.visible_to(user).upcoming(), user)


def session_for(pk: int, user: User) -> DevelopmentSession:
    """One session the user may see (DoesNotExist otherwise, which views turn into 404)."""
    return (
        with_list_data(DevelopmentSession.objects.visible_to(user), user)
        .select_related("proposed_by", "school", "hub", "network__hub")
        .prefetch_related("phases", "subjects")
        .get(pk=pk)
    )


def leads_with_profiles(session: DevelopmentSession) -> list[tuple[User, str | None]]:
    """The session's leads, each with their directory profile's address when it is live,
    so someone interested can read more about them or write to them (one query)."""
    from experts.models import ExpertProfile

    leads = list(session.leads.all())
    profiles = dict(
        ExpertProfile.objects.visible()
        .filter(user__in=[lead.pk for lead in leads])
        .values_list("user_id", "pk")
    )
    return [
        (
            lead,
            reverse("experts:profile", args=[profiles[lead.pk]]) if lead.pk in profiles else None,
        )
        for lead in leads
    ]


def booking_of(session: DevelopmentSession, user: User) -> Booking | None:
    return (
        Booking.objects.filter(session=session, user=user)
        .select_related("release", "feedback")
        .first()
    )


def waitlist_place(booking: Booking) -> int | None:
    """My place in the queue: 1 means next (positions are orderings, with gaps)."""
    if booking.status != Booking.Status.WAITLISTED:
        return None
    return Booking.objects.filter(
        session_id=booking.session_id,
        status=Booking.Status.WAITLISTED,
        waitlist_position__lte=booking.waitlist_position,
    ).count()


def clashes(session: DevelopmentSession, user: User) -> list[SessionDate]:
    """Meetings of my other booked or led sessions that overlap this one's."""
    overlap = Q()
    for date in session.dates.all():
        overlap |= Q(start__lt=date.end, end__gt=date.start)
    if not overlap:
        return []
    mine = Q(session__bookings__user=user, session__bookings__status__in=Booking.ACTIVE) | Q(
        session__leads=user
    )
    return list(
        SessionDate.objects.filter(overlap, mine)
        .exclude(session=session)
        .exclude(session__status=DevelopmentSession.Status.CANCELLED)
        .select_related("session")
        .distinct()
    )


def attendees(session: DevelopmentSession) -> list[Booking]:
    return list(
        Booking.objects.filter(session=session, status__in=Booking.ACTIVE)
        .select_related("user__school", "attendance", "release")
        .order_by("status", "waitlist_position", "user__last_name", "pk")
    )


@dataclass
class Share:
    school: School
    places: int
    amount: Decimal


def cost_shares(session: DevelopmentSession) -> list[Share]:
    """
    How the fee is shared between participating schools: those with a confirmed (or pending)
    place. By places, or equally. Pennies are rounded so the shares add up to the fee.
    """
    rows = list(
        Booking.objects.filter(session=session, status__in=Booking.HOLDS_SEAT)
        .exclude(user__school=None)
        .values("user__school")
        .annotate(places=Count("pk"))
        .order_by("user__school")
    )
    if not rows:
        return []
    schools = School.objects.in_bulk([r["user__school"] for r in rows])
    total_places = sum(r["places"] for r in rows)
    fee = session.fee
    shares = []
    for row in rows:
        weight = (
            Decimal(row["places"]) / total_places
            if session.cost_split == DevelopmentSession.CostSplit.ATTENDEES
            else Decimal(1) / len(rows)
        )
        amount = (fee * weight).quantize(PENNY, rounding=ROUND_HALF_UP)
        shares.append(
            Share(school=schools[row["user__school"]], places=row["places"], amount=amount)
        )
    # The last school absorbs any rounding penny, so the shares add up to the fee exactly.
    shares[-1].amount += fee - sum(s.amount for s in shares)
    return sorted(shares, key=lambda s: s.school.name)


def estimated_fee_share(session: DevelopmentSession, school: School | None) -> Decimal:
    """What the booker's school would pay if they join now (an estimate for the form)."""
    if not session.fee or school is None:
        return Decimal("0.00")
    shares = cost_shares(session)
    held = {s.school.pk: s.places for s in shares}
    places = sum(held.values()) + 1
    if session.cost_split == DevelopmentSession.CostSplit.ATTENDEES:
        return (session.fee / places).quantize(PENNY)
    schools = len(held) + (0 if school.pk in held else 1)
    per_school = session.fee / schools
    return (per_school / (held.get(school.pk, 0) + 1)).quantize(PENNY)


@dataclass
class FeedbackSummary:
    count: int
    average: float | None
    items: list[Feedback]


def feedback_summary(session: DevelopmentSession) -> FeedbackSummary:
    feedback = Feedback.objects.filter(booking__session=session)
    stats = feedback.aggregate(n=Count("pk"), avg=Avg("rating"))
    return FeedbackSummary(
        count=stats["n"],
        average=round(stats["avg"], 1) if stats["avg"] is not None else None,
        items=list(feedback.select_related("booking__user")),
    )


# --- Approvals ---


def release_queue(leader: User) -> QuerySet[ReleaseRequest]:
    """Requests a CPD leader may decide: their own schools' staff only."""
    return (
        ReleaseRequest.objects.filter(booking__user__school__in=leader.led_school_ids)
        .select_related(
            "booking__user__school",
            "booking__session__venue_school",
            "decided_by",
        )
        .order_by("booking__session__start", "created_at", "pk")
    )


def queue_totals(releases: QuerySet[ReleaseRequest]) -> dict:
    totals = releases.aggregate(
        cover=Sum("cover_lessons"),
        supply=Sum("supply_cost"),
        travel=Sum("travel_cost"),
        fees=Sum("fee_share"),
    )
    zero = Decimal("0.00")
    money = (totals["supply"] or zero) + (totals["travel"] or zero) + (totals["fees"] or zero)
    return {"cover": totals["cover"] or 0, "cost": money, "count": releases.count()}


def budgets_by_user(
    user_ids: set[int], academic_years: set[str]
) -> dict[tuple[int, str], CpdBudget]:
    return {
        (b.user_id, b.academic_year): b
        for b in CpdBudget.objects.filter(user_id__in=user_ids, academic_year__in=academic_years)
    }


def school_shares(leader: User) -> list[tuple[DevelopmentSession, Share]]:
    """Each shared-cost session the leader's schools take part in, with that school's share."""
    sessions = (
        DevelopmentSession.objects.filter(
            fee__gt=0,
            bookings__status__in=Booking.HOLDS_SEAT,
            bookings__user__school__in=leader.led_school_ids,
        )
        .exclude(status=DevelopmentSession.Status.CANCELLED)
        .distinct()
        .order_by("start")[:20]
    )
    result = []
    for session in sessions:
        for share in cost_shares(session):
            if share.school.pk in leader.led_school_ids:
                result.append((session, share))
    return result


# --- Recordings, dashboard, calendar ---


def recordings(user: User) -> QuerySet[DevelopmentSession]:
    return (
        DevelopmentSession.objects.visible_to(user)
        .exclude(recording_url="")
        .exclude(
            status__in=[DevelopmentSession.Status.PROPOSED, DevelopmentSession.Status.CANCELLED]
        )
        .select_related("venue_school")
        .prefetch_related("areas", "leads")
        .order_by("-start", "pk")
    )


def _in_areas(queryset: QuerySet[DevelopmentSession], area_ids: Iterable[int]) -> QuerySet:
    through = DevelopmentSession.areas.through
    return queryset.filter(
        Exists(
            through.objects.filter(developmentsession=OuterRef("pk"), expertisearea__in=area_ids)
        )
    )


def upcoming_in_areas(user: User, area_ids: Iterable[int], limit: int) -> list[DevelopmentSession]:
    """
    Upcoming published sessions the person may see (the list's own scope rules), in any of these
    areas, soonest first, with their areas: for the portfolio's suggestions. Two queries.
    """
    area_ids = list(area_ids)
    if not area_ids:
        return []
    sessions = _in_areas(DevelopmentSession.objects.visible_to(user).upcoming(), area_ids)
    return list(
        sessions.select_related("venue_school").prefetch_related(
            Prefetch("areas", queryset=ExpertiseArea.objects.order_by("name"))
        )[:limit]
    )


def recordings_in_areas(
    user: User, area_ids: Iterable[int], limit: int
) -> list[DevelopmentSession]:
    """The recordings bank (as the person may see it) in any of these areas, newest first."""
    area_ids = list(area_ids)
    if not area_ids:
        return []
    return list(_in_areas(recordings(user), area_ids)[:limit])


def budget_of(user: User, academic_year: str) -> CpdBudget | None:
    """
    A person's CPD budget for the year, if their CPD leader has set one. Approving a release with
    no budget set makes an empty row to charge (see services.budget_for): that is not a budget.
    """
    budget = CpdBudget.objects.filter(user=user, academic_year=academic_year).first()
    if budget is None or (budget.set_by_id is None and not budget.allocated):
        return None
    return budget


def my_next_sessions(user: User, limit: int = 5) -> list[DevelopmentSession]:
    """Sessions I lead or hold a place on (or wait for), soonest first."""
    mine = Q(leads=user) | Q(bookings__user=user, bookings__status__in=Booking.ACTIVE)
    ids = DevelopmentSession.objects.filter(mine).values("pk")
    # One query: the dashboard shows title, time and my status only.
    return list(
        DevelopmentSession.objects.filter(pk__in=ids, end__gte=timezone.now())
        .exclude(status=DevelopmentSession.Status.CANCELLED)
        .annotate(
            my_status=Subquery(
                Booking.objects.filter(session=OuterRef("pk"), user=user).values("status")[:1]
            )
        )
        .order_by("start", "pk")[:limit]
    )


def feed_items(user: User) -> list[tuple[DevelopmentSession, Booking | None]]:
    """The calendar feed: my bookings (any state, so cancellations reach the calendar) and leads."""
    bookings = list(
        Booking.objects.filter(user=user)
        .exclude(status=Booking.Status.WAITLISTED)
        .select_related("session__venue_school")
        .prefetch_related("session__dates")
    )
    booked = {b.session_id for b in bookings}
    led = (
        DevelopmentSession.objects.filter(leads=user)
        .exclude(pk__in=booked)
        .select_related("venue_school")
        .prefetch_related("dates")
    )
    return [(b.session, b) for b in bookings] + [(s, None) for s in led]


def users_led_by(leader: User) -> QuerySet[User]:
    return User.objects.filter(school__in=leader.led_school_ids, is_active=True)

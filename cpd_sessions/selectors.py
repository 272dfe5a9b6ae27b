"""Reads of development sessions, with their joins decided once."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Avg,
    Count,
    DecimalField,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    Window,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from cpdhub.academic_year import academic_year_label, academic_year_of, parse_year_label
from experts.models import ExpertiseArea, ExpertProfile
from hubs.models import Hub, School, SubjectNetwork, User
from hubs.selectors import count_per_row

from . import permissions
from .models import (
    RECORDING_SHAREABLE,
    Booking,
    BudgetEntry,
    CpdBudget,
    DevelopmentSession,
    Feedback,
    ReleaseRequest,
    SessionDate,
)

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
    booking = (
        Booking.objects.filter(session=session, user=user)
        .select_related("release", "feedback", "attendance")
        .annotate(
            # My place in the queue, in the same query (see waitlist_place).
            queue_place=count_per_row(
                Booking.objects.filter(
                    session=OuterRef("session"),
                    status=Booking.Status.WAITLISTED,
                    waitlist_position__lte=OuterRef("waitlist_position"),
                ),
                "session",
            )
        )
        .first()
    )
    if booking is not None:
        booking.session = session  # already loaded: the permission checks ask for it
    return booking


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
    """The register: active bookings, each waitlisted one with ``queue_place``, its place in
    the queue (1 is next), which the stored ``waitlist_position`` (an ordering with gaps) is not."""
    bookings = list(
        # (an erased account's booking counts in the figures, not on the register)
        Booking.objects.filter(session=session, status__in=Booking.ACTIVE, user__isnull=False)
        .select_related("user__school", "attendance", "release")
        .order_by("status", "waitlist_position", "user__last_name", "pk")
    )
    waiting = sorted(
        (b for b in bookings if b.status == Booking.Status.WAITLISTED),
        key=lambda b: b.waitlist_position,
    )
    for place, booking in enumerate(waiting, 1):
        booking.queue_place = place
    return bookings


# --- The school a booking counts for ---
#
# A booking counts for its person's school; once the person's account is erased it has no
# person and counts for the school kept on it (``Booking.former_school``, set only then: the
# constraint ``booking_former_school_only_when_erased``, so at most one of the two matches). Every
# figure by school goes through these, so an erasure leaves the school's figures as they were.


def booking_school(prefix: str = "") -> Coalesce:
    """The school id a booking counts for, as an expression (``prefix`` e.g. "booking__")."""
    return Coalesce(f"{prefix}user__school", f"{prefix}former_school")


def booking_of_schools(school_ids, prefix: str = "") -> Q:
    """Bookings (or rows through ``prefix``) that count for one of ``school_ids``."""
    return Q(**{f"{prefix}user__school__in": school_ids}) | Q(
        **{f"{prefix}former_school__in": school_ids}
    )


def booking_of_hub(hub, prefix: str = "") -> Q:
    """Bookings (or rows through ``prefix``) that count for a school of ``hub``."""
    return Q(**{f"{prefix}user__school__hub": hub}) | Q(**{f"{prefix}former_school__hub": hub})


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
        .annotate(counts_for=booking_school())
        .exclude(counts_for=None)
        .values("counts_for")
        .annotate(places=Count("pk"))
        .order_by("counts_for")
    )
    if not rows:
        return []
    schools = School.objects.in_bulk([r["counts_for"] for r in rows])
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
        shares.append(Share(school=schools[row["counts_for"]], places=row["places"], amount=amount))
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


MONEY_SUM = DecimalField(max_digits=12, decimal_places=2)


def queue_totals(releases: QuerySet[ReleaseRequest]) -> dict:
    """Counts and costs of the requests shown. Money is summed as Decimal in the database."""
    totals = releases.aggregate(
        cover=Sum("cover_lessons"),
        cost=Sum(F("supply_cost") + F("travel_cost") + F("fee_share"), output_field=MONEY_SUM),
    )
    cost = Decimal(totals["cost"] or 0).quantize(PENNY, rounding=ROUND_HALF_UP)
    return {"cover": totals["cover"] or 0, "cost": cost, "count": releases.count()}


def _spent_by(
    user_ids: Iterable[int], academic_years: Iterable[str]
) -> dict[tuple[int, str], Decimal]:
    rows = (
        BudgetEntry.objects.filter(user_id__in=user_ids, academic_year__in=academic_years)
        .values("user_id", "academic_year")
        .annotate(total=Sum("amount", output_field=MONEY_SUM))
    )
    # Quantised: SQLite sums decimals as floats (98.4000000000000).
    return {(r["user_id"], r["academic_year"]): Decimal(r["total"]).quantize(PENNY) for r in rows}


def budget_spent(user_id: int, academic_year: str) -> Decimal:
    """Σ of the person's ledger for the year: what has been charged, net of refunds."""
    return _spent_by([user_id], [academic_year]).get((user_id, academic_year), Decimal("0.00"))


def budgets_by_user(
    user_ids: set[int], academic_years: set[str]
) -> dict[tuple[int, str], CpdBudget]:
    """Budgets (set or not: an unset one has allocated 0 and pk None) with ``spent`` filled in."""
    spent = _spent_by(user_ids, academic_years)
    found = {
        (b.user_id, b.academic_year): b
        for b in CpdBudget.objects.filter(user_id__in=user_ids, academic_year__in=academic_years)
    }
    for key, budget in found.items():
        budget.spent = spent.get(key, Decimal("0.00"))
    return found


def approval_effects(releases: list[ReleaseRequest]) -> None:
    """
    What each approval would do, for the leader deciding: sets ``r.budget`` (allocated, spent,
    remaining or None when no budget is set), ``r.spent``, ``r.remaining_after`` and ``r.over_by``
    on each request. Two queries. (The school's totals are ``budget_totals.school_totals``.)
    """
    keys = {(r.booking.user_id, r.booking.session.academic_year) for r in releases}
    budgets = budgets_by_user({k[0] for k in keys}, {k[1] for k in keys})
    spent = _spent_by({k[0] for k in keys}, {k[1] for k in keys})
    zero = Decimal("0.00")
    for r in releases:
        key = (r.booking.user_id, r.booking.session.academic_year)
        budget = budgets.get(key)
        if budget is not None and budget.set_by_id is None and not budget.allocated:
            budget = None
        r.budget = budget
        r.spent = spent.get(key, zero)
        pending = r.decision == ReleaseRequest.Decision.PENDING
        if budget is not None:
            r.remaining_after = budget.remaining - r.total_cost if pending else budget.remaining
            r.over_by = max(-r.remaining_after, zero) if pending else zero
        else:
            r.remaining_after, r.over_by = None, zero


def school_shares(leader: User) -> list[tuple[DevelopmentSession, Share]]:
    """Each shared-cost session the leader's schools take part in, with that school's share."""
    sessions = (
        DevelopmentSession.objects.filter(
            booking_of_schools(leader.led_school_ids, "bookings__"),
            fee__gt=0,
            bookings__status__in=Booking.HOLDS_SEAT,
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
        .filter(RECORDING_SHAREABLE)
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


def suggestion_pools(
    user: User, area_ids: Iterable[int], limit: int
) -> tuple[list[DevelopmentSession], list[DevelopmentSession]]:
    """
    For the portfolio's suggestions, in any of these areas: upcoming published sessions the
    person may see (the list's own scope rules) and has not booked, waits for or leads, soonest
    first, and the recordings bank as they may see it, newest first; each with its areas. Three
    queries: the two lists, then the areas of both at once.
    """
    area_ids = list(area_ids)
    if not area_ids:
        return [], []
    upcoming = list(
        _in_areas(DevelopmentSession.objects.visible_to(user).upcoming(), area_ids)
        # Never what I have booked, wait for, or lead.
        .exclude(
            Exists(
                Booking.objects.filter(session=OuterRef("pk"), user=user, status__in=Booking.ACTIVE)
            )
        )
        .exclude(
            Exists(
                DevelopmentSession.leads.through.objects.filter(
                    developmentsession=OuterRef("pk"), user=user
                )
            )
        )
        .select_related("venue_school")
        .prefetch_related(None)[:limit]
    )
    banked = list(_in_areas(recordings(user), area_ids).prefetch_related(None)[:limit])
    prefetch_related_objects(
        upcoming + banked, Prefetch("areas", queryset=ExpertiseArea.objects.order_by("name"))
    )
    return upcoming, banked


def budget_columns(user: User, academic_year: str) -> dict:
    """A person's budget for the year as columns another query can carry (one query for a
    page that also needs other figures): see budget_from."""
    budget = CpdBudget.objects.filter(user=user, academic_year=academic_year)
    spent = (
        BudgetEntry.objects.filter(user=user, academic_year=academic_year)
        .order_by()
        .annotate(_all=Value(1))
        .values("_all")
        .annotate(total=Sum("amount", output_field=MONEY_SUM))
        .values("total")[:1]
    )
    return {
        "budget_allocated": Subquery(budget.values("allocated")[:1]),
        "budget_set_by": Subquery(budget.values("set_by_id")[:1]),
        "budget_spent": Subquery(spent, output_field=MONEY_SUM),
    }


def budget_from(row: dict, user: User, academic_year: str) -> CpdBudget | None:
    """The budget budget_of would give, from a row carrying budget_columns."""
    allocated = row["budget_allocated"]
    if allocated is None or (row["budget_set_by"] is None and not allocated):
        return None
    budget = CpdBudget(
        user=user, academic_year=academic_year, allocated=allocated, set_by_id=row["budget_set_by"]
    )
    budget.spent = Decimal(row["budget_spent"] or 0).quantize(PENNY)
    return budget


def budget_of(user: User, academic_year: str) -> CpdBudget | None:
    """
    A person's CPD budget for the year, if their CPD leader has set one. Approving a release with
    no budget set makes an empty row to charge (see services.budget_for): that is not a budget.
    """
    budget = CpdBudget.objects.filter(user=user, academic_year=academic_year).first()
    if budget is None or (budget.set_by_id is None and not budget.allocated):
        return None
    budget.spent = budget_spent(user.pk, academic_year)
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
    led = list(led)
    # The upcoming meetings of my subject networks, so members have the next one in their
    # calendar before they book (without the join link: that is for people with a place).
    known = booked | {s.pk for s in led}
    meetings = (
        DevelopmentSession.objects.filter(
            network__members=user,
            status=DevelopmentSession.Status.PUBLISHED,
            end__gte=timezone.now(),
        )
        .exclude(pk__in=known)
        .select_related("venue_school")
        .prefetch_related("dates")
    )
    for meeting in meetings:
        meeting.feed_as_member = True
    return (
        [(b.session, b) for b in bookings]
        + [(s, None) for s in led]
        + [(m, None) for m in meetings]
    )


def users_led_by(leader: User) -> QuerySet[User]:
    """People whose budget this person may set (permissions.can_set_budget, as a query)."""
    people = User.objects.filter(school__in=leader.led_school_ids, is_active=True)
    if leader.is_coordinator:
        other_leader = School.cpd_leaders.through.objects.filter(
            school_id=OuterRef("school_id"), user__is_active=True
        ).exclude(user_id=OuterRef("pk"))
        people = User.objects.filter(
            Q(pk__in=people.values("pk"))
            | Q(school__isnull=False, is_active=True) & ~Exists(other_leader)
        )
    return people.exclude(pk=leader.pk)


def sessions_taken_by(user_ids: list[int]) -> dict[int, set[int]]:
    """For each person, the sessions they hold a place on or wait for (one query): what
    suggestions (the digest, the portfolio) never offer them again."""
    taken: dict[int, set[int]] = {}
    rows = Booking.objects.filter(user_id__in=user_ids, status__in=Booking.ACTIVE).values_list(
        "user_id", "session_id"
    )
    for user_id, session_id in rows:
        taken.setdefault(user_id, set()).add(session_id)
    return taken


def upcoming_and_recorded(since) -> tuple[list[DevelopmentSession], list[DevelopmentSession]]:
    """Upcoming published sessions (with their audience), and recordings of sessions since
    ``since``, of the whole community: for batch readers (the termly digest) that match
    people to them in memory with ``visible_in_memory``. Three queries a list."""
    with_audience = ("phases", "subjects", "areas", "leads")
    upcoming = list(
        DevelopmentSession.objects.upcoming()
        .select_related("network")
        .prefetch_related(*with_audience)
    )
    recorded = list(
        DevelopmentSession.objects.filter(RECORDING_SHAREABLE)
        .exclude(status=DevelopmentSession.Status.CANCELLED)
        .filter(start__gte=since)
        .select_related("network")
        .prefetch_related("leads")
        .order_by("-start", "pk")
    )
    return upcoming, recorded


def visible_in_memory(
    session: DevelopmentSession,
    *,
    user: User,
    hub_id: int | None,
    network_ids: set[int],
    led_hub_ids: set[int],
    led_network_ids: set[int],
) -> bool:
    """``DevelopmentSession.objects.visible_to(user)`` for one session already in memory (with
    its network and leads loaded), given what the caller read of the person for a whole batch
    (tests/termly check the two agree)."""
    if user.is_coordinator:
        return True
    scope = DevelopmentSession.Scope
    network = session.network
    in_scope = (
        session.scope == scope.COMMUNITY
        or (
            session.scope == scope.SCHOOL
            and user.school_id is not None
            and session.school_id == user.school_id
        )
        or (session.scope == scope.HUB and hub_id and session.hub_id == hub_id)
        or (
            session.scope == scope.NETWORK
            and network is not None
            and (network.hub_id is None or network.hub_id == hub_id or network.pk in network_ids)
        )
    )
    if session.status != DevelopmentSession.Status.PROPOSED and in_scope:
        return True
    mine = session.proposed_by_id == user.pk or any(u.pk == user.pk for u in session.leads.all())
    publisher = (session.scope == scope.HUB and session.hub_id in led_hub_ids) or (
        session.scope == scope.NETWORK and session.network_id in led_network_ids
    )
    return mine or publisher


def releases_pending_since(cutoff, *, school_ids=None) -> QuerySet[ReleaseRequest]:
    """Release requests still undecided, made before ``cutoff``; of staff of ``school_ids``
    (ids or a values() queryset) when given."""
    releases = ReleaseRequest.objects.filter(
        decision=ReleaseRequest.Decision.PENDING, created_at__lt=cutoff
    )
    if school_ids is not None:
        releases = releases.filter(booking__user__school_id__in=school_ids)
    return releases


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


# --- The session page ---


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


def session_page(session: DevelopmentSession, user: User) -> dict:
    """
    What the session page shows this person, beside its forms: their booking and place, whether
    they need release (and the fee share to suggest), what they may do, and for the leads the
    register, the cost shares and the feedback summary.
    """
    booking = booking_of(session, user)
    active = booking is not None and booking.is_active
    may_edit = permissions.can_edit(user, session)
    needs_release = (
        not active
        and session.status == DevelopmentSession.Status.PUBLISHED
        and session_needs_release(session, user)
    )
    shares = []
    if session.fee:
        shares = cost_shares(session)
        if not may_edit:
            shares = [s for s in shares if s.school.pk in user.led_school_ids]
    return {
        "session": session,
        "leads": leads_with_profiles(session),
        "booking": booking,
        "active": active,
        "feedback": getattr(booking, "feedback", None) if booking else None,
        "waitlist_place": waitlist_place(booking) if booking else None,
        "clashes": clashes(session, user) if session.is_past is False else [],
        "needs_release": needs_release,
        "suggested_fee_share": estimated_fee_share(session, user.school) if needs_release else None,
        "show_link": permissions.can_see_join_link(user, session, booking),
        "may_edit": may_edit,
        "is_lead": permissions.is_lead(user, session),
        "may_publish": session.status == DevelopmentSession.Status.PROPOSED
        and permissions.can_publish(user, session),
        "attendees": attendees(session) if may_edit else None,
        "shares": shares,
        "may_feedback": booking is not None and permissions.can_give_feedback(user, booking),
        "summary": feedback_summary(session) if may_edit and session.has_started else None,
        "seats_left": None
        if session.capacity is None
        else max(session.capacity - session.seats_taken, 0),
    }


# --- Hubs and networks that live ---


def _of_hub(hub: Hub) -> Q:
    return Q(scope=DevelopmentSession.Scope.HUB, hub=hub) | Q(
        scope=DevelopmentSession.Scope.NETWORK, network__hub=hub
    )


def hub_upcoming(user: User, hub: Hub, limit: int = 5) -> list[DevelopmentSession]:
    """The hub's own upcoming sessions and its networks' (as this person may see them)."""
    return list(
        DevelopmentSession.objects.visible_to(user)
        .upcoming()
        .filter(_of_hub(hub))
        .select_related("venue_school", "network")[:limit]
    )


def hub_recordings(user: User, hub: Hub, limit: int = 5) -> list[DevelopmentSession]:
    # Title, date and link only: none of the bank's prefetches.
    return list(recordings(user).filter(_of_hub(hub)).prefetch_related(None)[:limit])


@dataclass(frozen=True)
class NetworkMeetings:
    next: DevelopmentSession | None
    past: list[DevelopmentSession]
    planned_this_year: bool
    academic_year: str


def _meetings_this_year(today: datetime.date) -> QuerySet[DevelopmentSession]:
    """Sessions of any network (proposed, published or held: not cancelled) this academic year."""
    first = academic_year_of(today)
    return DevelopmentSession.objects.filter(
        network__isnull=False,
        start__date__gte=datetime.date(first, 8, 1),
        start__date__lt=datetime.date(first + 1, 8, 1),
    ).exclude(status=DevelopmentSession.Status.CANCELLED)


def network_planned_this_year(network: SubjectNetwork, today: datetime.date | None = None) -> bool:
    """Whether a meeting (proposed or published, or already held) falls in this academic year."""
    return _meetings_this_year(today or timezone.localdate()).filter(network=network).exists()


def networks_without_meeting(today: datetime.date | None = None) -> QuerySet[SubjectNetwork]:
    """Networks with a lead and no meeting this academic year (networks meet once or twice a
    year: seed 003), with their leads. Two queries, whatever the number of networks."""
    planned = _meetings_this_year(today or timezone.localdate()).filter(network=OuterRef("pk"))
    return (
        SubjectNetwork.objects.filter(leads__isnull=False)
        .exclude(Exists(planned))
        .distinct()
        .prefetch_related("leads")
        .order_by("name")
    )


def network_meetings(user: User, network: SubjectNetwork, past: int = 10) -> NetworkMeetings:
    """A network's next meeting and its past ones (newest first, with recordings). 3 queries."""
    visible = DevelopmentSession.objects.visible_to(user).filter(network=network)
    upcoming = visible.upcoming().select_related("venue_school").first()
    held = list(
        visible.filter(
            end__lt=timezone.now(),
            status__in=[DevelopmentSession.Status.PUBLISHED, DevelopmentSession.Status.COMPLETED],
        )
        .select_related("venue_school")
        .order_by("-start", "pk")[:past]
    )
    today = timezone.localdate()
    return NetworkMeetings(
        next=upcoming,
        past=held,
        planned_this_year=network_planned_this_year(network, today),
        academic_year=academic_year_label(today),
    )


# --- The CPD leader's staff: budgets and each person's record ---


def year_bounds(academic_year: str) -> tuple[datetime.datetime, datetime.datetime]:
    """An academic year ("2026/27") as London midnights: 1 August to the next 1 August."""
    first = parse_year_label(academic_year)
    if first is None:
        raise ValueError(academic_year)
    tz = timezone.get_current_timezone()
    start = datetime.datetime(first, 8, 1, tzinfo=tz)
    return start, datetime.datetime(first + 1, 8, 1, tzinfo=tz)


def current_academic_year() -> str:
    return academic_year_label(timezone.localdate())


ZERO = Decimal("0.00")
RELEASE_COST = F("supply_cost") + F("travel_cost") + F("fee_share")
# Promised but not yet charged: a request waiting for a decision (charged if approved) and an
# approved request whose place is still on the waitlist (charged at promotion).
COMMITTED = Q(
    decision=ReleaseRequest.Decision.PENDING,
    booking__status__in=[Booking.Status.PENDING, Booking.Status.WAITLISTED],
) | Q(decision=ReleaseRequest.Decision.APPROVED, booking__status=Booking.Status.WAITLISTED)


def _sum_per_user(queryset: QuerySet, expression, user_field: str = "user") -> Subquery:
    """Σ ``expression`` over ``queryset``'s rows of the outer person, as a subquery (0 if none)."""
    return Coalesce(
        Subquery(
            queryset.filter(**{user_field: OuterRef("pk")})
            .order_by()
            .values(user_field)
            .annotate(total=Sum(expression, output_field=MONEY_SUM))
            .values("total")[:1],
            output_field=MONEY_SUM,
        ),
        Value(ZERO),
        output_field=MONEY_SUM,
    )


def staff_budgets(leader: User, academic_year: str) -> QuerySet[User]:
    """
    Everyone whose budget ``leader`` may set (``users_led_by``), each with ``allocated``,
    ``budget_set`` (a leader set it), ``spent`` (Σ of their ledger for the year), ``remaining``
    and ``committed`` (``COMMITTED`` requests for sessions in the year): one query. Pass the
    rows shown through ``budget_rows`` for ``remaining``.
    """
    start, end = year_bounds(academic_year)
    budgets = CpdBudget.objects.filter(user=OuterRef("pk"), academic_year=academic_year)
    return (
        users_led_by(leader)
        .select_related("school")
        .annotate(
            allocated=Coalesce(
                Subquery(budgets.values("allocated")[:1]), Value(ZERO), output_field=MONEY_SUM
            ),
            budget_set=Exists(budgets.filter(Q(set_by__isnull=False) | Q(allocated__gt=0))),
            spent=_sum_per_user(BudgetEntry.objects.filter(academic_year=academic_year), "amount"),
            committed=_sum_per_user(
                ReleaseRequest.objects.filter(
                    COMMITTED,
                    booking__session__start__gte=start,
                    booking__session__start__lt=end,
                ).exclude(booking__session__status=DevelopmentSession.Status.CANCELLED),
                RELEASE_COST,
                user_field="booking__user",
            ),
        )
        .order_by("school__name", "last_name", "first_name", "pk")
    )


def budget_rows(people: Iterable[User]) -> list[User]:
    """``staff_budgets`` rows, quantised (SQLite sums as floats), with ``remaining``."""
    rows = list(people)
    for person in rows:
        person.spent = Decimal(person.spent).quantize(PENNY)
        person.committed = Decimal(person.committed).quantize(PENNY)
        person.allocated = Decimal(person.allocated).quantize(PENNY)
        person.remaining = person.allocated - person.spent
    return rows


def staff_without_budget(leader: User, academic_year: str) -> int:
    """How many of the people ``leader`` sets budgets for have none set for the year."""
    budgets = CpdBudget.objects.filter(user=OuterRef("pk"), academic_year=academic_year).filter(
        Q(set_by__isnull=False) | Q(allocated__gt=0)
    )
    return users_led_by(leader).exclude(Exists(budgets)).count()


@dataclass
class RecordRow:
    booking: Booking
    meetings: int
    hours: Decimal
    present: bool | None  # None: the register is not kept yet
    release_cost: Decimal  # charged to the person's budget (the ledger), net of refunds


@dataclass
class CpdRecord:
    person: User
    academic_year: str
    rows: list[RecordRow]
    booked: int
    attended: int
    hours: Decimal
    release_costs: Decimal


def cpd_record(person: User, academic_year: str) -> CpdRecord:
    """
    A person's sessions in the academic year, for their CPD leader: each booking held or once
    held (not waitlist places given up), its meetings and hours, whether they were there, and
    what it cost their budget (the ledger). From the sessions app only: nothing of the private
    portfolio. Three queries.
    """
    start, end = year_bounds(academic_year)
    bookings = list(
        Booking.objects.filter(user=person, session__start__gte=start, session__start__lt=end)
        .exclude(status=Booking.Status.WAITLISTED)
        .select_related("session", "attendance", "release")
        .prefetch_related(
            Prefetch("session__dates", queryset=SessionDate.objects.order_by("start"))
        )
        .order_by("session__start", "pk")
    )
    charged = dict(
        BudgetEntry.objects.filter(
            user=person, academic_year=academic_year, release__booking__in=[b.pk for b in bookings]
        )
        .values("release__booking")
        .annotate(total=Sum("amount", output_field=MONEY_SUM))
        .values_list("release__booking", "total")
    )
    rows = []
    for booking in bookings:
        dates = list(booking.session.dates.all())
        seconds = sum((d.end - d.start).total_seconds() for d in dates)
        attendance = getattr(booking, "attendance", None)
        rows.append(
            RecordRow(
                booking=booking,
                meetings=len(dates),
                hours=(Decimal(seconds) / 3600).quantize(Decimal("0.1")),
                present=None if attendance is None else attendance.present,
                release_cost=Decimal(charged.get(booking.pk) or 0).quantize(PENNY),
            )
        )
    attended = [r for r in rows if r.present]
    return CpdRecord(
        person=person,
        academic_year=academic_year,
        rows=rows,
        booked=sum(1 for r in rows if r.booking.status in Booking.HOLDS_SEAT),
        attended=len(attended),
        hours=sum((r.hours for r in attended), Decimal("0.0")),
        release_costs=sum((r.release_cost for r in rows), ZERO),
    )


# --- What waits for a CPD leader (the dashboard) ---


@dataclass
class LeaderWaiting:
    pending: int
    oldest: list[ReleaseRequest]
    without_budget: int
    academic_year: str
    term: object | None  # hubs.Term, when one is current
    places: int
    attended: int
    spent: Decimal


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
                and getattr(booking, "feedback", None) is None
            )
            past.append(booking)
        else:
            upcoming.append(booking)
    past.reverse()  # the latest first
    return {"upcoming": upcoming, "past": past}

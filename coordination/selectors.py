"""
The coordinator's dashboard, read as grouped aggregates.

Every figure comes from one ``GROUP BY`` per measure over the whole scope (the community, a
hub or a school), keyed by school: a fixed number of queries whatever the number of schools,
areas or people, and no correlated subquery per row. Hub totals, the page of schools shown
and the CSV rows are then put together from those few result sets in Python. Counts only:
no one's portfolio text, need description or feedback comment is read here.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.core.cache import cache
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone

from cpd_sessions.fee_shares import booking_of_hub, booking_of_schools, booking_school
from cpd_sessions.models import Attendance, Booking, DevelopmentSession, Feedback, ReleaseRequest
from cpdhub import querystring
from cpdhub.academic_year import academic_year_of, year_dates
from experts.models import ExpertiseArea, ProfileArea, term_window_start
from experts.selectors import stale_profiles
from hubs.models import Hub, School, SchoolDomain, SubjectNetwork, Term, User
from hubs.selectors import lone_ranger_summary
from notifications.models import Delivery
from portfolios.models import Entry, ImpactFollowUp, Need

from .emails import INTRODUCTION_KEY_PREFIX
from .emails import KIND as INTRODUCTION
from .models import NeedReply

SCHOOLS_PER_PAGE = 50
TOP_GAPS = 10
NAMES_SHOWN = 10  # schools named in a setup check before "and N more"


@dataclass(frozen=True)
class Filters:
    """What the dashboard is narrowed to: an academic year, perhaps a term, perhaps a hub."""

    year: int
    term: Term | None
    hub: Hub | None
    years: list[int]
    terms: list[Term]
    hubs: list[Hub]
    later_terms: list[Term] = field(default_factory=list)  # those not yet over, by start

    @property
    def start(self) -> datetime.date:
        return self.term.start if self.term else year_dates(self.year)[0]

    @property
    def end(self) -> datetime.date:
        return self.term.end if self.term else year_dates(self.year)[1]

    @property
    def period(self) -> str:
        if self.term:
            return self.term.name
        return f"{self.year}/{str(self.year + 1)[-2:]}"

    @property
    def moments(self) -> tuple[datetime.datetime, datetime.datetime]:
        """The period as [local midnight of its first day, local midnight after its last day):
        a plain range on a timestamp column, which its index can serve (no cast per row)."""
        zone = timezone.get_current_timezone()
        first = datetime.datetime.combine(self.start, datetime.time.min, tzinfo=zone)
        after = datetime.datetime.combine(
            self.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
        )
        return first, after

    def query(self) -> str:
        parts = [f"year={self.year}"]
        if self.term:
            parts.append(f"term={self.term.pk}")
        if self.hub:
            parts.append(f"hub={self.hub.slug}")
        return "&".join(parts)


def filters_from(params, *, with_hubs: bool = True, only_hubs: list[int] | None = None) -> Filters:
    """The filters asked for in the query string; anything unknown or malformed is ignored.
    ``only_hubs``: a hub leader's hubs, the only ones offered; one of them is always chosen."""
    this_year = academic_year_of(timezone.localdate())
    year = querystring.id_param(params.get("year"))
    years = list(range(this_year - 3, this_year + 1))
    if year not in years:
        year = this_year
    start, end = year_dates(year)
    today = timezone.localdate()
    # One query for the year's terms and for the current and next term (setting up).
    known = list(Term.objects.filter(end__gte=min(start, today)).order_by("start"))
    terms = [t for t in known if t.start <= end and t.end >= start]
    term_id = querystring.id_param(params.get("term"))
    term = next((t for t in terms if t.pk == term_id), None)
    hubs = (
        list(
            Hub.objects.annotate(
                has_leader=Exists(Hub.leaders.through.objects.filter(hub=OuterRef("pk")))
            ).order_by("name")
        )
        if with_hubs
        else []
    )
    if only_hubs is not None:
        hubs = [h for h in hubs if h.pk in only_hubs]
    hub = next((h for h in hubs if h.slug == querystring.slug_param(params, "hub")), None)
    if only_hubs is not None and hub is None and hubs:
        hub = hubs[0]
    return Filters(
        year=year,
        term=term,
        hub=hub,
        years=years,
        terms=terms,
        hubs=hubs,
        later_terms=[t for t in known if t.end >= today],
    )


# --- Participation --------------------------------------------------------------------


@dataclass
class Participation:
    """One school's (or hub's, or the whole scope's) figures for the period."""

    name: str
    staff: int = 0
    confirmed: int = 0  # confirmed email addresses
    in_network: int = 0
    booked: int = 0  # people with a place at a session in the period
    attended: int = 0  # people marked present
    logged: int = 0  # people who logged CPD in their portfolio
    hours: Decimal = Decimal(0)
    schools: int = 1
    pk: int | None = None
    urn: int | None = None
    hub: str = ""
    leaders: list[str] = field(default_factory=list)
    has_domain: bool = True
    has_leader: bool = True

    MEASURES = ("staff", "confirmed", "in_network", "booked", "attended", "logged", "hours")

    def add(self, other: Participation) -> None:
        for name in self.MEASURES:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def taking_part(self) -> int:
        """Share of staff who booked, attended or logged anything, in per cent."""
        if not self.staff:
            return 0
        return round(100 * max(self.booked, self.attended, self.logged) / self.staff)


def _by_school(queryset, school_path: str, measure) -> dict[int, object]:
    return dict(queryset.order_by().values_list(school_path).annotate(v=measure))


def school_rows(school_ids: list[int] | None, filters: Filters) -> list[Participation]:
    """Every school in scope with its participation in the period: seven grouped queries."""
    schools = School.objects.all()
    if school_ids is not None:
        schools = schools.filter(pk__in=school_ids)
    elif filters.hub:
        schools = schools.filter(hub=filters.hub)
    leaders = School.cpd_leaders.through.objects.filter(school=OuterRef("pk"))
    rows = {
        pk: Participation(
            name=name, pk=pk, urn=urn, hub=hub or "", has_domain=domain, has_leader=leader
        )
        for pk, name, urn, hub, domain, leader in schools.annotate(
            has_domain=Exists(SchoolDomain.objects.filter(school=OuterRef("pk"))),
            has_leader=Exists(leaders),
        )
        .order_by("hub__name", "name")
        .values_list("pk", "name", "urn", "hub__name", "has_domain", "has_leader")
    }
    start, end = filters.start, filters.end

    def people(prefix: str = "") -> Q:
        """Active staff of the schools in scope, as plain conditions on the joined user."""
        q = Q(**{f"{prefix}is_active": True, f"{prefix}school__isnull": False})
        if school_ids is not None:
            q &= Q(**{f"{prefix}school_id__in": school_ids})
        elif filters.hub:
            q &= Q(**{f"{prefix}school__hub": filters.hub})
        return q

    measures = {
        "staff": _by_school(User.objects.filter(people()), "school_id", Count("pk")),
        "confirmed": _by_school(
            EmailAddress.objects.filter(people("user__"), verified=True, primary=True),
            "user__school_id",
            Count("user_id", distinct=True),
        ),
        "in_network": _by_school(
            SubjectNetwork.members.through.objects.filter(people("user__")),
            "user__school_id",
            Count("user_id", distinct=True),
        ),
        "booked": _by_school(
            Booking.objects.filter(
                people("user__"),
                session__start__gte=filters.moments[0],
                session__start__lt=filters.moments[1],
                status__in=Booking.HOLDS_SEAT,
            ),
            "user__school_id",
            Count("user_id", distinct=True),
        ),
        "attended": _by_school(
            Attendance.objects.filter(
                people("booking__user__"),
                booking__session__start__gte=filters.moments[0],
                booking__session__start__lt=filters.moments[1],
                present=True,
            ),
            "booking__user__school_id",
            Count("booking__user_id", distinct=True),
        ),
    }
    logged = (
        Entry.objects.filter(people("owner__"), date__range=(start, end))
        .order_by()
        .values_list("owner__school_id")
        .annotate(people=Count("owner_id", distinct=True), hours=Sum("hours"))
    )
    for name, counts in measures.items():
        for school_id, n in counts.items():
            if school_id in rows:
                setattr(rows[school_id], name, n)
    for school_id, people, hours in logged:
        if school_id in rows:
            rows[school_id].logged, rows[school_id].hours = people, hours or Decimal(0)
    return list(rows.values())


def attach_leaders(rows: list[Participation]) -> None:
    """The CPD leaders' names for the rows shown (one query for the page)."""
    by_school: dict[int, list[str]] = defaultdict(list)
    through = School.cpd_leaders.through
    for school_id, first, last in (
        through.objects.filter(school_id__in=[r.pk for r in rows])
        .order_by("user__last_name", "user__first_name")
        .values_list("school_id", "user__first_name", "user__last_name")
    ):
        by_school[school_id].append(f"{first} {last}".strip())
    for row in rows:
        row.leaders = by_school.get(row.pk, [])


def hub_rows(rows: list[Participation]) -> list[Participation]:
    hubs: dict[str, Participation] = {}
    for row in rows:
        name = row.hub or "No hub"
        total = hubs.setdefault(name, Participation(name=name, schools=0))
        total.add(row)
        total.schools += 1
    return sorted(hubs.values(), key=lambda h: (h.name == "No hub", h.name))


def total_of(rows: list[Participation], name: str = "All schools") -> Participation:
    total = Participation(name=name, schools=len(rows))
    for row in rows:
        total.add(row)
    return total


# --- Needs against supply -------------------------------------------------------------


@dataclass
class Gap:
    area: str
    slug: str
    needs: int = 0  # open and passed needs
    people: int = 0
    schools: int = 0
    experts: int = 0  # live profiles offering help in the area
    sessions: int = 0  # upcoming published sessions in the area

    @property
    def supply(self) -> int:
        return self.experts + self.sessions

    @property
    def score(self) -> float:
        """Need over supply: open needs ÷ (1 + live experts + upcoming sessions). Need with no
        supply at all scores its full count, the highest any number of needs can score."""
        return round(self.needs / (1 + self.supply), 1)


SUPPLY_CACHE_SECONDS = 300


def live_experts_by_area() -> dict[int, int]:
    """Live directory profiles offering each area: the same for every reader, so cached for
    five minutes (a new or newly confirmed profile shows in the count within that time)."""
    key = f"coordination:live-experts-by-area:{timezone.localdate()}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    # Plain conditions on the joined profile (not IN a subquery of every live profile); a
    # profile offers an area once, so a plain count is the number of people.
    live = Q(profile__is_hidden=False, profile__user__is_active=True)
    since = term_window_start()
    if since is not None:
        zone = timezone.get_current_timezone()
        first = datetime.datetime.combine(since, datetime.time.min, tzinfo=zone)
        live &= Q(profile__last_confirmed_at__gte=first)
    else:
        live &= Q(profile__last_confirmed_at__isnull=False)
    counts = dict(
        ProfileArea.objects.filter(live).order_by().values_list("area_id").annotate(n=Count("pk"))
    )
    cache.set(key, counts, SUPPLY_CACHE_SECONDS)
    return counts


def needs_against_supply(school_ids: list[int] | None, filters: Filters) -> list[Gap]:
    """Every area with open needs in scope, highest gap first: three grouped queries."""
    needs = Need.objects.filter(status__in=[Need.Status.OPEN, Need.Status.PASSED])
    needs = needs.filter(owner__is_active=True)
    if school_ids is not None:
        needs = needs.filter(owner__school_id__in=school_ids)
    elif filters.hub:
        needs = needs.filter(owner__school__hub=filters.hub)
    gaps = {
        area_id: Gap(area=name, slug=slug, needs=n, people=people, schools=schools)
        for area_id, name, slug, n, people, schools in needs.order_by()
        .values_list("area_id", "area__name", "area__slug")
        .annotate(
            n=Count("pk"),
            people=Count("owner_id", distinct=True),
            schools=Count("owner__school_id", distinct=True),
        )
    }
    if not gaps:
        return []
    experts = live_experts_by_area()
    for area_id, n in experts.items():
        if area_id in gaps:
            gaps[area_id].experts = n
    through = DevelopmentSession.areas.through
    sessions = (
        through.objects.filter(
            expertisearea_id__in=list(gaps),
            developmentsession__status=DevelopmentSession.Status.PUBLISHED,
            developmentsession__end__gte=timezone.now(),
        )
        .order_by()
        .values_list("expertisearea_id")
        .annotate(n=Count("developmentsession_id", distinct=True))
    )
    for area_id, n in sessions:
        gaps[area_id].sessions = n
    return sorted(gaps.values(), key=lambda g: (-g.score, -g.needs, g.area))


# --- Release time and cost ------------------------------------------------------------


@dataclass
class Release:
    name: str  # a term's name, or a school's
    requests: int = 0
    approved: int = 0
    lessons: int = 0
    cost: Decimal = Decimal(0)  # supply, travel and fee share of approved requests
    term: str = ""


def release_by_school_and_term(
    school_ids: list[int] | None, filters: Filters, school_names: dict[int, str]
) -> tuple[list[Release], list[Release]]:
    """Release requests for sessions in the period, by term and by (school, term): one query."""
    requests = ReleaseRequest.objects.filter(
        booking__session__start__gte=filters.moments[0],
        booking__session__start__lt=filters.moments[1],
    )
    if school_ids is not None:
        requests = requests.filter(booking_of_schools(school_ids, "booking__"))
    elif filters.hub:
        requests = requests.filter(booking_of_hub(filters.hub, "booking__"))
    terms = [filters.term] if filters.term else filters.terms
    in_term = Case(
        *[
            When(booking__session__start__date__range=(t.start, t.end), then=Value(t.pk))
            for t in terms
        ],
        default=Value(0),
        output_field=IntegerField(),
    )
    approved = Q(decision=ReleaseRequest.Decision.APPROVED)
    rows = (
        requests.order_by()
        .annotate(term_id=in_term, school_id=booking_school("booking__"))
        .values_list("term_id", "school_id")
        .annotate(
            n=Count("pk"),
            yes=Count("pk", filter=approved),
            lessons=Sum("cover_lessons", filter=approved),
            supply=Sum("supply_cost", filter=approved),
            travel=Sum("travel_cost", filter=approved),
            fee=Sum("fee_share", filter=approved),
        )
    )
    names = {t.pk: t.name for t in terms}
    by_term: dict[int, Release] = {}
    by_school: dict[tuple[int, int], Release] = {}
    for term_id, school_id, n, yes, lessons, supply, travel, fee in rows:
        school = school_names.get(school_id)
        term_name = names.get(term_id, "Outside term dates")
        cost = (supply or 0) + (travel or 0) + (fee or 0)
        for row in (
            by_term.setdefault(term_id, Release(name=term_name)),
            by_school.setdefault(
                (school_id or 0, term_id),
                Release(name=school or "No school", term=term_name),
            ),
        ):
            row.requests += n
            row.approved += yes
            row.lessons += lessons or 0
            row.cost += cost
    order = {t.pk: i for i, t in enumerate(terms)}
    term_rows = sorted(by_term.items(), key=lambda kv: order.get(kv[0], len(order)))
    school_rows_ = sorted(by_school.values(), key=lambda r: (-r.cost, r.name, r.term))
    return [r for _, r in term_rows], school_rows_


# --- Impact -----------------------------------------------------------------------------


@dataclass
class Impact:
    ratings: list[tuple[int, int]]  # (rating 5..1, how many)
    levels: list[tuple[str, int]]  # six-week follow-ups by level
    feedback: int
    follow_ups: int


def impact(school_ids: list[int] | None, filters: Filters) -> Impact:
    """Feedback by rating and six-week follow-ups by level, counts only: two queries."""
    feedback = Feedback.objects.filter(
        booking__session__start__gte=filters.moments[0],
        booking__session__start__lt=filters.moments[1],
    )
    follow_ups = ImpactFollowUp.objects.filter(
        entry__date__range=(filters.start, filters.end), answered_at__isnull=False
    ).exclude(level="")
    if school_ids is not None:
        feedback = feedback.filter(booking_of_schools(school_ids, "booking__"))
        follow_ups = follow_ups.filter(entry__owner__school_id__in=school_ids)
    elif filters.hub:
        feedback = feedback.filter(booking_of_hub(filters.hub, "booking__"))
        follow_ups = follow_ups.filter(entry__owner__school__hub=filters.hub)
    ratings = dict(feedback.order_by().values_list("rating").annotate(n=Count("pk")))
    levels = dict(follow_ups.order_by().values_list("level").annotate(n=Count("pk")))
    return Impact(
        ratings=[(r, ratings.get(r, 0)) for r in range(5, 0, -1)],
        levels=[(label, levels.get(value, 0)) for value, label in ImpactFollowUp.Level.choices],
        feedback=sum(ratings.values()),
        follow_ups=sum(levels.values()),
    )


# --- Setting up -------------------------------------------------------------------------


@dataclass(frozen=True)
class SetupChecks:
    schools_without_leader: list[Participation]
    schools_without_domain: list[Participation]
    networks_without_lead: list[SubjectNetwork]
    hubs_without_leader: list[Hub]
    current_term: Term | None
    next_term: Term | None
    # "Every school (hub, network) has …" is no achievement when there are none: no tick then.
    has_schools: bool = True
    has_hubs: bool = True
    has_networks: bool = True
    names_shown: int = NAMES_SHOWN


def setup_checks(rows: list[Participation], filters: Filters) -> SetupChecks:
    today = timezone.localdate()
    current, *later = filters.later_terms[:2] or [None]
    if current is not None and current.start > today:
        current, later = None, [current]
    # Those without a lead first: one query says both which they are and whether there are any.
    networks = list(
        SubjectNetwork.objects.annotate(lead_count=Count("leads")).order_by("lead_count", "name")[
            :NAMES_SHOWN
        ]
    )
    return SetupChecks(
        schools_without_leader=[r for r in rows if not r.has_leader],
        schools_without_domain=[r for r in rows if not r.has_domain],
        networks_without_lead=[n for n in networks if not n.lead_count],
        hubs_without_leader=[h for h in filters.hubs if not h.has_leader][:NAMES_SHOWN],
        current_term=current,
        next_term=later[0] if later else None,
        has_schools=bool(rows) or filters.hub is not None,
        has_hubs=bool(filters.hubs),
        has_networks=bool(networks),
    )


def introductions_made(school_ids: list[int] | None, filters: Filters) -> int:
    """Pairs the coordinator introduced in the period where someone of the scope took part."""
    sent = Delivery.objects.filter(
        kind=INTRODUCTION, created_at__gte=filters.moments[0], created_at__lt=filters.moments[1]
    )
    if school_ids is not None:
        sent = sent.filter(recipient__school_id__in=school_ids)
    elif filters.hub:
        sent = sent.filter(recipient__school__hub=filters.hub)
    return sent.order_by().values("key").distinct().count()


def needs_met(school_ids: list[int] | None, filters: Filters) -> int:
    met = Need.objects.filter(
        status=Need.Status.MET,
        decided_at__gte=filters.moments[0],
        decided_at__lt=filters.moments[1],
    )
    if school_ids is not None:
        met = met.filter(owner__school_id__in=school_ids)
    elif filters.hub:
        met = met.filter(owner__school__hub=filters.hub)
    return met.count()


def stale_count(school_ids: list[int] | None, filters: Filters) -> int:
    stale = stale_profiles()
    if school_ids is not None:
        stale = stale.filter(user__school_id__in=school_ids)
    elif filters.hub:
        stale = stale.filter(user__school__hub=filters.hub)
    return stale.order_by().count()


@dataclass
class LoneRangerRow:
    name: str
    by_subject: int = 0
    by_responsibility: int = 0
    invited: int = 0
    joined: int = 0


LONE_RANGERS_CACHE_SECONDS = 300


def lone_ranger_rows(filters: Filters) -> list[LoneRangerRow]:
    """Lone rangers by hub (subject and responsibility): two grouped queries over every
    school's staff, the same for every reader of the scope and not tied to the period, so kept
    five minutes in the shared cache (a new invitation or member shows within that time)."""
    key = f"coordination:lone-rangers:{filters.hub.pk if filters.hub else 'all'}"
    cached = cache.get(key)
    if cached is None:
        cached = _lone_ranger_rows(filters)
        cache.set(key, cached, LONE_RANGERS_CACHE_SECONDS)
    return cached


def _lone_ranger_rows(filters: Filters) -> list[LoneRangerRow]:
    hub_ids = [filters.hub.pk] if filters.hub else None
    rows: dict[str, LoneRangerRow] = {}
    for by_responsibility in (False, True):
        for found in lone_ranger_summary(hub_ids, by_responsibility=by_responsibility):
            row = rows.setdefault(found.name, LoneRangerRow(name=found.name))
            if by_responsibility:
                row.by_responsibility += found.alone
            else:
                row.by_subject += found.alone
            row.invited += found.invited
            row.joined += found.joined
    return sorted(rows.values(), key=lambda r: (r.name == "Schools in no hub", r.name))


# --- The whole dashboard ----------------------------------------------------------------


@dataclass
class Dashboard:
    filters: Filters
    total: Participation
    hubs: list[Participation]
    schools: list[Participation]  # every school in scope (the page shows a slice)
    gaps: list[Gap]
    release_terms: list[Release]
    release_schools: list[Release]
    impact: Impact
    stale: int
    introductions: int
    needs_met: int
    checks: SetupChecks | None = None
    lone_rangers: list[LoneRangerRow] | None = None  # None: not shown (a school's slice)

    @property
    def release_max(self) -> Decimal:
        """The highest term's cost, the full length of the release bars."""
        return max((row.cost for row in self.release_terms), default=Decimal(0)) or Decimal(1)


def dashboard(
    filters: Filters, school_ids: list[int] | None = None, *, hub_lead: bool = False
) -> Dashboard:
    """The community's (``school_ids`` None: all of it, or the filters' hub) or some schools'.
    ``hub_lead``: a hub leader's slice (their hub's figures, without the community's set-up)."""
    rows = school_rows(school_ids, filters)
    release_terms, release_schools = release_by_school_and_term(
        school_ids, filters, {row.pk: row.name for row in rows}
    )
    return Dashboard(
        filters=filters,
        total=total_of(rows),
        hubs=hub_rows(rows) if school_ids is None else [],
        schools=rows,
        gaps=needs_against_supply(school_ids, filters),
        release_terms=release_terms,
        release_schools=release_schools,
        impact=impact(school_ids, filters),
        stale=stale_count(school_ids, filters),
        introductions=introductions_made(school_ids, filters),
        needs_met=needs_met(school_ids, filters),
        checks=setup_checks(rows, filters) if school_ids is None and not hub_lead else None,
        lone_rangers=lone_ranger_rows(filters) if school_ids is None else None,
    )


# --- /coordinator/needs/: needs against supply with suggested matches ---------------------

NEEDS_PER_PAGE = 20
MATCHES_PER_NEED = 3
CANDIDATES_PER_AREA = 12


def open_needs(filters: Filters, area: str | None = None):
    """Open and passed needs across the community (or the filters' hub), high priority and
    passed-on first; their descriptions were fed to the coordinator by design (DESIGN.md)."""
    needs = Need.objects.filter(
        status__in=[Need.Status.OPEN, Need.Status.PASSED], owner__is_active=True
    ).select_related("owner__school", "area")
    if filters.hub:
        needs = needs.filter(owner__school__hub=filters.hub)
    if area:
        needs = needs.filter(area__slug=area)
    priority = Case(
        When(priority=Need.Priority.HIGH, then=Value(0)),
        When(priority=Need.Priority.MEDIUM, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    passed_first = Case(
        When(status=Need.Status.PASSED, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return needs.order_by(passed_first, priority, "-created_at", "pk")


@dataclass
class Match:
    profile_id: int
    name: str
    school: str
    profile_url: str
    same_phase: bool


def suggested_matches(needs: list[Need]) -> dict[int, list[Match]]:
    """For each need: live experts offering its area in other schools, same phase first, at
    most three. One query for the page: the newest offers in each of the page's areas."""
    areas = {need.area_id for need in needs}
    if not areas:
        return {}
    since = term_window_start()
    live = Q(profile__is_hidden=False, profile__user__is_active=True)
    if since is not None:
        zone = timezone.get_current_timezone()
        live &= Q(
            profile__last_confirmed_at__gte=datetime.datetime.combine(
                since, datetime.time.min, tzinfo=zone
            )
        )
    fields = (
        "area_id",
        "profile_id",
        "profile__user__first_name",
        "profile__user__last_name",
        "profile__user__school_id",
        "profile__user__school__name",
        "profile__user__school__phase",
    )
    # A few of the newest offers in each area: one query, the offers ranked within their area.
    candidates = _first_in_each_area(
        ProfileArea.objects.filter(live, area_id__in=areas, profile__user__school__isnull=False),
        area="area_id",
        order_by=("-pk",),
        fields=fields,
        limit=CANDIDATES_PER_AREA,
    )
    by_area: dict[int, list[tuple]] = defaultdict(list)
    for row in candidates:
        by_area[row[0]].append(row)
    matches: dict[int, list[Match]] = {}
    for need in needs:
        school = need.owner.school
        found = [
            Match(
                profile_id=profile_id,
                name=f"{first} {last}",
                school=school_name,
                profile_url=reverse("experts:profile", kwargs={"pk": profile_id}),
                same_phase=school is not None and phase == school.phase,
            )
            for _, profile_id, first, last, school_id, school_name, phase in by_area[need.area_id]
            if school is None or school_id != school.pk
        ]
        found.sort(key=lambda m: not m.same_phase)  # stable: most recently confirmed next
        matches[need.pk] = found[:MATCHES_PER_NEED]
    return matches


SESSIONS_PER_NEED = 3
PEERS_PER_NEED = 3
PEER_CANDIDATES_PER_AREA = 12


@dataclass
class SessionMatch:
    pk: int
    title: str
    start: datetime.datetime
    url: str


@dataclass
class Peer:
    """Someone in another school with an open need in the same area, who agreed to be suggested:
    their name and school only, never what they wrote."""

    name: str
    school: str


@dataclass
class Suggestions:
    sessions: dict[int, list[SessionMatch]]  # by area: coming up
    recordings: dict[int, list[SessionMatch]]  # by area: past sessions with a recording
    peers: dict[int, list[Peer]]  # by need


def _first_in_each_area(
    queryset: QuerySet, *, area: str, order_by: tuple[str, ...], fields: tuple[str, ...], limit: int
) -> QuerySet:
    """The first ``limit`` rows of each area in ``order_by`` order, as ``fields`` tuples, area by
    area: one query on every database (ROW_NUMBER() OVER (PARTITION BY area ...) in a subquery,
    filtered on the rank), so the page costs the same on Postgres and on SQLite."""
    return (
        queryset.annotate(_rank=Window(RowNumber(), partition_by=F(area), order_by=list(order_by)))
        .filter(_rank__lte=limit)
        .order_by(area, "_rank")
        .values_list(*fields)
    )


def suggested_supply(needs: list[Need]) -> Suggestions:
    """
    For the page's needs: upcoming published sessions and recordings in each need's area, and
    people in other schools with an open need in the same area who consented (``suggest_me``).
    Three queries for the page, whatever its size: each ranks the rows within their area and keeps
    the first few of each area of the page (at most NEEDS_PER_PAGE areas).
    """
    areas = sorted({need.area_id for need in needs})
    if not areas:
        return Suggestions(sessions={}, recordings={}, peers={})
    through = DevelopmentSession.areas.through
    fields = ("expertisearea_id", "developmentsession_id", "developmentsession__title")
    now = timezone.now()
    coming = _first_in_each_area(
        through.objects.filter(
            expertisearea_id__in=areas,
            developmentsession__status=DevelopmentSession.Status.PUBLISHED,
            developmentsession__end__gte=now,
        ),
        area="expertisearea_id",
        order_by=("developmentsession__start", "developmentsession_id"),
        fields=(*fields, "developmentsession__start"),
        limit=SESSIONS_PER_NEED,
    )
    recorded = _first_in_each_area(
        through.objects.filter(expertisearea_id__in=areas, developmentsession__end__lt=now)
        .exclude(developmentsession__recording_url="")
        .exclude(developmentsession__status=DevelopmentSession.Status.CANCELLED),
        area="expertisearea_id",
        order_by=("-developmentsession__start", "-developmentsession_id"),
        fields=(*fields, "developmentsession__start"),
        limit=SESSIONS_PER_NEED,
    )
    sessions: dict[int, list[SessionMatch]] = defaultdict(list)
    recordings: dict[int, list[SessionMatch]] = defaultdict(list)
    for target, rows in ((sessions, coming), (recordings, recorded)):
        for area, pk, title, start in rows:
            target[area].append(
                SessionMatch(
                    pk=pk,
                    title=title,
                    start=start,
                    url=reverse("cpd_sessions:detail", kwargs={"pk": pk}),
                )
            )
    for target in (sessions, recordings):
        for found in target.values():
            found.sort(key=lambda m: m.start, reverse=target is recordings)
    candidates = _first_in_each_area(
        Need.objects.filter(
            area_id__in=areas,
            status__in=[Need.Status.OPEN, Need.Status.PASSED],
            owner__suggest_me=True,
            owner__is_active=True,
            owner__school__isnull=False,
        ),
        area="area_id",
        order_by=("-created_at", "-pk"),
        fields=(
            "area_id",
            "owner_id",
            "owner__first_name",
            "owner__last_name",
            "owner__school_id",
            "owner__school__name",
        ),
        limit=PEER_CANDIDATES_PER_AREA,
    )
    by_area: dict[int, list[tuple]] = defaultdict(list)
    for row in candidates:
        by_area[row[0]].append(row)
    peers: dict[int, list[Peer]] = {}
    for need in needs:
        school_id = need.owner.school_id
        seen: set[int] = set()
        found = []
        for _, owner_id, first, last, other_school, school_name in by_area[need.area_id]:
            if owner_id in seen or owner_id == need.owner_id or other_school == school_id:
                continue
            seen.add(owner_id)
            found.append(Peer(name=f"{first} {last}".strip(), school=school_name))
        peers[need.pk] = found[:PEERS_PER_NEED]
    return Suggestions(sessions=dict(sessions), recordings=dict(recordings), peers=peers)


def replies_for(needs: list[Need]) -> dict[int, list[NeedReply]]:
    """The coordinator's replies on the page's needs: one query."""
    found: dict[int, list[NeedReply]] = defaultdict(list)
    for reply in NeedReply.objects.filter(need__in=[n.pk for n in needs]).select_related("author"):
        found[reply.need_id].append(reply)
    return found


def schools_in_need(area: ExpertiseArea) -> list[str]:
    """Names of the schools with open or passed needs in the area (no one's words)."""
    return list(
        School.objects.filter(
            staff__portfolio_needs__area=area,
            staff__portfolio_needs__status__in=[Need.Status.OPEN, Need.Status.PASSED],
            staff__is_active=True,
        )
        .order_by("name")
        .values_list("name", flat=True)
        .distinct()
    )


@dataclass
class Introduction:
    name: str
    profile_url: str
    sent_on: datetime.datetime


@dataclass
class NeedNews:
    """What the coordinator did about one need, for the person who has it."""

    replies: list[NeedReply]
    introductions: list[Introduction]


def need_news(need: Need) -> NeedNews:
    """The coordinator's replies about this need and her introductions of its owner to experts
    who offer its area (an introduction is per person and expert: its ledger key names both).
    Three queries."""
    replies = list(NeedReply.objects.filter(need=need).select_related("author"))
    prefix = INTRODUCTION_KEY_PREFIX.format(person_id=need.owner_id)
    sent: dict[int, datetime.datetime] = {}
    for key, created in Delivery.objects.filter(
        kind=INTRODUCTION, key__startswith=prefix
    ).values_list("key", "created_at"):
        profile_id = key.removeprefix(prefix)
        if profile_id.isdigit():
            sent.setdefault(int(profile_id), created)
    offers = ProfileArea.objects.filter(profile_id__in=sent, area_id=need.area_id).values_list(
        "profile_id", "profile__user__first_name", "profile__user__last_name"
    )
    introductions = sorted(
        (
            Introduction(
                name=f"{first} {last}".strip(),
                profile_url=reverse("experts:profile", kwargs={"pk": pk}),
                sent_on=sent[pk],
            )
            for pk, first, last in offers
        ),
        key=lambda i: i.sent_on,
    )
    return NeedNews(replies=replies, introductions=introductions)

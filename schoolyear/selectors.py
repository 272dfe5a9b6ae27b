"""
Reads for the school's year: a team as its members and leaders see it, a person's teams, the
year planner (one page, a fixed number of queries whatever the number of meetings), and the
clashes shown while planning. Staff see a team's meetings only in years whose plan is
published (``published_plans``, ``published_spans``); the team's leader and the school's CPD
leaders see the drafts too, marked as drafts.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db.models import Case, Count, Exists, Min, OuterRef, Q, When
from django.db.models.functions import ExtractMonth, ExtractYear
from django.db.models.lookups import GreaterThanOrEqual
from django.utils import timezone

from coaching.models import Meeting as CoachingMeeting
from coaching.models import Observation
from cpd_sessions.models import Booking, DevelopmentSession
from cpdhub.academic_year import academic_year_of, year_dates, year_span
from cpdhub.small_numbers import protect
from hubs.models import School, Term, User
from hubs.permissions import is_cpd_leader_of
from hubs.term_dates import all_terms
from portfolios.models import Goal

from .models import (
    CommunityDate,
    MeetingSeries,
    PlanDate,
    Priority,
    Team,
    TeamMeeting,
    TeamMembership,
    TryNext,
    YearPlan,
)


def published_plans(user: User) -> list[tuple[int, int, int]]:
    """(plan, school, academic year) of the published plans of my school and my teams' schools
    (one query)."""
    mine = Q(school__teams__memberships__user=user)
    if user.school_id:
        mine |= Q(school_id=user.school_id)
    return list(
        YearPlan.objects.filter(mine, published_at__isnull=False)
        .values_list("pk", "school_id", "academic_year")
        .distinct()
    )


def published_spans(plans, *, school="team__school_id", start="start") -> Q | None:
    """Meetings in a published year of their school (None: there is no such year)."""
    spans = []
    for _, school_id, year in plans:
        first, last = year_span(year)
        spans.append(Q(**{school: school_id, f"{start}__gte": first}) & Q(**{f"{start}__lt": last}))
    return reduce(or_, spans) if spans else None


def in_published_year(school: str = "team__school_id", start: str = "start") -> Exists:
    """The same rule as ``published_spans`` inside the query (no query of its own): a plan of
    the meeting's school for the academic year its start falls in (London), published."""
    tz = timezone.get_default_timezone()
    year = ExtractYear(OuterRef(start), tzinfo=tz)
    month = ExtractMonth(OuterRef(start), tzinfo=tz)
    academic = Case(When(GreaterThanOrEqual(month, 8), then=year), default=year - 1)
    return Exists(
        YearPlan.objects.filter(
            school_id=OuterRef(school), published_at__isnull=False, academic_year=academic
        )
    )


def published_years(school: School) -> set[int]:
    return set(
        YearPlan.objects.filter(school=school, published_at__isnull=False).values_list(
            "academic_year", flat=True
        )
    )


def meeting_is_published(meeting: TeamMeeting, years: set[int] | None = None) -> bool:
    if years is None:
        years = published_years(meeting.team.school)
    return academic_year_of(timezone.localtime(meeting.start).date()) in years


def team_for(user: User, pk: int) -> Team:
    """A team its member, its leader or the school's CPD leaders may see; else DoesNotExist."""
    team = Team.objects.select_related("school", "leader").get(pk=pk)
    if team.leader_id == user.pk or is_cpd_leader_of(user, team.school):
        return team
    if TeamMembership.objects.filter(team=team, user=user).exists():
        return team
    raise Team.DoesNotExist


def meeting_for(team: Team, pk: int, *, drafts: bool = False) -> TeamMeeting:
    """One of the team's meetings. ``drafts``: as on the team's page, its leader and the
    school's CPD leaders see a meeting of a year not yet published; a member, who cannot see
    it listed, cannot open it by its address either (DoesNotExist)."""
    meeting = TeamMeeting.objects.select_related("series", "priority", "team__school").get(
        team=team, pk=pk
    )
    if not drafts and not meeting_is_published(meeting):
        raise TeamMeeting.DoesNotExist("A meeting of a year its school has not yet published.")
    return meeting


@dataclass
class TeamPage:
    team: Team
    members: list[User]
    series: list[MeetingSeries]
    upcoming: list[TeamMeeting]
    recent: list[TeamMeeting]
    booked: object  # members with a session to come ("fewer than 5" under five)
    with_goal: object  # members with an active goal this year
    published: set[int] = field(default_factory=set)  # academic years whose plan is published


def team_page(team: Team, *, drafts: bool = False) -> TeamPage:
    """``drafts``: the team's leader and CPD leaders see meetings of a year not yet published
    (marked); its members see only the published years' meetings."""
    now = timezone.now()
    published = published_years(team.school)
    members = list(
        User.objects.filter(team_memberships__team=team).order_by("last_name", "first_name")
    )
    ids = [m.pk for m in members]
    booked = (
        Booking.objects.filter(
            user_id__in=ids,
            status=Booking.Status.CONFIRMED,
            session__start__gte=now,
        )
        .values("user")
        .distinct()
        .count()
    )
    with_goal = (
        Goal.objects.filter(owner_id__in=ids, status=Goal.Status.ACTIVE)
        .values("owner")
        .distinct()
        .count()
    )
    meetings = TeamMeeting.objects.filter(team=team).select_related("priority")
    if not drafts:
        spans = published_spans([(None, team.school_id, y) for y in published])
        meetings = meetings.filter(spans) if spans is not None else meetings.none()
    upcoming = list(meetings.filter(start__gte=now).order_by("start")[:6])
    recent = list(
        meetings.filter(start__lt=now)
        .annotate(came=Count("attendance", distinct=True))
        .order_by("-start")[:6]
    )
    for meeting in (*upcoming, *recent):
        meeting.is_draft = not meeting_is_published(meeting, published)
    return TeamPage(
        team=team,
        members=members,
        series=list(team.series.annotate(meeting_count=Count("meetings"))),
        upcoming=upcoming,
        recent=recent,
        booked=protect(booked),
        with_goal=protect(with_goal),
        published=published,
    )


def meeting_tries(meeting: TeamMeeting) -> list[TryNext]:
    return list(meeting.tries.select_related("user").order_by("user__last_name"))


def my_teams(user: User) -> list[Team]:
    """The teams I belong to, each with the time of its next published meeting (two queries)."""
    spans = published_spans(published_plans(user), school="school_id", start="meetings__start")
    upcoming = Q(meetings__start__gte=timezone.now()) & (spans if spans is not None else Q(pk=None))
    return list(
        Team.objects.filter(memberships__user=user)
        .select_related("school")
        .annotate(next_start=Min("meetings__start", filter=upcoming))
        .order_by("name")
    )


def school_teams(school: School) -> list[Team]:
    return list(
        school.teams.select_related("leader").annotate(
            member_count=Count("memberships", distinct=True)
        )
    )


# --- The year planner ----------------------------------------------------------------------


BADGES = {
    "inset": "INSET",
    "twilight": "Twilight",
    "protected": "Protected",
    "coaching": "Coaching",
    "session": "Session",
    "team": "Team",
    "term": "Term",
}


@dataclass
class Month:
    first: datetime.date
    items: list = field(default_factory=list)  # (day, kind, badge, label)


@dataclass
class Planner:
    school: School
    year: int
    plan: YearPlan | None
    show: bool  # the plan is published, or the reader may see the draft
    terms: list[Term]
    dates: list[PlanDate]
    series: list[MeetingSeries]
    sessions: list[DevelopmentSession]
    priorities: list[Priority]
    windows: list[PlanDate]  # coaching windows (the individuals stream), each with .coaching
    months: list[Month]
    clashes: list[str]
    proposals: list[CommunityDate]


def _days(item: PlanDate):
    day = item.start
    while day <= item.end:
        yield day
        day += datetime.timedelta(days=1)


def _school_sessions(school: School, first: datetime.date, last: datetime.date):
    tz = timezone.get_default_timezone()
    span = (
        datetime.datetime.combine(first, datetime.time(0), tz),
        datetime.datetime.combine(last, datetime.time(23, 59), tz),
    )
    mine = Q(school=school) | Q(venue_school=school)
    if school.hub_id:
        mine |= Q(kind=DevelopmentSession.Kind.HUB_MEETING, hub_id=school.hub_id)
        mine |= Q(kind=DevelopmentSession.Kind.NETWORK_MEETING, network__hub_id=school.hub_id)
    return list(
        DevelopmentSession.objects.filter(
            mine,
            start__range=span,
            status__in=[DevelopmentSession.Status.PUBLISHED, DevelopmentSession.Status.COMPLETED],
        )
        .exclude(scope=DevelopmentSession.Scope.PRIVATE)
        .only("pk", "title", "kind", "start", "end")
        .order_by("start")[:300]
    )


def planner(school: School, year: int, *, draft: bool) -> Planner:
    """The academic year on one page: a fixed number of queries whatever the number of
    meetings; each month lists the whole-school dates and sessions, and how many team
    meetings it has (the series are listed once, below)."""
    first, last = year_dates(year)
    plan = YearPlan.objects.filter(school=school, academic_year=year).first()
    show = draft or (plan is not None and plan.published_at is not None)
    terms = [t for t in all_terms() if t.end >= first and t.start <= last]
    dates = list(plan.dates.all()) if plan is not None and show else []
    series = []
    if show:
        series = list(
            MeetingSeries.objects.filter(team__school=school, last_date__gte=first)
            .filter(first_date__lte=last)
            .select_related("team")
            .order_by("team__name", "first_date")
        )
        # The meetings' days, as London dates (no model instances: ~600 rows a year).
        days = defaultdict(list)
        for series_id, start in TeamMeeting.objects.filter(
            series__in=[s.pk for s in series]
        ).values_list("series_id", "start"):
            days[series_id].append(timezone.localtime(start).date())
        for s in series:
            s.days = sorted(days[s.pk])
    sessions = _school_sessions(school, first, last) if show else []
    priorities = list(
        Priority.objects.filter(school=school, academic_year=year).prefetch_related("areas")
    )
    proposals = list(CommunityDate.objects.filter(date__range=(first, last))) if draft else []

    months = [
        Month(first=datetime.date(year + (m < 8), m, 1)) for m in [*range(8, 13), *range(1, 8)]
    ]
    by_month = {(m.first.year, m.first.month): m for m in months}

    def put(day, kind, label, obj=None):
        month = by_month.get((day.year, day.month))
        if month is not None:
            month.items.append((day, kind, BADGES[kind], label))

    for term in terms:
        put(max(term.start, first), "term", f"{term.name} begins", term)
        put(min(term.end, last), "term", f"{term.name} ends", term)
    for item in dates:
        label = item.title
        if item.kind == PlanDate.Kind.COACHING:
            label = f"{item.title} (to {item.end:%a} {item.end.day} {item.end:%b})"
        put(item.start, item.kind, label, item)
    for session in sessions:
        put(timezone.localtime(session.start).date(), "session", session.title, session)
    per_month: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
    for s in series:
        seen = set()
        for day in s.days:
            per_month[(day.year, day.month)][0] += 1
            if (day.year, day.month) not in seen:
                seen.add((day.year, day.month))
                per_month[(day.year, day.month)][1] += 1
    for (y, m), (n, teams_meeting) in per_month.items():
        label = f"{n} meeting{'s' * (n != 1)} of {teams_meeting} team{'s' * (teams_meeting != 1)}"
        put(datetime.date(y, m, 1), "team", label)
    for month in months:
        month.items.sort(key=lambda i: (i[0], i[1], i[3]))

    windows = [d for d in dates if d.kind == PlanDate.Kind.COACHING]
    if draft and windows:
        _count_coaching(school, windows)
    return Planner(
        school=school,
        year=year,
        plan=plan,
        show=show,
        terms=terms,
        dates=[d for d in dates if d.kind != PlanDate.Kind.COACHING],
        windows=windows,
        series=series,
        sessions=sessions,
        priorities=priorities,
        months=months,
        clashes=clashes(dates, series, sessions) if draft else [],
        proposals=proposals,
    )


def _count_coaching(school: School, windows: list[PlanDate]) -> None:
    """How many coaching observations and meetings of the school's teachers fall in each
    window (counts only, for its CPD leaders; two queries)."""
    first, last = min(w.start for w in windows), max(w.end for w in windows)
    days = [
        *Observation.objects.filter(teacher__school=school, date__range=(first, last))
        .values_list("date", flat=True),
        *CoachingMeeting.objects.filter(teacher__school=school, date__range=(first, last))
        .values_list("date", flat=True),
    ]  # fmt: skip
    for window in windows:
        window.coaching = sum(window.start <= day <= window.end for day in days)


def clashes(dates: list[PlanDate], series: list[MeetingSeries], sessions) -> list[str]:
    """What to look at while planning: a team meeting on an INSET day, a team meeting or a
    session in a protected week, a twilight on an INSET day, a coaching window that overlaps a
    protected week or another coaching window."""
    inset = {day: d for d in dates if d.kind == PlanDate.Kind.INSET for day in _days(d)}
    protected = {day: d for d in dates if d.kind == PlanDate.Kind.PROTECTED for day in _days(d)}
    out = []
    windows = [d for d in dates if d.kind == PlanDate.Kind.COACHING]
    weeks = [d for d in dates if d.kind == PlanDate.Kind.PROTECTED]
    for index, window in enumerate(windows):
        for other in [*weeks, *windows[index + 1 :]]:
            if window.start <= other.end and other.start <= window.end:
                out.append(f"The coaching window “{window.title}” overlaps {other.title}.")
    for s in series:
        for day in s.days:
            when = f"{day:%A} {day.day} {day:%B %Y}"
            if day in inset:
                out.append(f"{s.team.name} meets on {when}, an INSET day ({inset[day].title}).")
            if day in protected:
                out.append(f"{s.team.name} meets on {when}, in {protected[day].title}.")
    for session in sessions:
        day = timezone.localtime(session.start).date()
        if day in protected:
            when = f"{day:%A} {day.day} {day:%B %Y}"
            out.append(f"“{session.title}” is on {when}, in {protected[day].title}.")
    for d in dates:
        if d.kind == PlanDate.Kind.TWILIGHT and d.start in inset:
            out.append(f"The twilight “{d.title}” is on an INSET day ({inset[d.start].title}).")
    return out


def inset_side_by_side(year: int) -> tuple[list[School], list[tuple[datetime.date, list[bool]]]]:
    """The coordinator's view: every school's INSET days of a year, one row a day, one column a
    school (three queries)."""
    first, last = year_dates(year)
    schools = list(School.objects.order_by("name").only("pk", "name", "urn"))
    column = {s.pk: i for i, s in enumerate(schools)}
    rows: dict[datetime.date, list[bool]] = {}
    items = PlanDate.objects.filter(
        kind=PlanDate.Kind.INSET, plan__academic_year=year
    ).select_related("plan")
    for item in items:
        for day in _days(item):
            rows.setdefault(day, [False] * len(schools))[column[item.plan.school_id]] = True
    for proposal in CommunityDate.objects.filter(date__range=(first, last)):
        rows.setdefault(proposal.date, [False] * len(schools))
    return schools, sorted(rows.items())

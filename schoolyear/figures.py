"""
Figures a CPD leader sees about their school's year (counts only, "fewer than 5" for a figure
about one to four people: cpdhub/small_numbers.py):

- coverage per priority: how many staff have a goal on one of its areas this year, attended a
  session on one, are in a team whose meeting took it as its focus, or have a coaching step in
  its category (a fixed number of queries whatever the number of priorities);
- the three streams for the term: whole-school time used and planned, team meetings held with
  a teaching-and-learning focus, and individuals with an active goal, a coaching step or a
  follow-up answered this term, and the term's coaching windows.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils import timezone

from coaching.models import ActionStep
from cpd_sessions.models import Attendance
from cpdhub.academic_year import year_span
from cpdhub.small_numbers import protect
from hubs.models import School
from hubs.term_dates import current_term, next_term
from portfolios.models import Goal, ImpactFollowUp

from .meetings import london
from .models import PlanDate, Priority, TeamMeeting


@dataclass
class Coverage:
    priority: Priority
    goal: object
    session: object
    team: object
    coaching: object


def coverage(school: School, year: int) -> list[Coverage]:
    """Five queries: the priorities, then one for each way of being covered."""
    priorities = list(
        Priority.objects.filter(school=school, academic_year=year).prefetch_related("areas")
    )
    if not priorities:
        return []
    start, end = year_span(year)
    by_area_goal: dict[int, set[int]] = defaultdict(set)
    for area, owner in Goal.objects.filter(
        owner__school=school, academic_year=year, areas__isnull=False
    ).values_list("areas", "owner"):
        by_area_goal[area].add(owner)
    by_area_session: dict[int, set[int]] = defaultdict(set)
    for area, user in Attendance.objects.filter(
        present=True,
        booking__user__school=school,
        booking__session__start__range=(start, end),
        booking__session__areas__isnull=False,
    ).values_list("booking__session__areas", "booking__user"):
        by_area_session[area].add(user)
    by_priority_team: dict[int, set[int]] = defaultdict(set)
    for priority, user in TeamMeeting.objects.filter(
        team__school=school, priority__academic_year=year, team__memberships__isnull=False
    ).values_list("priority", "team__memberships__user"):
        by_priority_team[priority].add(user)
    by_category: dict[str, set[int]] = defaultdict(set)
    for category, teacher in ActionStep.objects.filter(
        teacher__school=school, created_at__range=(start, end)
    ).values_list("category", "teacher"):
        by_category[category].add(teacher)

    out = []
    for p in priorities:
        areas = [a.pk for a in p.areas.all()]
        goal = set().union(*(by_area_goal[a] for a in areas)) if areas else set()
        session = set().union(*(by_area_session[a] for a in areas)) if areas else set()
        coaching = by_category[p.coaching_category] if p.coaching_category else set()
        out.append(
            Coverage(
                priority=p,
                goal=protect(len(goal)),
                session=protect(len(session)),
                team=protect(len(by_priority_team[p.pk])),
                coaching=protect(len(coaching)),
            )
        )
    return out


@dataclass
class Streams:
    term_name: str
    inset_used: int
    inset_planned: int
    twilight_hours_used: float
    twilight_hours_planned: float
    meetings_held: int
    meetings_with_focus: int
    meetings_planned: int
    with_goal: object
    with_coaching: object
    with_follow_up: object  # answered a six-week follow-up this term
    coaching_windows: list = field(default_factory=list)  # this term's, in order


def streams(school: School, today: datetime.date | None = None) -> Streams | None:
    """The term now (or the next one, between terms): five queries."""
    today = today or timezone.localdate()
    term = current_term(today) or next_term(today)
    if term is None:
        return None
    inset_used = inset_planned = 0
    hours_used = hours_planned = 0.0
    windows = []
    for item in PlanDate.objects.filter(
        plan__school=school,
        kind__in=[PlanDate.Kind.INSET, PlanDate.Kind.TWILIGHT, PlanDate.Kind.COACHING],
        start__lte=term.end,
        end__gte=term.start,
    ):
        past = item.end < today
        if item.kind == PlanDate.Kind.COACHING:
            windows.append(item)
            continue
        if item.kind == PlanDate.Kind.INSET:
            days = (item.end - item.start).days + 1
            inset_used += days if past else 0
            inset_planned += 0 if past else days
        else:
            hours = (
                london(item.start, item.end_time) - london(item.start, item.start_time)
            ).total_seconds() / 3600
            hours_used += hours if past else 0
            hours_planned += 0 if past else hours
    now = timezone.now()
    held = with_focus = planned = 0
    for start, focus in TeamMeeting.objects.filter(
        team__school=school,
        start__gte=london(term.start, datetime.time(0)),
        start__lte=london(term.end, datetime.time(23, 59)),
    ).values_list("start", "focus"):
        if start < now:
            held += 1
            with_focus += bool(focus)
        else:
            planned += 1
    goals = (
        Goal.objects.filter(owner__school=school, owner__is_active=True, status=Goal.Status.ACTIVE)
        .values("owner")
        .distinct()
        .count()
    )
    coaching = (
        ActionStep.objects.filter(
            teacher__school=school,
            teacher__is_active=True,
            status__in=[ActionStep.Status.SET, ActionStep.Status.PRACTISING],
        )
        .values("teacher")
        .distinct()
        .count()
    )
    follow_ups = (
        ImpactFollowUp.objects.filter(
            entry__owner__school=school,
            entry__owner__is_active=True,
            answered_at__gte=london(term.start, datetime.time(0)),
        )
        .values("entry__owner")
        .distinct()
        .count()
    )
    return Streams(
        term_name=term.name,
        inset_used=inset_used,
        inset_planned=inset_planned,
        twilight_hours_used=hours_used,
        twilight_hours_planned=hours_planned,
        meetings_held=held,
        meetings_with_focus=with_focus,
        meetings_planned=planned,
        with_goal=protect(goals),
        with_coaching=protect(coaching),
        with_follow_up=protect(follow_ups),
        coaching_windows=sorted(windows, key=lambda w: w.start),
    )

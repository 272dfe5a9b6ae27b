"""
The school's year for the demo: the demo leader's school has this year and next year planned
and published (INSET days, a twilight, a protected reporting week, a coaching window, two
priorities), three teams with fortnightly meeting series, and the demo teacher in one of them.
Next year's terms are added when missing. Idempotent: teams, dates and priorities are found by name; a team's series
is made once.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cpdhub.academic_year import academic_year_of
from experts.models import ExpertiseArea
from hubs.demo import term_dates
from hubs.models import School, Term, User
from hubs.term_dates import all_terms

from . import meetings, plan, teams
from .models import CommunityDate, PlanDate, Priority, Team, TeamMembership

DEMO_URN = 148101
TEAMS = [
    (
        "English",
        Team.Kind.DEPARTMENT,
        "Vocabulary: teaching tier 2 words explicitly in every lesson.",
    ),
    ("Key Stage 2", Team.Kind.PHASE, "Retrieval practice at the start of every maths lesson."),
    ("ECTs and mentors", Team.Kind.OTHER, "Routines for a calm start to every lesson."),
]
PRIORITIES = [
    ("Questioning that makes every pupil think", ["questioning"], "questioning",
     "Too few pupils answer in most lessons; we want everyone thinking, every time."),
    ("Reading across the curriculum", ["early-reading-and-phonics"], "",
     "Pupils who read fluently learn more in every subject."),
]  # fmt: skip


LENGTH = {PlanDate.Kind.PROTECTED: 4, PlanDate.Kind.COACHING: 39}  # days after the first


def _first(day: datetime.date, weekday: int) -> datetime.date:
    return day + datetime.timedelta(days=(weekday - day.weekday()) % 7)


def _next_year_terms(year: int) -> None:
    names = {t.name for t in Term.objects.all()}
    for name, start, end in term_dates(year):
        if name in names or Term.objects.filter(start__lte=end, end__gte=start).exists():
            continue
        Term.objects.create(name=name, start=start, end=end)


def _year(school: School, leader: User, year: int) -> None:
    terms = [t for t in all_terms() if academic_year_of(t.start) == year]
    if not terms:
        return
    autumn, later = terms[0], terms[1:]
    wanted = [
        (PlanDate.Kind.INSET, "INSET: the year ahead", autumn.start, None, None),
        (PlanDate.Kind.INSET, "INSET: questioning", _first(autumn.start + datetime.timedelta(days=60), 0), None, None),
        (PlanDate.Kind.TWILIGHT, "Twilight: reading fluency", _first(autumn.start + datetime.timedelta(days=30), 1),
         datetime.time(15, 45), datetime.time(17, 15)),
    ]  # fmt: skip
    # The individuals stream: a coaching window of six weeks in the second half of autumn.
    cycle = _first(autumn.start + datetime.timedelta(days=56), 0)
    wanted.append((PlanDate.Kind.COACHING, "Coaching cycle 1", cycle, None, None))
    if later:
        wanted.append(
            (PlanDate.Kind.INSET, "INSET: subject leadership", later[0].start, None, None)
        )
        report = _first(later[0].end - datetime.timedelta(days=14), 0)
        wanted.append((PlanDate.Kind.PROTECTED, "Reporting week", report, None, None))
    for kind, title, start, start_time, end_time in wanted:
        if PlanDate.objects.filter(
            plan__school=school, plan__academic_year=year, title=title
        ).exists():
            continue
        plan.date_add(
            school=school, by=leader, kind=kind, title=title, start=start,
            end=start + datetime.timedelta(days=LENGTH[kind]) if kind in LENGTH else None,
            start_time=start_time, end_time=end_time,
        )  # fmt: skip
    for title, areas, category, why in PRIORITIES:
        if not Priority.objects.filter(school=school, academic_year=year, title=title).exists():
            plan.priority_create(
                school=school, by=leader, year=year, title=title, why=why,
                areas=ExpertiseArea.objects.filter(slug__in=areas), coaching_category=category,
            )  # fmt: skip
    plan.plan_publish(school=school, by=leader, year=year)


@transaction.atomic
def seed(today: datetime.date | None = None) -> None:
    today = today or timezone.localdate()
    school = School.objects.filter(urn=DEMO_URN).first()
    leader = User.objects.filter(email="leader@demo.test").first()
    teacher = User.objects.filter(email="teacher@demo.test").first()
    if school is None or leader is None or teacher is None:
        return
    year = academic_year_of(today)
    _next_year_terms(year + 1)
    staff = list(
        User.objects.filter(school=school, is_active=True)
        .exclude(pk__in=[leader.pk, teacher.pk])
        .order_by("pk")[:12]
    )
    for index, (name, kind, focus) in enumerate(TEAMS):
        team = Team.objects.filter(school=school, name=name).first()
        if team is None:
            team_leader = staff[index] if index < len(staff) else leader
            team = teams.team_create(
                school=school, by=leader, name=name, kind=kind, leader=team_leader, focus=focus
            )
        for person in staff[index * 4 : index * 4 + 4]:
            TeamMembership.objects.get_or_create(team=team, user=person)
        if name == "English":
            TeamMembership.objects.get_or_create(team=team, user=teacher)
        if not team.series.exists():
            for first, last in [
                (today - datetime.timedelta(weeks=6), datetime.date(year + 1, 7, 15)),
                (datetime.date(year + 1, 9, 1), datetime.date(year + 2, 7, 15)),
            ]:
                first = _first(first, 2)  # Wednesdays
                try:
                    meetings.series_create(
                        team=team, by=leader, first_date=first, last_date=last,
                        start_time=datetime.time(15, 30), end_time=datetime.time(16, 30),
                    )  # fmt: skip
                except ValidationError:  # a year with no term dates: no series
                    continue
    for y in (year, year + 1):
        _year(school, leader, y)
    # The coordinator proposes a community-wide INSET day this summer, for schools to adopt.
    spring = datetime.date(year + 1, 6, 28)
    CommunityDate.objects.get_or_create(
        date=_first(spring, 0),
        defaults={
            "title": "Community INSET: reading for pleasure",
            "proposed_by": User.objects.filter(email="coordinator@demo.test").first(),
        },
    )
    # A meeting two weeks ago with its focus set and what members will try.
    english = Team.objects.get(school=school, name="English")
    past = english.meetings.filter(start__lt=timezone.now()).order_by("-start").first()
    if past is not None and not past.focus:
        meetings.meeting_update(
            meeting=past, by=leader, focus="Pre-teaching tier 2 words before a new text",
            agenda="Share one lesson each; choose three words for next week's text.",
            priority=Priority.objects.filter(school=school, academic_year=year).first(),
        )  # fmt: skip
        meetings.try_save(
            meeting=past, by=teacher, text="Pre-teach 'reluctant' and 'peculiar' with Year 5."
        )

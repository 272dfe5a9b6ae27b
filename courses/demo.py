"""
Courses for the demo community: six external courses with colleagues' reviews (the first, on
questioning, recommended by two colleagues of other schools), a request from the demo teacher
to attend it waiting for the demo leader (cover, supply and travel; Grace at Millbrook offers
questioning in the community), and two outside networks serving demo schools.

Idempotent: courses and networks are found by title and name, reviews by course and reviewer,
and the teacher's request is made only when no live one exists.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from cpd_sessions.models import Booking
from experts.models import ExpertiseArea
from hubs.models import Phase, School, User
from portfolios.models import Goal

from . import services
from .models import Course, CourseRequest, OutsideNetwork

# title, provider, format, cost, weeks ahead (None: on demand), areas, phases, reviews
# (rating, recommend, for whom, comment) by successive demo colleagues.
COURSES = [
    (
        "Questioning that makes every pupil think",
        "Northern Teaching Institute",
        Course.Format.IN_PERSON,
        Decimal("195.00"),
        3,
        ["questioning", "assessment-for-learning"],
        ["primary", "secondary"],
        [
            (5, True, "any class teacher, especially KS2", "Hinge questions I used the next day."),
            (4, True, "early career teachers", "Cold calling without the fear: well modelled."),
            (3, False, "", "Good, but much of it I knew from our own twilights."),
        ],
    ),
    (
        "Retrieval practice in a week",
        "Evidence into Practice Ltd",
        Course.Format.ONLINE,
        Decimal("60.00"),
        None,
        ["retrieval-practice"],
        ["secondary"],
        [(4, True, "heads of department", "Short units, quizzes you can use on Monday.")],
    ),
    (
        "Mastery in maths: the first steps",
        "Pennine Maths Partnership",
        Course.Format.BLENDED,
        Decimal("240.00"),
        6,
        ["maths-mastery"],
        ["primary"],
        [
            (5, True, "Year 1 to Year 4 teachers", "Manipulatives and CPA with real lessons."),
            (4, True, "maths leads", "The gap tasks between sessions were worth it."),
        ],
    ),
    (
        "SEND in the mainstream classroom",
        "Inclusive Schools Trust",
        Course.Format.IN_PERSON,
        Decimal("320.00"),
        8,
        ["send", "adaptive-teaching"],
        ["primary", "secondary"],
        [(4, True, "TAs and class teachers together", "Practical scaffolds, no jargon.")],
    ),
    (
        "Leading a subject: the middle leader's year",
        "Northern Teaching Institute",
        Course.Format.IN_PERSON,
        Decimal("450.00"),
        10,
        ["middle-leadership"],
        ["secondary"],
        [(3, False, "", "Useful for new leaders only; expensive for a day.")],
    ),
    (
        "Oracy across the curriculum",
        "Speak Up Education",
        Course.Format.ONLINE,
        Decimal("0.00"),
        None,
        ["oracy"],
        ["primary", "secondary"],
        [(5, True, "anyone starting talk routines", "Free, short and well made.")],
    ),
]

NETWORKS = [
    (
        "Northgate Maths Hub",
        OutsideNetwork.Kind.MATHS_HUB,
        "https://www.ncetm.org.uk/maths-hubs/",
        "Maths Hub lead: hub@northgate-maths.example",
        ["maths-mastery"],
    ),
    (
        "Pennine Research School",
        OutsideNetwork.Kind.RESEARCH_SCHOOL,
        "https://researchschool.org.uk/",
        "Research School director: 01234 567890",
        ["questioning", "metacognition", "feedback"],
    ),
]


def _next_weekday(day: datetime.date) -> datetime.date:
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day


@transaction.atomic
def seed() -> None:
    areas = {a.slug: a for a in ExpertiseArea.objects.all()}
    phases = {p.slug: p for p in Phase.objects.all()}
    coordinator = User.objects.get(email="coordinator@demo.test")
    teacher = User.objects.get(email="teacher@demo.test")
    today = timezone.localdate()
    colleagues = list(
        User.objects.filter(school__isnull=False, is_active=True)
        .exclude(email__endswith="@demo.test")
        .exclude(school_id=teacher.school_id)
        .order_by("email")[:12]
    )
    first = None
    for index, (title, provider, fmt, cost, weeks, slugs, phase_slugs, reviews) in enumerate(
        COURSES
    ):
        course = Course.objects.filter(title=title).first()
        if course is None:
            course = services.course_add(
                by=coordinator,
                title=title,
                provider_name=provider,
                format=fmt,
                cost=cost,
                starts_on=None if weeks is None else today + datetime.timedelta(weeks=weeks),
                on_demand=weeks is None,
                areas=[areas[s] for s in slugs if s in areas],
                phases=[phases[s] for s in phase_slugs if s in phases],
                description=f"A course by {provider}.",
            )
        for offset, (rating, recommend, for_whom, comment) in enumerate(reviews):
            if not colleagues:
                break
            reviewer = colleagues[(index * 2 + offset) % len(colleagues)]
            services.review_save(
                by=reviewer,
                course=course,
                attended_on=today - datetime.timedelta(days=40 + 10 * offset),
                rating=rating,
                recommend=recommend,
                for_whom=for_whom,
                comment=comment,
            )
        first = first or course

    for name, kind, link, contact, slugs in NETWORKS:
        network, _ = OutsideNetwork.objects.update_or_create(
            name=name, defaults={"kind": kind, "link": link, "contact": contact}
        )
        network.areas.set([areas[s] for s in slugs if s in areas])
        network.schools.set(School.objects.filter(urn__in=[148101, 148102, 148103]))

    live = CourseRequest.objects.filter(
        requester=teacher,
        course=first,
        booking__status__in=[Booking.Status.PENDING, Booking.Status.CONFIRMED],
    )
    goal = Goal.objects.filter(owner=teacher, status=Goal.Status.ACTIVE).order_by("pk").first()
    if first is not None and goal is not None and not live.exists():
        # A course on three days, not in a row: a day, a second a week later, a third after a
        # fortnight of trying it in class.
        day_one = _next_weekday(today + datetime.timedelta(weeks=3))
        days = [day_one, _next_weekday(day_one + datetime.timedelta(weeks=1))]
        days.append(_next_weekday(days[-1] + datetime.timedelta(weeks=2)))
        services.course_request_create(
            by=teacher,
            course=first,
            days=[(day, datetime.time(9, 0), datetime.time(15, 30)) for day in days],
            fee=first.cost,
            travel_cost=Decimal("72.00"),
            supply_cost=Decimal("540.00"),
            cover_lessons=15,
            cover_notes="Year 4, the three days: supply teacher",
            why="Our questioning goal: the course shows hinge questions in KS2 lessons.",
            goal=goal,
        )

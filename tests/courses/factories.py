"""Courses, reviews, requests and outside networks for the tests, through the services."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from courses import services
from courses.models import Course, OutsideNetwork
from experts.models import ExpertiseArea
from tests.cpd_sessions.factories import london


def area(slug: str = "questioning") -> ExpertiseArea:
    return ExpertiseArea.objects.get(slug=slug)


def make_course(by, *, title="Questioning in depth", provider="Northern Institute", **extra):
    data = {
        "format": Course.Format.IN_PERSON,
        "cost": Decimal("195.00"),
        "starts_on": timezone.localdate() + datetime.timedelta(days=30),
        "areas": [area()],
    } | extra
    return services.course_add(by=by, title=title, provider_name=provider, **data)


def course_days(*offsets, start=datetime.time(9, 0), end=datetime.time(15, 30)) -> list:
    """(date, start, end) for days this many days from now."""
    return [(timezone.localdate(london(n, 9, 0)), start, end) for n in offsets]


def make_request(by, course, goal, *, days=14, dates=None, **extra):
    """``days``: how far ahead its one day is (or the list of its days); ``dates``: offsets of
    several days."""
    data = {
        "days": days if isinstance(days, list) else course_days(*(dates or [days])),
        "fee": course.cost,
        "travel_cost": Decimal("20.00"),
        "supply_cost": Decimal("180.00"),
        "cover_lessons": 5,
        "cover_notes": "Year 4",
        "why": "Private reason: my questioning goal",
        "goal": goal,
    } | extra
    return services.course_request_create(by=by, course=course, **data)


def review(by, course, *, rating=5, recommend=True, days_ago=10, **extra):
    return services.review_save(
        by=by,
        course=course,
        attended_on=timezone.localdate() - datetime.timedelta(days=days_ago),
        rating=rating,
        recommend=recommend,
        **extra,
    )


def make_network(name="Northgate Maths Hub", *, schools=(), areas=()):
    network = OutsideNetwork.objects.create(name=name, kind=OutsideNetwork.Kind.MATHS_HUB)
    network.schools.set(schools)
    network.areas.set(areas)
    return network

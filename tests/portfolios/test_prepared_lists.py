"""
/portfolio/'s lists and the dashboard's portfolio card and next sessions are prepared queries
(cpdhub/prepared.py): for two people with goals across years, needs, entries and follow-ups
(and sessions they lead, hold or wait for), each gives what the plain queryset gives, in order
and with the same values, and nobody else's rows.
"""

import datetime
from decimal import Decimal

import pytest
from django.db.models import Q
from django.utils import timezone

from cpd_sessions import listing
from cpd_sessions.models import Booking, DevelopmentSession
from cpdhub.academic_year import current_academic_year
from experts.models import ExpertiseArea
from portfolios import home
from portfolios.models import Goal, Need
from portfolios.selectors import due_follow_ups, my_entries, with_progress
from tests.cpd_sessions.factories import SessionFactory, book
from tests.factories import UserFactory

from .factories import EntryFactory, GoalFactory, NeedFactory, follow_up_for

pytestmark = pytest.mark.django_db


def _values(rows) -> list[dict]:
    return [{k: v for k, v in row.__dict__.items() if k[0] != "_"} for row in rows]


def _someone_busy(areas):
    person = UserFactory()
    year = current_academic_year()
    for i in range(4):
        goal = GoalFactory(
            owner=person,
            academic_year=year - (i % 2),
            status=Goal.Status.ACTIVE if i % 3 else Goal.Status.ACHIEVED,
        )
        goal.areas.set(areas[i % 2 : i % 2 + 2])
        for day in range(3):
            entry = EntryFactory(
                owner=person,
                date=timezone.localdate() - datetime.timedelta(days=day * 40 + i),
                hours=Decimal("1.5") + i,
            )
            entry.goals.add(goal)
            if day:
                follow_up_for(entry, days_ago=day * 3 - 4)
    for i in range(3):
        NeedFactory(owner=person, area=areas[i], status=Need.Status.OPEN if i else "met")
    return person


def test_each_prepared_list_is_its_queryset():
    areas = list(ExpertiseArea.objects.order_by("pk")[:3])
    people = [_someone_busy(areas), _someone_busy(areas)]
    today, year = timezone.localdate(), current_academic_year()
    for person in people:
        assert _values(home._home_goals(person.pk, year)) == _values(
            with_progress(
                Goal.objects.filter(owner=person).filter(
                    Q(academic_year=year) | Q(status=Goal.Status.ACTIVE)
                )
            ).order_by("status", "-academic_year", "title")
        )
        goals = home._home_goals(person.pk, year)
        assert all(g.owner_id == person.pk for g in goals)
        assert len(goals) >= 3
        assert [sorted(a.pk for a in g.areas.all()) for g in goals] == [
            sorted(a.pk for a in g.areas.all())
            for g in with_progress(Goal.objects.filter(pk__in=[g.pk for g in goals])).order_by(
                "status", "-academic_year", "title"
            )
        ]
        assert _values(home._home_needs(person.pk)) == _values(
            Need.objects.filter(owner=person).order_by("status", "-created_at")[:50]
        )
        entries = home._home_entries(person.pk)
        assert _values(entries) == _values(home._with_goal_titles(my_entries(person))[:10])
        assert len(entries) == 10
        assert all(e.goal_titles for e in entries)
        follow_ups = home._home_follow_ups(person.pk, today)
        assert _values(follow_ups) == _values(due_follow_ups(user=person, today=today)[:20])
        assert follow_ups
        assert all(f.entry.owner_id == person.pk for f in follow_ups)
        assert _values(home._panel_goals(person.pk)) == _values(
            with_progress(Goal.objects.filter(owner=person, status=Goal.Status.ACTIVE))
            .prefetch_related(None)
            .order_by("-academic_year", "title")[:5]
        )
        assert _values(home._panel_follow_ups(person.pk, today)) == _values(follow_ups[:5])


def test_my_next_sessions_are_those_i_lead_hold_or_wait_for_soonest_first():
    me, other = UserFactory(), UserFactory()
    SessionFactory(title="I lead", leads=[me])
    held = SessionFactory(title="I hold a place")
    book(held, me)
    waiting = SessionFactory(title="I wait", capacity=1)
    book(waiting, other)
    book(waiting, me)
    cancelled_booking = SessionFactory(title="I cancelled")
    book(cancelled_booking, me)
    Booking.objects.filter(session=cancelled_booking, user=me).update(
        status=Booking.Status.CANCELLED
    )
    SessionFactory(title="Not mine")
    SessionFactory(title="Called off", leads=[me], status=DevelopmentSession.Status.CANCELLED)
    found = listing.my_next_sessions(me)
    plain = listing._my_next_sessions_query(me.pk, timezone.now())[:5]
    assert _values(found) == _values(plain)
    assert {s.title for s in found} == {"I lead", "I hold a place", "I wait"}
    assert {s.title: s.my_status for s in found}["I wait"] == Booking.Status.WAITLISTED
    assert [s.title for s in listing.my_next_sessions(me, limit=1)] == [found[0].title]
    assert listing.my_next_sessions(other)[0].title == "I wait"

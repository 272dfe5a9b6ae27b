"""Query budgets: the pages everyone opens most cost at most 10 queries each, the
same with one row as with many."""

import pytest
from django.urls import reverse

from cpd_sessions.models import CpdBudget
from cpdhub.academic_year import current_academic_year
from experts.models import ExpertiseArea
from hubs.models import Phase, Subject
from tests.cpd_sessions.factories import SessionFactory, book, london
from tests.experts.factories import ExpertProfileFactory, offer
from tests.factories import SubjectNetworkFactory, TermFactory, UserFactory
from tests.portfolios.test_queries_and_suggestions import add_portfolio

pytestmark = pytest.mark.django_db

BUDGET = 10


def populate(personas, n: int) -> list:
    """n of everything the four pages list for the owner: networks, sessions in the areas of
    their goals and needs (and recordings), bookings and a waitlist, goals, entries, needs,
    follow-ups."""
    owner = personas.owner
    areas = list(ExpertiseArea.objects.order_by("pk")[:3])
    owner.subjects.add(*Subject.objects.order_by("pk")[:2])
    owner.phases.add(*Phase.objects.order_by("pk")[:1])
    sessions = []
    for _ in range(n):
        network = SubjectNetworkFactory(subject=Subject.objects.order_by("pk").first())
        network.members.add(owner, personas.colleague)
        SubjectNetworkFactory(subject=Subject.objects.order_by("pk").first())
        session = SessionFactory(leads=[personas.colleague], capacity=1)
        session.areas.set(areas)
        recorded = SessionFactory(
            start=london(-30),
            recording_url="https://video.example.test/r",
            leads=[personas.colleague],
        )
        recorded.areas.set(areas)
        SessionFactory(leads=[personas.colleague]).areas.set(areas)  # not booked: suggested
        book(session, owner)
        book(session, UserFactory(school=personas.other_school))  # waitlisted
        full = SessionFactory(leads=[personas.colleague], capacity=1)
        book(full, UserFactory(school=personas.other_school))
        book(full, owner)  # the owner waits
        sessions += [session, full]
    add_portfolio(owner, n)
    return sessions


def pages(sessions) -> list[str]:
    return [
        reverse("home"),
        reverse("portfolios:home"),
        reverse("cpd_sessions:list"),
        sessions[0].get_absolute_url(),  # booked
        sessions[1].get_absolute_url(),  # on the waitlist
    ]


def test_main_pages_fit_the_budget_with_one_row_and_with_many(client, personas, count_queries):
    TermFactory()
    offer(ExpertProfileFactory(user=personas.owner), "questioning")
    CpdBudget.objects.create(
        user=personas.owner,
        academic_year=current_academic_year(),
        allocated="500.00",
        set_by=personas.leader,
    )
    client.force_login(personas.owner)
    sessions = populate(personas, 1)
    one = {url: count_queries(url) for url in pages(sessions)}
    populate(personas, 12)
    many = {url: count_queries(url) for url in pages(sessions)}
    assert many == one
    assert max(many.values()) <= BUDGET

    # What the budget pays for is on the pages (the test counts full pages, not empty ones).
    home, portfolio, _, booked, waiting = (
        client.get(url).content.decode() for url in pages(sessions)
    )
    assert "Your subject networks" in home
    assert "Networks for your subjects" in home
    assert "find you for questioning (advice by email)" in home  # what my profile offers
    assert "£500.00" in portfolio
    assert "Upcoming sessions" in portfolio
    assert "Recordings" in portfolio
    assert " h · for Goal " in portfolio  # each recent entry's goal, by title
    assert "You are number 1 on the waitlist" in waiting
    assert "You are number" not in booked

"""The courses pages, the approvals page with external courses on it, and the pages showing
outside networks cost the same number of queries with one row as with many."""

import pytest

from tests.experts.factories import ExpertProfileFactory, offer
from tests.factories import UserFactory
from tests.portfolios.factories import GoalFactory

from .factories import area, make_course, make_network, make_request, review

pytestmark = pytest.mark.django_db

BUDGET = 20


def populate(personas, n: int, goal, start: int = 0) -> None:
    for i in range(start, start + n):
        course = make_course(personas.coordinator, title=f"Questioning course {i}")
        for _ in range(2):
            review(UserFactory(school=personas.other_school), course, comment=f"Review {i}")
        make_request(personas.owner, course, goal, days=10 + i)
        profile = ExpertProfileFactory(user=UserFactory(school=personas.other_school))
        offer(profile, "questioning")
        make_network(f"Network {i}", schools=[personas.school], areas=[area()])


def test_course_pages_fit_the_budget_with_one_row_and_with_many(client, personas, count_queries):
    goal = GoalFactory(owner=personas.owner)
    goal.areas.set([area()])
    populate(personas, 1, goal)
    first = make_course(personas.coordinator, title="Questioning first")
    review(UserFactory(school=personas.other_school), first)
    pages = [
        "/courses/",
        "/courses/?q=questioning&area=questioning&format=in_person&cost=100-250&sort=cost",
        first.get_absolute_url(),
        "/courses/requests/",
        "/outside-networks/",
        f"/schools/{personas.school.urn}/",
        goal.get_absolute_url(),
        "/experts/?q=questioning",
    ]
    client.force_login(personas.owner)
    one = {url: count_queries(url) for url in pages}
    for _ in range(3):
        review(UserFactory(school=personas.other_school), first)
    populate(personas, 8, goal, start=1)
    many = {url: count_queries(url) for url in pages}
    assert many == one
    assert max(many.values()) <= BUDGET
    assert "Questioning course 7" in client.get("/courses/").content.decode()


def test_the_approvals_page_with_external_courses_fits_the_same_budget(
    client, personas, count_queries
):
    goal = GoalFactory(owner=personas.owner)
    populate(personas, 1, goal)
    client.force_login(personas.leader)
    one = count_queries("/sessions/approvals/")
    populate(personas, 8, goal, start=1)
    many = count_queries("/sessions/approvals/")
    assert many == one
    assert "In the community:" in client.get("/sessions/approvals/").content.decode()

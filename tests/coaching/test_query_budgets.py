"""/coaching/, /coaching/<id>/ and /coaching/steps/ cost at most 12 queries each, the same with
one row as with many (steps, shares, visits)."""

import pytest

from coaching import services
from cpd_sessions.booking import booking_create
from tests.cpd_sessions.factories import release_data
from tests.factories import UserFactory

from .factories import community_step, days, full_cycle, pair, plan_visit

pytestmark = pytest.mark.django_db

BUDGET = 12


def add(personas, relationship, n: int) -> None:
    coach = personas.outsider
    for i in range(n):
        teacher = UserFactory(school=personas.school)
        other = pair(coach, teacher, by=personas.leader)
        full_cycle(other, coach, teacher, met=-5, check_back=i - 2)
        _, _, step = full_cycle(relationship, coach, personas.owner, check_back=i)
        services.step_move(step=step, by=personas.owner, status="practising")
        services.share_create(by=personas.owner, item=step, colleague=personas.colleague)
        community_step(personas.coordinator, title=f"Step {i} for the budget")
        # A visit to the teacher's school (booked or not), with its private session.
        visit = plan_visit(relationship, coach, personas.school, date=days(20 + i))
        if i % 2:
            booking_create(session=visit.session, user=coach, release=release_data())


@pytest.mark.parametrize("who", ["coach", "teacher"])
def test_coaching_pages_fit_the_budget_with_one_row_and_with_many(
    client, personas, count_queries, who
):
    relationship = pair(personas.outsider, personas.owner, by=personas.leader)
    client.force_login(personas.outsider if who == "coach" else personas.owner)
    pages = [
        "/coaching/",
        relationship.get_absolute_url(),
        "/coaching/steps/",
        "/coaching/steps/?q=budget&category=questioning",
    ]
    add(personas, relationship, 1)
    one = {url: count_queries(url) for url in pages}
    add(personas, relationship, 8)
    many = {url: count_queries(url) for url in pages}
    assert many == one
    assert max(many.values()) <= BUDGET
    html = client.get("/coaching/").content.decode()
    assert ("My caseload" in html) == (who == "coach")
    assert client.get("/coaching/steps/").content.decode().count('class="card"') >= 9
    page = client.get(relationship.get_absolute_url()).content.decode()
    assert page.count("To observe, then meet at Ashgrove Primary School") == 9
    assert page.count("Release time:") == (9 if who == "coach" else 0)

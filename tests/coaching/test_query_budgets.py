"""/coaching/, /coaching/<id>/ and /coaching/steps/ cost at most 12 queries each, the same with
one row as with many."""

import pytest

from coaching import services
from tests.factories import UserFactory

from .factories import community_step, full_cycle, pair

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

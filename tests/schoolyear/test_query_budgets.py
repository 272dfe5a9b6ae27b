"""The team page, a meeting, the planner, the teams list, priorities and the coordinator's INSET
days cost at most 15 queries each, the same with one row as with many."""

import datetime

import pytest

from schoolyear import meetings, plan, teams
from schoolyear.models import CommunityDate
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

BUDGET = 15


def add(personas, team, n: int, start: int) -> None:
    for i in range(start, start + n):
        person = UserFactory(school=personas.school)
        teams.member_add(team=team, by=personas.leader, user=person)
        other = teams.team_create(
            school=personas.school,
            by=personas.leader,
            name=f"Team {i}",
            kind="other",
            leader=person,
        )
        meetings.series_create(
            team=other, by=personas.leader, first_date=datetime.date(2026, 9, 9 + i % 5),
            last_date=datetime.date(2026, 12, 16), start_time=datetime.time(15, 30),
            end_time=datetime.time(16, 30), every_weeks=1,
        )  # fmt: skip
        plan.date_add(
            school=personas.school, by=personas.leader, kind="inset", title=f"INSET {i}",
            start=datetime.date(2026, 9, 2) + datetime.timedelta(days=i * 7),
        )  # fmt: skip
        plan.priority_create(
            school=personas.school, by=personas.leader, year=2026, title=f"Priority {i}"
        )
        CommunityDate.objects.create(date=datetime.date(2027, 1, 4 + i), title=f"Proposed {i}")
        plan.date_add(
            school=personas.other_school,
            by=personas.other_leader, kind="inset", title=f"Other {i}",
            start=datetime.date(2026, 9, 3) + datetime.timedelta(days=i * 7),
        )  # fmt: skip


def test_the_school_years_pages_fit_the_budget_with_one_row_and_with_many(
    client, personas, series, count_queries
):
    personas.other_school.cpd_leaders.add(personas.other_leader)
    team = series.team
    meeting = series.meetings.order_by("start").first()
    urn = personas.school.urn
    leader_pages = [
        team.get_absolute_url(),
        meeting.get_absolute_url(),
        f"/schools/{urn}/year/?year=2026",
        f"/schools/{urn}/teams/",
        f"/schools/{urn}/priorities/?year=2026",
        "/",
    ]
    add(personas, team, 1, 0)
    client.force_login(personas.leader)
    one = {url: count_queries(url) for url in leader_pages}
    client.force_login(personas.coordinator)
    one["coordinator"] = count_queries("/coordinator/year/?year=2026")
    add(personas, team, 8, 1)
    client.force_login(personas.leader)
    many = {url: count_queries(url) for url in leader_pages}
    client.force_login(personas.coordinator)
    many["coordinator"] = count_queries("/coordinator/year/?year=2026")
    assert many == one
    assert max(v for k, v in many.items() if k != "/") <= BUDGET
    page = client.get("/coordinator/year/?year=2026").content.decode()
    assert page.count("Proposed</span>") == 9

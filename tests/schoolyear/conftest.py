import datetime

import pytest

from hubs.models import Term
from schoolyear import meetings, teams


@pytest.fixture
def terms(db):
    """Autumn 2026 as two half terms (half-term 26-30 October; the clocks go back on the 25th)."""
    return [
        Term.objects.create(
            name="Autumn 1 2026", start=datetime.date(2026, 9, 2), end=datetime.date(2026, 10, 23)
        ),
        Term.objects.create(
            name="Autumn 2 2026", start=datetime.date(2026, 11, 2), end=datetime.date(2026, 12, 18)
        ),
    ]


@pytest.fixture
def team(personas, terms):
    personas.school.cpd_leaders.add(personas.leader)
    made = teams.team_create(
        school=personas.school, by=personas.leader, name="English", kind="department",
        leader=personas.colleague,
    )  # fmt: skip
    teams.member_add(team=made, by=personas.colleague, user=personas.owner)
    return made


@pytest.fixture
def series(team, personas):
    return meetings.series_create(
        team=team, by=personas.colleague, first_date=datetime.date(2026, 9, 9),
        last_date=datetime.date(2026, 12, 16), start_time=datetime.time(15, 30),
        end_time=datetime.time(16, 30), every_weeks=2,
    )  # fmt: skip

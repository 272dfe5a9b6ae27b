"""My coaching: the teacher's current step and history; the coach's caseload with due and
overdue flags, sorted by what needs doing; empty states that say what to do next."""

import datetime

import pytest

from coaching import rhythm, selectors, services
from tests.factories import UserFactory

from .factories import SECRET_STEP, days, full_cycle, pair

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2027, 3, 10)


def test_rhythm_due_and_overdue():
    def flags(**kw):
        t = rhythm.timing(
            open_now=kw.get("open_now", True),
            rhythm_days=14,
            started_on=TODAY - datetime.timedelta(days=30),
            last_meeting=kw.get("last"),
            check_back=kw.get("check"),
            today=TODAY,
        )
        return t.due, t.overdue

    d = lambda n: TODAY + datetime.timedelta(days=n)  # noqa: E731
    assert flags(last=d(-5), check=d(9)) == (False, False)
    assert flags(last=d(-5), check=d(2)) == (True, False)  # check-back in two days
    assert flags(last=d(-12), check=None) == (True, False)  # meeting due in two days
    assert flags(last=d(-15), check=d(9)) == (False, True)  # meeting a day late
    assert flags(last=d(-5), check=d(-1)) == (False, True)  # check-back missed
    assert flags(last=None, check=None) == (False, True)  # started 30 days ago, never met
    assert flags(open_now=False, last=d(-40), check=d(-9)) == (False, False)  # paused


def test_the_caseload_is_sorted_by_what_needs_doing(personas):
    coach = personas.outsider
    fine, due, late = (UserFactory(school=personas.school, first_name=n) for n in "ABC")
    for teacher, check_back in ((fine, 9), (due, 2), (late, -1)):
        relationship = pair(coach, teacher, by=personas.leader)
        full_cycle(relationship, coach, teacher, met=-3, check_back=check_back)
    rows = selectors.my_coaching(coach).caseload
    assert [r.teacher for r in rows] == [late, due, fine]
    assert [(r.timing.overdue, r.timing.due) for r in rows] == [
        (True, False),
        (False, True),
        (False, False),
    ]
    assert all(r.timing.days_since_meeting == 3 for r in rows)
    assert rows[1].timing.check_back == days(2)
    assert rows[1].current_step.action == SECRET_STEP


def test_a_paused_relationship_is_not_overdue(personas):
    relationship = pair(personas.outsider, personas.owner, by=personas.leader)
    full_cycle(relationship, personas.outsider, personas.owner, met=-30, check_back=-10)
    services.relationship_pause(relationship=relationship, by=personas.owner, paused=True)
    (row,) = selectors.my_coaching(personas.outsider).caseload
    assert not row.timing.overdue
    assert not row.timing.due


def test_the_teacher_sees_the_current_step_and_history(client, personas):
    relationship = pair(personas.outsider, personas.owner, by=personas.leader)
    _, _, first = full_cycle(relationship, personas.outsider, personas.owner, met=-20)
    services.step_move(step=first, by=personas.owner, status="embedded")
    full_cycle(relationship, personas.outsider, personas.owner, met=-2, check_back=5)
    page = selectors.my_coaching(personas.owner)
    assert [s.status for s in page.current_steps] == ["set"]
    assert [s.status for s in page.history] == ["embedded"]
    client.force_login(personas.owner)
    html = client.get("/coaching/").content.decode()
    assert "My current step" in html
    assert SECRET_STEP in html
    assert "https://" not in html or "See the step done well" in html
    assert days(5).strftime("%-d %B %Y") in html
    assert "My caseload" not in html


def test_the_coach_sees_overdue_in_the_caseload_page(client, personas):
    relationship = pair(personas.outsider, personas.owner, by=personas.leader)
    full_cycle(relationship, personas.outsider, personas.owner, met=-3, check_back=-1)
    client.force_login(personas.outsider)
    html = client.get("/coaching/").content.decode()
    assert "My caseload" in html
    assert "Overdue" in html
    assert personas.owner.full_name in html


def test_empty_states_say_what_to_do_next(client, personas):
    client.force_login(personas.owner)
    html = client.get("/coaching/").content.decode()
    assert "You have no coaching yet" in html
    assert "/experts/?offer=coaching" in html
    client.force_login(personas.outsider)
    relationship = pair(personas.outsider, personas.owner, by=personas.leader)
    html = client.get(relationship.get_absolute_url()).content.decode()
    assert "Observe a short part of a lesson" in html

"""
A coach's visit to another school, walked in Chromium at desktop and phone widths: the coach
plans it on the relationship's page, books release time on the session's own form, and their
own school's CPD leader approves it in the usual queue, which shows "Coaching visit to" the
school, the times and the costs and never the teacher's name nor a word of the coaching; the
teacher sees the visit's date on the relationship's page. Every page passes axe.
"""

import pytest
from playwright.sync_api import expect

from coaching.models import Visit
from cpd_sessions.models import Booking, BudgetEntry
from hubs.models import User
from tests.coaching.factories import SECRET_NOTE, SECRET_PRAISE, full_cycle, pair, visit_day
from tests.conftest import verified
from tests.factories import HubFactory, SchoolFactory, UserFactory

from .conftest import E2E, sign_in
from .test_accessibility import axe_violations

pytestmark = E2E

PASSWORD = "visit-journey-2026"


def _person(school, first: str, last: str) -> User:
    user = UserFactory(school=school, first_name=first, last_name=last)
    user.set_password(PASSWORD)
    user.save()
    return verified(user)


@pytest.fixture
def world(db):
    hub = HubFactory(name="Riverside", slug="riverside")
    coach_school = SchoolFactory(name="Hillcrest Academy", hub=hub)
    teacher_school = SchoolFactory(name="Meadowbank Primary", hub=hub)
    coach = _person(coach_school, "Nadia", "Rahman")
    coach_leader = _person(coach_school, "Femi", "Adeyemi")
    coach_school.cpd_leaders.add(coach_leader)
    teacher = _person(teacher_school, "Tom", "Ellis")
    leader = _person(teacher_school, "Grace", "Mensah")
    teacher_school.cpd_leaders.add(leader)
    relationship = pair(coach, teacher, by=leader)
    full_cycle(relationship, coach, teacher)
    return {
        "coach": coach,
        "coach_leader": coach_leader,
        "teacher": teacher,
        "relationship": relationship,
    }


def _at(page, width: int):
    page.context.clear_cookies()
    page.set_viewport_size({"width": width, "height": 900})


@pytest.mark.parametrize("width", [1280, 390])
def test_a_coach_plans_a_visit_and_their_own_leader_approves_the_release(page, world, width):
    relationship = world["relationship"]
    day = visit_day()

    # The coach plans the visit, then books release time on the session's own form.
    _at(page, width)
    sign_in(page, world["coach"].email, PASSWORD)
    page.goto(page.base_url + relationship.get_absolute_url())
    page.get_by_role("link", name="Plan a visit").click()
    page.get_by_label("Date").fill(day.isoformat())
    page.get_by_label("Starts (London time)").fill("09:00")
    page.get_by_label("Ends").fill("11:30")
    page.get_by_label("What for").select_option(label="To observe")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Plan the visit, then book release time").click()
    expect(page.get_by_role("heading", name="Coaching visit to Meadowbank Primary")).to_be_visible()
    page.get_by_label("Lessons needing cover").fill("2")
    page.get_by_label("Supply cost (£)").fill("90.00")
    page.get_by_label("Travel cost (£)").fill("12.60")
    page.get_by_label("The goal it serves").fill("Coaching across our schools")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Ask for release and book").click()
    expect(
        page.get_by_text("Your place is held while your CPD leader decides").first
    ).to_be_visible()
    visit = Visit.objects.get()
    assert Booking.objects.get(session=visit.session).status == Booking.Status.PENDING

    # The coach's own CPD leader decides in the usual queue: the visit, never the teacher.
    _at(page, width)
    sign_in(page, world["coach_leader"].email, PASSWORD)
    page.goto(page.base_url + "/sessions/approvals/")
    expect(page.get_by_text("Coaching visit to Meadowbank Primary").first).to_be_visible()
    assert axe_violations(page) == []
    source = page.content()
    for words in ("Tom Ellis", "Ellis", SECRET_NOTE, SECRET_PRAISE):
        assert words not in source, words
    page.get_by_role("button", name="Approve Nadia Rahman").click()
    expect(page.get_by_text("Approved: Nadia Rahman is booked on.")).to_be_visible()
    assert Booking.objects.get(session=visit.session).status == Booking.Status.CONFIRMED
    assert sum(e.amount for e in BudgetEntry.objects.filter(user=world["coach"])) > 0

    # The teacher sees the date of the visit on the relationship's page.
    _at(page, width)
    sign_in(page, world["teacher"].email, PASSWORD)
    page.goto(page.base_url + relationship.get_absolute_url())
    visits = page.get_by_role("region", name="Visits")
    expect(visits.get_by_text(f"{day:%A} {day.day} {day:%B %Y}, 09:00 to 11:30")).to_be_visible()
    assert not visits.get_by_text("Release time").count()
    assert axe_violations(page) == []

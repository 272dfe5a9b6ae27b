"""
An external course, walked in Chromium at desktop and phone widths: a teacher finds a course
two colleagues recommend and asks to attend it with cover; her CPD leader, on a phone, sees
the cost against her budget and the colleague in the community who offers the same ("ask
first?") and approves it; after the day the teacher reviews the course, which logs it in her
portfolio. Every page passes axe.
"""

import datetime
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from playwright.sync_api import expect

from courses.models import CourseRequest, Review
from cpd_sessions.budget import budget_set
from cpd_sessions.models import Booking, BudgetEntry, DevelopmentSession
from cpdhub.academic_year import academic_year_of
from hubs.models import COORDINATORS_GROUP, User
from portfolios.models import Entry
from tests.conftest import verified
from tests.courses.factories import make_course, review
from tests.cpd_sessions.factories import london
from tests.experts.factories import ExpertProfileFactory, offer
from tests.factories import HubFactory, SchoolFactory, UserFactory
from tests.portfolios.factories import GoalFactory

from .conftest import E2E, sign_in
from .test_accessibility import axe_violations

pytestmark = E2E

PASSWORD = "course-journey-2026"


def _person(school, first: str, last: str, **extra) -> User:
    user = UserFactory(school=school, first_name=first, last_name=last, **extra)
    user.set_password(PASSWORD)
    user.save()
    return verified(user)


@pytest.fixture
def world(db):
    hub = HubFactory(name="Riverside", slug="riverside")
    school = SchoolFactory(name="Ashgrove Primary School", hub=hub)
    other = SchoolFactory(name="Millbrook Academy", hub=hub)
    teacher = _person(school, "Sam", "Whitfield")
    leader = _person(school, "Priya", "Shah")
    school.cpd_leaders.add(leader)
    coordinator = _person(None, "Helen", "Okafor", is_staff=True)
    coordinator.groups.add(Group.objects.get(name=COORDINATORS_GROUP))
    grace = ExpertProfileFactory(user=_person(other, "Grace", "Adeyemi"))
    offer(grace, "questioning")
    course = make_course(coordinator, title="Questioning that makes every pupil think")
    make_course(coordinator, title="Assessment basics", cost=Decimal("80.00"))
    for first in ("Ruth", "Owen"):
        review(_person(other, first, "Bell"), course, for_whom="KS2 teachers")
    goal = GoalFactory(owner=teacher, title="Questioning that makes every pupil think")
    budget_set(
        user=teacher,
        academic_year=academic_year_of(london(14)),
        allocated=Decimal("600.00"),
        by=leader,
    )
    return {"teacher": teacher, "leader": leader, "course": course, "goal": goal}


def day_field(label: str, number: int) -> re.Pattern:
    """A day's field by its label, "Date, day 2" (day 12 is not day 1)."""
    return re.compile(rf"^{label} ?, day {number}$")


def _at(page, width: int):
    page.context.clear_cookies()
    page.set_viewport_size({"width": width, "height": 900})


@pytest.mark.parametrize("width", [1280, 390])
def test_a_teacher_requests_a_recommended_course_and_her_leader_approves_on_a_phone(
    page, world, width
):
    day = timezone.localdate(london(14, 9, 0))
    second = timezone.localdate(london(21, 9, 0))

    # The teacher finds the course two colleagues recommend, and asks to attend with cover.
    _at(page, width)
    sign_in(page, world["teacher"].email, PASSWORD)
    page.goto(page.base_url + "/courses/")
    card = page.get_by_role("article").filter(has_text="Questioning that makes every pupil")
    expect(card.get_by_text("Recommended by 2 colleagues")).to_be_visible()
    assert axe_violations(page) == []
    card.get_by_role("link", name="Questioning that makes every pupil think").click()
    expect(page.get_by_text("Grace Adeyemi").first).to_be_visible()
    expect(page.get_by_text("Would recommend it for KS2 teachers").first).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("link", name="Ask to attend").click()
    # Two days, a week apart: the second under "More days of the same course".
    page.get_by_label(day_field("Date", 1)).fill(day.isoformat())
    page.get_by_label(day_field("Starts at", 1)).fill("09:00")
    page.get_by_label(day_field("Ends at", 1)).fill("15:30")
    page.get_by_text("More days of the same course").click()
    expect(page.get_by_label(day_field("Date", 2))).to_be_visible()
    page.get_by_label(day_field("Date", 2)).fill(second.isoformat())
    page.get_by_label(day_field("Starts at", 2)).fill("09:00")
    page.get_by_label(day_field("Ends at", 2)).fill("15:30")
    page.get_by_label("Cover or supply, all days (£)").fill("180.00")
    page.get_by_label("Travel (£)").fill("24.00")
    page.get_by_label("Lessons needing cover").fill("5")
    page.get_by_label("Cover details").fill("Year 4, all day")
    page.get_by_label("The goal it serves").select_option(label=world["goal"].title)
    page.get_by_label("Why this course").fill("Hinge questions for my Year 4 class.")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_text("Your request has gone to your CPD leader.")).to_be_visible()
    request = CourseRequest.objects.get()
    assert request.booking.status == Booking.Status.PENDING
    assert request.booking.session.dates.count() == 2

    # The leader, on a phone: the cost against the budget, and a colleague to ask first.
    _at(page, 390)
    sign_in(page, world["leader"].email, PASSWORD)
    page.goto(page.base_url + "/sessions/approvals/")
    expect(page.get_by_text("External course: fee £195.00")).to_be_visible()
    expect(page.get_by_text("2 days:")).to_be_visible()
    expect(page.get_by_text("over 2 days")).to_be_visible()
    expect(page.get_by_text("£399.00").first).to_be_visible()
    # left after this approval
    expect(page.get_by_text("£201.00").first).to_be_visible()
    alternative = page.get_by_role("note")
    expect(alternative.get_by_text("Grace Adeyemi")).to_be_visible()
    assert "Millbrook Academy offers questioning" in alternative.inner_text()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Approve Sam Whitfield").click()
    expect(page.get_by_text("Approved: Sam Whitfield").first).to_be_visible()
    assert BudgetEntry.objects.get().amount == Decimal("399.00")

    # After the day: the teacher reviews the course, and it is logged in her portfolio.
    past = timezone.now() - datetime.timedelta(days=1)
    DevelopmentSession.objects.filter(pk=request.booking.session_id).update(
        start=past, end=past + datetime.timedelta(hours=6)
    )
    _at(page, width)
    sign_in(page, world["teacher"].email, PASSWORD)
    page.goto(page.base_url + "/courses/requests/")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Review it and log it in my portfolio").click()
    page.get_by_label("When I attended").fill(timezone.localdate(past).isoformat())
    page.get_by_label("5", exact=True).check()
    page.get_by_label("I would recommend it").check()
    page.get_by_label("For whom").fill("Year 4 teachers")
    page.get_by_label("What I will try in my teaching").fill("One hinge question a lesson")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Save my review").click()
    expect(page.get_by_text("The course is logged in your portfolio.")).to_be_visible()
    assert Review.objects.filter(reviewer=world["teacher"], recommend=True).exists()
    assert Entry.objects.filter(owner=world["teacher"]).exists()

"""
A school's CPD review walked in Chromium at desktop and phone widths: the CPD leader starts
the year's review and rates a part, marks the self-review done and opens the staff survey;
six staff answer on phones (390 px) through their own links; the result is hidden at four
answers and shown at five; a CPD leader from another school, invited as peer reviewer, writes
findings for each part and submits them; the leader accepts the report and adds an action.
Every page passes axe.
"""

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from cpdhub.academic_year import current_academic_year
from hubs.models import COORDINATORS_GROUP, User
from quality import services, survey
from quality.models import Action, PeerReview, Review
from tests.conftest import verified
from tests.factories import HubFactory, SchoolFactory, UserFactory
from tests.quality.factories import rate_all

from .conftest import E2E, sign_in
from .test_accessibility import axe_violations

pytestmark = E2E

PASSWORD = "review-journey-2026"


def _person(school, first: str, last: str, role: str = User.JobRole.TEACHER) -> User:
    user = UserFactory(school=school, first_name=first, last_name=last, job_role=role)
    user.set_password(PASSWORD)
    user.save()
    return verified(user)


@pytest.fixture
def world(db):
    hub = HubFactory(name="Riverside", slug="riverside")
    school = SchoolFactory(name="Meadowbank Primary", hub=hub)
    other = SchoolFactory(name="Hillcrest Primary", hub=hub)
    leader = _person(school, "Grace", "Mensah", User.JobRole.SENIOR_LEADER)
    school.cpd_leaders.add(leader)
    reviewer = _person(other, "Femi", "Adeyemi", User.JobRole.SENIOR_LEADER)
    other.cpd_leaders.add(reviewer)
    staff = [_person(school, "Staff", f"Member{i}") for i in range(6)]
    return {"school": school, "leader": leader, "reviewer": reviewer, "staff": staff}


def _at(page, width: int):
    page.context.clear_cookies()
    page.set_viewport_size({"width": width, "height": 900})


def _answer_on_a_phone(browser, base_url: str, token: str) -> None:
    phone = browser.new_context(
        locale="en-GB", timezone_id="Europe/London", viewport={"width": 390, "height": 844}
    )
    tab = phone.new_page()
    tab.goto(f"{base_url}/survey/{token}/")
    statements = tab.locator("fieldset")
    for i in range(statements.count()):
        statements.nth(i).get_by_label("Embedded").check()
    assert axe_violations(tab) == []
    tab.get_by_role("button", name="Send my answers").click()
    expect(tab.get_by_role("heading", name="Thank you")).to_be_visible()
    phone.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_a_leader_runs_the_review_staff_answer_and_a_peer_reviews(browser, page, world, width):
    school, leader = world["school"], world["leader"]

    # The leader starts the review and rates part 1.
    _at(page, width)
    sign_in(page, leader.email, PASSWORD)
    page.goto(f"{page.base_url}/schools/{school.urn}/review/")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Start this year's review").click()
    expect(page.get_by_role("link", name="Rate part 1")).to_be_visible()
    review = Review.objects.get()
    page.get_by_role("link", name="Rate part 1").click()
    page.wait_for_url("**/part/1/")  # count() below does not wait for the new page
    assert page.locator("fieldset").count() > 0
    for i in range(page.locator("fieldset").count()):
        page.locator("fieldset").nth(i).get_by_label("Embedded").check()
    page.locator("textarea").first.fill("Most sessions start from a pupil need.")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Save part 1").click()
    expect(page.get_by_text("Part 1 is saved")).to_be_visible()
    rate_all(review, leader)  # the other parts, as part 1
    page.reload()
    page.get_by_role("button", name="Mark the self-review done").click()
    page.get_by_role("button", name="Open the staff survey").click()
    expect(page.get_by_text("The staff survey is open")).to_be_visible()
    assert axe_violations(page) == []

    # Six staff answer on their phones; hidden at four, shown at five.
    found = Review.objects.get().survey
    tokens = [survey.token_for(found.pk, person.pk) for person in world["staff"]]
    for token in tokens[:4]:
        _answer_on_a_phone(browser, page.base_url, token)
    page.reload()
    expect(page.get_by_text("hidden until 5 or more staff have answered")).to_be_visible()
    assert page.locator("#survey-results").count() == 0
    _answer_on_a_phone(browser, page.base_url, tokens[4])
    page.reload()
    expect(page.locator("#survey-results")).to_be_visible()
    _answer_on_a_phone(browser, page.base_url, tokens[5])
    page.reload()
    expect(page.get_by_text("6 of 7 staff have answered")).to_be_visible()

    # The leader invites a peer reviewer from another school.
    page.get_by_label("Peer reviewer").select_option(label="Femi Adeyemi (Hillcrest Primary)")
    page.get_by_role("button", name="Invite").click()
    expect(page.get_by_text("peer reviewer is invited")).to_be_visible()

    # The reviewer reads the review and writes findings for each part.
    _at(page, width)
    sign_in(page, world["reviewer"].email, PASSWORD)
    page.goto(page.base_url + review.get_absolute_url())
    expect(page.locator("#survey-results")).to_be_visible()
    page.get_by_role("link", name="Write the findings").click()
    page.wait_for_url("**/peer/findings/")  # .all() below does not wait for the new page
    assert page.locator("textarea").count() > 0
    for i, box in enumerate(page.locator("textarea").all()):
        box.fill(f"Finding for part {i + 1}: strong coaching, weak evaluation.")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Submit the report").click()
    expect(page.get_by_text("sent to the school to accept")).to_be_visible()

    # The leader accepts the report and adds an action.
    _at(page, width)
    sign_in(page, leader.email, PASSWORD)
    page.goto(page.base_url + review.get_absolute_url())
    page.get_by_role("button", name="Accept the report").click()
    expect(page.get_by_text("report is accepted")).to_be_visible()
    page.locator("#id_text").fill("Check every session's effect on pupils")
    page.get_by_label("The part it addresses").select_option(index=0)
    page.get_by_role("button", name="Add the action").click()
    expect(page.get_by_text("added to the plan")).to_be_visible()
    assert axe_violations(page) == []
    assert Action.objects.get().text == "Check every session's effect on pupils"


@pytest.mark.parametrize("width", [1280, 390])
def test_the_coordinator_invites_a_peer_reviewer_from_the_communitys_page(page, world, width):
    school, leader = world["school"], world["leader"]
    review = services.review_start(school=school, year=current_academic_year(), by=leader)
    rate_all(review, leader)
    coordinator = _person(None, "Helen", "Okafor")
    coordinator.groups.add(Group.objects.get(name=COORDINATORS_GROUP))
    _at(page, width)
    sign_in(page, coordinator.email, PASSWORD)
    page.goto(f"{page.base_url}/coordinator/quality/")
    page.get_by_role("link", name="Invite a peer reviewer for Meadowbank Primary").click()
    page.wait_for_url("**/peer/invite/")
    expect(
        page.get_by_role("heading", name="Invite a peer reviewer: Meadowbank Primary")
    ).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_label("Peer reviewer").select_option(label="Femi Adeyemi (Hillcrest Primary)")
    page.get_by_role("button", name="Invite").click()
    expect(page.get_by_text("peer reviewer is invited")).to_be_visible()
    expect(page.get_by_text("Peer reviewer invited")).to_be_visible()
    expect(page.get_by_text("Private comment")).to_have_count(0)
    assert axe_violations(page) == []
    assert PeerReview.objects.get().reviewer == world["reviewer"]

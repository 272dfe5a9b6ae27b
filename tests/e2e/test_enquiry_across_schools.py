"""
An enquiry across two schools, walked in Chromium at desktop and phone widths: a teacher starts
a lesson-study group and invites a colleague in another school, who accepts, logs a note and
drafts the write-up; both agree, and it is in the library with their names. The first teacher's
CPD leader sees the counts and cannot open the group (404, nothing in the page source). Every
page passes axe.
"""

import pytest
from playwright.sync_api import expect

from hubs.models import User
from tests.conftest import verified
from tests.factories import HubFactory, SchoolFactory, UserFactory

from .conftest import E2E, sign_in
from .test_accessibility import axe_violations

pytestmark = E2E

PASSWORD = "enquiry-journey-2026"
NOTE = "Qz9 journey note: the bar model helped set 3"
QUESTION = "How can we teach fractions to Year 5 pupils who struggle with place value?"


def _person(school, first: str, last: str) -> User:
    user = UserFactory(school=school, first_name=first, last_name=last)
    user.set_password(PASSWORD)
    user.save()
    return verified(user)


@pytest.fixture
def world(db):
    hub = HubFactory(name="Riverside", slug="riverside")
    first, second = SchoolFactory(name="Meadowbank Primary", hub=hub), SchoolFactory(hub=hub)
    owner = _person(first, "Tom", "Ellis")
    member = _person(second, "Nadia", "Rahman")
    leader = _person(first, "Grace", "Mensah")
    first.cpd_leaders.add(leader)
    return {"owner": owner, "member": member, "leader": leader, "school": first}


def _tab(browser, base_url: str, width: int):
    context = browser.new_context(
        locale="en-GB", timezone_id="Europe/London", viewport={"width": width, "height": 900}
    )
    tab = context.new_page()
    tab.base_url = base_url
    return context, tab


def _clean(tab) -> None:
    serious = [v for v in axe_violations(tab) if "(serious)" in v or "(critical)" in v]
    assert serious == [], (tab.url, serious)


@pytest.mark.parametrize("width", [1280, 390])
def test_an_enquiry_across_two_schools(page, browser, world, width):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, world["owner"].email, PASSWORD)
    page.goto(page.base_url + "/enquiries/")
    _clean(page)
    page.get_by_role("link", name="Start a group").click()
    page.get_by_role("textbox", name="Question").fill(QUESTION)
    page.get_by_label("Kind").select_option("lesson_study")
    page.get_by_label("Questioning", exact=True).check()
    _clean(page)
    page.get_by_role("button", name="Start the group").click()
    page.get_by_label("Their email address").fill(world["member"].email)
    page.get_by_role("button", name="Invite them").click()
    expect(page.get_by_text("is invited")).to_be_visible()
    _clean(page)
    group_url = page.url

    context, other = _tab(browser, page.base_url, width)
    try:
        sign_in(other, world["member"].email, PASSWORD)
        other.goto(other.base_url + "/enquiries/")
        _clean(other)
        other.get_by_role("button", name="Accept").first.click()
        other.get_by_label("What you want to record").fill(NOTE)
        other.get_by_role("button", name="Add to the log").click()
        expect(other.get_by_text(NOTE)).to_be_visible()
        other.get_by_role("link", name="Start the write-up").click()
        other.get_by_label("What we tried").fill("Bar models before any procedure")
        other.get_by_label("What happened for pupils").fill("Exit tickets improved")
        _clean(other)
        other.get_by_role("button", name="Save the draft").click()
        other.get_by_role("button", name="I agree to publish it as it stands").click()
    finally:
        context.close()

    page.goto(group_url)
    expect(page.get_by_text(NOTE)).to_be_visible()
    page.get_by_role("button", name="I agree to publish it as it stands").click()
    expect(page.get_by_text("the write-up is in the library")).to_be_visible()
    page.goto(page.base_url + "/enquiries/library/")
    expect(page.get_by_text("By Nadia Rahman, Tom Ellis")).to_be_visible()
    _clean(page)

    context, leader = _tab(browser, page.base_url, width)
    try:
        sign_in(leader, world["leader"].email, PASSWORD)
        response = leader.goto(group_url)
        assert response.status == 404
        assert NOTE not in leader.content()
        leader.goto(f"{leader.base_url}/schools/{world['school'].urn}/enquiries/")
        expect(leader.get_by_role("heading", name="Meadowbank Primary: enquiry")).to_be_visible()
        assert NOTE not in leader.content()
        _clean(leader)
    finally:
        context.close()

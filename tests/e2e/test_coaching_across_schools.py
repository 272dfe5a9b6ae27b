"""
Coaching across two schools, walked in Chromium at desktop and phone widths: a coach in one
school observes a teacher in another, meets, sets a step from the library and rehearses it; the
teacher reads the step on a phone; the check-back reminder goes once however often the beat
runs; the teacher marks the step embedded and copies it into their portfolio; the teacher's CPD
leader reads the activity figures and cannot open a word of the coaching (404, nothing in the
page source). Every page passes axe. With COACHING_SHOTS=<folder> it also saves screenshots of
the coach's caseload and the leader's page.
"""

import datetime
import os
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from playwright.sync_api import expect

from coaching import tasks
from coaching.models import ActionStep
from hubs.models import COORDINATORS_GROUP, User
from tests.coaching.factories import community_step, pair
from tests.conftest import verified
from tests.factories import HubFactory, SchoolFactory, UserFactory

from .conftest import E2E, sign_in
from .test_accessibility import axe_violations

pytestmark = E2E

PASSWORD = "coach-journey-2026"
NOTE = "Qz4 journey note: the starter ran long"
PRAISE = "Qz4 journey praise: calm, clear start"
REFLECTION = "Qz4 journey reflection: the pause works"
SHOTS = os.environ.get("COACHING_SHOTS")


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
    teacher = _person(teacher_school, "Tom", "Ellis")
    leader = _person(teacher_school, "Grace", "Mensah")
    teacher_school.cpd_leaders.add(leader)
    coordinator = _person(None, "Helen", "Okafor")
    coordinator.is_staff = True
    coordinator.save()
    coordinator.groups.add(Group.objects.get(name=COORDINATORS_GROUP))
    community_step(coordinator, title="Cold call after a pause")
    relationship = pair(coach, teacher, by=leader)
    return {
        "coach": coach,
        "teacher": teacher,
        "leader": leader,
        "relationship": relationship,
        "school": teacher_school,
    }


def _shot(page, name: str, width: int) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}-{width}.png"), full_page=True)


def _as(browser, base_url: str, width: int):
    context = browser.new_context(
        locale="en-GB", timezone_id="Europe/London", viewport={"width": width, "height": 900}
    )
    tab = context.new_page()
    tab.base_url = base_url
    return context, tab


@pytest.mark.parametrize("width", [1280, 390])
def test_coaching_across_two_schools(page, browser, world, mailoutbox, width):
    relationship = world["relationship"]
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    # The coach, in another school, works from the caseload.
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, world["coach"].email, PASSWORD)
    page.goto(page.base_url + "/coaching/")
    assert axe_violations(page) == []
    _shot(page, "caseload", width)
    page.get_by_role("link", name="Tom Ellis", exact=True).click()
    page.get_by_role("link", name="Record an observation").click()
    page.get_by_label("Focus").fill("Questioning")
    page.get_by_label("Notes").fill(NOTE)
    assert axe_violations(page) == []
    page.get_by_role("button", name="Save the observation").click()
    expect(page.get_by_text(NOTE)).to_be_visible()

    page.get_by_role("link", name="Record a meeting and set a step").click()
    page.get_by_label("Praise").fill(PRAISE)
    page.get_by_label("After the observation").select_option(index=1)
    page.get_by_label("A step from the library").select_option(label="Cold call after a pause")
    page.get_by_label("Rehearsed in the meeting").check()
    page.get_by_label("Check back on").fill(tomorrow.isoformat())
    assert axe_violations(page) == []
    page.get_by_role("button", name="Save the meeting").click()
    expect(page.get_by_text(PRAISE)).to_be_visible()
    step = ActionStep.objects.get(relationship=relationship)
    assert step.library_step.title == "Cold call after a pause"
    assert step.meeting.rehearsed

    # The teacher reads the step on a phone.
    context, phone = _as(browser, page.base_url, 390)
    try:
        sign_in(phone, world["teacher"].email, PASSWORD)
        phone.goto(phone.base_url + "/coaching/")
        expect(phone.get_by_role("heading", name="My current step")).to_be_visible()
        expect(
            phone.get_by_text("Ask, wait three seconds, then name the pupil.").first
        ).to_be_visible()
        expect(phone.get_by_text(tomorrow.strftime("%-d %B %Y")).first).to_be_visible()
        assert axe_violations(phone) == []

        # The check-back reminder: the beat runs twice today, the teacher hears once.
        mailoutbox.clear()
        tasks.send_check_back_reminders()
        tasks.send_check_back_reminders()
        to_teacher = [m for m in mailoutbox if m.to == [world["teacher"].email]]
        assert [m.subject for m in to_teacher] == ["Tomorrow you check back on your step"]

        # Embedded, and copied into the portfolio by the teacher's choice.
        phone.get_by_role("link", name="Open my coaching").first.click()
        phone.get_by_role("button", name="Embedded").click()
        phone.get_by_role("link", name="Copy into my portfolio").click()
        phone.get_by_label("Your reflection").fill(REFLECTION)
        assert axe_violations(phone) == []
        phone.get_by_role("button", name="Copy it into my portfolio").click()
        expect(phone.get_by_text("In your portfolio log")).to_be_visible()
        step.refresh_from_db()
        assert step.status == "embedded"
        assert step.portfolio_entry.owner == world["teacher"]
    finally:
        context.close()

    # The teacher's CPD leader: the figures, never a word.
    context, tab = _as(browser, page.base_url, width)
    try:
        sign_in(tab, world["leader"].email, PASSWORD)
        tab.goto(f"{tab.base_url}/schools/{world['school'].urn}/dashboard/")
        tab.get_by_role("link", name="Coaching at Meadowbank Primary").click()
        expect(tab.get_by_role("heading", name="Meadowbank Primary: coaching")).to_be_visible()
        glance = tab.get_by_role("region", name="Coaching at a glance")
        expect(glance.get_by_role("row", name="People being coached fewer than 5")).to_be_visible()
        assert axe_violations(tab) == []
        _shot(tab, "leader", width)
        seen = [tab.content()]
        for part in ("summary", "schools", "coaches", "categories", "pairs"):
            csv = tab.request.get(
                f"{tab.base_url}/schools/{world['school'].urn}/coaching/{part}.csv"
            )
            assert csv.status == 200
            seen.append(csv.text())
        response = tab.goto(tab.base_url + relationship.get_absolute_url())
        assert response.status == 404
        seen.append(tab.content())
        for words in (NOTE, PRAISE, REFLECTION, "Ask, wait three seconds"):
            assert not any(words in text for text in seen), words
    finally:
        context.close()

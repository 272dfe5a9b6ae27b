"""
The school's year, walked in Chromium at desktop and phone widths: a CPD leader plans next year
(INSET days, a meeting series for each of three teams, two priorities) and publishes it; a
team leader sets a meeting's focus and a member says what she will try; a teacher sees the
year on her phone; the leader's dashboard shows the three streams. Every page passes axe.
"""

import datetime

import pytest
from playwright.sync_api import expect

from hubs.models import Term, User
from schoolyear import teams
from tests.conftest import verified
from tests.factories import SchoolFactory, UserFactory

from .conftest import E2E, sign_in
from .test_accessibility import axe_violations

pytestmark = E2E

PASSWORD = "school-year-2026"
YEAR = 2027


def _person(school, first: str, last: str) -> User:
    user = UserFactory(school=school, first_name=first, last_name=last)
    user.set_password(PASSWORD)
    user.save()
    return verified(user)


@pytest.fixture
def world(db):
    school = SchoolFactory(name="Meadowbank Primary")
    leader = _person(school, "Grace", "Mensah")
    head_of_english = _person(school, "Tom", "Ellis")
    teacher = _person(school, "Nadia", "Rahman")
    school.cpd_leaders.add(leader)
    d = datetime.date
    for name, start, end in [
        ("Autumn 2027", d(2027, 9, 2), d(2027, 12, 17)),
        ("Spring 2028", d(2028, 1, 5), d(2028, 3, 24)),
        ("Summer 2028", d(2028, 4, 11), d(2028, 7, 20)),
    ]:
        Term.objects.create(name=name, start=start, end=end)
    leader = User.objects.get(pk=leader.pk)
    made = []
    for name, team_leader in [("English", head_of_english), ("Key Stage 2", leader),
                              ("ECTs and mentors", leader)]:  # fmt: skip
        made.append(
            teams.team_create(
                school=school, by=leader, name=name, kind="department", leader=team_leader
            )
        )
    teams.member_add(team=made[0], by=leader, user=teacher)
    return {"school": school, "leader": leader, "head": head_of_english, "teacher": teacher,
            "teams": made}  # fmt: skip


def _as(browser, base_url: str, width: int, user: User):
    """A fresh browser (its own cookies) signed in as ``user``."""
    context = browser.new_context(
        locale="en-GB", timezone_id="Europe/London", viewport={"width": width, "height": 900}
    )
    context.set_default_timeout(15_000)
    tab = context.new_page()
    tab.base_url = base_url
    sign_in(tab, user.email, PASSWORD)
    return context, tab


def _clean(tab) -> None:
    serious = [v for v in axe_violations(tab) if "(serious)" in v or "(critical)" in v]
    assert serious == [], (tab.url, serious)


@pytest.mark.parametrize("width", [1280, 390])
def test_a_leader_plans_next_year_and_staff_see_it(page, browser, world, width):
    page.set_viewport_size({"width": width, "height": 900})
    urn = world["school"].urn
    sign_in(page, world["leader"].email, PASSWORD)
    page.goto(f"{page.base_url}/schools/{urn}/year/?year={YEAR}")
    _clean(page)
    for title, day in [("INSET: the year ahead", "2027-09-02"), ("INSET: reading", "2027-11-03")]:
        page.get_by_label("Kind").select_option("inset")
        page.get_by_label("Title").fill(title)
        page.get_by_label("Date (first day)").fill(day)
        page.get_by_role("button", name="Add to the plan").click()
        expect(page.get_by_text("INSET day added")).to_be_visible()
    # The individuals stream: a coaching window of six weeks.
    page.get_by_label("Kind").select_option("coaching")
    page.get_by_label("Title").fill("Coaching cycle 1")
    page.get_by_label("Date (first day)").fill("2027-11-01")
    page.get_by_label("Last day (protected weeks, coaching windows)").fill("2027-12-10")
    page.get_by_role("button", name="Add to the plan").click()
    expect(page.get_by_text("Coaching window added")).to_be_visible()
    expect(page.get_by_role("cell", name="Coaching cycle 1", exact=True)).to_be_visible()
    _clean(page)

    for team in world["teams"]:
        page.goto(page.base_url + team.get_absolute_url())
        page.get_by_text("Plan a meeting series").click()
        page.get_by_label("First meeting").fill("2027-09-08")
        page.get_by_label("Last meeting on or before").fill("2027-12-15")
        page.get_by_role("button", name="Plan the meetings").click()
        expect(page.get_by_text("meetings planned")).to_be_visible()
    _clean(page)

    page.goto(f"{page.base_url}/schools/{urn}/priorities/?year={YEAR}")
    for title in ("Questioning that makes every pupil think", "Reading across the curriculum"):
        page.get_by_label("Title").fill(title)
        page.get_by_role("button", name="Save the priority").click()
        expect(page.get_by_text("Priority saved")).to_be_visible()
    _clean(page)

    page.goto(f"{page.base_url}/schools/{urn}/year/?year={YEAR}")
    # 3 November is an INSET day: the series skipped it, so no clash; publish.
    page.get_by_role("button", name=f"Publish {YEAR}/28 to staff").click()
    expect(page.get_by_text("is published").first).to_be_visible()
    _clean(page)

    # The head of English sets the first meeting's focus; the teacher says what she will try.
    english = world["teams"][0]
    context, tab = _as(browser, page.base_url, width, world["head"])
    try:
        tab.goto(tab.base_url + english.get_absolute_url())
        tab.get_by_role("link", name="Wednesday 8 September 2027, 15:30").click()
        tab.get_by_label("Teaching and learning focus").fill("Pre-teaching tier 2 words")
        tab.get_by_role("button", name="Save the meeting").click()
        tab.get_by_label("Nadia Rahman").check()
        tab.get_by_role("button", name="Save attendance").click()
        expect(tab.get_by_text("Attendance saved")).to_be_visible()
        _clean(tab)
    finally:
        context.close()

    context, tab = _as(browser, page.base_url, 390, world["teacher"])  # on her phone
    try:
        tab.goto(tab.base_url + english.get_absolute_url())
        tab.get_by_role("link", name="Wednesday 8 September 2027, 15:30").click()
        tab.get_by_label("What I will try before next time").fill("Pre-teach three words")
        tab.get_by_role("button", name="Save what I will try").click()
        expect(tab.get_by_role("listitem").filter(has_text="Pre-teach three words")).to_be_visible()
        tab.goto(f"{tab.base_url}/schools/{urn}/year/?year={YEAR}")
        expect(tab.get_by_text("INSET: reading").first).to_be_visible()
        expect(tab.get_by_role("cell", name="Coaching cycle 1", exact=True)).to_be_visible()
        assert tab.get_by_role("button", name="Add to the plan").count() == 0
        _clean(tab)
        tab.goto(tab.base_url + "/")
        expect(tab.get_by_role("link", name="English").first).to_be_visible()
    finally:
        context.close()

    page.goto(page.base_url + "/")
    expect(page.get_by_role("heading", name="Three streams this term")).to_be_visible()
    expect(page.get_by_text("staff with an active goal")).to_be_visible()
    _clean(page)

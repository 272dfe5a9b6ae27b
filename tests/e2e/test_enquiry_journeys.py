"""
Lesson study and peer visits across three schools, walked in Chromium at desktop and phone
widths (tests/e2e/test_enquiry_across_schools.py walks starting a group, inviting, the log and a
two-person write-up; these go on from a group of three already formed):

- three teachers in three schools run one lesson-study cycle: case pupils, a prediction, the
  research lesson's date, times and host school, one of them books release time to observe it
  (her CPD leader approves it in the usual queue), observation, interview and discussion; they
  publish a write-up (all three agree) and find it in the library by search;
- a teacher asks to visit another school, its CPD leader accepts naming a host, after the visit
  the visitor thanks the host and the host's profile shows it;
- a teacher of another school who is not a member gets 404 on the group, the cycle, a log file
  and the draft write-up.

Every page passes axe (no serious or critical violation).
"""

import datetime

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from cpd_sessions.models import Booking
from enquiry import services
from enquiry.models import Cycle, Kind, LogEntry, PeerVisit, WriteUp
from hubs.models import User
from tests.coaching.factories import visit_day
from tests.conftest import verified
from tests.enquiry.factories import area, text_file
from tests.experts.factories import ExpertProfileFactory
from tests.factories import HubFactory, SchoolFactory, UserFactory

from .conftest import E2E, sign_in
from .test_accessibility import axe_violations

pytestmark = E2E

PASSWORD = "lesson-study-journey-2026"
QUESTION = "How can talk partners help Year 4 explain equivalent fractions?"
PREDICTION = "Qz7 will draw the bar model but not explain it"
OBSERVED = "Qz7 explained halves to a partner using the bar"
INTERVIEW = "Qz7 said the bar made it easier to see"
DISCUSSION = "Our predictions underestimated how much the bar model helped"
FOUND = "Equivalent fractions with talk partners and bar models"


def _person(school, first: str, last: str) -> User:
    user = UserFactory(school=school, first_name=first, last_name=last)
    user.set_password(PASSWORD)
    user.save()
    return verified(user)


@pytest.fixture
def world(db):
    hub = HubFactory(name="Riverside", slug="riverside")
    schools = [
        SchoolFactory(name="Meadowbank Primary", hub=hub),
        SchoolFactory(name="Hillcrest Academy", hub=hub),
        SchoolFactory(name="Oakfield Juniors", hub=hub),
    ]
    tom = _person(schools[0], "Tom", "Ellis")
    nadia = _person(schools[1], "Nadia", "Rahman")
    priya = _person(schools[2], "Priya", "Shah")
    grace = _person(schools[0], "Grace", "Mensah")
    schools[0].cpd_leaders.add(grace)
    femi = _person(schools[1], "Femi", "Adeyemi")
    schools[1].cpd_leaders.add(femi)
    outsider = _person(SchoolFactory(name="Elmwood High", hub=hub), "Owen", "Bell")
    group = services.group_create(
        by=tom, question=QUESTION, kind=Kind.LESSON_STUDY, areas=[area()], status="open"
    )
    for member in (nadia, priya):
        services.group_join(group=group, by=member)
    return {
        "tom": tom, "nadia": nadia, "priya": priya, "grace": grace, "femi": femi,
        "outsider": outsider, "group": group, "schools": schools,
    }  # fmt: skip


def _as(page, person: User, width: int) -> None:
    page.context.clear_cookies()
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, person.email, PASSWORD)


def _clean(page) -> None:
    serious = [v for v in axe_violations(page) if "(serious)" in v or "(critical)" in v]
    assert serious == [], (page.url, serious)


def _entry(page, form_name: str, text: str) -> None:
    form = page.get_by_role("form", name=form_name)
    form.get_by_label("Case pupil").select_option(label="A: Rarely explains their thinking")
    form.get_by_label(form_name).fill(text)
    form.get_by_role("button", name="Add").click()
    expect(page.get_by_text("It is added for case pupil A.")).to_be_visible()


@pytest.mark.parametrize("width", [1280, 390])
def test_three_schools_run_a_lesson_study_cycle_and_publish_it(page, world, width):
    group, day = world["group"], visit_day()

    # Tom starts the cycle, chooses a case pupil, predicts, and sets the research lesson.
    _as(page, world["tom"], width)
    page.goto(page.base_url + group.get_absolute_url())
    page.get_by_role("button", name="Start the next cycle").click()
    expect(page.get_by_role("heading", name="Lesson study cycle 1")).to_be_visible()
    pupil = page.get_by_role("form", name="Choose a case pupil")
    pupil.get_by_label("Code").fill("a")
    pupil.get_by_label("Description").fill("Rarely explains their thinking")
    pupil.get_by_role("button", name="Add the case pupil").click()
    _entry(page, "How you predict they will respond", PREDICTION)
    page.get_by_text("Edit the shared plan").click()
    plan = page.get_by_role("form", name="The shared plan")
    plan.get_by_label("The research lesson plan").fill("Talk partners, then the bar model")
    plan.get_by_label("Research lesson date").fill(day.isoformat())
    plan.get_by_label("Starts at").fill("10:40")
    plan.get_by_label("Ends at").fill("11:40")
    plan.get_by_label("Host school").select_option(label="Meadowbank Primary")
    plan.get_by_role("button", name="Save the plan").click()
    expect(page.get_by_text(f"{day:%A} {day.day} {day:%B %Y}, 10:40 to 11:40")).to_be_visible()
    _clean(page)
    cycle_url = page.url

    # Nadia (Hillcrest) books release time to observe; her CPD leader approves it.
    _as(page, world["nadia"], width)
    page.goto(cycle_url)
    page.get_by_role("button", name="Book release time to observe").click()
    heading = "Lesson study research lesson at Meadowbank Primary"
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    page.get_by_label("Lessons needing cover").fill("1")
    page.get_by_label("Supply cost (£)").fill("90.00")
    page.get_by_label("Travel cost (£)").fill("0.00")
    page.get_by_label("The goal it serves").fill("Lesson study with two other schools")
    _clean(page)
    page.get_by_role("button", name="Ask for release and book").click()
    expect(
        page.get_by_text("Your place is held while your CPD leader decides").first
    ).to_be_visible()

    _as(page, world["femi"], width)
    page.goto(page.base_url + "/sessions/approvals/")
    expect(page.get_by_text(heading).first).to_be_visible()
    assert "Qz7" not in page.content()
    _clean(page)
    page.get_by_role("button", name="Approve Nadia Rahman").click()
    booking = Booking.objects.get(user=world["nadia"])
    assert booking.status == Booking.Status.CONFIRMED
    start = booking.session.start.astimezone(datetime.UTC)
    assert (start.date(), booking.session.venue_school) == (day, world["schools"][0])

    # Nadia observes; Priya interviews the case pupil; Tom writes up the discussion.
    _as(page, world["nadia"], width)
    page.goto(cycle_url)
    _entry(page, "What they did in the research lesson", OBSERVED)
    _as(page, world["priya"], width)
    page.goto(cycle_url)
    _entry(page, "What they said in the interview", INTERVIEW)
    _as(page, world["tom"], width)
    page.goto(cycle_url)
    page.get_by_role("textbox", name="The post-lesson discussion").fill(DISCUSSION)
    page.get_by_role("button", name="Save the discussion").click()
    expect(page.get_by_text("the next cycle may start")).to_be_visible()
    _clean(page)
    assert Cycle.objects.get(group=group).status == Cycle.Status.DISCUSSED

    # The write-up: Tom drafts and agrees, Nadia and Priya agree; it is published.
    page.goto(page.base_url + group.get_absolute_url())
    page.get_by_role("link", name="Start the write-up").click()
    page.get_by_label("What we tried").fill(FOUND)
    page.get_by_label("What happened for pupils").fill("Case pupils explained more")
    page.get_by_role("button", name="Save the draft").click()
    page.get_by_role("button", name="I agree to publish it as it stands").click()
    for person in ("nadia", "priya"):
        _as(page, world[person], width)
        page.goto(page.base_url + group.get_absolute_url())
        page.get_by_role("button", name="I agree to publish it as it stands").click()
    expect(page.get_by_text("the write-up is in the library")).to_be_visible()
    assert WriteUp.objects.get(group=group).is_published

    # Anyone finds it in the library by searching.
    _as(page, world["outsider"], width)
    page.goto(page.base_url + "/enquiries/library/")
    page.get_by_role("textbox", name="Search").fill("talk partners")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name=QUESTION)).to_be_visible()
    expect(page.get_by_text("Nadia Rahman").first).to_be_visible()
    _clean(page)


@pytest.mark.parametrize("width", [1280, 390])
def test_a_peer_visit_asked_accepted_and_thanked(page, world, width):
    host = world["tom"]
    profile = ExpertProfileFactory(user=host)

    _as(page, world["nadia"], width)
    page.goto(page.base_url + "/visits/")
    page.get_by_label("School to visit").select_option(label="Meadowbank Primary")
    page.get_by_label("Focus").fill("Talk partners in Year 4")
    page.get_by_label("Dates that suit you").fill("Any Tuesday morning")
    page.get_by_label("Why this visit").fill("We are starting talk partners in maths")
    _clean(page)
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_text("CPD leader (Grace Mensah) decides your request").first).to_be_visible()
    visit_url = page.url

    _as(page, world["grace"], width)
    page.goto(page.base_url + "/visits/")
    page.get_by_role("link", name="Talk partners in Year 4").click()
    page.get_by_label("Host").select_option(label="Tom Ellis")
    page.locator("#id_date").fill(visit_day().isoformat())
    page.get_by_label("Starts at").fill("09:00")
    page.get_by_label("Ends at").fill("11:00")
    _clean(page)
    page.get_by_role("button", name="Accept").click()
    expect(page.get_by_text("Accepted: we have told the visitor")).to_be_visible()
    assert PeerVisit.objects.get().status == "accepted"

    _as(page, world["nadia"], width)
    page.goto(visit_url)
    page.get_by_label("Thank-you").fill("Thank you for a morning of brilliant talk")
    page.get_by_role("button", name="Send my thanks").click()
    _clean(page)

    page.goto(page.base_url + profile.get_absolute_url())
    expect(page.get_by_text("Has helped 1")).to_be_visible()


@pytest.mark.parametrize("width", [1280, 390])
def test_an_outsider_finds_nothing_of_the_group(page, world, width, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    group = world["group"]
    entry = services.log_add(group=group, by=world["tom"], kind="file", upload=text_file())
    cycle = Cycle.objects.create(group=group, number=1)
    _as(page, world["outsider"], width)
    for url in (
        group.get_absolute_url(),
        cycle.get_absolute_url(),
        entry.get_file_url(),
        reverse("enquiry:write_up_edit", kwargs={"pk": group.pk}),
    ):
        response = page.goto(page.base_url + url)
        assert response.status == 404, url
        assert QUESTION not in page.content()
    assert LogEntry.objects.filter(pk=entry.pk).exists()

"""Every coaching form, as a browser renders and submits it (tests/webtest.py)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from coaching import services
from coaching.models import ActionStep, Relationship, Share, Step, Visit
from cpd_sessions.approvals import release_decide
from cpd_sessions.booking import booking_create
from cpd_sessions.budget import budget_set
from cpd_sessions.models import Booking, BudgetEntry, DevelopmentSession, ReleaseRequest
from cpdhub.academic_year import academic_year_of
from portfolios.models import Entry
from tests.cpd_sessions.factories import release_data
from tests.experts.factories import ExpertProfileFactory, offer
from tests.portfolios.factories import GoalFactory
from tests.webtest import form_for, messages_on, text_of

from .factories import (
    SECRET_NOTE,
    SECRET_PRAISE,
    SECRET_STEP,
    community_step,
    days,
    full_cycle,
    pair,
    plan_visit,
    visit_day,
)

pytestmark = pytest.mark.django_db


def test_leader_sets_up_coaching_with_a_coach_in_another_school(app, personas):
    page = app.sign_in(personas.leader).get("/coaching/new/")
    form = form_for(page, "")
    form["coach"] = personas.outsider.email
    form["teachers"] = f"{personas.owner.email}\n"
    form["rhythm_days"] = "21"
    done = form.submit().follow()
    assert "Coaching is set up" in messages_on(done)
    relationship = Relationship.objects.get()
    assert relationship.rhythm_days == 21
    assert {m.user for m in relationship.memberships.all()} == {personas.owner, personas.outsider}
    # Another school's teacher: refused, nothing made.
    form = form_for(app.get("/coaching/new/"), "")
    form["coach"] = personas.colleague.email
    form["teachers"] = personas.outsider.email
    refused = form.submit(expect_errors=True)
    assert refused.status_code == 403
    assert Relationship.objects.count() == 1


def test_a_typo_in_an_address_is_a_message_on_the_form(app, personas):
    form = form_for(app.sign_in(personas.leader).get("/coaching/new/"), "")
    form["coach"] = "nobody@nowhere.test"
    form["teachers"] = personas.owner.email
    page = form.submit(status=400)
    assert "Nobody here has the address nobody@nowhere.test" in text_of(page)
    assert not Relationship.objects.exists()


def test_teacher_asks_an_expert_who_accepts_from_my_coaching(app, personas, mailoutbox):
    profile = ExpertProfileFactory(user=personas.outsider)
    offer(profile, "questioning", coaching=True)
    page = app.sign_in(personas.owner).get(profile.get_absolute_url())
    page = page.click(description="Ask Owen for coaching")
    form = form_for(page, "")
    form["message"] = "Questioning with my Year 5 class"
    done = form.submit().follow()
    assert "Your request is sent to Owen Bell" in messages_on(done)
    relationship = Relationship.objects.get(status="requested")
    home = app.sign_in(personas.outsider).get("/coaching/")
    answered = form_for(home, "coaching:answer", pk=relationship.pk).submit(
        "decision", value="accept"
    )
    assert "the coaching has started" in messages_on(answered.follow())
    relationship.refresh_from_db()
    assert relationship.status == "active"


def test_the_expert_declines_from_the_relationship_page(app, personas):
    profile = ExpertProfileFactory(user=personas.outsider)
    offer(profile, "questioning", coaching=True)
    form = form_for(app.sign_in(personas.owner).get(f"/coaching/ask/{profile.pk}/"), "")
    form.submit()
    relationship = Relationship.objects.get()
    page = app.sign_in(personas.outsider).get(relationship.get_absolute_url())
    form_for(page, "coaching:answer", pk=relationship.pk).submit("decision", value="decline")
    relationship.refresh_from_db()
    assert relationship.status == "declined"


def test_coach_observes_then_meets_and_sets_a_library_step(app, personas, mailoutbox):
    step = community_step(personas.coordinator)
    relationship = pair(personas.outsider, personas.owner, by=personas.leader)
    app.sign_in(personas.outsider)
    form = form_for(app.get(f"/coaching/{relationship.pk}/observe/"), "")
    form["kind"] = "drop_in"
    form["date"] = days(-1).isoformat()
    form["focus"] = "Questioning after the starter"
    form["notes"] = "Hands up for every question."
    assert "The observation is recorded." in messages_on(form.submit().follow())
    form = form_for(app.get(f"/coaching/{relationship.pk}/meet/"), "")
    form["date"] = days(0).isoformat()
    form["observation"] = str(relationship.observations.get().pk)
    form["praise"] = "A calm, clear start."
    form["library_step"] = str(step.pk)
    form["rehearsed"] = True
    form["check_back"] = days(7).isoformat()
    done = form.submit().follow()
    assert "the teacher is emailed the step" in messages_on(done)
    set_step = ActionStep.objects.get()
    assert set_step.library_step == step
    assert set_step.check_back == days(7)
    assert set_step.meeting.rehearsed
    assert step.action in text_of(done)


def test_a_meeting_without_a_step_is_a_message(app, personas):
    relationship = pair(personas.outsider, personas.owner, by=personas.leader)
    form = form_for(app.sign_in(personas.outsider).get(f"/coaching/{relationship.pk}/meet/"), "")
    form["date"] = days(0).isoformat()
    page = form.submit(status=400)
    assert "Choose a step from the library or write one." in text_of(page)
    assert not relationship.meetings.exists()


def test_teacher_moves_the_step_changes_the_date_and_copies_it(app, personas):
    relationship = pair(personas.outsider, personas.owner, by=personas.leader)
    _, _, step = full_cycle(relationship, personas.outsider, personas.owner)
    goal = GoalFactory(owner=personas.owner)
    page = app.sign_in(personas.owner).get(relationship.get_absolute_url())
    form = form_for(page, "coaching:check_back", pk=relationship.pk, step_pk=step.pk)
    form["check_back"] = days(10).isoformat()
    page = form.submit().follow()
    form = form_for(page, "coaching:step_move", pk=relationship.pk, step_pk=step.pk)
    page = form.submit("status", value="practising").follow()
    assert "The step is now practising" in messages_on(page)
    form = form_for(page, "coaching:step_move", pk=relationship.pk, step_pk=step.pk)
    page = form.submit("status", value="embedded").follow()
    step.refresh_from_db()
    assert (step.status, step.check_back) == ("embedded", days(10))
    page = page.click(description="Copy into my portfolio")
    form = form_for(page, "")
    form["reflection"] = "They wait for the name now."
    form["goal"] = str(goal.pk)
    entry_page = form.submit().follow()
    assert "The step is in your portfolio log" in messages_on(entry_page)
    assert Entry.objects.get().goals.get() == goal


def test_teacher_shares_an_item_then_withdraws_it(app, personas):
    relationship = pair(personas.outsider, personas.owner, by=personas.leader)
    observation, _, _ = full_cycle(relationship, personas.outsider, personas.owner)
    app.sign_in(personas.owner)
    url = reverse(
        "coaching:share",
        kwargs={"pk": relationship.pk, "what": "observation", "item_pk": observation.pk},
    )
    form = form_for(app.get(url), "")
    form["colleague"] = personas.colleague.email
    page = form.submit().follow()
    assert "Amelia Hughes can now read it" in messages_on(page)
    share = Share.objects.get()
    form_for(page, "coaching:share_withdraw", pk=share.pk).submit().follow()
    assert not Share.objects.exists()
    # And from the relationship's page.
    services.share_create(by=personas.owner, item=observation, colleague=personas.colleague)
    page = app.get(relationship.get_absolute_url())
    form_for(page, "coaching:share_withdraw", pk=Share.objects.get().pk).submit()
    assert not Share.objects.exists()


def test_teacher_pauses_resumes_and_the_coach_ends(app, personas):
    relationship = pair(personas.outsider, personas.owner, by=personas.leader)
    page = app.sign_in(personas.owner).get(relationship.get_absolute_url())
    page = form_for(page, "coaching:status", pk=relationship.pk).submit("action", value="pause")
    relationship.refresh_from_db()
    assert relationship.status == "paused"
    page = form_for(page.follow(), "coaching:status", pk=relationship.pk).submit(
        "action", value="resume"
    )
    relationship.refresh_from_db()
    assert relationship.status == "active"
    page = app.sign_in(personas.outsider).get(relationship.get_absolute_url())
    form_for(page, "coaching:status", pk=relationship.pk).submit("action", value="end")
    relationship.refresh_from_db()
    assert relationship.status == "ended"


def test_a_coach_proposes_a_step_and_the_coordinator_publishes_it(app, personas):
    pair(personas.outsider, personas.owner, by=personas.leader)
    form = form_for(app.sign_in(personas.outsider).get("/coaching/steps/new/"), "")
    form["title"] = "Wait, then name"
    form["category"] = "questioning"
    form["action"] = "Ask the question, wait three seconds, then name who answers."
    form["success_criteria"] = "Every pupil is thinking during the pause."
    form["model_link"] = "https://example.test/wait"
    page = form.submit().follow()
    assert "a curator will publish it" in messages_on(page)
    step = Step.objects.get(title="Wait, then name")
    assert step.status == "proposed"
    library = app.sign_in(personas.coordinator).get("/coaching/steps/")
    page = library.click(description="Wait, then name")
    form_for(page, "coaching:step_decide", pk=step.pk).submit("decision", value="publish")
    step.refresh_from_db()
    assert step.status == "published"


def test_a_step_needs_a_model_a_link_or_written(app, personas):
    pair(personas.outsider, personas.owner, by=personas.leader)
    form = form_for(app.sign_in(personas.outsider).get("/coaching/steps/new/"), "")
    form["title"] = "Wait, then name"
    form["category"] = "questioning"
    form["action"] = "Ask the question, wait three seconds, then name who answers."
    form["success_criteria"] = "Every pupil is thinking during the pause."
    page = form.submit(status=400)
    assert "Give a model: a link to the step done well" in page.text
    assert not Step.objects.filter(title="Wait, then name").exists()
    form = form_for(page, "")
    form["model_example"] = '"Why is the sky blue? Everyone think… Kai."'
    form.submit().follow()
    assert Step.objects.get(title="Wait, then name").model_example.startswith('"Why is the sky')


# --- A visit to the teacher's school, with release time (coaching/visits.py) ---
# The outsider (Thornbury) coaches the owner (Ashgrove); Thornbury's CPD leader (the other
# leader) decides the outsider's release time. Nothing reaching her names the teacher.

TEACHER_NAMES = ("Sam Whitfield", "Whitfield")
SECRETS = (SECRET_NOTE, SECRET_PRAISE, SECRET_STEP)


def test_coach_plans_a_visit_books_release_and_their_own_leader_approves(
    app, personas, cross_school, mailoutbox, django_capture_on_commit_callbacks
):
    year = academic_year_of(visit_day())
    budget_set(
        user=personas.outsider,
        academic_year=year,
        allocated=Decimal("500"),
        by=personas.other_leader,
    )
    page = app.sign_in(personas.outsider).get(cross_school.get_absolute_url())
    page = page.click(description="Plan a visit")
    form = form_for(page, "")
    assert form["school"].value == str(personas.school.pk)
    form["date"] = visit_day().isoformat()
    form["start_time"] = "09:00"
    form["end_time"] = "11:30"
    form["purpose"] = "observation"
    booking_page = form.submit().follow()
    assert "The visit is planned. Now book it" in messages_on(booking_page)

    visit = Visit.objects.get()
    session = visit.session
    assert (visit.relationship, visit.planned_by, visit.purpose) == (
        cross_school,
        personas.outsider,
        "observation",
    )
    assert session.title == "Coaching visit to Ashgrove Primary School"
    assert session.scope == DevelopmentSession.Scope.PRIVATE
    assert session.kind == DevelopmentSession.Kind.COACHING_VISIT
    assert (session.capacity, session.venue_school, session.status) == (
        1,
        personas.school,
        DevelopmentSession.Status.PUBLISHED,
    )
    assert booking_page.request.path == session.get_absolute_url()

    # The existing booking form, which asks release time.
    form = form_for(booking_page, "cpd_sessions:book", pk=session.pk)
    form["cover_lessons"] = "2"
    form["cover_notes"] = "Periods 1 and 2"
    form["supply_cost"] = "90.00"
    form["travel_cost"] = "12.60"
    form["goal"] = "Coaching across our schools"
    with django_capture_on_commit_callbacks(execute=True):
        done = form.submit().follow()
    assert "Your place is held while your CPD leader decides" in messages_on(done)
    release = ReleaseRequest.objects.get()
    assert release.booking.user == personas.outsider
    assert release.booking.status == Booking.Status.PENDING

    # The email goes to the coach's own CPD leader, without a name or a word of the coaching
    # beyond the coach's own, and without a link to a page the leader cannot open.
    (mail,) = [m for m in mailoutbox if personas.other_leader.email in m.to]
    bodies = [mail.subject, mail.body, mail.alternatives[0][0]]
    for text in bodies:
        assert "Coaching visit to Ashgrove Primary School" in text or text == mail.subject
        for secret in (*TEACHER_NAMES, *SECRETS):
            assert secret not in text
        assert session.get_absolute_url() not in text
    assert not [m for m in mailoutbox if personas.leader.email in m.to]  # not Ashgrove's leader

    # Ashgrove's leader (the teacher's) has nothing to decide; Thornbury's has it.
    assert "Coaching visit" not in app.sign_in(personas.leader).get("/sessions/approvals/").text
    queue = app.sign_in(personas.other_leader).get("/sessions/approvals/")
    assert "Coaching visit to Ashgrove Primary School" in queue.text
    assert "09:00 to 11:30" in queue.text
    for secret in (*TEACHER_NAMES, *SECRETS):
        assert secret not in queue.text
    form = form_for(queue, "cpd_sessions:release_decide", pk=release.pk, index=0)
    assert form["decision"].value == "approve"
    with django_capture_on_commit_callbacks(execute=True):
        done = form.submit().follow()
    assert "Approved: Owen Bell is booked on." in messages_on(done)
    assert Booking.objects.get(pk=release.booking.pk).status == Booking.Status.CONFIRMED

    # The ledger: one charge of the whole cost, to the coach, this year.
    entries = BudgetEntry.objects.filter(user=personas.outsider, academic_year=year)
    assert sum(e.amount for e in entries) == Decimal("102.60")
    assert not BudgetEntry.objects.exclude(user=personas.outsider).exists()

    # The relationship's page: the coach sees the release status.
    cycle = app.sign_in(personas.outsider).get(cross_school.get_absolute_url())
    assert "Release time: Confirmed" in text_of(cycle)


def test_coach_calls_off_the_visit_and_the_ledger_gives_it_back(
    app, personas, cross_school, django_capture_on_commit_callbacks
):
    visit = plan_visit(cross_school, personas.outsider, personas.school)
    booking = booking_create(
        session=visit.session, user=personas.outsider, release=release_data()
    ).booking
    release_decide(release=booking.release, by=personas.other_leader, approve=True)
    charged = sum(
        BudgetEntry.objects.filter(user=personas.outsider).values_list("amount", flat=True)
    )
    assert charged == booking.release.total_cost > 0

    page = app.sign_in(personas.outsider).get(cross_school.get_absolute_url())
    form = form_for(page, "coaching:visit_cancel", pk=cross_school.pk, visit_pk=visit.pk)
    with django_capture_on_commit_callbacks(execute=True):
        done = form.submit().follow()
    assert "The visit is called off" in messages_on(done)
    assert "Called off" in text_of(done)
    visit.session.refresh_from_db()
    assert visit.session.status == DevelopmentSession.Status.CANCELLED
    net = sum(BudgetEntry.objects.filter(user=personas.outsider).values_list("amount", flat=True))
    assert net == 0


def test_a_date_in_the_past_is_a_message_on_the_form(app, personas, cross_school):
    page = app.sign_in(personas.outsider).get(
        reverse("coaching:visit_plan", kwargs={"pk": cross_school.pk})
    )
    form = form_for(page, "")
    form["date"] = (timezone.localdate() - datetime.timedelta(days=3)).isoformat()
    form["start_time"] = "09:00"
    form["end_time"] = "08:00"
    refused = form.submit(status=400)
    assert "The visit must end after it starts." in text_of(refused)
    form = form_for(refused, "")
    form["end_time"] = "10:00"
    refused = form.submit(status=400)
    assert "A meeting cannot be in the past" in text_of(refused)
    assert not Visit.objects.exists()
    assert not DevelopmentSession.objects.exists()

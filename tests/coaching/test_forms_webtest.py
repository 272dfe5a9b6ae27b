"""Every coaching form, as a browser renders and submits it (tests/webtest.py)."""

import pytest
from django.urls import reverse

from coaching import services
from coaching.models import ActionStep, Relationship, Share, Step
from portfolios.models import Entry
from tests.experts.factories import ExpertProfileFactory, offer
from tests.portfolios.factories import GoalFactory
from tests.webtest import form_for, messages_on, text_of

from .factories import community_step, days, full_cycle, pair

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

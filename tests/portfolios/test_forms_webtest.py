"""
The portfolio's forms, submitted as a browser submits them (WebTest: the rendered form, its
CSRF token, its fields by name, its own action; files as multipart uploads). See tests/webtest.py.
"""

import pytest
from webtest import Upload

from cpdhub.academic_year import current_academic_year
from experts.models import ExpertiseArea
from portfolios.models import (
    Entry,
    EntryAttachment,
    Goal,
    GoalReview,
    ImpactFollowUp,
    Need,
    Statement,
)
from tests.webtest import form_for, messages_on, text_of

from .factories import EntryFactory, GoalFactory, NeedFactory, follow_up_for

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


# --- Goals ---


def test_add_a_goal_shared_with_a_colleague_then_review_it(app, personas):
    area = ExpertiseArea.objects.get(slug="questioning")
    page = app.sign_in(personas.owner).get("/portfolio/goals/new/")
    form = form_for(page, "")
    form["title"] = "Better questioning"
    form["description"] = "Hinge questions in maths"
    # the areas are tickboxes: tick questioning by its value
    for field in form.fields["areas"]:
        field.checked = field._value == str(area.pk)
    form["success_criteria"] = "Every pupil answers"
    form["source"] = "appraisal"
    form["shared_with"] = f"{personas.outsider.email}\n{personas.owner.email}"
    goal_page = form.submit().follow()
    assert "Your goal “Better questioning” is saved." in messages_on(goal_page)
    goal = Goal.objects.get(owner=personas.owner)
    assert goal.academic_year == current_academic_year()
    assert list(goal.areas.all()) == [area]
    assert list(goal.shared_with.all()) == [personas.outsider]  # never myself

    form = form_for(goal_page, "portfolios:goal_review", pk=goal.pk)
    form["note"] = "Halfway: most pupils answer."
    done = form.submit().follow()
    assert "Your review note is added." in messages_on(done)
    assert GoalReview.objects.get(goal=goal).note == "Halfway: most pupils answer."

    shared = app.sign_in(personas.outsider).get("/portfolio/shared/")
    assert "Better questioning" in text_of(shared)


def test_edit_then_delete_a_goal(app, personas):
    goal = GoalFactory(owner=personas.owner, title="Retrieval")
    page = app.sign_in(personas.owner).get(f"/portfolio/goals/{goal.pk}/edit/")
    form = form_for(page, "")
    assert form["title"].value == "Retrieval"
    form["title"] = "Retrieval practice"
    form["status"] = "achieved"
    done = form.submit().follow()
    assert "Your goal is saved." in messages_on(done)
    assert Goal.objects.get(pk=goal.pk).status == Goal.Status.ACHIEVED
    assert Goal.objects.get(pk=goal.pk).title == "Retrieval practice"

    page = app.get(f"/portfolio/goals/{goal.pk}/edit/")
    done = form_for(page, "portfolios:goal_delete", pk=goal.pk).submit().follow()
    assert "is deleted" in messages_on(done)
    assert not Goal.objects.filter(pk=goal.pk).exists()


def test_a_goal_without_a_title_is_explained_on_the_form(app, personas):
    form = form_for(app.sign_in(personas.owner).get("/portfolio/goals/new/"), "")
    form["title"] = ""
    response = form.submit(status=400)
    assert "There is a problem" in text_of(response)
    assert not Goal.objects.exists()


def test_another_persons_goal_has_no_form_for_me(app, personas):
    goal = GoalFactory(owner=personas.owner, title="Retrieval")
    app.sign_in(personas.colleague).get(f"/portfolio/goals/{goal.pk}/edit/", status=404)
    app.get(f"/portfolio/goals/{goal.pk}/", status=404)
    assert Goal.objects.get(pk=goal.pk).title == "Retrieval"


# --- The log: entries and their files ---


def test_log_an_entry_against_a_goal_with_a_file(app, personas):
    goal = GoalFactory(owner=personas.owner, title="Retrieval")
    page = app.sign_in(personas.owner).get("/portfolio/log/new/")
    form = form_for(page, "")
    assert form.enctype == "multipart/form-data"
    assert form["date"].value  # today, filled in
    form["kind"] = "session_attended"
    form["title"] = "Twilight on retrieval"
    form["hours"] = "1.5"
    form["goals"] = [str(goal.pk)]
    form["learned"] = "Quizzing helps"
    form["will_try"] = "Weekly quizzes"
    form["links"] = "https://example.org/slides"
    form["share_with_leaders"] = True
    form["attachment"] = Upload("slides.pdf", PDF, "application/pdf")
    done = form.submit().follow()
    assert "“Twilight on retrieval” is in your log." in messages_on(done)
    entry = Entry.objects.get(owner=personas.owner)
    assert list(entry.goals.all()) == [goal]
    assert entry.share_with_leaders
    assert EntryAttachment.objects.get(entry=entry).original_name == "slides.pdf"
    assert "slides.pdf" in text_of(done)


def test_a_bad_file_is_explained_on_the_form_and_nothing_saved(app, personas):
    form = form_for(app.sign_in(personas.owner).get("/portfolio/log/new/"), "")
    form["title"] = "Twilight on retrieval"
    form["hours"] = "1.5"
    form["attachment"] = Upload("virus.exe", b"MZ\x90\x00", "application/octet-stream")
    response = form.submit(status=400)
    assert "is not a type of file we keep" in text_of(response)
    assert not Entry.objects.exists()


def test_edit_an_entry_remove_its_file_then_delete_it(app, personas):
    entry = EntryFactory(owner=personas.owner, title="Twilight on retrieval")
    page = app.sign_in(personas.owner).get(f"/portfolio/log/{entry.pk}/edit/")
    form = form_for(page, "")
    form["title"] = "Twilight on retrieval practice"
    form["attachment"] = Upload("notes.pdf", PDF, "application/pdf")
    done = form.submit().follow()
    assert "Your entry is saved." in messages_on(done)
    entry.refresh_from_db()
    assert entry.title == "Twilight on retrieval practice"
    item = EntryAttachment.objects.get(entry=entry)

    page = app.get(f"/portfolio/log/{entry.pk}/edit/")
    done = form_for(page, "portfolios:attachment_delete", entry_pk=entry.pk, pk=item.pk).submit()
    assert "is removed" in messages_on(done.follow())
    assert not EntryAttachment.objects.filter(entry=entry).exists()

    page = app.get(f"/portfolio/log/{entry.pk}/edit/")
    done = form_for(page, "portfolios:entry_delete", pk=entry.pk).submit().follow()
    assert "is deleted from your log" in messages_on(done)
    assert not Entry.objects.filter(pk=entry.pk).exists()


# --- Six weeks on ---


def test_answer_the_six_week_follow_up(app, personas):
    entry = EntryFactory(owner=personas.owner, title="Hinge questions", will_try="Whiteboards")
    follow_up = follow_up_for(entry, days_ago=2)
    page = app.sign_in(personas.owner).get(follow_up.get_absolute_url())
    form = form_for(page, "")
    form["tried"] = "yes"
    form["level"] = "pupils"
    form["what_happened"] = "Quiz scores rose"
    done = form.submit().follow()
    assert "Thank you: your answer is in your portfolio." in messages_on(done)
    follow_up.refresh_from_db()
    assert follow_up.answered_at is not None
    assert (follow_up.tried, follow_up.level) == (True, ImpactFollowUp.Level.PUPILS)


# --- Needs ---


def test_record_edit_and_delete_a_need(app, personas):
    goal = GoalFactory(owner=personas.owner, title="Phonics")
    area = ExpertiseArea.objects.get(slug="questioning")
    page = app.sign_in(personas.owner).get("/portfolio/needs/")
    form = form_for(page, "")
    form["area"] = str(area.pk)
    form["description"] = "Help with questioning in Year 2"
    form["priority"] = form.fields["priority"][0].options[0][0]
    form["goal"] = str(goal.pk)
    done = form.submit().follow()
    assert "Your need is recorded." in messages_on(done)
    need = Need.objects.get(owner=personas.owner)
    assert (need.area, need.goal) == (area, goal)

    page = app.get(f"/portfolio/needs/{need.pk}/")
    form = form_for(page, "")
    form["description"] = "Help with questioning in Years 2 and 3"
    done = form.submit().follow()
    assert "Your need is saved." in messages_on(done)
    assert Need.objects.get(pk=need.pk).description == "Help with questioning in Years 2 and 3"

    page = app.get(f"/portfolio/needs/{need.pk}/")
    done = form_for(page, "portfolios:need_delete", pk=need.pk).submit().follow()
    assert "The need is deleted." in messages_on(done)
    assert not Need.objects.filter(pk=need.pk).exists()


def test_leader_passes_a_need_to_the_coordinator_then_marks_it_met(app, personas):
    need = NeedFactory(owner=personas.owner, description="Help with phonics")
    page = app.sign_in(personas.leader).get("/portfolio/needs/audit/")
    done = form_for(page, "portfolios:need_decide", pk=need.pk).submit("status", value="passed")
    done = done.follow()
    need.refresh_from_db()
    assert (need.status, need.decided_by) == ("passed", personas.leader)
    done = form_for(done, "portfolios:need_decide", pk=need.pk).submit("status", value="met")
    need.refresh_from_db()
    assert need.status == "met"


def test_another_schools_leader_has_no_decision_form_for_my_need(app, personas):
    need = NeedFactory(owner=personas.owner, description="Help with phonics")
    page = app.sign_in(personas.other_leader).get("/portfolio/needs/audit/")
    with pytest.raises(AssertionError, match="No form posting"):
        form_for(page, "portfolios:need_decide", pk=need.pk)
    assert Need.objects.get(pk=need.pk).status == "open"


# --- The annual statement ---


def test_save_my_statement_then_start_again(app, personas):
    url = f"/portfolio/statement/{current_academic_year()}/"
    page = app.sign_in(personas.owner).get(url)
    form = form_for(page, "")
    assert form["text"].value  # drafted from the portfolio
    form["text"] = "My own words about this year."
    done = form.submit().follow()
    assert "Your statement is saved." in messages_on(done)
    assert Statement.objects.get(owner=personas.owner).text == "My own words about this year."

    done = form_for(done, "").submit("redraft").follow()
    assert "drafted afresh" in messages_on(done)
    assert not Statement.objects.exists()

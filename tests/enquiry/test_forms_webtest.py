"""Every enquiry form, as a browser renders and submits it (tests/webtest.py)."""

import pytest
from webtest import Upload

from enquiry import services
from enquiry.models import Agreement, Group, Invitation, LogEntry, Membership, ReadingItem, WriteUp
from experts.models import ExpertiseArea
from portfolios.models import Entry, Need
from tests.portfolios.factories import GoalFactory
from tests.webtest import form_for, messages_on, text_of

from .factories import group, publish

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_a_teacher_starts_a_group_and_invites_a_colleague_who_accepts(app, personas, mailoutbox):
    page = app.sign_in(personas.owner).get("/enquiries/new/")
    form = form_for(page, "")
    form["question"] = "How can we teach fractions to Year 5 pupils who struggle with place value?"
    form["kind"] = "lesson_study"
    form["areas"] = [str(ExpertiseArea.objects.get(slug="questioning").pk)]
    form["status"] = "closed"
    form["planned_end"] = "2001-01-01"  # before the start: a message, nothing saved
    refused = form.submit(expect_errors=True)
    assert refused.status_code == 400
    assert not Group.objects.exists()
    form = form_for(refused, "")
    form["planned_end"] = ""
    done = form.submit().follow()
    assert "Your group is started" in messages_on(done)
    made = Group.objects.get()
    form = form_for(done, "enquiry:invite", pk=made.pk)
    form["email"] = "nobody@nowhere.test"
    refused = form.submit(expect_errors=True)
    assert refused.status_code == 400
    assert "Nobody in the community" in text_of(refused)
    form = form_for(refused, "enquiry:invite", pk=made.pk)
    form["email"] = personas.outsider.email
    assert "is invited" in messages_on(form.submit().follow())
    assert Invitation.objects.filter(user=personas.outsider, status="pending").exists()
    home = app.sign_in(personas.outsider).get("/enquiries/")
    invitation = Invitation.objects.get()
    accepted = form_for(home, "enquiry:answer", pk=invitation.pk).submit("decision", value="accept")
    assert "You have joined the group" in messages_on(accepted.follow())
    assert Membership.objects.filter(group=made, user=personas.outsider).exists()


def test_a_suggested_open_group_is_joined_from_my_enquiries(app, personas):
    personas.owner.suggest_me = True
    personas.owner.save(update_fields=["suggest_me"])
    Need.objects.create(
        owner=personas.owner, area=ExpertiseArea.objects.get(slug="questioning"), description="Q"
    )
    made = group(personas.outsider)
    home = app.sign_in(personas.owner).get("/enquiries/")
    assert "Suggested for you" in text_of(home)
    joined = form_for(home, "enquiry:join", pk=made.pk).submit().follow()
    assert "You have joined the group" in messages_on(joined)
    assert made.question in text_of(joined)


def test_members_log_notes_and_files_keep_a_reading_list_and_delete_their_own(app, personas):
    made = group(personas.owner, personas.outsider)
    page = app.sign_in(personas.owner).get(made.get_absolute_url())
    form = form_for(page, "enquiry:log_add", pk=made.pk)
    form["kind"] = "file"
    form["upload"] = Upload("run.exe", b"MZ", "application/octet-stream")
    refused = form.submit(expect_errors=True)
    assert refused.status_code == 400
    assert "not a type of file we keep" in text_of(refused)
    form = form_for(refused, "enquiry:log_add", pk=made.pk)
    form["kind"] = "file"
    form["text"] = "Our plan"
    form["upload"] = Upload("plan.txt", b"The research lesson plan.", "text/plain")
    page = form.submit().follow()
    assert "It is in the group's log" in messages_on(page)
    download = page.click(description="plan.txt")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.body == b"The research lesson plan."
    form = form_for(page, "enquiry:log_add", pk=made.pk)
    form["kind"] = "decision"
    form["text"] = "Bar models before any procedure."
    page = form.submit().follow()
    form = form_for(page, "enquiry:reading_add", pk=made.pk)
    form["title"] = "EEF maths guidance"
    form["url"] = "example.test/eef"
    form["note"] = "Recommendation 2"
    page = form.submit().follow()
    assert "It is on the reading list" in messages_on(page)
    assert ReadingItem.objects.get().url == "https://example.test/eef"
    item = ReadingItem.objects.get()
    page = (
        form_for(page, "enquiry:reading_delete", pk=made.pk, reading_pk=item.pk).submit().follow()
    )
    assert not ReadingItem.objects.exists()
    note = LogEntry.objects.get(kind="decision")
    page = form_for(page, "enquiry:log_delete", pk=made.pk, log_pk=note.pk).submit().follow()
    assert "Your log entry is deleted" in messages_on(page)
    assert list(LogEntry.objects.values_list("kind", flat=True)) == ["file"]
    # Another member cannot delete it: no button, and a refusal.
    other = app.sign_in(personas.outsider).get(made.get_absolute_url())
    assert not [f for f in other.forms.values() if "/delete/" in (f.action or "")]


def test_the_draft_is_edited_agreed_by_everyone_and_added_to_a_portfolio(app, personas):
    made = group(personas.owner, personas.outsider)
    page = app.sign_in(personas.owner).get(made.get_absolute_url())
    page = page.click(description="Start the write-up")
    form = form_for(page, "")
    assert form["question"].value == made.question
    form["tried"] = "Bar models first"
    form["happened"] = "Exit tickets improved"
    page = form.submit().follow()
    assert "The draft is saved" in messages_on(page)
    page = form_for(page, "enquiry:agree", pk=made.pk).submit().follow()
    assert "You agree to publish" in messages_on(page)
    assert Agreement.objects.count() == 1
    page = app.sign_in(personas.outsider).get(made.get_absolute_url())
    published = form_for(page, "enquiry:agree", pk=made.pk).submit().follow()
    assert "the write-up is in the library" in messages_on(published)
    assert "Exit tickets improved" in text_of(published)
    GoalFactory(owner=personas.outsider, title="Better maths teaching")
    form = form_for(published.click(description="Add it to my portfolio"), "")
    form["goal"].select(text="Better maths teaching")
    form["reflection"] = "I will use bar models."
    entry_page = form.submit().follow()
    assert "The write-up is in your portfolio log" in messages_on(entry_page)
    assert Entry.objects.get(owner=personas.outsider).kind == "enquiry"


def test_the_owner_closes_the_group_and_a_member_leaves_deleting_their_words(app, personas):
    made = group(personas.owner, personas.outsider)
    services.log_add(group=made, by=personas.outsider, kind="note", text="Owen's note")
    page = app.sign_in(personas.owner).get(made.get_absolute_url())
    form = form_for(page, "enquiry:status", pk=made.pk)
    form["status"] = "finished"
    form["planned_end"] = "2030-07-20"
    assert "are saved" in messages_on(form.submit().follow())
    assert Group.objects.get(pk=made.pk).status == "finished"
    page = app.sign_in(personas.outsider).get(made.get_absolute_url())
    form = form_for(page, "enquiry:leave", pk=made.pk)
    form["delete_mine"] = True
    home = form.submit().follow()
    assert "You have left the group" in messages_on(home)
    assert not LogEntry.objects.exists()
    assert app.get(made.get_absolute_url(), expect_errors=True).status_code == 404


def test_the_coordinator_starts_a_group_from_a_gap_in_the_needs(app, personas, mailoutbox):
    area = ExpertiseArea.objects.get(slug="questioning")
    for person in (personas.owner, personas.outsider):
        Need.objects.create(owner=person, area=area, description="Questioning")
    needs = app.sign_in(personas.coordinator).get("/coordinator/needs/")
    page = needs.click(href="/coordinator/needs/enquiry/questioning/")
    assert personas.outsider.full_name in text_of(page)
    form = form_for(page, "")
    form["question"] = "How do we get every pupil answering?"
    form["kind"] = "enquiry"
    done = form.submit().follow()
    assert "2 people with a need in" in messages_on(done)
    made = Group.objects.get()
    assert set(made.invitations.values_list("user", flat=True)) == {
        personas.owner.pk,
        personas.outsider.pk,
    }
    assert not made.memberships.exists()


def test_a_published_write_up_is_found_in_the_library(app, personas):
    made = group(personas.owner, personas.outsider)
    publish(made, personas.owner, personas.outsider, tried="Cold call with wait time")
    page = app.sign_in(personas.colleague).get("/enquiries/library/")
    form = next(f for f in page.forms.values() if f.method.lower() == "get" and "q" in f.fields)
    form["q"] = "wait time"
    form["kind"] = "lesson_study"
    found = form.submit()
    assert made.question in text_of(found)
    assert f"By {personas.owner.full_name}, {personas.outsider.full_name}" in text_of(found)
    assert WriteUp.objects.get().status == "published"


def test_members_follow_each_others_progress_what_they_tried_and_what_happened(app, personas):
    made = group(personas.owner, personas.outsider)
    page = app.sign_in(personas.outsider).get(made.get_absolute_url())
    assert "nothing shared yet" in text_of(page)
    form = form_for(page, "enquiry:log_add", pk=made.pk)
    form["kind"] = "note"
    form["text"] = "A note"
    form["result"] = "Only progress says what happened"
    refused = form.submit(expect_errors=True)
    assert refused.status_code == 400
    assert "only with what you tried" in text_of(refused)
    form = form_for(refused, "enquiry:log_add", pk=made.pk)
    form["kind"] = "progress"
    form["text"] = ""
    form["result"] = "Pupils talked more"
    refused = form.submit(expect_errors=True)
    assert "Say what you tried in your classroom" in text_of(refused)
    assert not LogEntry.objects.exists()
    form = form_for(refused, "enquiry:log_add", pk=made.pk)
    form["kind"] = "progress"
    form["text"] = "Talk partners before every hinge question"
    form["result"] = "Eight more pupils answered; two case pupils explained their method"
    form.submit().follow()
    # The next week's progress replaces it as where she has got to; the first stays in the log.
    page = app.sign_in(personas.outsider).get(made.get_absolute_url())
    form = form_for(page, "enquiry:log_add", pk=made.pk)
    form["kind"] = "progress"
    form["text"] = "Mini whiteboards for the hinge question"
    form.submit().follow()
    seen = text_of(app.sign_in(personas.owner).get(made.get_absolute_url()))
    where = seen.split("Where each of us has got to")[1].split("The group's log")[0]
    assert "Mini whiteboards for the hinge question" in where
    assert "What happened: not known yet." in where
    assert "Talk partners" not in where
    assert "Eight more pupils answered" in seen  # still in the log, with what happened
    assert "nothing shared yet" in where  # the owner has shared none

"""Goals and the log through their forms: good input saves, bad input gets a message, not a 500."""

import datetime
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from cpdhub.academic_year import current_academic_year, year_label
from experts.models import ExpertiseArea
from portfolios.files import MAX_ATTACHMENT_BYTES
from portfolios.models import Entry, EntryAttachment, Goal, GoalReview, ImpactFollowUp

from .factories import EntryFactory, GoalFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def goal_post(**overrides):
    area = ExpertiseArea.objects.get(slug="questioning")
    return {
        "title": "Better questioning",
        "description": "Hinge questions in maths",
        "areas": [str(area.pk)],
        "success_criteria": "Every pupil answers",
        "source": "appraisal",
        "academic_year": str(current_academic_year()),
        "status": "active",
        "shared_with": "",
    } | overrides


def entry_post(**overrides):
    return {
        "date": timezone.localdate().isoformat(),
        "kind": "session_attended",
        "title": "Twilight on retrieval",
        "hours": "1.5",
        "learned": "Quizzing helps",
        "will_try": "",
        "impact_practice": "",
        "impact_pupils": "",
        "evidence": "",
        "links": "https://example.org/slides",
        "shared_with": "",
    } | overrides


def test_add_a_goal_then_review_it(client, personas):
    client.force_login(personas.owner)
    response = client.post("/portfolio/goals/new/", goal_post())
    goal = Goal.objects.get(owner=personas.owner)
    assert response.status_code == 302
    assert response["Location"] == goal.get_absolute_url()
    assert goal.title == "Better questioning"
    assert [a.slug for a in goal.areas.all()] == ["questioning"]
    assert goal.source == "appraisal"

    client.post(f"/portfolio/goals/{goal.pk}/review/", {"note": "Going well in maths"})
    assert GoalReview.objects.get(goal=goal).note == "Going well in maths"
    page = client.get(goal.get_absolute_url()).content.decode()
    assert "Going well in maths" in page
    assert "Private: only you can see this." in page


@pytest.mark.parametrize("year", ["1999", "2200", "abc", ""])
def test_a_goal_for_an_impossible_year_is_refused(client, personas, year):
    client.force_login(personas.owner)
    response = client.post("/portfolio/goals/new/", goal_post(academic_year=year))
    assert response.status_code == 400
    assert 'id="error-summary-title"' in response.content.decode()
    assert not Goal.objects.exists()


def test_moving_a_goal_to_another_year_with_entries_in_this_one_is_refused(client, personas):
    goal = GoalFactory(owner=personas.owner)
    entry = EntryFactory(owner=personas.owner)
    entry.goals.add(goal)
    client.force_login(personas.owner)
    response = client.post(
        f"/portfolio/goals/{goal.pk}/edit/",
        goal_post(academic_year=str(goal.academic_year + 1)),
    )
    assert response.status_code == 400
    assert "is linked to this goal and is not in" in response.content.decode()
    goal.refresh_from_db()
    assert goal.academic_year == current_academic_year()


def test_log_an_entry_against_a_goal_with_a_file(client, personas):
    goal = GoalFactory(owner=personas.owner, title="Retrieval")
    client.force_login(personas.owner)
    response = client.post(
        "/portfolio/log/new/",
        entry_post(
            goals=[str(goal.pk)],
            will_try="Weekly quizzes",
            attachment=SimpleUploadedFile("slides.pdf", PDF, content_type="application/pdf"),
        ),
    )
    entry = Entry.objects.get(owner=personas.owner)
    assert response.status_code == 302
    assert list(entry.goals.all()) == [goal]
    attachment = EntryAttachment.objects.get(entry=entry)
    assert attachment.original_name == "slides.pdf"
    assert attachment.content_type == "application/pdf"
    assert "slides" not in attachment.file.name  # stored under a random name
    assert entry.follow_up.due_on == entry.date + datetime.timedelta(days=42)
    page = client.get(entry.get_absolute_url()).content.decode()
    assert "slides.pdf" in page
    assert "https://example.org/slides" in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"date": (timezone.localdate() + datetime.timedelta(days=1)).isoformat()},
            "cannot be in the future",
        ),
        ({"hours": "0"}, "more than 0"),
        ({"hours": "-2"}, "more than 0"),
        ({"hours": "101"}, "no more than 100 hours"),
        ({"hours": "99999999"}, "no more than 100 hours"),
        ({"hours": "lots"}, "Enter a number"),
        ({"date": "31/02/2026"}, "Enter a valid date"),
        ({"title": ""}, "This field is required"),
        ({"kind": "holiday"}, "Select a valid choice"),
        ({"links": "javascript:alert(1)"}, "is not a web address"),
    ],
)
def test_bad_entry_input_gets_a_message_and_saves_nothing(client, personas, overrides, message):
    client.force_login(personas.owner)
    response = client.post("/portfolio/log/new/", entry_post(will_try="Something", **overrides))
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert "There is a problem" in page
    assert not Entry.objects.exists()
    assert not ImpactFollowUp.objects.exists()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("virus.exe", b"MZ\x90\x00"), "is not a type of file we keep"),
        (SimpleUploadedFile("page.html", b"<script>"), "is not a type of file we keep"),
        (SimpleUploadedFile("fake.pdf", b"MZ\x90\x00 not a pdf"), "does not look like a PDF"),
        (SimpleUploadedFile("photo.png", b"GIF89a"), "does not look like a PNG"),
        (SimpleUploadedFile("notes.txt", b"\x00\x01\x02binary"), "is not a plain text file"),
        (
            SimpleUploadedFile("huge.pdf", PDF + b"0" * MAX_ATTACHMENT_BYTES),
            "the most we keep is 10.0",
        ),
    ],
)
def test_bad_files_get_a_message_and_nothing_is_saved(client, personas, upload, message):
    client.force_login(personas.owner)
    response = client.post("/portfolio/log/new/", entry_post(attachment=upload))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Entry.objects.exists()
    assert not EntryAttachment.objects.exists()


def test_a_bad_file_on_edit_leaves_the_entry_as_it_was(client, personas):
    entry = EntryFactory(owner=personas.owner, title="Before")
    client.force_login(personas.owner)
    response = client.post(
        f"/portfolio/log/{entry.pk}/edit/",
        entry_post(title="After", attachment=SimpleUploadedFile("x.exe", b"MZ")),
    )
    assert response.status_code == 400
    entry.refresh_from_db()
    assert entry.title == "Before"


def test_an_entry_cannot_count_towards_a_goal_of_another_year(client, personas):
    last_year = current_academic_year() - 1
    goal = GoalFactory(owner=personas.owner, title="Old goal", academic_year=last_year)
    client.force_login(personas.owner)
    response = client.post("/portfolio/log/new/", entry_post(goals=[str(goal.pk)]))
    assert response.status_code == 400
    assert f"is a goal for {year_label(last_year)}" in response.content.decode()
    assert not Entry.objects.exists()


def test_someone_elses_goal_cannot_be_linked(client, personas):
    theirs = GoalFactory(owner=personas.colleague)
    client.force_login(personas.owner)
    response = client.post("/portfolio/log/new/", entry_post(goals=[str(theirs.pk)]))
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not Entry.objects.exists()


def test_the_database_refuses_impossible_hours(personas):
    entry = EntryFactory(owner=personas.owner)
    for hours in ["0", "100.01"]:
        with pytest.raises(IntegrityError), transaction.atomic():
            Entry.objects.filter(pk=entry.pk).update(hours=hours)


def test_edit_and_delete_my_entry_and_its_file(
    client, personas, django_capture_on_commit_callbacks
):
    entry = EntryFactory(owner=personas.owner, will_try="")
    client.force_login(personas.owner)
    client.post(
        f"/portfolio/log/{entry.pk}/edit/",
        entry_post(
            title="Renamed",
            will_try="Try it",
            attachment=SimpleUploadedFile("notes.txt", "Café notes".encode()),
        ),
    )
    entry.refresh_from_db()
    assert entry.title == "Renamed"
    assert ImpactFollowUp.objects.filter(entry=entry).exists()
    attachment = entry.attachments.get()
    assert attachment.content_type == "text/plain"
    path = attachment.file.path
    assert os.path.exists(path)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/portfolio/log/{entry.pk}/files/{attachment.pk}/delete/")
    assert not EntryAttachment.objects.exists()
    assert not os.path.exists(path)
    client.post(f"/portfolio/log/{entry.pk}/delete/")
    assert not Entry.objects.exists()
    assert client.get(f"/portfolio/log/{entry.pk}/delete/").status_code == 405

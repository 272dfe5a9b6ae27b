"""The demo shows enquiry: the demo teacher in a lesson-study group across three schools with a
reading list, a log (a note, a decision, a file) and a draft to agree to; a published write-up in
the library from another group; an open group suggested to her; an invitation waiting for the
demo CPD leader. Idempotent."""

import pytest
from django.core.management import call_command

from enquiry import selectors
from enquiry.models import Group, LogEntry, WriteUp
from hubs.models import User

pytestmark = pytest.mark.django_db


def test_the_demo_shows_enquiry_and_is_idempotent(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)
    teacher = User.objects.get(email="teacher@demo.test")
    leader = User.objects.get(email="leader@demo.test")
    assert Group.objects.count() == 3
    page = selectors.my_enquiries(teacher)
    (mine,) = page.mine
    assert mine.kind == "lesson_study"
    assert mine.school_count == 3
    assert mine.reading.count() == 2
    assert sorted(mine.log.values_list("kind", flat=True)) == [
        "decision",
        "file",
        "note",
        "progress",
        "progress",
    ]
    assert [g.question for g in page.suggested] == [
        "Which routines help Year 3 pupils settle quickly after lunch?"
    ]
    assert not WriteUp.objects.get(group=mine).is_published
    (published,) = selectors.library()
    assert published.group_id != mine.pk
    assert len(selectors.authors(published)) == 2
    assert len(selectors.my_enquiries(leader).invitations) == 1
    client.force_login(teacher)
    assert "Suggested for you" in client.get("/enquiries/").content.decode()
    group_page = client.get(mine.get_absolute_url()).content.decode()
    assert "I agree to publish it as it stands" in group_page
    entry = LogEntry.objects.get(group=mine, kind="file")
    download = client.get(entry.get_file_url())
    assert download.status_code == 200
    assert b"Research lesson" in b"".join(download.streaming_content)

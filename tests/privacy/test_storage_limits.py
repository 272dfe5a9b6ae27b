"""
What one person can make the server store or read: one download of their data a day (the
newest only is kept), a quota on their evidence files, and request bodies refused from their
Content-Length before they are read.
"""

from __future__ import annotations

import datetime
import io
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from webtest import Upload

from hubs.models import ImportJob
from portfolios.models import Entry, EntryAttachment
from privacy.models import DataExport
from tests.portfolios.factories import EntryFactory
from tests.privacy.test_forms_webtest import (
    build_export,
    life,  # noqa: F401 -- a fixture used below
)
from tests.webtest import form_for, messages_on, text_of

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n" + b"0" * 2048 + b"\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_one_download_a_day_a_second_request_gets_the_same_file(
    app,
    personas,
    life,  # noqa: F811 -- the fixture imported above
    django_capture_on_commit_callbacks,
):
    page = build_export(app, personas.owner, django_capture_on_commit_callbacks)
    first = DataExport.objects.get(user=personas.owner)
    assert first.is_available
    assert "Prepare my download" not in page.text
    assert "A new one can be prepared tomorrow" in page.text
    # The form sent again (an old tab, a script): the same download, no new zip.
    with django_capture_on_commit_callbacks(execute=True):
        again = app.post("/me/data/", {"csrfmiddlewaretoken": app.cookies["csrftoken"]})
    assert "Your download made today is ready below" in messages_on(again.follow())
    assert list(DataExport.objects.filter(user=personas.owner)) == [first]
    # The next day, a new one replaces it: only the newest file is kept.
    DataExport.objects.filter(pk=first.pk).update(
        created_at=first.created_at - datetime.timedelta(days=1)
    )
    old_path = first.file.path
    page = build_export(app, personas.owner, django_capture_on_commit_callbacks)
    (newest,) = DataExport.objects.filter(user=personas.owner)
    assert newest.pk != first.pk
    assert newest.is_available
    assert not Path(old_path).exists()


def test_evidence_over_the_quota_is_refused_with_a_message_and_nothing_saved(
    app, personas, settings
):
    settings.CPDHUB_EVIDENCE_QUOTA_MB = 1
    entry = EntryFactory(owner=personas.owner)
    EntryAttachment.objects.create(
        entry=entry, file=ContentFile(b"x", name="big.pdf"), original_name="big.pdf",
        content_type="application/pdf", size=1024 * 1024 - 1024,
    )  # fmt: skip
    # Someone else's files do not count against the owner.
    EntryFactory(owner=personas.colleague)
    form = form_for(app.sign_in(personas.owner).get("/portfolio/log/new/"), "")
    form["kind"] = "session_attended"
    form["title"] = "Twilight on retrieval"
    form["hours"] = "1.5"
    form["attachment"] = Upload("slides.pdf", PDF, "application/pdf")
    refused = form.submit(status=400)
    text = text_of(refused)
    assert "Your evidence files already take 1023.0 KB of the 1.0 MB each person" in text
    assert Entry.objects.filter(owner=personas.owner).count() == 1
    assert EntryAttachment.objects.count() == 1
    # A file that fits is kept.
    form = form_for(refused, "")
    form["attachment"] = Upload("small.txt", b"notes", "text/plain")
    form.submit().follow()
    assert EntryAttachment.objects.filter(original_name="small.txt").exists()


def test_no_quota_when_it_is_off(app, personas, settings):
    settings.CPDHUB_EVIDENCE_QUOTA_MB = 0
    entry = EntryFactory(owner=personas.owner)
    EntryAttachment.objects.create(
        entry=entry, file=ContentFile(b"x", name="big.pdf"), original_name="big.pdf",
        content_type="application/pdf", size=2_000_000_000,
    )  # fmt: skip
    form = form_for(app.sign_in(personas.owner).get("/portfolio/log/new/"), "")
    form["kind"] = "session_attended"
    form["title"] = "Twilight on retrieval"
    form["hours"] = "1.5"
    form["attachment"] = Upload("slides.pdf", PDF, "application/pdf")
    form.submit().follow()
    assert EntryAttachment.objects.filter(original_name="slides.pdf").exists()


def test_an_oversized_body_is_refused_before_it_is_read(client, personas, settings):
    """The declared length says 600 MB and one byte is sent: reading the body would fail (the
    test client's payload refuses to read past what it holds), so a 413 means it was not read."""
    settings.CPDHUB_MAX_REQUEST_BYTES = 25 * 1024 * 1024
    client.force_login(personas.owner)
    response = client.generic(
        "POST",
        "/portfolio/log/new/",
        b"x",
        content_type="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH=str(600 * 1024 * 1024),
    )
    assert response.status_code == 413
    text = response.content.decode()
    assert "That file is too big" in text
    assert "What you sent is 600.0\xa0MB" in text
    assert "the most the site accepts at once is 25.0\xa0MB" in text
    assert not Entry.objects.exists()
    # Signed out too (the sign-in form), and a body within the limit goes through as before.
    client.logout()
    assert (
        client.generic("POST", "/accounts/login/", b"x", CONTENT_LENGTH="9" * 10).status_code == 413
    )
    assert client.post("/accounts/login/", {"login": "a@b.c", "password": "x"}).status_code != 413


def test_a_50_mb_staff_file_is_refused_before_it_is_read(client, personas, settings, tmp_path):
    settings.IMPORTS_DIR = tmp_path
    client.force_login(personas.coordinator)
    response = client.post(
        "/coordinator/import/staff/",
        {"step": "preview", "file": io.BytesIO(b"x" * (50 * 1024 * 1024)), "school": 1},
    )
    assert response.status_code == 413
    assert "That file is too big" in response.content.decode()
    assert not ImportJob.objects.exists()
    assert not any(tmp_path.rglob("*"))

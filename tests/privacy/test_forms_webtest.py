"""
"Download my data" and "delete my account" as a browser submits them (WebTest), with the
zip's contents, the re-authentication and what deletion erases.
"""

import io
import json
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cpd_sessions.models import BudgetEntry, Feedback
from experts.models import ContactRequest, ExpertiseArea, ExpertProfile
from hubs.models import User
from notifications.models import Delivery, Preference
from portfolios import services as portfolio_services
from portfolios.models import Entry, EntryAttachment, Statement
from privacy import collect
from privacy.models import DataExport
from privacy.tasks import purge_exports
from tests.cpd_sessions.factories import SessionFactory, book
from tests.experts.factories import ExpertProfileFactory
from tests.portfolios.factories import EntryFactory, GoalFactory, NeedFactory
from tests.webtest import form_for, messages_on

pytestmark = pytest.mark.django_db

THEIR_WORDS = "Private words from the colleague who asked"
MY_WORDS = "Could you help me with retrieval practice?"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def life(personas):
    """Something of the owner's in every app."""
    owner = personas.owner
    area = ExpertiseArea.objects.get(slug="questioning")
    profile = ExpertProfileFactory(user=owner, headline="Questioning in maths")
    ContactRequest.objects.create(profile=profile, sender=personas.outsider, message=THEIR_WORDS)
    theirs = ExpertProfileFactory(user=personas.colleague)
    ContactRequest.objects.create(profile=theirs, sender=owner, message=MY_WORDS, area=area)
    session = SessionFactory()
    booking = book(session, owner)
    Feedback.objects.create(booking=booking, rating=5, most_useful="The modelling")
    BudgetEntry.objects.create(
        user=owner,
        academic_year=2026,
        kind=BudgetEntry.Kind.OPENING,
        amount=Decimal("120.00"),
        reason="Spent before the ledger",
    )
    GoalFactory(owner=owner, title="Better questioning")
    entry = EntryFactory(owner=owner, title="Twilight on questioning")
    portfolio_services._attach(entry, SimpleUploadedFile("plan.txt", b"my lesson plan"))
    NeedFactory(owner=owner, area=area)
    Statement.objects.create(owner=owner, academic_year=2026, text="My year")
    Preference.objects.create(user=owner, category="digest", enabled=False)
    Delivery.objects.create(kind="digest", key="autumn", email=owner.email, recipient=owner)
    return {"profile": profile, "entry": entry, "booking": booking}


def reauthenticate(app, redirected):
    """Walk allauth's "confirm it is you" form, as a browser would, back to where it was."""
    page = redirected.follow()
    form = form_for(page, "")
    form["password"] = "correct-horse-battery"
    return form.submit().follow()


def build_export(app, user, django_capture_on_commit_callbacks):
    page = app.sign_in(user).get("/me/data/")
    with django_capture_on_commit_callbacks(execute=True):
        sent = form_for(page, "privacy:my_data").submit()
    return sent.follow()


def test_download_my_data_has_every_part_and_the_files(
    app, personas, life, django_capture_on_commit_callbacks
):
    page = build_export(app, personas.owner, django_capture_on_commit_callbacks)
    export = DataExport.objects.get(user=personas.owner)
    assert export.state == DataExport.State.READY
    assert "download the zip" in page.text
    # The email says so, with the link (it works only when signed in).
    sent = [m for m in mail.outbox if m.subject == "Your data is ready to download"]
    assert len(sent) == 1
    assert export.get_download_url() in sent[0].body

    download = app.get(export.get_download_url())
    assert download.headers["Content-Disposition"].startswith("attachment;")
    archive = zipfile.ZipFile(io.BytesIO(download.body))
    data = json.loads(archive.read("data.json"))
    assert data["account"]["person"][0]["email"] == personas.owner.email
    assert data["expertise"]["profile"][0]["headline"] == "Questioning in maths"
    assert data["expertise"]["requests_you_sent"][0]["message"] == MY_WORDS
    assert data["sessions"]["bookings"][0]["session"]["id"] == life["booking"].session_id
    assert data["sessions"]["feedback_you_gave"][0]["most_useful"] == "The modelling"
    assert data["portfolio"]["goals"][0]["title"] == "Better questioning"
    assert data["portfolio"]["entries"][0]["learned"] == "A private reflection"
    assert data["portfolio"]["statements"][0]["text"] == "My year"
    assert len(data["portfolio"]["needs"]) == 1
    assert data["email"]["preferences"][0]["enabled"] is False
    assert data["sessions"]["budget_ledger"][0]["amount"] == "120.00"
    assert {d["kind"] for d in data["email"]["emails_sent_to_you"]} >= {"digest"}
    [evidence] = [n for n in archive.namelist() if n.startswith("files/")]
    assert archive.read(evidence) == b"my lesson plan"
    assert "README.txt" in archive.namelist()
    # Their words are theirs; secrets are nobody's download.
    text = archive.read("data.json").decode()
    assert THEIR_WORDS not in text
    assert data["expertise"]["requests_you_received"][0]["message"] == collect.NOT_YOURS
    assert personas.owner.password not in text
    assert "password" not in data["account"]["person"][0]
    assert "search_vector" not in data["expertise"]["profile"][0]


def test_a_second_click_does_not_build_twice(app, personas, life):
    page = app.sign_in(personas.owner).get("/me/data/")
    form = form_for(page, "privacy:my_data")
    form.submit()  # not built yet: the worker has not run (on-commit callbacks not run)
    form.submit()  # the same page's button pressed again, or the page sent again
    page = app.get("/me/data/")
    assert "Prepare my download" not in page.text  # the button goes while one is built
    assert "This page refreshes itself" in page.text
    assert DataExport.objects.filter(user=personas.owner).count() == 1


def test_nobody_else_can_fetch_my_download(
    app, client, personas, life, django_capture_on_commit_callbacks
):
    build_export(app, personas.owner, django_capture_on_commit_callbacks)
    url = DataExport.objects.get(user=personas.owner).get_download_url()
    client.force_login(personas.coordinator)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to sign in


def test_an_expired_download_is_gone_and_purged(
    app, personas, life, django_capture_on_commit_callbacks
):
    build_export(app, personas.owner, django_capture_on_commit_callbacks)
    export = DataExport.objects.get(user=personas.owner)
    DataExport.objects.filter(pk=export.pk).update(expires_at=timezone.now())
    page = app.get(export.get_download_url(), status=410)
    assert "no longer available" in page.text
    path = Path(export.file.path)
    assert purge_exports() == 1
    assert not DataExport.objects.filter(pk=export.pk).exists()
    assert not path.exists()


def test_delete_my_account_asks_again_then_erases(
    app, personas, life, django_capture_on_commit_callbacks
):
    owner = personas.owner
    attachment = EntryAttachment.objects.get(entry=life["entry"])
    path = Path(attachment.file.path)
    # Signed in long ago (a session without a recent authentication): asked for the password.
    page = app.sign_in(owner).get("/me/delete/")
    assert page.status_code == 302
    assert "/accounts/reauthenticate/" in page.headers["Location"]
    page = reauthenticate(app, page)
    assert page.request.path == "/me/delete/"
    form = form_for(page, "privacy:delete")
    refused = form.submit(status=400)
    assert "Tick the box" in refused.text
    assert User.objects.filter(pk=owner.pk).exists()
    form = form_for(refused, "privacy:delete")
    form["understood"] = True
    with django_capture_on_commit_callbacks(execute=True):
        done = form.submit()
    assert "Your account has been deleted" in done.text
    assert not User.objects.filter(pk=owner.pk).exists()
    assert not ExpertProfile.objects.filter(pk=life["profile"].pk).exists()
    assert not Entry.objects.filter(owner_id=owner.pk).exists()
    assert not path.exists()
    assert not Delivery.objects.filter(email=owner.email).exists()
    assert Delivery.objects.filter(email__startswith="sha256:").exists()
    # Signed out: their portfolio now asks them to sign in.
    assert app.get("/portfolio/").status_code == 302


def test_the_only_coordinator_cannot_delete_themselves(app, personas):
    coordinator = personas.coordinator
    page = reauthenticate(app, app.sign_in(coordinator).get("/me/delete/"))
    form = form_for(page, "privacy:delete")
    form["understood"] = True
    refused = form.submit(status=400)
    assert "only coordinator" in refused.text
    assert User.objects.filter(pk=coordinator.pk).exists()


def test_asking_says_what_happens_next(app, personas, life, django_capture_on_commit_callbacks):
    page = app.sign_in(personas.owner).get("/me/data/")
    with django_capture_on_commit_callbacks(execute=True):
        sent = form_for(page, "privacy:my_data").submit()
    done = sent.follow()
    assert "putting your data together" in messages_on(done)

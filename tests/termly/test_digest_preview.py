"""The coordinator's digest preview: the frame shows the real email, and nobody's private
goal titles reach the coordinator."""

import re

import pytest

from tests.hubs.test_admin import with_totp
from tests.portfolios.factories import GoalFactory

pytestmark = pytest.mark.django_db

PREVIEW = "/admin/notifications/delivery/digest/"


def _frame_url(page: str) -> str:
    (src,) = re.findall(r'<iframe[^>]* src="([^"]+)"', page)
    return src.replace("&amp;", "&")


def test_the_preview_frame_holds_the_emails_html(client, personas, digest_term):
    personas.owner.first_name = "Zoë O'Brien"
    personas.owner.save()
    client.force_login(with_totp(personas.coordinator))

    page = client.get(PREVIEW, {"person": personas.owner.email}).content.decode()
    assert "srcdoc" not in page
    frame = client.get(_frame_url(page))

    assert frame.status_code == 200
    assert frame["X-Frame-Options"] == "SAMEORIGIN"
    html = frame.content.decode()
    assert html.lstrip().lower().startswith("<!doctype html")
    assert "Hello Zoë O&#x27;Brien" in html
    assert "Your portfolio" in html or "/portfolio/" in html


def test_the_preview_shows_no_private_goal_title_of_another_person(
    client, personas, digest_term, mailoutbox, django_capture_on_commit_callbacks
):
    GoalFactory(owner=personas.owner, title="Get better at behaviour (private)")
    client.force_login(with_totp(personas.coordinator))

    page = client.get(PREVIEW, {"person": personas.owner.pk}).content.decode()
    frame = client.get(_frame_url(page)).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{PREVIEW}test/", {"person": personas.owner.pk})

    (test_send,) = mailoutbox
    for shown in (page, frame, test_send.body, test_send.alternatives[0][0]):
        assert "Get better at behaviour" not in shown
        assert "An open goal (its title is private to its owner)" in shown


def test_the_frame_is_for_coordinators_only(client, personas, digest_term):
    client.force_login(personas.owner)
    response = client.get(f"{PREVIEW}html/", {"person": personas.owner.pk})
    assert response.status_code == 302  # to the admin's sign-in

"""The coordinator's digest preview: the frame shows the real email, and nobody's private
goal titles reach the coordinator."""

import re

import pytest

from termly.admin import PREVIEW_MATCHES
from tests.factories import UserFactory
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


def test_the_frame_allows_the_emails_inline_styles_and_stays_sandboxed(
    client, personas, digest_term
):
    client.force_login(with_totp(personas.coordinator))
    page = client.get(PREVIEW, {"person": personas.owner.pk}).content.decode()
    frame = client.get(_frame_url(page))
    assert 'style="' in frame.content.decode()  # the email is styled inline, as mail clients want
    policy = [part.strip() for part in frame["Content-Security-Policy"].split(";")]
    assert "style-src 'unsafe-inline'" in policy
    assert "sandbox" in policy
    assert "default-src 'none'" in policy
    assert not any(part.startswith("script-src") for part in policy)
    # Only this response: the preview page itself keeps the site's policy (no inline styles).
    client_page = client.get(PREVIEW, {"person": personas.owner.pk})
    assert "'unsafe-inline'" not in client_page["Content-Security-Policy"]


def test_a_name_finds_the_one_person_it_fits(client, personas, digest_term):
    client.force_login(with_totp(personas.coordinator))
    for query in ("Sam Whitfield", "whit", "whitfield SAM"):
        page = client.get(PREVIEW, {"person": query}).content.decode()
        assert f"?person={personas.owner.pk}" in page, query  # the frame of Sam's digest
        assert "<iframe" in page


def test_a_name_that_fits_several_people_lists_them_to_choose_from(client, personas, digest_term):
    for n in range(3):
        UserFactory(first_name="Samira", last_name=f"Khan{n}", school=personas.school)
    client.force_login(with_totp(personas.coordinator))
    page = client.get(PREVIEW, {"person": "sam"}).content.decode()
    assert "<iframe" not in page
    assert "4 people match “sam”: choose one" in page
    assert f'href="?person={personas.owner.pk}"' in page
    assert "Samira Khan2" in page


def test_a_name_that_fits_very_many_is_bounded(
    client, personas, digest_term, django_assert_max_num_queries
):
    client.force_login(with_totp(personas.coordinator))
    client.get(PREVIEW, {"person": "zed"})  # the session and the shared cache, once
    UserFactory.create_batch(PREVIEW_MATCHES + 5, first_name="Zed", school=personas.school)
    with django_assert_max_num_queries(12):
        page = client.get(PREVIEW, {"person": "zed"}).content.decode()
    assert page.count('href="?person=') == PREVIEW_MATCHES
    assert "More people match" in page


def test_nobody_is_found_for_a_name_nobody_has(client, personas, digest_term):
    client.force_login(with_totp(personas.coordinator))
    page = client.get(PREVIEW, {"person": "Nobody Atall"}).content.decode()
    assert "No one found for “Nobody Atall”" in page
    assert "<iframe" not in page

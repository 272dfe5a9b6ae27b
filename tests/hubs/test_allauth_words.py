"""allauth's pages in UK English and sentence case, like every other page (locale/en_GB, written
by scripts/allauth_en_gb.py); the demo's "verify your email" page says where the email went."""

import re

import pytest

pytestmark = pytest.mark.django_db


def words(response) -> str:
    main = response.content.decode().split('id="main"')[1]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


@pytest.mark.parametrize(
    ("path", "said", "never"),
    [
        ("/accounts/login/", ["Sign in", "Remember me"], ["Sign In", "Remember Me"]),
        ("/accounts/signup/", ["Sign up"], ["Sign Up"]),
        ("/accounts/password/reset/", ["Password reset", "Reset my password"], ["Reset My"]),
    ],
)
def test_allauth_pages_are_in_sentence_case(client, path, said, never):
    text = words(client.get(path))
    for phrase in said:
        assert phrase in text
    for phrase in never:
        assert phrase not in text


def test_confirm_access_and_finalise_are_british(client):
    from django.utils.translation import gettext  # noqa: PLC0415 -- this test only

    assert gettext("Confirm Access") == "Confirm access"
    assert "finalise" in gettext(
        "We have sent an email to you for verification. Follow the link provided to finalize "
        "the signup process. If you do not see the verification email in your main inbox, check "
        "your spam folder. Please contact us if you do not receive the verification email within "
        "a few minutes."
    )


def test_the_demo_says_the_email_is_printed_on_the_console(client, settings):
    settings.EMAIL_ON_CONSOLE = True
    text = words(client.get("/accounts/confirm-email/"))
    assert "printed on the console" in text
    assert "spam" not in text
    settings.EMAIL_ON_CONSOLE = False
    text = words(client.get("/accounts/confirm-email/"))
    assert "printed on the console" not in text
    assert "junk or spam folder" in text

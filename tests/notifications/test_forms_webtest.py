"""
Email choices, the unsubscribe and one-click confirm pages, and the coordinator's digest test
send, submitted as a browser submits them (WebTest: the rendered form, its CSRF token where it
has one, its fields by name, its own action). See tests/webtest.py.
"""

import pytest

from notifications import services
from notifications.models import Preference
from termly.links import profile_confirm_url
from tests.experts.factories import ExpertProfileFactory
from tests.hubs.test_admin import with_totp
from tests.webtest import form_for, messages_on, text_of

pytestmark = pytest.mark.django_db


def test_save_my_email_choices(app, personas):
    page = app.sign_in(personas.owner).get("/notifications/preferences/")
    form = form_for(page, "")
    assert [form[name].checked for name in ("digest", "reminders", "sessions")] == [True] * 3
    form["reminders"] = False
    form["sessions"] = False
    done = form.submit().follow()
    assert "Your email choices are saved." in messages_on(done)
    assert services.preferences_for(personas.owner) == {
        "digest": True,
        "reminders": False,
        "sessions": False,
    }
    form = form_for(done, "")
    assert not form["reminders"].checked  # the page shows what was saved
    assert services.preferences_for(personas.colleague)["reminders"] is True


def test_confirm_unsubscribe_signed_out_from_the_emails_link(app, personas):
    token = services.unsubscribe_token(user_id=personas.owner.pk, category="digest")
    page = app.get(f"/notifications/unsubscribe/{token}/")
    assert "Stop these emails?" in text_of(page)
    assert not Preference.objects.exists()  # opening the link changes nothing
    done = form_for(page, "").submit()
    assert "You are unsubscribed" in text_of(done)
    assert services.preferences_for(personas.owner)["digest"] is False


def test_confirm_my_profile_signed_out_from_the_emails_link(app, personas):
    profile = ExpertProfileFactory(user=personas.owner, last_confirmed_at=None)
    path = "/" + profile_confirm_url(profile_id=profile.pk).split("/", 3)[3]
    page = app.get(path)
    assert "Is your profile still right?" in text_of(page)
    done = form_for(page, "").submit()
    assert "your profile is confirmed for this term" in text_of(done)
    profile.refresh_from_db()
    assert profile.last_confirmed_at is not None


def test_coordinator_sends_the_digest_preview_to_themself(
    app, personas, digest_term, mailoutbox, django_capture_on_commit_callbacks
):
    page = app.sign_in(with_totp(personas.coordinator)).get("/admin/notifications/delivery/digest/")
    search = next(f for f in page.forms.values() if f.method.lower() == "get")
    search["person"] = personas.owner.email
    preview = search.submit()
    assert "Your termly digest" in text_of(preview)
    with django_capture_on_commit_callbacks(execute=True):
        done = form_for(preview, "admin:notifications_digest_test").submit().follow()
    assert done.status_code == 200
    (message,) = mailoutbox
    assert message.to == [personas.coordinator.email]
    assert "Hello Sam" in message.body

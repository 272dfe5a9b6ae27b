"""setup_community: an empty, real community with its first coordinator."""

import io

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse

from hubs.models import COORDINATORS_GROUP, Community, School, User

pytestmark = pytest.mark.django_db


def setup(name="Tyne Valley CPD", coordinator="Helen.Okafor@tynevalley.org.uk") -> str:
    out = io.StringIO()
    call_command("setup_community", name=name, coordinator=coordinator, stdout=out)
    return out.getvalue()


def test_an_empty_community_with_its_first_coordinator(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        setup()
    helen = User.objects.get(email="helen.okafor@tynevalley.org.uk")
    assert helen.is_staff
    assert not helen.is_superuser
    assert helen.groups.filter(name=COORDINATORS_GROUP).exists()
    assert not helen.has_usable_password()
    assert School.objects.count() == 0  # no demo data
    # The email with the link to choose a password went through the normal account mail.
    [message] = mail.outbox
    assert message.to == ["helen.okafor@tynevalley.org.uk"]
    assert "password" in message.body.lower()


def test_two_factor_is_asked_at_first_admin_visit(client):
    setup()
    helen = User.objects.get(email="helen.okafor@tynevalley.org.uk")
    client.force_login(helen)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert reverse("mfa_activate_totp") in response["Location"]


def test_running_it_twice_is_harmless(django_capture_on_commit_callbacks):
    setup()
    helen = User.objects.get()
    helen.set_password("a long passphrase of hers")
    helen.save()
    setup()
    assert User.objects.count() == 1
    assert Community.objects.count() == 1
    helen.refresh_from_db()
    assert helen.check_password("a long passphrase of hers")


def test_another_name_is_refused_and_nothing_changes():
    setup()
    with pytest.raises(CommandError, match="already set up for “Tyne Valley CPD”"):
        setup(name="Somewhere Else", coordinator="someone@else.org.uk")
    assert Community.objects.get().name == "Tyne Valley CPD"
    assert not User.objects.filter(email="someone@else.org.uk").exists()


@pytest.mark.parametrize(
    ("name", "coordinator", "message"),
    [("  ", "a@b.org.uk", "Give the community a name"), ("X", "not-an-address", "not an email")],
)
def test_bad_arguments_get_a_clear_message(name, coordinator, message):
    with pytest.raises(CommandError, match=message):
        setup(name=name, coordinator=coordinator)
    assert not Community.objects.exists()
    assert not User.objects.exists()


def test_it_says_when_the_configured_name_differs(settings):
    settings.COMMUNITY_NAME = "Riverside Schools CPD Community"
    assert 'CPDHUB_COMMUNITY_NAME="Tyne Valley CPD"' in setup()
    Community.objects.all().delete()
    settings.COMMUNITY_NAME = "Tyne Valley CPD"
    assert "CPDHUB_COMMUNITY_NAME" not in setup()

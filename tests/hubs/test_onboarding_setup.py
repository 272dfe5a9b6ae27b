"""setup_community: an empty, real community with its first coordinator."""

import io

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse

from hubs.models import COORDINATORS_GROUP, Community, School, User

pytestmark = pytest.mark.django_db


def setup(name="Tyne Valley CPD", coordinator="Helen.Okafor@tynevalley.org.uk", **options) -> str:
    options.setdefault("coordinator_name", "Helen Okafor")
    out = io.StringIO()
    call_command("setup_community", name=name, coordinator=coordinator, stdout=out, **options)
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


def test_the_name_and_contact_are_stored_and_shown_on_every_page(client):
    out = setup(contact="cpd@tynevalley.org.uk")
    assert "CPDHUB_COMMUNITY_NAME" not in out  # no setting to copy the name into
    community = Community.objects.get()
    assert (community.name, community.contact_email) == ("Tyne Valley CPD", "cpd@tynevalley.org.uk")
    for url in ("/", reverse("account_signup")):
        page = client.get(url).content.decode()
        assert "Tyne Valley CPD" in page
        assert "mailto:cpd@tynevalley.org.uk" in page


def test_the_contact_address_is_the_coordinators_unless_another_is_given():
    setup()
    assert Community.objects.get().contact_email == "helen.okafor@tynevalley.org.uk"


def test_the_first_coordinator_has_a_name(client):
    out = setup(coordinator_name="  Helen   Okafor ")
    helen = User.objects.get()
    assert (helen.first_name, helen.last_name) == ("Helen", "Okafor")
    assert "Helen Okafor <helen.okafor@tynevalley.org.uk> is a coordinator" in out
    client.force_login(helen)
    assert "Welcome, Helen" in client.get("/").content.decode()


def test_a_new_coordinator_without_a_name_is_refused_and_nothing_is_made():
    with pytest.raises(CommandError, match="Give the coordinator's name"):
        setup(coordinator_name="")
    assert not Community.objects.exists()
    assert not User.objects.exists()


def test_her_first_email_is_a_welcome_to_her_community_with_a_working_link(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        setup()
    [message] = mail.outbox
    assert message.subject == "[Tyne Valley CPD] Set up Tyne Valley CPD: choose your password"
    assert message.body.startswith("Hello Helen,")
    assert "you are its coordinator" in message.body
    assert "/coordinator/import/schools/" in message.body
    assert "/coordinator/community/" in message.body
    assert "Someone asked to reset" not in message.body
    link = next(w for w in message.body.split() if "/accounts/password/reset/key/" in w)
    response = client.get(link.replace("http://127.0.0.1:8000", ""), follow=True)
    assert response.status_code == 200
    assert 'name="password1"' in response.content.decode()

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from hubs.models import Term
from tests.factories import TermFactory

pytestmark = pytest.mark.django_db


def with_totp(user):
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    return user


def test_admin_has_no_login_page_of_its_own(client):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_coordinator_must_set_up_two_factor_before_the_admin(client, personas):
    client.force_login(personas.coordinator)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))
    follow = client.get(response["Location"], follow=True)
    assert "needs two-factor authentication" in follow.content.decode()


def test_admin_mfa_can_be_relaxed_only_by_setting(client, personas, settings):
    settings.REQUIRE_ADMIN_MFA = False
    client.force_login(personas.coordinator)
    assert client.get("/admin/").status_code == 200


def test_coordinator_with_two_factor_runs_the_admin(client, personas):
    client.force_login(with_totp(personas.coordinator))
    page = client.get("/admin/").content.decode()
    assert "Run the community" in page
    for model in [
        "school",
        "hub",
        "user",
        "subjectnetwork",
        "term",
        "invitation",
        "phase",
        "subject",
    ]:
        changelist = client.get(reverse(f"admin:hubs_{model}_changelist"), {"q": "a"})
        assert changelist.status_code == 200, model
    assert client.get(reverse("admin:hubs_school_add")).status_code == 200
    autocomplete = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "hubs", "model_name": "school", "field_name": "cpd_leaders", "term": "Sh"},
    )
    assert "Priya Shah" in autocomplete.content.decode()


def test_staff_of_a_school_cannot_reach_the_admin(client, personas):
    client.force_login(personas.leader)
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403


def test_overlapping_term_in_the_admin_gets_a_clear_message(client, personas):
    TermFactory(name="Autumn 2026", start="2026-09-02", end="2026-12-18")
    client.force_login(with_totp(personas.coordinator))
    response = client.post(
        reverse("admin:hubs_term_add"),
        {"name": "Spring 2027", "start": "2026-12-01", "end": "2027-03-26"},
    )
    assert response.status_code == 200
    assert "This term overlaps another term." in response.content.decode()
    assert Term.objects.count() == 1


def test_after_setting_up_two_factor_the_coordinator_goes_on_to_where_she_was_going(
    client, personas
):
    """The admin sends her to set up an authenticator app with ?next=; after it she sees her
    recovery codes with a link on to the admin page she asked for (she used to be left there)."""
    from allauth.mfa.totp.internal import auth as totp  # noqa: PLC0415 -- test helper

    signed_in = client.post(
        reverse("account_login"),
        {"login": personas.coordinator.email, "password": "correct-horse-battery"},
    )
    assert signed_in.status_code == 302
    to_setup = client.get("/admin/hubs/term/")
    assert to_setup["Location"].startswith(reverse("mfa_activate_totp") + "?next=")
    confirm = client.get(to_setup["Location"])  # allauth asks for the password again first
    assert confirm["Location"].startswith(reverse("account_reauthenticate"))
    again = client.post(confirm["Location"], {"password": "correct-horse-battery"})
    assert again["Location"] == to_setup["Location"]
    assert client.get(again["Location"]).status_code == 200
    secret = client.session[totp.SECRET_SESSION_KEY]
    counter = next(totp.yield_hotp_counters_from_time(), 0) + totp.app_settings.TOTP_TOLERANCE
    code = totp.format_hotp_value(totp.hotp_value(secret, counter))
    done = client.post(reverse("mfa_activate_totp"), {"code": code})
    assert done.status_code == 302
    assert (
        done["Location"] == reverse("mfa_view_recovery_codes") + "?next=%2Fadmin%2Fhubs%2Fterm%2F"
    )
    codes = client.get(done["Location"]).content.decode()
    assert 'href="/admin/hubs/term/"' in codes
    assert "continue to where I was going" in codes
    assert client.get("/admin/hubs/term/").status_code == 200

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

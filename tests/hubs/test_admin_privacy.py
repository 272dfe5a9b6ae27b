"""The coordinator's admin never reaches a person's private portfolio."""

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import CASCADE, PROTECT, RESTRICT
from django.urls import reverse

from hubs.admin import CountsOnDeleteMixin
from hubs.models import User
from notifications.models import Delivery
from portfolios import services as portfolio_services
from tests.portfolios.factories import EntryFactory, GoalFactory, NeedFactory

from .test_admin import with_totp

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def coordinator_client(client, personas):
    client.force_login(with_totp(personas.coordinator))
    return client


@pytest.fixture
def private(personas):
    goal = GoalFactory(owner=personas.owner, title="Secret goal about my wellbeing")
    entry = EntryFactory(owner=personas.owner, title="Secret entry about a parent complaint")
    portfolio_services._attach(entry, SimpleUploadedFile("capability-plan.txt", b"private"))
    NeedFactory(owner=personas.owner, description="Secret need: behaviour in my Year 9 class")
    return goal


SECRETS = ["Secret goal", "Secret entry", "capability-plan", "Secret need"]


def test_no_admin_page_sets_another_persons_password(coordinator_client, personas):
    url = reverse("admin:auth_user_password_change", args=[personas.owner.pk])
    response = coordinator_client.get(url)
    assert response.status_code == 403
    before = User.objects.get(pk=personas.owner.pk).password
    response = coordinator_client.post(
        url, {"password1": "taken-over-42!", "password2": "taken-over-42!"}
    )
    assert response.status_code == 403
    assert User.objects.get(pk=personas.owner.pk).password == before

    page = coordinator_client.get(reverse("admin:hubs_user_change", args=[personas.owner.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "../password/" not in html
    assert "password/" not in html.split('id="content"', 1)[-1]
    assert "pbkdf2" not in html
    assert "md5$" not in html


def test_adding_a_person_sets_no_password(coordinator_client, personas):
    response = coordinator_client.post(
        reverse("admin:hubs_user_add"),
        {
            "email": "new.starter@example.test",
            "first_name": "New",
            "last_name": "Starter",
            "school": personas.school.pk,
            "job_role": User.JobRole.TEACHER,
            "password1": "chosen-by-coordinator-1",
            "password2": "chosen-by-coordinator-1",
        },
    )
    assert response.status_code == 302
    assert not User.objects.get(email="new.starter@example.test").has_usable_password()


def test_coordinator_sends_a_password_reset_email_instead(coordinator_client, personas, mailoutbox):
    response = coordinator_client.post(
        reverse("admin:hubs_user_changelist"),
        {"action": "send_password_reset", "_selected_action": [personas.owner.pk]},
        follow=True,
    )
    assert "Password reset email sent to 1 person(s)." in response.content.decode()
    (mail,) = mailoutbox
    assert mail.to == [personas.owner.email]
    assert "/accounts/password/reset/key/" in mail.body
    # Through the ledger, like every email.
    assert Delivery.objects.filter(email=personas.owner.email, kind__startswith="account:").exists()
    # The coordinator learns nothing that signs them in as the teacher.
    assert "/accounts/password/reset/key/" not in response.content.decode()


def test_user_delete_page_shows_counts_not_titles(coordinator_client, personas, private):
    page = coordinator_client.get(reverse("admin:hubs_user_delete", args=[personas.owner.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    for secret in SECRETS:
        assert secret not in html
    assert "Sam Whitfield" in html
    assert "Goals: 1" in html
    assert "Entries: 1" in html or "Log entries: 1" in html


def test_delete_selected_shows_counts_not_titles(coordinator_client, personas, private):
    page = coordinator_client.post(
        reverse("admin:hubs_user_changelist"),
        {"action": "delete_selected", "_selected_action": [personas.owner.pk]},
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "Are you sure" in html
    for secret in SECRETS:
        assert secret not in html


def test_school_delete_page_shows_counts_not_titles(coordinator_client, personas, private):
    page = coordinator_client.get(reverse("admin:hubs_school_delete", args=[personas.school.pk]))
    html = page.content.decode()
    for secret in SECRETS:
        assert secret not in html


def _reaches_private_rows(model, seen=None) -> bool:
    """Whether deleting ``model`` lists portfolio rows (cascaded into, or protecting it)."""
    seen = seen if seen is not None else set()
    if model in seen:
        return False
    seen.add(model)
    for relation in model._meta.related_objects:
        if relation.many_to_many or relation.on_delete not in {CASCADE, PROTECT, RESTRICT}:
            continue
        related = relation.related_model
        if related._meta.app_label == "portfolios":
            return True
        if relation.on_delete is CASCADE and _reaches_private_rows(related, seen):
            return True
    return False


def test_every_admin_whose_delete_page_would_list_portfolio_rows_shows_counts():
    reaching = {
        model._meta.label: isinstance(model_admin, CountsOnDeleteMixin)
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label != "portfolios" and _reaches_private_rows(model)
    }
    assert "hubs.User" in reaching
    assert all(reaching.values()), reaching


def test_adding_a_second_account_for_a_mailbox_gets_a_message(coordinator_client, personas):
    local, domain = personas.owner.email.split("@")
    response = coordinator_client.post(
        reverse("admin:hubs_user_add"),
        {
            "email": f"{local}+second@{domain}",
            "first_name": "Sam",
            "last_name": "Again",
            "school": personas.school.pk,
            "job_role": User.JobRole.TEACHER,
        },
    )
    assert response.status_code == 200
    assert "An account is already registered with this email address" in response.content.decode()
    assert not User.objects.filter(last_name="Again").exists()


def test_coordinator_cannot_point_an_account_at_their_own_mailbox(coordinator_client, personas):
    """Changing someone's address (then resetting "their" password) would be a way in too."""
    owner = personas.owner
    page = coordinator_client.get(reverse("admin:hubs_user_change", args=[owner.pk]))
    assert 'name="email"' not in page.content.decode()
    coordinator_client.post(
        reverse("admin:hubs_user_change", args=[owner.pk]),
        {
            "email": "helen.takeover@example.test",
            "first_name": owner.first_name,
            "last_name": owner.last_name,
            "school": owner.school_id,
            "job_role": owner.job_role,
            "is_active": "on",
            "date_joined_0": owner.date_joined.strftime("%d/%m/%Y"),
            "date_joined_1": owner.date_joined.strftime("%H:%M:%S"),
        },
    )
    assert User.objects.get(pk=owner.pk).email == owner.email

    for model in ["account_emailaddress", "socialaccount_socialaccount"]:
        assert coordinator_client.get(reverse(f"admin:{model}_add")).status_code == 403
    address = EmailAddress.objects.get(user=owner)
    response = coordinator_client.post(
        reverse("admin:account_emailaddress_change", args=[address.pk]),
        {"user": owner.pk, "email": "helen.takeover@example.test", "verified": "on"},
    )
    assert response.status_code == 403
    assert EmailAddress.objects.get(pk=address.pk).email == owner.email
    assert not SocialAccount.objects.exists()

"""Sign-up: member schools' staff by their domain, anyone else only by invitation."""

import datetime

import pytest
from allauth.account.models import EmailAddress
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.models import SocialLogin
from django.contrib.auth.hashers import get_hasher
from django.contrib.sessions.middleware import SessionMiddleware
from django.db import IntegrityError, transaction
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from hubs.adapters import SocialAccountAdapter
from hubs.models import Community, Invitation, User
from notifications.models import Delivery
from tests.factories import InvitationFactory, SchoolDomainFactory, SchoolFactory, UserFactory

pytestmark = pytest.mark.django_db

SIGNUP = reverse("account_signup")


def signup_data(email: str, **overrides) -> dict:
    return {
        "first_name": "Amelia",
        "last_name": "Hughes",
        "email": email,
        "job_role": User.JobRole.HLTA,
        "password1": "a-long-unusual-passphrase-42",
        "password2": "a-long-unusual-passphrase-42",
        **overrides,
    }


def test_staff_of_a_member_school_sign_up_and_join_it(client, mailoutbox, community):
    school = SchoolFactory(domain=None)
    SchoolDomainFactory(school=school, domain="ashgrove.sch.uk")

    response = client.post(SIGNUP, signup_data("Amelia.Hughes@Ashgrove.sch.uk"))

    assert response.status_code == 302
    user = User.objects.get(email="amelia.hughes@ashgrove.sch.uk")
    assert (user.school, user.first_name, user.job_role) == (school, "Amelia", User.JobRole.HLTA)
    # Verification is mandatory: an email goes out and the address is not yet verified.
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["amelia.hughes@ashgrove.sch.uk"]
    mail = mailoutbox[0]
    assert mail.subject == "[Tyne Valley CPD Community] Confirm your email address"
    assert mail.from_email.startswith("Tyne Valley CPD Community <")
    assert mail.body.startswith("Hello Amelia,")
    assert "To finish joining Tyne Valley CPD Community" in mail.body
    assert "cpd@tynevalley.org.uk" in mail.body
    assert "/accounts/confirm-email/" in mail.body
    # On the delivery ledger like every email, as essential mail nobody can turn off.
    (delivery,) = Delivery.objects.filter(email=user.email)
    assert (delivery.kind, delivery.status, delivery.recipient) == (
        "account:email_confirmation_signup",
        Delivery.Status.SENT,
        user,
    )


def test_unverified_account_cannot_sign_in(client):
    SchoolDomainFactory(domain="ashgrove.sch.uk")
    client.post(SIGNUP, signup_data("amelia@ashgrove.sch.uk"))
    client.logout()
    response = client.post(
        reverse("account_login"),
        {"login": "amelia@ashgrove.sch.uk", "password": "a-long-unusual-passphrase-42"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session


def test_address_from_another_domain_is_refused_with_the_reason_and_whom_to_ask(client):
    Community.objects.create(pk=1, name="Trust CPD", contact_email="cpd@trust.test")
    SchoolDomainFactory(domain="ashgrove.sch.uk")

    response = client.post(SIGNUP, signup_data("amelia@gmail.test"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "is not the email domain of a member school" in page
    assert "gmail.test" in page
    assert "CPD leader" in page
    assert "cpd@trust.test" in page
    assert not User.objects.exists()


def test_invitation_lets_someone_without_a_school_address_join_that_school(client, mailoutbox):
    invitation = InvitationFactory(email="governor@gmail.test")

    page = client.get(reverse("hubs:invitation_accept", args=[invitation.token]))
    assert invitation.school.name in page.content.decode()
    form = client.get(SIGNUP)
    assert 'value="governor@gmail.test"' in form.content.decode()

    response = client.post(
        SIGNUP, signup_data("governor@gmail.test", job_role=User.JobRole.GOVERNOR)
    )

    assert response.status_code == 302
    user = User.objects.get(email="governor@gmail.test")
    assert user.school == invitation.school
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    assert invitation.accepted_user == user


def test_invitation_is_only_for_its_own_address(client):
    invitation = InvitationFactory(email="governor@gmail.test")
    client.get(reverse("hubs:invitation_accept", args=[invitation.token]))

    response = client.post(SIGNUP, signup_data("someone.else@gmail.test"))

    assert "This invitation is for governor@gmail.test" in response.content.decode()
    assert not User.objects.exists()


def test_expired_invitation_is_refused(client):
    invitation = InvitationFactory(email="governor@gmail.test")
    client.get(reverse("hubs:invitation_accept", args=[invitation.token]))
    past = timezone.now() - datetime.timedelta(days=1)
    Invitation.objects.filter(pk=invitation.pk).update(
        created_at=past - datetime.timedelta(days=14), expires_at=past
    )

    response = client.post(SIGNUP, signup_data("governor@gmail.test"))

    assert "expired or has been withdrawn" in response.content.decode()
    assert not User.objects.exists()


def test_expired_invitation_page_explains_what_to_do(client):
    now = timezone.now()
    invitation = InvitationFactory(
        created_at=now - datetime.timedelta(days=15), expires_at=now - datetime.timedelta(minutes=1)
    )
    response = client.get(reverse("hubs:invitation_accept", args=[invitation.token]))
    assert "can no longer be used" in response.content.decode()
    assert "cpdhub_invitation_token" not in client.session


def test_unknown_invitation_is_not_found(client):
    assert client.get(reverse("hubs:invitation_accept", args=["nope"])).status_code == 404


def _social_request(session_data=None):
    request = RequestFactory().get("/accounts/google/login/callback/")
    SessionMiddleware(lambda r: None).process_request(request)
    request.session.update(session_data or {})
    return request


def test_google_or_microsoft_sign_up_follows_the_same_membership_rule():
    SchoolDomainFactory(domain="ashgrove.sch.uk")
    adapter = SocialAccountAdapter()
    member = SocialLogin(user=User(email="amelia@ashgrove.sch.uk"))
    assert adapter.is_open_for_signup(_social_request(), member) is True

    stranger = SocialLogin(user=User(email="amelia@gmail.test"))
    with pytest.raises(ImmediateHttpResponse) as refusal:
        adapter.is_open_for_signup(_social_request(), stranger)
    assert refusal.value.response.status_code == 403
    assert b"is not the email domain of a member school" in refusal.value.response.content


def test_school_google_sign_in_appears_only_when_configured(client, settings):
    assert b"Google" not in client.get(reverse("account_login")).content
    settings.SOCIALACCOUNT_PROVIDERS = {
        "google": {"APPS": [{"client_id": "id", "secret": "secret", "key": ""}]}
    }
    assert b"Google" in client.get(reverse("account_login")).content


def test_plus_addresses_do_not_make_second_accounts(client, mailoutbox):
    SchoolDomainFactory(domain="ashgrove.sch.uk")
    client.post(SIGNUP, signup_data("amelia@ashgrove.sch.uk"))
    client.logout()
    mailoutbox.clear()

    for address in ["amelia+1@ashgrove.sch.uk", "Amelia+cpd@Ashgrove.sch.uk"]:
        response = Client().post(SIGNUP, signup_data(address, first_name="Other"))
        assert response.status_code in {200, 302}
    # No second account: the mailbox is told it already has one, as for the same address.
    assert list(User.objects.values_list("email", flat=True)) == ["amelia@ashgrove.sch.uk"]
    assert [mail.to for mail in mailoutbox] == [
        ["amelia+1@ashgrove.sch.uk"],
        ["amelia+cpd@ashgrove.sch.uk"],
    ]
    assert all("already" in mail.body for mail in mailoutbox)


def test_plus_address_is_refused_on_the_form_without_enumeration_prevention(client, settings):
    settings.ACCOUNT_PREVENT_ENUMERATION = False
    SchoolDomainFactory(domain="ashgrove.sch.uk")
    client.post(SIGNUP, signup_data("amelia@ashgrove.sch.uk"))
    client.logout()
    response = client.post(SIGNUP, signup_data("amelia+2@ashgrove.sch.uk"))
    assert response.status_code == 200
    assert "A user is already registered with this email address." in response.content.decode()
    assert User.objects.count() == 1


def test_the_address_typed_is_kept_for_sending(client):
    SchoolDomainFactory(domain="ashgrove.sch.uk")
    client.post(SIGNUP, signup_data("amelia+cpd@ashgrove.sch.uk"))
    assert User.objects.get().email == "amelia+cpd@ashgrove.sch.uk"


def test_the_database_refuses_a_second_account_for_one_mailbox(db):
    UserFactory(email="sam@ashgrove.sch.uk")
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(email="sam+2@ashgrove.sch.uk")
    assert User.objects.with_mailbox("SAM+anything@ashgrove.sch.uk").count() == 1


def test_social_sign_up_for_a_plus_address_of_an_account_is_refused():
    SchoolDomainFactory(domain="ashgrove.sch.uk")

    UserFactory(email="amelia@ashgrove.sch.uk")
    plus = SocialLogin(user=User(email="amelia+g@ashgrove.sch.uk"))
    with pytest.raises(ImmediateHttpResponse) as refusal:
        SocialAccountAdapter().is_open_for_signup(_social_request(), plus)
    assert b"Sign in with that account instead" in refusal.value.response.content


@pytest.fixture
def hashes(monkeypatch):
    """How many passwords are hashed (the test settings' hasher, wrapped)."""
    hasher = type(get_hasher())
    counted = []
    encode = hasher.encode

    def counting(self, password, salt, *args, **kwargs):
        counted.append(password)
        return encode(self, password, salt, *args, **kwargs)

    monkeypatch.setattr(hasher, "encode", counting)
    return counted


@pytest.mark.parametrize(
    "address",
    ["new.person@ashgrove.sch.uk", "taken@ashgrove.sch.uk", "taken+again@ashgrove.sch.uk"],
)
def test_sign_up_hashes_a_password_once_whether_or_not_the_address_has_an_account(
    client, mailoutbox, hashes, address
):
    """A new account costs a password hash; an address that already has one must cost the same,
    or the time of the answer tells a stranger who has an account (the same answer page and an
    email to the mailbox are not enough)."""
    school = SchoolFactory(domain=None)
    SchoolDomainFactory(school=school, domain="ashgrove.sch.uk")
    UserFactory(email="taken@ashgrove.sch.uk", school=school)
    hashes.clear()
    response = client.post(SIGNUP, signup_data(address))
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert len(hashes) == 1, hashes
    assert len(mailoutbox) == 1

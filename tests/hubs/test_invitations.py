import pytest
from django.db import transaction
from django.urls import reverse

from hubs import services
from hubs.models import Invitation
from hubs.services import invitation_create
from hubs.tasks import send_invitation
from notifications.models import Delivery
from tests.factories import InvitationFactory, SchoolDomainFactory

pytestmark = pytest.mark.django_db


def invite_url(school):
    return reverse("hubs:school_invite", args=[school.urn])


def test_cpd_leader_invites_a_colleague_who_gets_an_email(
    client, personas, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(personas.leader)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(invite_url(personas.school), {"email": "Governor@Gmail.test"})

    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.school, invitation.invited_by) == (
        "governor@gmail.test",
        personas.school,
        personas.leader,
    )
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["governor@gmail.test"]
    assert mail.reply_to == [personas.leader.email]
    assert "Priya Shah has invited you" in mail.subject
    link = f"/join/{invitation.token}/"
    assert link in mail.body
    assert personas.school.name in mail.body
    html = mail.alternatives[0][0]
    assert link in html
    assert 'lang="en-GB"' in html
    follow = client.get(response["Location"])
    assert "Invitation sent to governor@gmail.test" in follow.content.decode()


def test_coordinator_may_invite_to_any_school(client, personas, django_capture_on_commit_callbacks):
    client.force_login(personas.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(invite_url(personas.other_school), {"email": "peri@music.test"})
    assert Invitation.objects.get().school == personas.other_school


@pytest.mark.parametrize("who", ["owner", "other_leader", "outsider"])
def test_others_cannot_invite_to_a_school(client, personas, mailoutbox, who):
    client.force_login(getattr(personas, who))
    assert client.get(invite_url(personas.school)).status_code == 403
    response = client.post(invite_url(personas.school), {"email": "x@gmail.test"})
    assert response.status_code == 403
    assert not Invitation.objects.exists()
    assert mailoutbox == []


def test_inviting_someone_who_already_has_an_account_says_so(client, personas, mailoutbox):
    client.force_login(personas.leader)
    response = client.post(invite_url(personas.school), {"email": personas.colleague.email.upper()})
    assert response.status_code == 200
    assert "already has an account" in response.content.decode()
    assert not Invitation.objects.exists()


def test_bad_address_gets_a_message_on_the_form(client, personas):
    client.force_login(personas.leader)
    response = client.post(invite_url(personas.school), {"email": "not-an-email"})
    assert response.status_code == 200
    assert "Enter a valid email address" in response.content.decode()
    assert not Invitation.objects.exists()


def test_inviting_again_replaces_the_earlier_invitation(
    client, personas, django_capture_on_commit_callbacks
):
    client.force_login(personas.leader)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(invite_url(personas.school), {"email": "gov@gmail.test"})
        client.post(invite_url(personas.school), {"email": "gov@gmail.test"})
    assert Invitation.objects.count() == 2
    assert Invitation.objects.open().count() == 1


def test_rolled_back_invitation_sends_nothing(
    personas, mailoutbox, django_capture_on_commit_callbacks
):
    with (  # noqa: PT012
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        invitation_create(
            school=personas.school, email="gov@gmail.test", invited_by=personas.leader
        )
        raise RuntimeError("something later in the request failed")
    assert not Invitation.objects.exists()
    assert mailoutbox == []


def test_leader_withdraws_an_invitation(client, personas, django_capture_on_commit_callbacks):
    client.force_login(personas.leader)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(invite_url(personas.school), {"email": "gov@gmail.test"})
    invitation = Invitation.objects.get()
    page = client.get(personas.school.get_absolute_url()).content.decode()
    assert "gov@gmail.test" in page

    url = reverse("hubs:invitation_revoke", args=[personas.school.urn, invitation.pk])
    assert client.post(url).status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert not invitation.is_open


@pytest.mark.parametrize("who", ["owner", "other_leader"])
def test_others_cannot_withdraw_an_invitation(client, personas, who):
    invitation = Invitation.objects.create(
        email="gov@gmail.test",
        school=personas.school,
        invited_by=personas.leader,
        expires_at="2099-01-01T00:00:00Z",
    )
    client.force_login(getattr(personas, who))
    url = reverse("hubs:invitation_revoke", args=[personas.school.urn, invitation.pk])
    assert client.post(url).status_code == 403
    # Through their own school's address, the invitation is simply not there.
    client.force_login(personas.other_leader)
    other_url = reverse("hubs:invitation_revoke", args=[personas.other_school.urn, invitation.pk])
    assert client.post(other_url).status_code == 404
    invitation.refresh_from_db()
    assert invitation.is_open


def test_withdraw_is_post_only(client, personas):
    client.force_login(personas.leader)
    url = reverse("hubs:invitation_revoke", args=[personas.school.urn, 1])
    assert client.get(url).status_code == 405


def test_withdrawn_invitation_email_is_not_sent_late(personas, mailoutbox):
    """A worker picking up the task after the invitation was withdrawn sends nothing."""
    invitation = Invitation.objects.create(
        email="gov@gmail.test",
        school=personas.school,
        invited_by=personas.leader,
        expires_at="2099-01-01T00:00:00Z",
    )
    Invitation.objects.filter(pk=invitation.pk).update(revoked_at="2026-01-01T00:00:00Z")
    send_invitation(invitation.pk)
    assert mailoutbox == []


def test_cpd_leader_cannot_invite_another_member_schools_staff(
    client, personas, mailoutbox, django_capture_on_commit_callbacks
):
    personas.other_school.name = "Millbrook Academy"
    personas.other_school.save()
    SchoolDomainFactory(school=personas.other_school, domain="millbrook.sch.uk")
    client.force_login(personas.leader)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(invite_url(personas.school), {"email": "Jo.Bloggs@Millbrook.sch.uk"})
    assert response.status_code == 200
    assert (
        "jo.bloggs@millbrook.sch.uk belongs to Millbrook Academy; they can sign up there "
        "themselves." in response.content.decode()
    )
    assert not Invitation.objects.exists()
    assert mailoutbox == []


def test_the_service_refuses_another_schools_address_for_every_caller(personas):
    SchoolDomainFactory(school=personas.other_school, domain="millbrook.sch.uk")
    with pytest.raises(services.InvitationError, match="belongs to Thornbury High School"):
        services.invitation_create(
            school=personas.school, email="jo@millbrook.sch.uk", invited_by=personas.coordinator
        )
    # Into its own school the coordinator may still invite (e.g. a new starter before IT).
    services.invitation_create(
        school=personas.other_school, email="jo@millbrook.sch.uk", invited_by=personas.coordinator
    )
    assert Invitation.objects.get().school == personas.other_school


def test_inviting_a_plus_address_of_someone_with_an_account_says_so(client, personas):
    client.force_login(personas.leader)
    local, domain = personas.colleague.email.split("@")
    response = client.post(invite_url(personas.school), {"email": f"{local}+cpd@{domain}"})
    assert "already has an account" in response.content.decode()
    assert not Invitation.objects.exists()


def _bounce(invitation, error="SMTPRecipientsRefused: 550 5.1.1 mailbox unavailable"):
    Delivery.objects.create(
        email=invitation.email,
        kind="invitation",
        key=f"invitation:{invitation.pk}",
        status=Delivery.Status.FAILED,
        last_error=error,
    )


def test_a_bounced_invitation_is_listed_as_bounced_with_the_servers_words(client, personas):
    waiting = InvitationFactory(school=personas.school, email="waiting@gmail.test")
    bounced = InvitationFactory(school=personas.school, email="typo@gmial.test")
    _bounce(bounced)
    other = InvitationFactory(school=personas.other_school, email="elsewhere@gmail.test")
    _bounce(other)
    client.force_login(personas.leader)
    page = client.get(personas.school.get_absolute_url()).content.decode()
    listed = page.split("Invitations that bounced")[1].split("Joined from an invitation")[0]
    assert "typo@gmial.test" in listed
    assert "550 5.1.1 mailbox unavailable" in listed
    assert "waiting@gmail.test" not in listed
    assert "elsewhere@gmail.test" not in page
    waiting_list = page.split("Invitations waiting")[1].split("Invitations that expired")[0]
    assert waiting.email in waiting_list
    assert bounced.email not in waiting_list


def test_resending_a_bounced_invitation_makes_a_fresh_one(
    client, personas, django_capture_on_commit_callbacks
):
    bounced = InvitationFactory(school=personas.school, email="typo@gmial.test")
    _bounce(bounced)
    client.force_login(personas.leader)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("hubs:invitation_resend", args=[personas.school.urn, bounced.pk]))
    fresh = Invitation.objects.open().get()
    assert fresh.pk != bounced.pk
    page = client.get(personas.school.get_absolute_url()).content.decode()
    listed = page.split("Invitations that bounced")[1].split("Joined from an invitation")[0]
    assert "typo@gmial.test" not in listed


def test_school_page_query_count_is_the_same_with_many_bounced(client, personas, count_queries):
    client.force_login(personas.leader)
    _bounce(InvitationFactory(school=personas.school))
    url = personas.school.get_absolute_url()
    few = count_queries(url)
    for invitation in InvitationFactory.create_batch(20, school=personas.school):
        _bounce(invitation)
    assert count_queries(url) == few


def test_an_invitation_from_the_coordinator_says_who_she_is(
    client, personas, mailoutbox, django_capture_on_commit_callbacks
):
    # The other school has no CPD leader: the email must not say its leader invited them.
    personas.other_school.cpd_leaders.clear()
    client.force_login(personas.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(invite_url(personas.other_school), {"email": "peri@music.test"})
    (mail,) = mailoutbox
    name = personas.coordinator.full_name
    assert mail.subject.startswith(f"{name} has invited you")
    for body in (mail.body, mail.alternatives[0][0]):
        assert f"{name}, the community coordinator, has invited you" in body
        assert "CPD leader has invited" not in body


def test_an_invitation_from_a_leader_names_her_role_at_the_school(
    client, personas, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(personas.leader)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(invite_url(personas.school), {"email": "governor@gmail.test"})
    (mail,) = mailoutbox
    assert f"Priya Shah, CPD leader at {personas.school.name}, has invited you" in mail.body

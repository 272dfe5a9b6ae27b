"""Unsubscribe and confirm links signed out, preferences, the digest's content, reminders,
the coordinator's admin and the command."""

import datetime

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from cpd_sessions.models import Booking, ReleaseRequest
from hubs.models import Phase
from notifications import services
from notifications import services as ledger
from notifications.models import Delivery, Preference
from termly import links
from termly.tasks import nudge_release_requests, plan_term_start_reminders
from tests.cpd_sessions.factories import SessionFactory, book, london, release_data
from tests.experts.factories import ExpertProfileFactory, offer
from tests.factories import TermFactory
from tests.hubs.test_admin import with_totp
from tests.portfolios.factories import GoalFactory, NeedFactory

pytestmark = pytest.mark.django_db


def _token(user, category="digest"):
    return services.unsubscribe_token(user_id=user.pk, category=category)


def test_the_unsubscribe_link_works_signed_out(client, personas):
    url = f"/notifications/unsubscribe/{_token(personas.owner)}/"
    page = client.get(url)
    assert page.status_code == 200
    assert b"Stop these emails?" in page.content
    assert not Preference.objects.exists()  # a GET (a link scanner) changes nothing
    page = client.post(url)
    assert page.status_code == 200
    assert b"You are unsubscribed" in page.content
    assert services.preferences_for(personas.owner) == {
        "digest": False,
        "reminders": True,
        "sessions": True,
    }


def test_one_click_post_from_a_mail_provider_needs_no_csrf_token(personas):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        f"/notifications/unsubscribe/{_token(personas.owner, 'reminders')}/",
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert services.preferences_for(personas.owner)["reminders"] is False


@pytest.mark.parametrize(
    "token",
    [
        "nonsense",
        "x" + "y" * 20,
        "essential",
    ],
)
def test_a_tampered_or_wrong_token_is_a_400_and_changes_nothing(client, personas, token):
    if token == "essential":  # well signed, but for mail that cannot be turned off
        token = services.unsubscribe_token(user_id=personas.owner.pk, category="essential")
    assert client.post(f"/notifications/unsubscribe/{token}/").status_code == 400
    assert not Preference.objects.exists()


def test_a_token_edited_to_another_person_is_refused(client, personas):
    token = _token(personas.owner)
    rest = token.split(":", 1)[1]
    forged = _token(personas.colleague).split(":", 1)[0] + ":" + rest
    assert client.post(f"/notifications/unsubscribe/{forged}/").status_code == 400
    assert not Preference.objects.exists()


def test_preferences_need_signing_in_and_save(client, personas):
    assert client.get("/notifications/preferences/").status_code == 302
    client.force_login(personas.owner)
    assert client.get("/notifications/preferences/").status_code == 200
    client.post("/notifications/preferences/", {"digest": "on"})
    assert services.preferences_for(personas.owner) == {
        "digest": True,
        "reminders": False,
        "sessions": False,
    }
    assert services.preferences_for(personas.colleague)["reminders"] is True


def test_the_one_click_profile_confirm_works_signed_out(client, personas):
    profile = ExpertProfileFactory(user=personas.owner, last_confirmed_at=None)
    url = links.profile_confirm_url(profile_id=profile.pk).split("8000", 1)[1]
    assert client.get(url).status_code == 200
    profile.refresh_from_db()
    assert profile.last_confirmed_at is None
    assert client.post(url).status_code == 200
    profile.refresh_from_db()
    assert profile.last_confirmed_at is not None
    assert client.post(url[:-3] + "xx/").status_code == 400


def test_the_digest_is_personal(personas, digest_term, mailoutbox):
    primary = Phase.objects.first()
    personas.owner.phases.add(primary)
    GoalFactory(owner=personas.owner, title="Sharper questioning")
    NeedFactory(owner=personas.owner)  # questioning
    near = ExpertProfileFactory(user=personas.colleague, headline="Reading for pleasure")
    far = ExpertProfileFactory(user=personas.outsider, headline="Cold calling")
    offer(far, "questioning")  # another hub, but the area of my need
    ExpertProfileFactory(user=personas.other_leader, headline="Timetabling")  # neither
    session = SessionFactory(title="Phonics twilight")
    session.phases.add(primary)
    SessionFactory(title="A session for no one in particular")  # names no audience: suits
    other_phase = SessionFactory(title="Sixth form only")
    other_phase.phases.add(Phase.objects.exclude(pk=primary.pk).first())
    SessionFactory(
        title="Recorded one",
        recording_url="https://video.example.org/1",
        status="completed",
        start=timezone.now() - datetime.timedelta(days=3),
        end=timezone.now() - datetime.timedelta(days=3, hours=-1),
    )

    services.batch_send(kind="digest", key="digest:autumn-2026", user_ids=[personas.owner.pk])
    (message,) = mailoutbox
    html = message.alternatives[0][0]
    for body in (message.body, html):
        assert near.headline in body
        assert far.headline in body
        assert "Timetabling" not in body
        assert "Phonics twilight" in body
        assert "no one in particular" in body  # as "suits me" on the sessions list
        assert "Sixth form only" not in body
        assert "Sharper questioning" in body
        assert "/experts/print/" in body
    assert message.subject == "Your termly digest: Autumn 2026"


def test_term_start_reminders_go_once_to_the_right_people(personas, mailoutbox):
    today = timezone.localdate()
    TermFactory(name="Spring 2027", start=today, end=today + datetime.timedelta(days=70))
    ExpertProfileFactory(user=personas.colleague)
    NeedFactory(owner=personas.owner)
    sent = plan_term_start_reminders.delay().get()
    assert plan_term_start_reminders.delay().get() == 0
    by_kind = {}
    for d in Delivery.objects.filter(status="sent"):
        by_kind.setdefault(d.kind, set()).add(d.email)
    assert by_kind["audit_profile"] == {personas.colleague.email}
    assert by_kind["audit_needs"] == {personas.leader.email, personas.other_leader.email}
    assert personas.owner.email in by_kind["audit_portfolio"]
    assert sent == len(mailoutbox)
    confirm = next(
        m
        for m in mailoutbox
        if m.to == [personas.colleague.email] and "confirm" in m.subject.lower()
    )
    assert "/notifications/confirm-profile/" in confirm.body
    audit = next(
        m for m in mailoutbox if m.to == [personas.leader.email] and "needs audit" in m.subject
    )
    assert "Questioning" in audit.alternatives[0][0]


def test_release_requests_waiting_nudge_their_leaders_once_a_day(personas, mailoutbox):
    session = SessionFactory(start=london(10, 10, 0), end=london(10, 12, 0))
    booking = book(session, personas.owner, release=release_data())
    assert booking.status == Booking.Status.PENDING
    assert nudge_release_requests.delay().get() == 0  # asked today: not yet
    ReleaseRequest.objects.update(created_at=timezone.now() - datetime.timedelta(days=6))
    mailoutbox.clear()
    if timezone.localdate().weekday() >= 5:
        pytest.skip("no nudges at weekends")
    assert nudge_release_requests.delay().get() == 1
    assert nudge_release_requests.delay().get() == 0
    assert [m.to for m in mailoutbox] == [[personas.leader.email]]
    assert session.title in mailoutbox[0].body


def test_the_coordinator_previews_any_digest_and_sends_a_test_to_themself(
    client, personas, digest_term, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(with_totp(personas.coordinator))
    page = client.get("/admin/notifications/delivery/digest/", {"person": personas.owner.email})
    assert page.status_code == 200
    assert b"Your termly digest" in page.content
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/notifications/delivery/digest/test/", {"person": personas.owner.pk}
        )
    assert response.status_code == 302
    (message,) = mailoutbox
    assert message.to == [personas.coordinator.email]
    assert "Hello Sam" in message.body
    listing = client.get("/admin/notifications/delivery/")
    assert listing.status_code == 200
    assert b"Deliveries by kind and status" in listing.content


def test_staff_without_coordinator_rights_cannot_preview(client, personas):
    client.force_login(personas.owner)
    response = client.get("/admin/notifications/delivery/digest/", {"person": "1"})
    assert response.status_code == 302  # to the admin's sign-in: not for staff


def test_the_command_dry_run_sends_nothing_and_the_real_run_sends_once(
    personas, digest_term, mailoutbox, capsys
):
    call_command("send_termly_digest", "--dry-run")
    assert "6 people to send to, in 1 batches" in capsys.readouterr().out
    assert mailoutbox == []
    call_command("send_termly_digest")
    call_command("send_termly_digest")
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        Delivery.objects.filter(status="sent").values_list("email", flat=True)
    )
    assert len(mailoutbox) == 6


def test_the_coordinator_sees_deliveries_per_term(client, personas, digest_term, mailoutbox):
    ledger.batch_send(
        kind="digest", key="digest:autumn-2026", user_ids=[personas.owner.pk, personas.colleague.pk]
    )
    Delivery.objects.filter(email=personas.colleague.email).update(status=Delivery.Status.FAILED)
    client.force_login(with_totp(personas.coordinator))
    page = client.get("/admin/notifications/delivery/").content.decode()
    assert "By term" in page
    row = page.split('<th scope="row">Autumn 2026</th>')[1].split("</tr>")[0]
    assert row == "<td>1</td><td>1</td><td>0</td><td>1</td><td>1</td>"

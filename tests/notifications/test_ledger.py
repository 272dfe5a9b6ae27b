"""Once and only once: the ledger under reruns, crashes, failures and opt-outs."""

import datetime
import smtplib
from collections import Counter

import pytest
from django.db import transaction
from django.utils import timezone

from cpd_sessions import session_changes
from cpd_sessions.emails import mail_booking, mail_session_notice
from hubs.models import User
from notifications import services, tasks
from notifications.models import Delivery
from termly import planning
from termly.tasks import plan_termly_digest
from tests.cpd_sessions.factories import SessionFactory, book

pytestmark = pytest.mark.django_db


def _everyone() -> set[str]:
    return set(User.objects.filter(is_active=True).values_list("email", flat=True))


def test_the_digest_run_twice_sends_one_email_to_each_person(personas, digest_term, mailoutbox):
    assert plan_termly_digest.delay().get() == len(_everyone())
    assert plan_termly_digest.delay().get() == 0  # the beat again the same day: nobody left
    assert Counter(m.to[0] for m in mailoutbox) == Counter(_everyone())
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}
    assert set(Delivery.objects.values_list("key", flat=True)) == {"digest:autumn-2026"}


def test_nothing_goes_before_the_digest_day(personas, digest_term, mailoutbox, settings):
    settings.DIGEST_SCHOOL_DAYS_AFTER_TERM_START = 60
    assert plan_termly_digest.delay().get() == 0
    assert mailoutbox == []


def test_the_digest_day_counts_school_days_only():
    monday = datetime.date(2026, 9, 7)
    assert planning.add_school_days(monday, 5) == datetime.date(2026, 9, 14)
    assert planning.add_school_days(datetime.date(2026, 9, 5), 1) == datetime.date(2026, 9, 8)
    assert planning.subtract_school_days(monday, 2) == datetime.date(2026, 9, 3)


def test_a_failure_in_the_middle_of_a_batch_then_a_rerun_misses_nobody_and_repeats_nobody(
    personas, digest_term, mailoutbox, flaky
):
    key = planning.digest_key(digest_term)
    ids = list(User.objects.order_by("pk").values_list("pk", flat=True))
    flaky.fail_on = {3}  # the SMTP server drops the third message

    result = services.batch_send(kind="digest", key=key, user_ids=ids)
    assert isinstance(result.transient_error, smtplib.SMTPServerDisconnected)
    assert result.sent == 2
    assert len(mailoutbox) == 2
    failed = Delivery.objects.get(attempts=1, status="pending")
    assert "SMTPServerDisconnected" in failed.last_error
    assert Delivery.objects.filter(status="pending").count() == len(ids) - 2

    assert plan_termly_digest.delay().get() == len(ids) - 2  # the next run: only the rest
    assert Counter(m.to[0] for m in mailoutbox) == Counter(_everyone())
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}


def test_a_worker_killed_after_claiming_leaves_the_row_to_be_taken_up_later(
    personas, digest_term, mailoutbox
):
    key = planning.digest_key(digest_term)
    ids = [personas.owner.pk, personas.colleague.pk]
    Delivery.objects.create(
        recipient=personas.owner,
        email=personas.owner.email,
        kind="digest",
        key=key,
        status="sending",
        claimed_at=timezone.now(),
        attempts=1,
    )
    services.batch_send(kind="digest", key=key, user_ids=ids)
    # Someone may still be sending the owner's: not taken from them.
    assert [m.to for m in mailoutbox] == [[personas.colleague.email]]

    Delivery.objects.filter(email=personas.owner.email).update(
        claimed_at=timezone.now() - datetime.timedelta(hours=1)
    )
    services.batch_send(kind="digest", key=key, user_ids=ids)
    assert [m.to for m in mailoutbox] == [[personas.colleague.email], [personas.owner.email]]


def test_someone_who_unsubscribed_is_sent_nothing(personas, digest_term, mailoutbox):
    services.preference_set(user=personas.owner, category="digest", enabled=False)
    plan_termly_digest.delay().get()
    assert personas.owner.email not in {m.to[0] for m in mailoutbox}
    assert Delivery.objects.get(email=personas.owner.email).status == "skipped"
    assert len(mailoutbox) == len(_everyone()) - 1


def test_opting_out_of_digests_still_lets_essential_mail_through(personas):
    services.preference_set(user=personas.owner, category="digest", enabled=False)
    with pytest.raises(ValueError, match="cannot be turned off"):
        services.preference_set(user=personas.owner, category="essential", enabled=False)


def test_the_digest_carries_one_click_unsubscribe_and_both_parts(
    personas, digest_term, mailoutbox, https, community
):
    services.batch_send(kind="digest", key="digest:autumn-2026", user_ids=[personas.owner.pk])
    (message,) = mailoutbox
    unsubscribe = message.extra_headers["List-Unsubscribe"]
    assert unsubscribe.startswith("<https://cpd.example.org/notifications/unsubscribe/")
    assert unsubscribe.endswith("/>")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    html = message.alternatives[0][0]
    for body in (message.body, html):
        assert "Tyne Valley CPD Community" in body
        assert "https://cpd.example.org/notifications/preferences/" in body
        assert "https://cpd.example.org/experts/print/" in body
    assert '<html lang="en-GB">' in html


def _record_and_send_booking_mail(booking_id: int, kind: str) -> None:
    """A booking's email recorded on the ledger and sent at once, as the daily tasks send theirs."""
    services.send_now(mail_booking(booking_id, kind, enqueue=False))


def _record_and_send_notice(session_id: int, kind: str) -> None:
    services.send_now(mail_session_notice(session_id, kind, enqueue=False))


def test_session_mail_is_on_the_ledger_and_a_repeat_sends_nothing(personas, mailoutbox):
    session = SessionFactory()
    booking = book(session, personas.owner)
    mailoutbox.clear()
    _record_and_send_booking_mail(booking.pk, "booking_confirmed")
    _record_and_send_booking_mail(booking.pk, "booking_confirmed")  # recorded again
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert "List-Unsubscribe" in message.extra_headers  # session emails can be turned off
    delivery = Delivery.objects.get(kind="booking_confirmed")
    assert delivery.key.startswith(f"booking:{booking.pk}:confirmed:")
    assert delivery.recipient == personas.owner
    assert delivery.status == "sent"


def test_a_change_notice_retried_after_a_failure_tells_each_person_once(
    personas, mailoutbox, flaky
):
    session = SessionFactory()
    for person in (personas.owner, personas.colleague, personas.outsider):
        book(session, person)
    mailoutbox.clear()
    flaky.attempts = 0
    flaky.fail_on = {2}
    with pytest.raises(smtplib.SMTPServerDisconnected):
        _record_and_send_notice(session.pk, "session_changed")  # the rest stay pending
    _record_and_send_notice(session.pk, "session_changed")
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        p.email for p in (personas.owner, personas.colleague, personas.outsider)
    )
    assert "List-Unsubscribe" not in mailoutbox[0].extra_headers  # essential: no opt-out


def test_essential_mail_ignores_preferences(personas, mailoutbox):
    session = SessionFactory()
    book(session, personas.owner)
    services.preference_set(user=personas.owner, category="sessions", enabled=False)
    mailoutbox.clear()
    session_changes.session_cancel(session=session, by=None, reason="Snow")
    _record_and_send_notice(session.pk, "session_cancelled")
    assert [m.to for m in mailoutbox] == [[personas.owner.email]]


def test_session_emails_respect_the_opt_out(personas, mailoutbox):
    services.preference_set(user=personas.owner, category="sessions", enabled=False)
    booking = book(SessionFactory(), personas.owner)
    _record_and_send_booking_mail(booking.pk, "booking_confirmed")
    assert mailoutbox == []
    assert Delivery.objects.get(kind="booking_confirmed").status == "skipped"


def test_a_send_in_a_rolled_back_transaction_never_goes(personas, mailoutbox):
    delivery = services.delivery_record(
        kind="digest", key="test:1:x", email=personas.owner.email, recipient=personas.owner
    )

    def enqueue_then_fail():
        with transaction.atomic():
            tasks.deliver.delay_on_commit(delivery.pk)
            raise RuntimeError("rolled back")

    with pytest.raises(RuntimeError, match="rolled back"):
        enqueue_then_fail()
    assert mailoutbox == []

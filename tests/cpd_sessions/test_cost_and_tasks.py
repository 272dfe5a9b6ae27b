import datetime
from decimal import Decimal

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cpd_sessions import fee_shares, tasks
from cpd_sessions.booking import booking_cancel
from cpd_sessions.models import Booking, DevelopmentSession
from tests.factories import UserFactory

from .factories import SessionFactory, book, london

pytestmark = pytest.mark.django_db


def test_fee_shared_by_attendees_and_equally(personas):
    session = SessionFactory(fee=Decimal("1000.00"), cost_split="attendees")
    for _ in range(2):
        book(session, UserFactory(school=personas.school))
    book(session, UserFactory(school=personas.other_school))
    shares = {s.school.name: s.amount for s in fee_shares.cost_shares(session)}
    assert shares == {
        "Ashgrove Primary School": Decimal("666.67"),
        "Thornbury High School": Decimal("333.33"),
    }
    DevelopmentSession.objects.filter(pk=session.pk).update(cost_split="equal")
    session.refresh_from_db()
    shares = {s.school.name: s.amount for s in fee_shares.cost_shares(session)}
    assert shares == {
        "Ashgrove Primary School": Decimal("500.00"),
        "Thornbury High School": Decimal("500.00"),
    }
    assert sum(shares.values()) == session.fee


def test_each_cpd_leader_sees_only_their_schools_share(client, personas):
    session = SessionFactory(fee=Decimal("600.00"), title="Consultant day")
    book(session, personas.owner)
    book(session, personas.outsider)
    client.force_login(personas.leader)
    page = client.get(session.get_absolute_url()).content.decode()
    assert "£300.00" in page
    assert "Thornbury High School" not in page
    page = client.get(reverse("cpd_sessions:approvals")).content.decode()
    assert "Consultant day" in page
    assert "£300.00" in page
    client.force_login(personas.owner)
    assert "Shared cost" not in client.get(session.get_absolute_url()).content.decode()


def test_minimum_not_met_by_decision_date_cancels_with_notice(
    personas, mailoutbox, django_capture_on_commit_callbacks
):
    short = SessionFactory(min_places=3, decision_date=timezone.localdate(), title="Too few")
    enough = SessionFactory(min_schools=2, decision_date=timezone.localdate(), title="Enough")
    book(short, personas.owner)
    book(enough, personas.owner)
    book(enough, personas.outsider)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.check_minimums.delay().get() == 1
    assert DevelopmentSession.objects.get(pk=short.pk).status == "cancelled"
    assert DevelopmentSession.objects.get(pk=enough.pk).status == "published"
    assert [m.to for m in mailoutbox] == [[personas.owner.email]]
    assert "Cancelled: Too few" in mailoutbox[0].subject
    assert "Not enough bookings" in mailoutbox[0].body


def test_reminder_the_day_before_is_sent_once(personas, mailoutbox):
    tomorrow = london(1, 16, 0, weekday=False)
    session = SessionFactory(start=tomorrow, end=tomorrow + datetime.timedelta(hours=1))
    SessionFactory()  # next week: no reminder
    book(session, personas.owner)
    assert tasks.send_reminders.delay().get() == 1
    assert tasks.send_reminders.delay().get() == 0
    assert [m.subject for m in mailoutbox] == [f"Tomorrow: {session.title}"]
    assert "Tomorrow" in mailoutbox[0].alternatives[0][0]


def test_feedback_requested_after_the_session(personas, mailoutbox):
    session = SessionFactory()
    booking = book(session, personas.owner)
    start = timezone.now() - datetime.timedelta(hours=3)
    DevelopmentSession.objects.filter(pk=session.pk).update(
        start=start, end=start + datetime.timedelta(hours=1)
    )
    assert tasks.request_feedback.delay().get() == 1
    assert tasks.request_feedback.delay().get() == 0
    assert mailoutbox[0].subject == f"How was {session.title}?"
    assert Booking.objects.get(pk=booking.pk).feedback_requested_at is not None


def test_booking_emails_confirmed_waitlisted_and_promoted(
    personas, mailoutbox, django_capture_on_commit_callbacks
):
    session = SessionFactory(capacity=1, title="Oracy")
    with django_capture_on_commit_callbacks(execute=True):
        first = book(session, personas.owner)
        book(session, personas.colleague)
    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(booking=first, by=personas.owner)
    assert [(m.to[0], m.subject) for m in mailoutbox] == [
        (personas.owner.email, "You are booked on: Oracy"),
        (personas.colleague.email, "You are on the waitlist for Oracy"),
        (personas.colleague.email, "A place has come free: Oracy"),
    ]
    assert "number 1 on the waitlist" in mailoutbox[1].body
    assert "&#x27;" not in mailoutbox[2].body


def test_a_rolled_back_booking_sends_nothing(
    personas, mailoutbox, django_capture_on_commit_callbacks
):
    session = SessionFactory()

    def book_then_fail():
        with transaction.atomic():
            book(session, personas.owner)
            raise RuntimeError

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        book_then_fail()
    assert mailoutbox == []
    assert not Booking.objects.exists()

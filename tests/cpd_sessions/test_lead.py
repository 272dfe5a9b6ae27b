"""The session lead: no "Book a place" on their own session, the register for the door (print,
CSV, release status), an email to everyone booked (once per message), certificates."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from cpd_sessions import session_messages
from cpd_sessions.attendance import attendance_mark
from cpd_sessions.models import Booking, DevelopmentSession, SessionMessage
from notifications.models import Delivery
from tests.factories import UserFactory

from .factories import SessionFactory, book, london, release_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def led(personas):
    """A session the colleague leads, the owner booked on it, the outsider on the waitlist."""
    session = SessionFactory(leads=[personas.colleague], capacity=1)
    book(session, personas.owner)
    book(session, personas.outsider)
    return session


def _past(session):
    start = timezone.now() - datetime.timedelta(days=1)
    DevelopmentSession.objects.filter(pk=session.pk).update(
        start=start, end=start + datetime.timedelta(hours=2)
    )
    session.dates.update(start=start, end=start + datetime.timedelta(hours=2))
    return DevelopmentSession.objects.get(pk=session.pk)


def test_a_lead_is_never_offered_a_place_on_their_own_session(client, personas):
    session = SessionFactory(leads=[personas.colleague])
    book_url = reverse("cpd_sessions:book", args=[session.pk])
    client.force_login(personas.colleague)
    page = client.get(session.get_absolute_url()).content.decode()
    assert book_url not in page
    assert "You lead this session" in page
    client.force_login(personas.owner)
    assert book_url in client.get(session.get_absolute_url()).content.decode()


def test_register_shows_booked_waitlist_and_release_status(client, personas):
    session = SessionFactory(
        leads=[personas.coordinator], capacity=5, start=london(10, 10, 0), end=london(10, 12, 0)
    )
    book(session, personas.owner, release=release_data())
    client.force_login(personas.coordinator)
    page = client.get(reverse("cpd_sessions:register", args=[session.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Sam Whitfield" in html
    assert "Waiting for a decision" in html
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(reverse("cpd_sessions:register_csv", args=[session.pk])).content.decode()
            )
        )
    )
    assert rows[1][:2] == ["Name", "Email"]
    assert rows[2][0] == "Sam Whitfield"
    assert rows[2][4:7] == ["Waiting for release approval", "", "Waiting for a decision"]


def test_register_csv_lists_the_waitlist_with_places(client, personas, led):
    client.force_login(personas.colleague)
    body = client.get(reverse("cpd_sessions:register_csv", args=[led.pk])).content.decode()
    rows = list(csv.reader(io.StringIO(body)))
    by_name = {r[0]: r for r in rows[2:]}
    assert by_name["Sam Whitfield"][4] == "Confirmed"
    assert by_name["Owen Bell"][4:6] == ["On the waitlist", "1"]


def test_only_leads_and_coordinators_see_the_register(client, personas, led):
    client.force_login(personas.owner)  # booked on it, sees the session, not the register
    for name in ("register", "register_csv", "message"):
        assert client.get(reverse(f"cpd_sessions:{name}", args=[led.pk])).status_code == 403
    school_only = SessionFactory(
        leads=[personas.leader],
        scope=DevelopmentSession.Scope.SCHOOL,
        school=personas.school,
    )
    client.force_login(personas.outsider)  # cannot see the session at all
    assert client.get(reverse("cpd_sessions:register", args=[school_only.pk])).status_code == 404


def test_register_queries_are_the_same_for_one_and_many(client, personas, count_queries):
    session = SessionFactory(leads=[personas.colleague], capacity=30)
    book(session, personas.owner)
    client.force_login(personas.colleague)
    url = reverse("cpd_sessions:register", args=[session.pk])
    detail = session.get_absolute_url()
    one, one_detail = count_queries(url), count_queries(detail)
    for _ in range(6):
        book(session, UserFactory(school=personas.school))
    assert count_queries(url) == one
    assert count_queries(detail) == one_detail


def test_message_goes_once_to_everyone_with_a_place(
    personas, led, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sent = session_messages.session_message_send(
            session=led, by=personas.colleague, subject="Bring", body="A plan", token="t1"
        )
    assert sent.created
    assert sent.recipients == 1
    again = session_messages.session_message_send(
        session=led, by=personas.colleague, subject="Bring", body="A plan", token="t1"
    )
    assert not again.created
    deliveries = Delivery.objects.filter(kind="session_message")
    assert list(deliveries.values_list("email", flat=True)) == [personas.owner.email]
    session_messages.session_message_send(
        session=led,
        by=personas.colleague,
        subject="Waitlist too",
        body="Hello",
        token="t2",
        include_waitlist=True,
    )
    assert set(
        deliveries.filter(
            key__endswith=":" + str(SessionMessage.objects.get(token="t2").pk)
        ).values_list("email", flat=True)
    ) == {
        personas.owner.email,
        personas.outsider.email,
    }


def test_an_outsider_cannot_email_those_booked(client, personas, led):
    client.force_login(personas.owner)
    url = reverse("cpd_sessions:message", args=[led.pk])
    response = client.post(url, {"subject": "Hi", "body": "Spam", "token": "x" * 20})
    assert response.status_code == 403
    assert not SessionMessage.objects.exists()
    assert not Delivery.objects.filter(kind="session_message").exists()


def test_certificate_for_the_person_present_and_their_lead(client, personas, led):
    session = _past(led)
    booking = Booking.objects.get(session=session, user=personas.owner)
    attendance_mark(session=session, by=personas.colleague, present_ids=[booking.pk])
    client.force_login(personas.owner)
    page = client.get(reverse("cpd_sessions:certificate", args=[session.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Certificate of attendance" in html
    assert "Sam Whitfield" in html
    assert "2.0 hours in all" in html
    assert (
        reverse("cpd_sessions:certificate", args=[session.pk])
        in client.get(session.get_absolute_url()).content.decode()
    )
    client.force_login(personas.colleague)  # the lead
    url = reverse("cpd_sessions:certificate_for", args=[session.pk, booking.pk])
    assert client.get(url).status_code == 200
    client.force_login(personas.outsider)  # on the waitlist, never present
    assert client.get(reverse("cpd_sessions:certificate", args=[session.pk])).status_code == 404
    assert client.get(url).status_code == 403


def test_the_certificate_opens_from_the_portfolio_entry(
    client, personas, led, django_capture_on_commit_callbacks
):
    session = _past(led)
    booking = Booking.objects.get(session=session, user=personas.owner)
    with django_capture_on_commit_callbacks(execute=True):
        attendance_mark(session=session, by=personas.colleague, present_ids=[booking.pk])
    entry = personas.owner.portfolio_entries.get(session=session)
    client.force_login(personas.owner)
    page = client.get(reverse("portfolios:entry", args=[entry.pk])).content.decode()
    assert reverse("cpd_sessions:certificate", args=[session.pk]) in page

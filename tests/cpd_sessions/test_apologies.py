"""
Apologies for one meeting of a series: the place is kept, the session's lead is told once
through the ledger, the register shows "apologies" for that meeting, and the apology can be
withdrawn. Only the person booked sends them; everyone else is refused and nothing changes.
"""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from cpd_sessions import apologies, emails, session_changes
from cpd_sessions.models import Apology, Booking, DevelopmentSession
from notifications.models import Delivery
from tests.factories import UserFactory

from .factories import SessionFactory, book, london

pytestmark = pytest.mark.django_db

S = Booking.Status


@pytest.fixture
def series(personas):
    """Three after-school meetings a week apart, led by the colleague; the owner is booked."""
    dates = [(london(7 * n + 7, 16, 0), london(7 * n + 7, 17, 30)) for n in range(3)]
    session = SessionFactory(leads=[personas.colleague], capacity=5, dates=dates, title="Maths")
    book(session, personas.owner)
    return session


def _second(session):
    return list(session.dates.order_by("start"))[1]


def test_apologies_for_one_meeting_keep_the_place_and_tell_the_lead_once(
    personas, series, mailoutbox, django_capture_on_commit_callbacks
):
    booking = Booking.objects.get(user=personas.owner)
    meeting = _second(series)
    with django_capture_on_commit_callbacks(execute=True):
        _, created = apologies.apology_send(booking=booking, date=meeting, by=personas.owner)
    assert created
    booking.refresh_from_db()
    assert booking.status == S.CONFIRMED  # the place is kept, for every other meeting too
    assert [m.to for m in mailoutbox] == [[personas.colleague.email]]
    mail = mailoutbox[0]
    day = timezone.localtime(meeting.start).strftime("%-d %B")
    assert "Apologies from Sam Whitfield" in mail.subject
    assert day in mail.subject
    assert "keep their place for the other meetings" in mail.body
    assert "Sam Whitfield" in mail.alternatives[0][0]
    assert mail.reply_to == [personas.owner.email]

    # A second click, or sending, withdrawing and sending again, tells the lead nobody twice.
    with django_capture_on_commit_callbacks(execute=True):
        assert apologies.apology_send(booking=booking, date=meeting, by=personas.owner)[1] is False
        assert apologies.apology_withdraw(booking=booking, date=meeting, by=personas.owner)
        assert not Apology.objects.exists()
        apologies.apology_send(booking=booking, date=meeting, by=personas.owner)
    assert len(mailoutbox) == 1
    assert Delivery.objects.filter(kind="apology_sent").count() == 1
    assert Apology.objects.get().date == meeting


def test_the_register_shows_apologies_for_that_meeting_only(client, personas, series):
    booking = Booking.objects.get(user=personas.owner)
    meeting = _second(series)
    apologies.apology_send(booking=booking, date=meeting, by=personas.owner)
    client.force_login(personas.colleague)
    day = timezone.localtime(meeting.start)
    detail = client.get(series.get_absolute_url()).content.decode()
    assert f"Apologies</span> for {day:%A} {day.day} {day:%B}" in detail
    printable = client.get(reverse("cpd_sessions:register", args=[series.pk])).content.decode()
    assert printable.count('<span class="badge badge-warn">Apologies</span>') == 1
    assert f'data-label="Signature, {day:%A} {day.day} {day:%B}"><span class="badge' in printable
    csv = client.get(reverse("cpd_sessions:register_csv", args=[series.pk])).content.decode()
    assert f"{day:%d/%m/%Y %H:%M}" in csv.splitlines()[2]


def test_the_person_booked_sees_each_meeting_to_come_with_its_button(client, personas, series):
    booking = Booking.objects.get(user=personas.owner)
    apologies.apology_send(booking=booking, date=_second(series), by=personas.owner)
    client.force_login(personas.owner)
    page = client.get(series.get_absolute_url()).content.decode()
    assert page.count("Send apologies<span") == 2
    assert page.count("Withdraw my apologies<span") == 1
    client.force_login(personas.outsider)  # not booked: nothing to apologise for
    assert "Send apologies" not in client.get(series.get_absolute_url()).content.decode()


def test_an_outsider_cannot_send_or_withdraw_apologies_for_someone_else(client, personas, series):
    booking = Booking.objects.get(user=personas.owner)
    meeting = _second(series)
    url = reverse("cpd_sessions:apology", args=[series.pk])
    for person in (personas.outsider, personas.colleague, personas.leader):
        client.force_login(person)
        response = client.post(url, {"date": meeting.pk, "action": "send"})
        assert response.status_code == 404  # no booking of theirs on the session
        with pytest.raises(PermissionDenied):
            apologies.apology_send(booking=booking, date=meeting, by=person)
    assert not Apology.objects.exists()
    apologies.apology_send(booking=booking, date=meeting, by=personas.owner)
    for person in (personas.outsider, personas.colleague):
        client.force_login(person)
        client.post(url, {"date": meeting.pk, "action": "withdraw"})
        with pytest.raises(PermissionDenied):
            apologies.apology_withdraw(booking=booking, date=meeting, by=person)
    assert Apology.objects.count() == 1


def test_a_meeting_of_another_session_or_bad_input_changes_nothing(client, personas, series):
    other = SessionFactory()
    client.force_login(personas.owner)
    url = reverse("cpd_sessions:apology", args=[series.pk])
    assert client.post(url, {"date": other.dates.get().pk, "action": "send"}).status_code == 404
    for data in ({}, {"date": "x", "action": "send"}, {"date": _second(series).pk, "action": "?"}):
        page = client.post(url, data, follow=True)
        assert page.status_code == 200
        assert "Choose the meeting you cannot come to" in page.content.decode()
    assert not Apology.objects.exists()


def test_apologies_are_refused_where_they_make_no_sense(personas, series):
    booking = Booking.objects.get(user=personas.owner)
    first = series.dates.order_by("start").first()
    # A meeting that has started.
    started = timezone.now() - datetime.timedelta(minutes=5)
    series.dates.filter(pk=first.pk).update(
        start=started, end=started + datetime.timedelta(hours=1)
    )
    first.refresh_from_db()
    with pytest.raises(apologies.ApologyRefused, match="already started"):
        apologies.apology_send(booking=booking, date=first, by=personas.owner)
    # A session that meets once: cancel instead.
    once = SessionFactory()
    single = book(once, personas.owner)
    with pytest.raises(apologies.ApologyRefused, match="meets once"):
        apologies.apology_send(booking=single, date=once.dates.get(), by=personas.owner)
    # On the waitlist there is no place to keep.
    full = SessionFactory(
        capacity=1, dates=[(london(9), london(9, 18)), (london(16), london(16, 18))]
    )
    book(full, personas.colleague)
    waiting = book(full, personas.owner)
    assert waiting.status == S.WAITLISTED
    with pytest.raises(PermissionDenied):
        apologies.apology_send(booking=waiting, date=full.dates.last(), by=personas.owner)
    # A cancelled session.
    session_changes.session_cancel(session=series, by=personas.colleague, reason="Snow")
    booking.refresh_from_db()
    series = DevelopmentSession.objects.get(pk=series.pk)
    with pytest.raises(apologies.ApologyRefused, match="cancelled"):
        apologies.apology_send(booking=booking, date=_second(series), by=personas.owner)
    assert not Apology.objects.exists()


def test_an_apology_withdrawn_before_the_email_went_sends_nothing(personas, series, mailoutbox):
    booking = Booking.objects.get(user=personas.owner)
    meeting = _second(series)
    apologies.apology_send(booking=booking, date=meeting, by=personas.owner)  # not yet sent
    apologies.apology_withdraw(booking=booking, date=meeting, by=personas.owner)
    delivery = Delivery.objects.get(kind="apology_sent")
    assert emails.apology_email(delivery) is None


def test_the_session_page_costs_the_same_with_one_apology_and_many(
    client, personas, series, django_assert_max_num_queries
):
    client.force_login(personas.colleague)
    url = series.get_absolute_url()
    booking = Booking.objects.get(user=personas.owner)
    apologies.apology_send(booking=booking, date=_second(series), by=personas.owner)
    client.get(url)
    with django_assert_max_num_queries(80) as few:
        client.get(url)
    for _ in range(4):
        person = UserFactory(school=personas.school)
        other = book(series, person)
        for meeting in series.dates.all()[1:]:
            apologies.apology_send(booking=other, date=meeting, by=person)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from cpd_sessions import services
from cpd_sessions.models import Booking, DevelopmentSession
from tests.factories import UserFactory

from .factories import SessionFactory, book, london

pytestmark = pytest.mark.django_db

S = Booking.Status


def test_booking_gives_a_seat_then_the_waitlist_in_order(personas):
    session = SessionFactory(capacity=2)
    people = [personas.owner, personas.colleague, personas.outsider, personas.leader]
    bookings = [book(session, person) for person in people]
    assert [b.status for b in bookings] == [S.CONFIRMED, S.CONFIRMED, S.WAITLISTED, S.WAITLISTED]
    assert [b.waitlist_position for b in bookings] == [None, None, 1, 2]


def test_cancelling_a_seat_promotes_the_first_on_the_waitlist(personas):
    session = SessionFactory(capacity=1)
    first = book(session, personas.owner)
    second = book(session, personas.colleague)
    third = book(session, personas.outsider)
    promoted = services.booking_cancel(booking=first, by=personas.owner)
    assert [b.pk for b in promoted] == [second.pk]
    second.refresh_from_db()
    third.refresh_from_db()
    assert second.status == S.CONFIRMED
    assert second.waitlist_position is None
    assert third.status == S.WAITLISTED
    assert Booking.objects.filter(session=session, status__in=Booking.HOLDS_SEAT).count() == 1


def test_a_waitlisted_cancellation_promotes_nobody(personas):
    session = SessionFactory(capacity=1)
    book(session, personas.owner)
    waiting = book(session, personas.colleague)
    assert services.booking_cancel(booking=waiting, by=personas.colleague) == []
    assert Booking.objects.get(pk=waiting.pk).status == S.CANCELLED


def test_a_double_click_keeps_one_booking(personas):
    session = SessionFactory(capacity=5)
    first = services.booking_create(session=session, user=personas.owner)
    again = services.booking_create(session=session, user=personas.owner)
    assert first.created
    assert not again.created
    assert again.booking.pk == first.booking.pk
    assert Booking.objects.filter(session=session).count() == 1


def test_rebooking_after_cancelling_reuses_the_one_row(personas):
    session = SessionFactory(capacity=5)
    booking = book(session, personas.owner)
    services.booking_cancel(booking=booking, by=personas.owner)
    again = book(session, personas.owner)
    assert again.pk == booking.pk
    assert again.status == S.CONFIRMED


def test_database_refuses_a_second_booking_and_a_repeated_waitlist_place(personas):
    session = SessionFactory(capacity=1)
    book(session, personas.owner)
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(session=session, user=personas.owner, status=S.CONFIRMED)
    book(session, personas.colleague)  # waitlist 1
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(
            session=session, user=personas.outsider, status=S.WAITLISTED, waitlist_position=1
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(session=session, user=personas.outsider, status=S.WAITLISTED)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"status": DevelopmentSession.Status.CANCELLED}, "has been cancelled"),
        ({"booking_deadline": timezone.now() - timezone.timedelta(hours=1)}, "deadline"),
    ],
)
def test_refusals_are_clear_and_leave_nothing_behind(client, personas, changes, message):
    session = SessionFactory(leads=[personas.colleague])
    DevelopmentSession.objects.filter(pk=session.pk).update(**changes)
    client.force_login(personas.owner)
    response = client.post(reverse("cpd_sessions:book", kwargs={"pk": session.pk}), follow=True)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Booking.objects.exists()


def test_a_proposed_session_cannot_be_booked(personas):
    session = SessionFactory(status=DevelopmentSession.Status.PROPOSED)
    with pytest.raises(services.BookingRefused, match="not open for booking"):
        book(session, personas.owner)
    assert not Booking.objects.exists()


def test_a_started_session_cannot_be_booked(personas):
    start = timezone.now() - timezone.timedelta(minutes=10)
    session = SessionFactory(start=start, end=start + timezone.timedelta(hours=1))
    with pytest.raises(services.BookingRefused, match="already started"):
        book(session, personas.owner)
    assert not Booking.objects.exists()


def test_book_and_cancel_in_one_click_each(client, personas):
    session = SessionFactory(capacity=3)
    client.force_login(personas.owner)
    url = reverse("cpd_sessions:book", kwargs={"pk": session.pk})
    page = client.post(url, follow=True).content.decode()
    assert "You are booked on" in page
    page = client.post(url, follow=True).content.decode()
    assert "already booked" in page
    assert Booking.objects.get().status == S.CONFIRMED
    cancel = reverse("cpd_sessions:cancel_booking", kwargs={"pk": session.pk})
    page = client.post(cancel, follow=True).content.decode()
    assert "Your booking is cancelled" in page
    assert Booking.objects.get().status == S.CANCELLED
    assert client.get(url).status_code == 405


def test_a_full_session_puts_me_on_the_waitlist_with_my_place(client, personas):
    session = SessionFactory(capacity=1)
    book(session, personas.colleague)
    client.force_login(personas.owner)
    page = client.post(
        reverse("cpd_sessions:book", kwargs={"pk": session.pk}), follow=True
    ).content.decode()
    assert "on the waitlist" in page
    assert "number 1 on the waitlist" in page


def test_clash_with_another_of_my_bookings_is_shown_before_booking_and_once(client, personas):
    first = SessionFactory(title="Maths twilight")
    second = SessionFactory(title="Phonics twilight", start=first.start, end=first.end)
    book(first, personas.owner)
    client.force_login(personas.owner)
    before = client.get(second.get_absolute_url()).content.decode()
    assert "This clashes with:" in before
    assert ">Maths twilight</a>" in before
    assert before.index("This clashes with:") < before.index("Book a place")
    page = client.post(
        reverse("cpd_sessions:book", kwargs={"pk": second.pk}), follow=True
    ).content.decode()
    assert page.count("This clashes with:") == 1
    assert "clashes with another of your sessions" not in page  # not a second message


def test_a_series_is_booked_once_for_all_its_dates(personas):
    dates = [(london(d, 16, 0), london(d, 17, 30)) for d in (7, 14, 21, 28)]
    session = SessionFactory(dates=dates, capacity=10)
    assert session.dates.count() == 4
    booking = book(session, personas.owner)
    assert Booking.objects.filter(user=personas.owner).count() == 1
    assert booking.status == S.CONFIRMED


def test_outsider_cannot_see_or_book_a_school_only_session(client, personas):
    session = SessionFactory(scope=DevelopmentSession.Scope.SCHOOL, school=personas.school)
    client.force_login(personas.outsider)
    assert client.get(session.get_absolute_url()).status_code == 404
    response = client.post(reverse("cpd_sessions:book", kwargs={"pk": session.pk}))
    assert response.status_code == 404
    assert not Booking.objects.exists()


def test_nobody_can_cancel_someone_elses_booking(client, personas):
    session = SessionFactory()
    booking = book(session, personas.owner)
    client.force_login(personas.outsider)
    response = client.post(reverse("cpd_sessions:cancel_booking", kwargs={"pk": session.pk}))
    assert response.status_code == 404
    assert Booking.objects.get(pk=booking.pk).status == S.CONFIRMED
    with pytest.raises(PermissionDenied):
        services.booking_cancel(booking=booking, by=personas.outsider)


def test_raising_capacity_promotes_from_the_waitlist(personas):
    session = SessionFactory(capacity=1, leads=[personas.colleague])
    book(session, personas.owner)
    waiting = book(session, personas.outsider)
    services.session_update(session=session, by=personas.colleague, capacity=2)
    assert Booking.objects.get(pk=waiting.pk).status == S.CONFIRMED


def test_unlimited_capacity_never_waitlists(personas):
    session = SessionFactory(capacity=None)
    for _ in range(5):
        assert book(session, UserFactory(school=personas.school)).status == S.CONFIRMED

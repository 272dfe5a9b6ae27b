"""After a session: its leads keep the register (marking someone present sends the signal the
portfolio answers), attendees give feedback (anonymous to the lead if they choose), and the
recordings bank is searchable by area, scoped and flat in queries."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cpd_sessions.models import Attendance, Booking, DevelopmentSession, Feedback
from cpd_sessions.signals import attendance_marked
from experts.models import ExpertiseArea

from .factories import SessionFactory, book

pytestmark = pytest.mark.django_db


@pytest.fixture
def finished(personas):
    """A session that ran yesterday, led by the colleague, with the owner and outsider booked."""
    session = SessionFactory(leads=[personas.colleague], capacity=10)
    book(session, personas.owner)
    book(session, personas.outsider)
    start = timezone.now() - datetime.timedelta(days=1)
    DevelopmentSession.objects.filter(pk=session.pk).update(
        start=start, end=start + datetime.timedelta(hours=1)
    )
    session.dates.update(start=start, end=start + datetime.timedelta(hours=1))
    return DevelopmentSession.objects.get(pk=session.pk)


def test_lead_keeps_the_register_and_the_signal_fires(
    client, personas, finished, django_capture_on_commit_callbacks
):
    received = []

    def listener(sender, booking, **kwargs):
        received.append(booking.user)

    attendance_marked.connect(listener)
    try:
        owner_booking = Booking.objects.get(user=personas.owner)
        client.force_login(personas.colleague)
        url = reverse("cpd_sessions:attendance", kwargs={"pk": finished.pk})
        with django_capture_on_commit_callbacks(execute=True):
            client.post(url, {"present": [owner_booking.pk]})
        with django_capture_on_commit_callbacks(execute=True):
            client.post(url, {"present": [owner_booking.pk]})  # again: no second signal
    finally:
        attendance_marked.disconnect(listener)
    assert received == [personas.owner]
    assert Attendance.objects.get(booking=owner_booking).present
    assert not Attendance.objects.get(booking__user=personas.outsider).present
    assert DevelopmentSession.objects.get(pk=finished.pk).status == "completed"


def test_attendees_cannot_mark_the_register(client, personas, finished):
    client.force_login(personas.outsider)
    booking = Booking.objects.get(user=personas.outsider)
    url = reverse("cpd_sessions:attendance", kwargs={"pk": finished.pk})
    assert client.post(url, {"present": [booking.pk]}).status_code == 403
    assert not Attendance.objects.exists()


def test_feedback_anonymous_to_the_lead(client, personas, finished):
    client.force_login(personas.owner)
    client.post(
        reverse("cpd_sessions:feedback", kwargs={"pk": finished.pk}),
        {
            "rating": "4",
            "most_useful": "Hinge questions",
            "will_try": "Exit tickets",
            "comment": "",
            "anonymous": "on",
        },
    )
    client.force_login(personas.outsider)
    client.post(
        reverse("cpd_sessions:feedback", kwargs={"pk": finished.pk}),
        {"rating": "2", "most_useful": "", "will_try": "", "comment": "Too fast"},
    )
    assert Feedback.objects.count() == 2
    client.force_login(personas.colleague)
    page = client.get(finished.get_absolute_url()).content.decode()
    assert "average rating <strong>3.0</strong>" in page
    assert "Exit tickets" in page
    assert "Owen Bell" in page  # named, as they did not ask otherwise
    feedback_block = page.split('id="feedback-heading"')[1]
    assert "Sam Whitfield" not in feedback_block
    assert "Anonymous" in feedback_block


def test_feedback_only_from_the_booker_and_rating_in_range(client, personas, finished):
    client.force_login(personas.leader)  # not booked
    url = reverse("cpd_sessions:feedback", kwargs={"pk": finished.pk})
    assert client.post(url, {"rating": "5"}).status_code == 404
    client.force_login(personas.owner)
    assert client.post(url, {"rating": "9"}).status_code == 400
    assert not Feedback.objects.exists()


def test_recordings_bank_is_searchable_by_area_and_scoped(client, personas, finished):
    area = ExpertiseArea.objects.get(slug="questioning")
    DevelopmentSession.objects.filter(pk=finished.pk).update(
        recording_url="https://video.example.test/1", title="Hinge questions"
    )
    finished.areas.add(area)
    SessionFactory(
        title="Private to the other school",
        scope="school",
        school=personas.other_school,
        recording_url="https://video.example.test/2",
    )
    client.force_login(personas.owner)
    url = reverse("cpd_sessions:recordings")
    page = client.get(url).content.decode()
    assert "Hinge questions" in page
    assert "Private to the other school" not in page
    assert "Hinge questions" in client.get(url, {"area": "questioning"}).content.decode()
    assert "Hinge questions" not in client.get(url, {"area": "oracy"}).content.decode()
    assert "Hinge questions" in client.get(url, {"q": "hinge"}).content.decode()
    client.force_login(personas.outsider)
    assert "Private to the other school" in client.get(url).content.decode()


def test_recordings_query_count_is_bounded(client, personas, count_queries):
    client.force_login(personas.owner)
    SessionFactory(recording_url="https://video.example.test/a", leads=[personas.colleague])
    one = count_queries(reverse("cpd_sessions:recordings"))
    for _ in range(8):
        SessionFactory(recording_url="https://video.example.test/b", leads=[personas.colleague])
    assert count_queries(reverse("cpd_sessions:recordings")) == one


def test_marked_absent_then_present_sends_the_signal(
    client, personas, finished, django_capture_on_commit_callbacks
):
    received = []

    def listener(sender, booking, **kwargs):
        received.append(booking.user)

    attendance_marked.connect(listener)
    try:
        owner_booking = Booking.objects.get(user=personas.owner)
        client.force_login(personas.colleague)
        url = reverse("cpd_sessions:attendance", kwargs={"pk": finished.pk})
        with django_capture_on_commit_callbacks(execute=True):
            client.post(url, {"present": []})  # everyone absent: no signal
        with django_capture_on_commit_callbacks(execute=True):
            client.post(url, {"present": [owner_booking.pk]})  # a mistake corrected
    finally:
        attendance_marked.disconnect(listener)
    assert received == [personas.owner]

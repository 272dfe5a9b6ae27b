"""The session lifecycle is kept by the services, not only by the page."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cpd_sessions import session_changes
from cpd_sessions.attendance import attendance_mark
from cpd_sessions.lifecycle import SessionRefused
from cpd_sessions.models import Attendance, Booking, DevelopmentSession, SessionDate
from portfolios.models import Entry
from portfolios.services import entry_update
from tests.factories import HubFactory, SubjectNetworkFactory

from .factories import SessionFactory, book
from .test_pages import session_post

pytestmark = pytest.mark.django_db


def _move(session, start):
    DevelopmentSession.objects.filter(pk=session.pk).update(
        start=start, end=start + datetime.timedelta(hours=1)
    )
    session.dates.update(start=start, end=start + datetime.timedelta(hours=1))
    return DevelopmentSession.objects.get(pk=session.pk)


@pytest.fixture
def upcoming(personas):
    session = SessionFactory(leads=[personas.colleague], venue_school=personas.school)
    book(session, personas.owner)
    return session


@pytest.fixture
def started(personas, upcoming):
    return _move(upcoming, timezone.now() - datetime.timedelta(minutes=10))


def test_the_register_cannot_be_kept_before_the_session_starts(client, personas, upcoming):
    booking = Booking.objects.get(user=personas.owner)
    client.force_login(personas.colleague)
    url = reverse("cpd_sessions:attendance", kwargs={"pk": upcoming.pk})
    response = client.post(url, {"present": [booking.pk]}, follow=True)
    assert response.status_code == 200
    assert "The register can be kept once the session starts" in response.content.decode()
    assert not Attendance.objects.exists()
    assert not Entry.objects.exists()


def test_a_started_session_cannot_be_cancelled_and_nobody_is_mailed(
    client, personas, started, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(personas.colleague)
    url = reverse("cpd_sessions:cancel", kwargs={"pk": started.pk})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason": "Snow"}, follow=True)
    assert "already started, so it cannot be cancelled" in response.content.decode()
    assert DevelopmentSession.objects.get(pk=started.pk).status == "published"
    assert mailoutbox == []


def test_a_completed_session_cannot_be_cancelled(personas, started):
    DevelopmentSession.objects.filter(pk=started.pk).update(status="completed")
    with pytest.raises(SessionRefused):
        session_changes.session_cancel(session=started, by=personas.colleague, reason="Oops")
    assert DevelopmentSession.objects.get(pk=started.pk).status == "completed"


def test_a_booking_on_a_started_session_cannot_be_cancelled(client, personas, started):
    client.force_login(personas.owner)
    url = reverse("cpd_sessions:cancel_booking", kwargs={"pk": started.pk})
    response = client.post(url, follow=True)
    assert "can no longer be cancelled" in response.content.decode()
    assert Booking.objects.get(user=personas.owner).status == Booking.Status.CONFIRMED


def test_a_lead_cannot_move_a_booked_session_into_the_past(client, personas, upcoming):
    client.force_login(personas.colleague)
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    data = session_post(
        venue_school=personas.school.pk, meetings="1", first_date=yesterday, title=upcoming.title
    )
    response = client.post(reverse("cpd_sessions:edit", kwargs={"pk": upcoming.pk}), data)
    assert response.status_code == 400
    assert "A meeting cannot be in the past" in response.content.decode()
    assert DevelopmentSession.objects.get(pk=upcoming.pk).start == upcoming.start
    # Nor through the service, which the admin and shell use.
    past = timezone.now() - datetime.timedelta(days=1)
    with pytest.raises(Exception, match="cannot be in the past"):
        session_changes.session_update(
            session=upcoming,
            by=personas.colleague,
            dates=[(past, past + datetime.timedelta(hours=1))],
        )
    assert list(SessionDate.objects.filter(session=upcoming).values_list("start", flat=True)) == [
        upcoming.start
    ]


def test_a_finished_session_can_still_be_edited_without_moving_it(client, personas, started):
    client.force_login(personas.colleague)
    session_changes.session_update(
        session=started,
        by=personas.colleague,
        dates=[(started.start, started.end)],
        recording_url="https://example.test/rec",
    )
    assert DevelopmentSession.objects.get(pk=started.pk).recording_url.endswith("/rec")


def _mark(session, by, present, capture):
    with capture(execute=True):
        attendance_mark(session=session, by=by, present_ids=present)


def test_unmarking_attendance_removes_the_untouched_session_entry(
    personas, started, django_capture_on_commit_callbacks
):
    booking = Booking.objects.get(user=personas.owner)
    _mark(started, personas.colleague, [booking.pk], django_capture_on_commit_callbacks)
    assert Entry.objects.filter(owner=personas.owner, kind="session_attended").count() == 1
    _mark(started, personas.colleague, [], django_capture_on_commit_callbacks)
    assert not Entry.objects.filter(owner=personas.owner, kind="session_attended").exists()
    # The lead's "session led" entry stays: they still led it.
    assert Entry.objects.filter(owner=personas.colleague, kind="session_led").count() == 1


def test_unmarking_keeps_an_entry_its_owner_wrote_in_but_unlinks_it(
    personas, started, django_capture_on_commit_callbacks
):
    booking = Booking.objects.get(user=personas.owner)
    _mark(started, personas.colleague, [booking.pk], django_capture_on_commit_callbacks)
    entry = Entry.objects.get(owner=personas.owner, kind="session_attended")
    entry_update(entry=entry, impact_practice="I now use mini whiteboards every lesson.")
    _mark(started, personas.colleague, [], django_capture_on_commit_callbacks)
    entry.refresh_from_db()
    assert entry.impact_practice.startswith("I now use")
    assert entry.session_id is None
    # Marked present again: the same entry, linked again, not a second one.
    _mark(started, personas.colleague, [booking.pk], django_capture_on_commit_callbacks)
    entry.refresh_from_db()
    assert entry.session_id == started.pk
    assert Entry.objects.filter(owner=personas.owner, kind="session_attended").count() == 1


def test_a_network_lead_cannot_widen_a_published_session_beyond_their_network(client, personas):
    network = SubjectNetworkFactory(hub=personas.school.hub)
    network.leads.add(personas.colleague)
    session = SessionFactory(
        scope="network",
        network=network,
        leads=[personas.colleague],
        venue_school=personas.school,
    )
    client.force_login(personas.colleague)
    url = reverse("cpd_sessions:edit", kwargs={"pk": session.pk})
    for widened in (
        {"scope": "hub", "hub": personas.other_school.hub.pk},
        {"scope": "school", "school": personas.other_school.pk},
        {"scope": "community"},
    ):
        data = session_post(
            venue_school=personas.school.pk,
            meetings="1",
            title=session.title,
            first_date=timezone.localdate(session.start).isoformat(),
            **widened,
        )
        response = client.post(url, data)
        assert response.status_code == 400, widened
        assert "only a coordinator" in response.content.decode()
        session.refresh_from_db()
        assert (session.scope, session.network_id, session.status) == (
            "network",
            network.pk,
            "published",
        )
    # Another network they lead is theirs to publish for: allowed.
    other = SubjectNetworkFactory(hub=HubFactory())
    other.leads.add(personas.colleague)
    data = session_post(
        venue_school=personas.school.pk,
        meetings="1",
        title=session.title,
        first_date=timezone.localdate(session.start).isoformat(),
        scope="network",
        network=other.pk,
    )
    assert client.post(url, data).status_code == 302
    assert DevelopmentSession.objects.get(pk=session.pk).network_id == other.pk


def test_publishing_a_cancelled_session_is_refused_with_a_sentence(client, personas):
    session = SessionFactory(status="cancelled")
    client.force_login(personas.coordinator)
    url = reverse("cpd_sessions:publish", kwargs={"pk": session.pk})
    response = client.post(url, follow=True)
    assert "cannot be published" in response.content.decode()
    assert DevelopmentSession.objects.get(pk=session.pk).status == "cancelled"

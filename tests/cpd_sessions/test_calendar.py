import datetime
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from cpd_sessions import session_changes
from cpd_sessions.models import CalendarFeed

from .factories import SessionFactory, book

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")


def events(body: bytes):
    cal = Calendar.from_ical(body)
    return cal, list(cal.walk("VEVENT"))


def october_clock_change() -> datetime.date:
    """The last Sunday of October next year, when London goes from BST back to GMT."""
    day = datetime.date(timezone.localdate().year + 1, 10, 31)
    while day.weekday() != 6:
        day -= datetime.timedelta(days=1)
    return day


def test_ics_for_a_series_across_the_october_clock_change(client, personas):
    # 16:00 London on the Tuesday before the change is BST (15:00 UTC); after it, GMT (16:00 UTC).
    change = october_clock_change()
    days = [change - datetime.timedelta(days=5), change + datetime.timedelta(days=2)]
    dates = [
        (
            datetime.datetime.combine(d, datetime.time(16, 0), tzinfo=LONDON),
            datetime.datetime.combine(d, datetime.time(17, 30), tzinfo=LONDON),
        )
        for d in days
    ]
    session = SessionFactory(dates=dates, title="Twilight series")
    book(session, personas.owner)
    client.force_login(personas.owner)
    response = client.get(reverse("cpd_sessions:ics", kwargs={"pk": session.pk}))
    assert response["Content-Type"].startswith("text/calendar")
    cal, vevents = events(response.content)
    assert str(cal["METHOD"]) == "PUBLISH"
    starts = [e.decoded("DTSTART") for e in vevents]
    assert starts == [
        datetime.datetime.combine(days[0], datetime.time(15, 0), tzinfo=datetime.UTC),
        datetime.datetime.combine(days[1], datetime.time(16, 0), tzinfo=datetime.UTC),
    ]
    assert [str(e["SUMMARY"]) for e in vevents] == [
        "Twilight series (1 of 2)",
        "Twilight series (2 of 2)",
    ]
    # The page shows London wall-clock time on both sides of the change.
    page = client.get(session.get_absolute_url()).content.decode()
    for day in days:
        assert f"Tuesday {day.day} {day:%B} {day.year}, 16:00" in page


def test_uid_stays_and_sequence_rises_when_the_session_moves(client, personas):
    session = SessionFactory(leads=[personas.colleague])
    book(session, personas.owner)
    client.force_login(personas.owner)
    url = reverse("cpd_sessions:ics", kwargs={"pk": session.pk})
    _, before = events(client.get(url).content)
    later = (session.start + datetime.timedelta(days=1), session.end + datetime.timedelta(days=1))
    assert session_changes.session_update(session=session, by=personas.colleague, dates=[later])
    _, after = events(client.get(url).content)
    assert str(before[0]["UID"]) == str(after[0]["UID"])
    assert int(after[0]["SEQUENCE"]) == int(before[0]["SEQUENCE"]) + 1
    assert after[0].decoded("DTSTART") == later[0]


def test_cancelled_session_gives_method_cancel(client, personas):
    session = SessionFactory(leads=[personas.colleague])
    book(session, personas.owner)
    session_changes.session_cancel(session=session, by=personas.colleague, reason="Snow")
    client.force_login(personas.owner)
    cal, vevents = events(
        client.get(reverse("cpd_sessions:ics", kwargs={"pk": session.pk})).content
    )
    assert str(cal["METHOD"]) == "CANCEL"
    assert str(vevents[0]["STATUS"]) == "CANCELLED"


def test_join_link_in_ics_only_when_confirmed(client, personas):
    session = SessionFactory(format="online", join_link="https://meet.example.test/x", capacity=5)
    book(session, personas.owner)
    client.force_login(personas.owner)
    body = client.get(reverse("cpd_sessions:ics", kwargs={"pk": session.pk})).content
    assert b"meet.example.test/x" in body


def test_no_ics_for_someone_without_a_booking(client, personas):
    session = SessionFactory()
    client.force_login(personas.outsider)
    assert client.get(reverse("cpd_sessions:ics", kwargs={"pk": session.pk})).status_code == 404


def test_personal_feed_is_token_protected_and_revocable(client, personas):
    booked = SessionFactory(title="Booked one")
    book(booked, personas.owner)
    SessionFactory(title="Led one", leads=[personas.owner])
    SessionFactory(title="Someone else's")
    client.force_login(personas.owner)
    client.post(reverse("cpd_sessions:calendar_renew"))
    feed = CalendarFeed.objects.get(user=personas.owner)
    client.logout()
    response = client.get(feed.get_absolute_url())
    assert response.status_code == 200
    _, vevents = events(response.content)
    assert sorted(str(e["SUMMARY"]) for e in vevents) == ["Booked one", "Led one"]
    old_url = feed.get_absolute_url()
    client.force_login(personas.owner)
    client.post(reverse("cpd_sessions:calendar_renew"))
    client.logout()
    assert client.get(old_url).status_code == 404
    new = CalendarFeed.objects.get(user=personas.owner)
    assert new.token != feed.token
    assert client.get(new.get_absolute_url()).status_code == 200
    client.force_login(personas.owner)
    client.post(reverse("cpd_sessions:calendar_revoke"))
    client.logout()
    assert client.get(new.get_absolute_url()).status_code == 404
    assert client.get("/sessions/feed/guess.ics").status_code == 404


def test_whoever_runs_a_session_gets_the_calendar_file_the_page_offers(client, personas):
    """The session page's "Running this session" box links the .ics for the coordinator too
    (it answered 404 to them, a dead link); someone with no booking still gets 404."""
    session = SessionFactory(title="Twilight on questioning")
    url = reverse("cpd_sessions:ics", kwargs={"pk": session.pk})
    client.force_login(personas.coordinator)
    page = client.get(session.get_absolute_url()).content.decode()
    assert url in page
    response = client.get(url)
    assert response.status_code == 200
    _, found = events(response.content)
    assert [str(e.get("summary")) for e in found] == ["Twilight on questioning"]
    client.force_login(personas.outsider)
    assert client.get(url).status_code == 404

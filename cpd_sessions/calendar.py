"""
Calendars: iCalendar files (RFC 5545) for bookings and the personal feed, built with
``icalendar``; what the feed holds (``feed_items``); and the feed's secret address
(``feed_renew``, ``feed_revoke``).

Each meeting of a session is one VEVENT with a UID that never changes
(``cpdhub-session-<session>-<date>@<host>``) and the session's SEQUENCE, which goes up
whenever the time or place changes; a calendar then replaces the old event. A cancelled
session or booking is sent with METHOD:CANCEL and STATUS:CANCELLED. Times are written in
UTC, so a calendar in any zone shows the right London time across clock changes.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from icalendar import Calendar, Event

from hubs.models import User
from notifications.rendering import absolute_url

from .models import Booking, CalendarFeed, DevelopmentSession, _new_feed_token

PRODID = "-//CPD Hub//Development sessions//EN"

# Apps above this one add their own events to the personal feed (a team's meetings, the
# school's published INSET days): each registers a function of (user, stamp) → events in its
# AppConfig.ready(), so this app imports none of them. An event is an ``icalendar`` Event, or a
# VEVENT already written as text (``cpdhub.ics``: much cheaper for a year of meetings).
FeedSource = Callable[[User, datetime.datetime], list[Event | str]]
END = b"END:VCALENDAR\r\n"
_feed_sources: list[FeedSource] = []


def register_feed_source(source: FeedSource) -> None:
    if source not in _feed_sources:
        _feed_sources.append(source)


def _host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "cpdhub.local"


def uid_for(session: DevelopmentSession, date) -> str:
    return f"cpdhub-session-{session.pk}-{date.pk}@{_host()}"


def is_cancelled(session: DevelopmentSession, booking: Booking | None) -> bool:
    return session.status == DevelopmentSession.Status.CANCELLED or (
        booking is not None
        and booking.status in {Booking.Status.CANCELLED, Booking.Status.DECLINED}
    )


def _events(session, booking, *, show_link: bool, stamp: datetime.datetime) -> list[Event]:
    cancelled = is_cancelled(session, booking)
    dates = list(session.dates.all())
    events = []
    for index, date in enumerate(dates, start=1):
        event = Event()
        event.add("uid", uid_for(session, date))
        event.add("sequence", session.sequence)
        event.add("dtstamp", stamp)
        event.add("dtstart", date.start.astimezone(datetime.UTC))
        event.add("dtend", date.end.astimezone(datetime.UTC))
        summary = session.title if len(dates) == 1 else f"{session.title} ({index} of {len(dates)})"
        event.add("summary", summary)
        lines = [
            session.description.strip(),
            f"Details: {absolute_url(session.get_absolute_url())}",
        ]
        if show_link and session.join_link:
            lines.append(f"Join online: {session.join_link}")
        event.add("description", "\n\n".join(line for line in lines if line))
        if session.venue:
            event.add("location", session.venue)
        elif session.is_online:
            event.add("location", "Online")
        event.add("url", absolute_url(session.get_absolute_url()))
        if cancelled:
            event.add("status", "CANCELLED")
        elif booking is not None and booking.status == Booking.Status.PENDING:
            event.add("status", "TENTATIVE")
        else:
            event.add("status", "CONFIRMED")
        events.append(event)
    return events


def _calendar(method: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", method)
    cal.add("x-wr-timezone", "Europe/London")
    return cal


def booking_ics(session: DevelopmentSession, booking: Booking | None, *, show_link: bool) -> bytes:
    """One booking (or a lead's session) as an .ics file; METHOD:CANCEL once it is off."""
    cal = _calendar("CANCEL" if is_cancelled(session, booking) else "PUBLISH")
    stamp = datetime.datetime.now(datetime.UTC)
    for event in _events(session, booking, show_link=show_link, stamp=stamp):
        cal.add_component(event)
    return cal.to_ical()


def feed_ics(items, *, name: str, user: User | None = None) -> bytes:
    """A subscription feed: cancelled items stay in it with STATUS:CANCELLED; with ``user``,
    the events other apps add for them (``register_feed_source``)."""
    cal = _calendar("PUBLISH")
    cal.add("x-wr-calname", name)
    stamp = datetime.datetime.now(datetime.UTC)
    for session, booking in items:
        if booking is None:  # a session I lead, or my network's meeting I have not booked
            show_link = not getattr(session, "feed_as_member", False)
        else:
            show_link = booking.status == Booking.Status.CONFIRMED
        for event in _events(session, booking, show_link=show_link, stamp=stamp):
            cal.add_component(event)
    written: list[str] = []
    if user is not None:
        for source in _feed_sources:
            for event in source(user, stamp):
                if isinstance(event, str):
                    written.append(event)
                else:
                    cal.add_component(event)
    body = cal.to_ical()
    if written:
        body = body[: body.rindex(END)] + "".join(written).encode() + END
    return body


# --- The personal feed ---


def feed_items(user: User) -> list[tuple[DevelopmentSession, Booking | None]]:
    """The calendar feed: my bookings (any state, so cancellations reach the calendar) and leads."""
    bookings = list(
        Booking.objects.filter(user=user)
        .exclude(status=Booking.Status.WAITLISTED)
        .select_related("session__venue_school")
        .prefetch_related("session__dates")
    )
    booked = {b.session_id for b in bookings}
    # The sessions I lead, and the upcoming meetings of my subject networks (so members have
    # the next one in their calendar before they book, without the join link: that is for
    # people with a place), in one query.
    now = timezone.now()
    mine = DevelopmentSession.objects.filter(
        Q(leads=user)
        | Q(network__members=user, status=DevelopmentSession.Status.PUBLISHED, end__gte=now)
    ).values("pk")
    leads = DevelopmentSession.leads.through.objects.filter(
        developmentsession_id=OuterRef("pk"), user_id=user.pk
    )
    sessions = list(
        DevelopmentSession.objects.filter(pk__in=mine)
        .exclude(pk__in=booked)
        .annotate(is_lead=Exists(leads))
        .select_related("venue_school")
        .prefetch_related("dates")
    )
    led = [s for s in sessions if s.is_lead]
    meetings = [s for s in sessions if not s.is_lead]
    for meeting in meetings:
        meeting.feed_as_member = True
    return (
        [(b.session, b) for b in bookings]
        + [(s, None) for s in led]
        + [(m, None) for m in meetings]
    )


@transaction.atomic
def feed_renew(*, user: User) -> CalendarFeed:
    """Make (or replace) my feed's address: the old one stops working at once."""
    feed, created = CalendarFeed.objects.get_or_create(user=user)
    if not created:
        feed.token = _new_feed_token()
        feed.created_at = timezone.now()
        feed.save(update_fields=["token", "created_at"])
    return feed


@transaction.atomic
def feed_revoke(*, user: User) -> None:
    CalendarFeed.objects.filter(user=user).delete()

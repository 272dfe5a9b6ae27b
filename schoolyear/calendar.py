"""
The school's year in a person's calendar feed (registered with cpd_sessions' feed): the
meetings of their teams, and their school's INSET days and twilights once the year's plan is
published. UIDs never change; a moved date carries a higher SEQUENCE, so calendars replace it.
INSET days are all-day events; times are written in UTC (London time across clock changes).
"""

from __future__ import annotations

import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from icalendar import Event

from hubs.models import User
from notifications.rendering import absolute_url

from .meetings import london
from .models import PlanDate, TeamMeeting

FEED_PAST_DAYS = 60


def _host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "cpdhub.local"


def meeting_event(meeting: TeamMeeting, stamp: datetime.datetime) -> Event:
    event = Event()
    event.add("uid", f"cpdhub-team-meeting-{meeting.pk}@{_host()}")
    event.add("dtstamp", stamp)
    event.add("dtstart", meeting.start.astimezone(datetime.UTC))
    event.add("dtend", meeting.end.astimezone(datetime.UTC))
    summary = f"{meeting.team.name}: {meeting.series.title}"
    event.add("summary", f"{summary} ({meeting.focus})" if meeting.focus else summary)
    url = absolute_url(meeting.get_absolute_url())
    event.add("description", f"Agenda, notes and what we will try: {url}")
    event.add("url", url)
    event.add("status", "CONFIRMED")
    return event


def date_event(item: PlanDate, school_name: str, stamp: datetime.datetime) -> Event:
    event = Event()
    event.add("uid", f"cpdhub-year-date-{item.pk}@{_host()}")
    event.add("sequence", item.sequence)
    event.add("dtstamp", stamp)
    if item.start_time is not None:
        event.add("dtstart", london(item.start, item.start_time).astimezone(datetime.UTC))
        event.add("dtend", london(item.end, item.end_time).astimezone(datetime.UTC))
    else:  # a whole day (or days): DTEND is the day after, as RFC 5545 says
        event.add("dtstart", item.start)
        event.add("dtend", item.end + datetime.timedelta(days=1))
        event.add("transp", "TRANSPARENT")
    event.add("summary", f"{item.get_kind_display()}: {item.title}")
    event.add("description", f"{school_name}'s year")
    event.add("status", "CONFIRMED")
    return event


def feed_events(user: User, stamp: datetime.datetime) -> list[Event]:
    """Two queries: my teams' meetings from two months ago on, my school's published dates."""
    since = timezone.now() - datetime.timedelta(days=FEED_PAST_DAYS)
    meetings = TeamMeeting.objects.filter(
        team__memberships__user=user, start__gte=since
    ).select_related("team", "series")
    events = [meeting_event(m, stamp) for m in meetings]
    if user.school_id:
        dates = (
            PlanDate.objects.filter(
                plan__school_id=user.school_id,
                plan__published_at__isnull=False,
                end__gte=timezone.localdate(since),
            )
            .exclude(kind=PlanDate.Kind.PROTECTED)
            .select_related("plan__school")
        )
        events += [date_event(d, d.plan.school.name, stamp) for d in dates]
    return events

"""
The school's year in a person's calendar feed (registered with cpd_sessions' feed): the
meetings of their teams and their school's INSET days, twilights and coaching windows, only
once the year's plan is published (a meeting belongs to the academic year it falls in: a series
set up before publishing waits for it). UIDs never change; a moved date carries a higher
SEQUENCE, so calendars replace it; a date taken off is no longer in the feed. INSET days and
coaching windows are all-day events; times are written in UTC (London time across clock
changes). The events are written as text (``cpdhub.ics``), from plain rows, in two queries: a
year of meetings costs a few milliseconds.
"""

from __future__ import annotations

import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from cpdhub import ics
from hubs.models import User
from notifications.rendering import absolute_url

from .meetings import london
from .models import PlanDate, TeamMeeting
from .selectors import in_published_year

FEED_PAST_DAYS = 60
IN_FEED = [PlanDate.Kind.INSET, PlanDate.Kind.TWILIGHT, PlanDate.Kind.COACHING]
KIND_LABELS = dict(PlanDate.Kind.choices)


def _host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "cpdhub.local"


def meeting_rows(user: User, since: datetime.datetime) -> list[dict]:
    """My teams' meetings from ``since`` on, in the published years of their school."""
    return list(
        TeamMeeting.objects.filter(team__memberships__user=user, start__gte=since)
        .filter(in_published_year())
        .values("pk", "team_id", "team__name", "series__title", "focus", "start", "end")
        .order_by("start", "pk")
    )


def meeting_event(row: dict, stamp: str, host: str, url_pattern: str) -> str:
    url = url_pattern.format(team=row["team_id"], meeting=row["pk"])
    summary = f"{row['team__name']}: {row['series__title']}"
    if row["focus"]:
        summary = f"{summary} ({row['focus']})"
    return ics.vevent(
        [
            ("UID", f"cpdhub-team-meeting-{row['pk']}@{host}"),
            ("DTSTAMP", stamp),
            ("DTSTART", ics.utc(row["start"])),
            ("DTEND", ics.utc(row["end"])),
            ("SUMMARY", ics.text(summary)),
            ("DESCRIPTION", ics.text(f"Agenda, notes and what we will try: {url}")),
            ("URL", url),
            ("STATUS", "CONFIRMED"),
        ]
    )


def date_event(row: dict, school_name: str, stamp: str, host: str) -> str:
    if row["start_time"] is not None:
        when = [
            ("DTSTART", ics.utc(london(row["start"], row["start_time"]))),
            ("DTEND", ics.utc(london(row["end"], row["end_time"]))),
        ]
    else:  # a whole day (or days): DTEND is the day after, as RFC 5545 says
        when = [
            ("DTSTART;VALUE=DATE", ics.day(row["start"])),
            ("DTEND;VALUE=DATE", ics.day(row["end"] + datetime.timedelta(days=1))),
            ("TRANSP", "TRANSPARENT"),
        ]
    return ics.vevent(
        [
            ("UID", f"cpdhub-year-date-{row['pk']}@{host}"),
            ("SEQUENCE", str(row["sequence"])),
            ("DTSTAMP", stamp),
            *when,
            ("SUMMARY", ics.text(f"{KIND_LABELS[row['kind']]}: {row['title']}")),
            ("DESCRIPTION", ics.text(f"{school_name}'s year")),
            ("STATUS", "CONFIRMED"),
        ]
    )


def feed_events(user: User, stamp: datetime.datetime) -> list[str]:
    """Two queries: my teams' meetings in their school's published years from two months ago
    on, my school's published dates."""
    since = timezone.now() - datetime.timedelta(days=FEED_PAST_DAYS)
    host, written = _host(), ics.utc(stamp)
    url_pattern = (
        absolute_url(
            reverse("schoolyear:meeting", kwargs={"pk": 1_000_001, "meeting_pk": 2_000_002})
        )
        .replace("1000001", "{team}")
        .replace("2000002", "{meeting}")
    )
    events = [meeting_event(row, written, host, url_pattern) for row in meeting_rows(user, since)]
    if user.school_id:
        dates = PlanDate.objects.filter(
            plan__school_id=user.school_id, plan__published_at__isnull=False, kind__in=IN_FEED,
            end__gte=timezone.localdate(since),
        ).values(
            "pk", "kind", "title", "start", "end", "start_time", "end_time", "sequence",
            "plan__school__name",
        )  # fmt: skip
        events += [date_event(d, d["plan__school__name"], written, host) for d in dates]
    return events

"""
Team meeting series and their meetings: the dates (``series_dates``: every n weeks on the first
date's weekday, skipping days outside every term and the school's INSET days), each meeting at
the same London time whatever the clocks do; a meeting's focus, agenda and notes; who came; each
member's "what I will try before next time"; and the focus reminder two days before.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from hubs.models import User
from hubs.term_dates import all_terms

from . import emails, removals
from .models import (
    MeetingAttendance,
    MeetingSeries,
    PlanDate,
    Priority,
    Team,
    TeamMeeting,
    TeamMembership,
    TryNext,
    YearPlan,
)
from .permissions import require_can_edit_team

MAX_MEETINGS = 60  # a series is at most a year of weekly meetings
REMIND_DAYS_BEFORE = 2


def in_term(day: datetime.date) -> bool:
    return any(t.start <= day <= t.end for t in all_terms())


def inset_days(school_id: int, first: datetime.date, last: datetime.date) -> set[datetime.date]:
    days = set()
    for start, end in PlanDate.objects.filter(
        plan__school_id=school_id, kind=PlanDate.Kind.INSET, start__lte=last, end__gte=first
    ).values_list("start", "end"):
        day = start
        while day <= end:
            days.add(day)
            day += datetime.timedelta(days=1)
    return days


def series_dates(
    first: datetime.date, last: datetime.date, every_weeks: int, skip: set[datetime.date]
) -> list[datetime.date]:
    """Every ``every_weeks`` weeks from ``first`` to ``last``: term days that are not in ``skip``
    (a skipped meeting is not moved: the cycle keeps its rhythm)."""
    out = []
    day = first
    while day <= last:
        if in_term(day) and day not in skip:
            out.append(day)
        day += datetime.timedelta(weeks=every_weeks)
    return out


def london(day: datetime.date, time: datetime.time) -> datetime.datetime:
    """A London wall-clock time on a day, aware: 15:30 stays 15:30 across the clock change."""
    return timezone.make_aware(datetime.datetime.combine(day, time))


@transaction.atomic
def series_create(
    *,
    team: Team,
    by: User,
    first_date: datetime.date,
    last_date: datetime.date,
    start_time: datetime.time,
    end_time: datetime.time,
    every_weeks: int = 2,
    title: str = "Team meeting",
) -> MeetingSeries:
    require_can_edit_team(by, team)
    series = MeetingSeries(
        team=team,
        title=title.strip() or "Team meeting",
        first_date=first_date,
        last_date=last_date,
        start_time=start_time,
        end_time=end_time,
        every_weeks=every_weeks,
    )
    series.full_clean()
    if last_date > first_date + datetime.timedelta(days=366):
        raise ValidationError({"last_date": "A series lasts a year at most."})
    days = series_dates(
        first_date, last_date, every_weeks, inset_days(team.school_id, first_date, last_date)
    )
    if not days:
        raise ValidationError(
            "No meeting falls in term time between those dates: check the dates and the terms."
        )
    if len(days) > MAX_MEETINGS:
        raise ValidationError(f"A series has {MAX_MEETINGS} meetings at most.")
    series.save()
    TeamMeeting.objects.bulk_create(
        TeamMeeting(
            series=series,
            team=team,
            start=london(day, start_time),
            end=london(day, end_time),
        )
        for day in days
    )
    return series


@transaction.atomic
def series_remove(*, series: MeetingSeries, by: User) -> None:
    """A series and its meetings taken off; the members are told once when meetings of it
    still to come were published (``removals``), and their feeds drop them."""
    series = (
        MeetingSeries.objects.select_for_update().select_related("team__school").get(pk=series.pk)
    )
    require_can_edit_team(by, series.team)
    published = set(
        YearPlan.objects.filter(
            school_id=series.team.school_id, published_at__isnull=False
        ).values_list("academic_year", flat=True)
    )
    removals.series_removed(series, published_years=published)
    series.delete()


@transaction.atomic
def meeting_remove(*, meeting: TeamMeeting, by: User) -> None:
    """One meeting taken off (the rest of its series stays); told once, as above."""
    meeting = TeamMeeting.objects.select_related("team__school", "series").get(pk=meeting.pk)
    require_can_edit_team(by, meeting.team)
    removals.meeting_removed(meeting)
    meeting.delete()


@transaction.atomic
def meeting_update(
    *,
    meeting: TeamMeeting,
    by: User,
    focus: str,
    agenda: str = "",
    notes: str = "",
    priority: Priority | None = None,
) -> TeamMeeting:
    require_can_edit_team(by, meeting.team)
    if priority is not None and priority.school_id != meeting.team.school_id:
        raise ValidationError({"priority": "Choose one of the school's priorities."})
    meeting.focus = focus.strip()
    meeting.agenda = agenda.strip()
    meeting.notes = notes.strip()
    meeting.priority = priority
    meeting.full_clean()
    meeting.save(update_fields=["focus", "agenda", "notes", "priority"])
    return meeting


@transaction.atomic
def attendance_record(*, meeting: TeamMeeting, by: User, present: list[User]) -> int:
    """Who came: exactly the members ticked (others are taken off). Returns how many."""
    require_can_edit_team(by, meeting.team)
    members = set(TeamMembership.objects.filter(team=meeting.team).values_list("user", flat=True))
    ids = {u.pk for u in present}
    if not ids <= members:
        raise ValidationError({"present": "Tick members of the team only."})
    MeetingAttendance.objects.filter(meeting=meeting).exclude(user_id__in=ids).delete()
    known = set(MeetingAttendance.objects.filter(meeting=meeting).values_list("user", flat=True))
    MeetingAttendance.objects.bulk_create(
        MeetingAttendance(meeting=meeting, user_id=pk) for pk in ids - known
    )
    return len(ids)


@transaction.atomic
def try_save(*, meeting: TeamMeeting, by: User, text: str) -> TryNext | None:
    """A member's own "what I will try before next time"; empty takes it away."""
    if not TeamMembership.objects.filter(team=meeting.team, user=by).exists():
        raise ValidationError("Only the team's members say what they will try.")
    text = text.strip()
    if not text:
        TryNext.objects.filter(meeting=meeting, user=by).delete()
        return None
    item, _ = TryNext.objects.update_or_create(
        meeting=meeting, user=by, defaults={"text": text, "updated_at": timezone.now()}
    )
    item.full_clean()
    return item


@transaction.atomic
def focus_remind(today: datetime.date | None = None) -> int:
    """The beat's daily run: the leader of each team whose meeting is two days away and has no
    focus yet is asked to set one (once per meeting: the ledger's key)."""
    today = today or timezone.localdate()
    day = today + datetime.timedelta(days=REMIND_DAYS_BEFORE)
    meetings = TeamMeeting.objects.filter(
        start__gte=london(day, datetime.time(0)),
        start__lt=london(day + datetime.timedelta(days=1), datetime.time(0)),
        focus="",
        team__leader__is_active=True,
    ).select_related("team__leader")
    sent = 0
    for meeting in meetings:
        sent += len(emails.mail_focus_reminder(meeting))
    return sent

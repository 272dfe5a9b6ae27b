"""
Taking a published item off the year: an INSET day, a twilight or a coaching window (the
school's staff are told), a team's meeting series or one meeting (the team's members are told).
Each removal keeps a ``RemovedItem`` (what it was, no names) for the email's builder, and
emails each person once through the ledger (key ``year_item_removed:<removed item>``). The
callers delete the row in the same transaction, so the feed drops it; a draft's item goes
quietly (nobody saw it).
"""

from __future__ import annotations

from django.utils import timezone

from cpdhub.academic_year import academic_year_of
from hubs.models import User

from . import emails
from .models import MeetingSeries, PlanDate, RemovedItem, TeamMeeting, TeamMembership, YearPlan


def is_published(school_id: int, year: int) -> bool:
    return YearPlan.objects.filter(
        school_id=school_id, academic_year=year, published_at__isnull=False
    ).exists()


def _members(team_id: int) -> list[str]:
    return list(
        TeamMembership.objects.filter(team_id=team_id, user__is_active=True).values_list(
            "user__email", flat=True
        )
    )


def date_removed(item: PlanDate) -> RemovedItem:
    removed = RemovedItem.objects.create(
        school_id=item.plan.school_id,
        academic_year=item.plan.academic_year,
        what=item.get_kind_display(),
        title=item.title,
        start=item.start,
        end=item.end,
        start_time=item.start_time,
        end_time=item.end_time,
    )
    staff = User.objects.filter(school_id=item.plan.school_id, is_active=True)
    emails.mail_item_removed(removed, to=list(staff.values_list("email", flat=True)))
    return removed


def series_removed(series: MeetingSeries, *, published_years: set[int]) -> RemovedItem | None:
    """A series whose published meetings are still to come: its members are told once."""
    now = timezone.now()
    days = [
        timezone.localtime(start).date()
        for start in series.meetings.filter(start__gte=now).values_list("start", flat=True)
    ]
    days = [d for d in days if academic_year_of(d) in published_years]
    if not days:
        return None
    removed = RemovedItem.objects.create(
        school_id=series.team.school_id,
        academic_year=academic_year_of(days[0]),
        what="Team meetings",
        title=f"{series.team.name}: {series.title}",
        start=min(days),
        end=max(days),
        start_time=series.start_time,
        end_time=series.end_time,
    )
    emails.mail_item_removed(removed, to=_members(series.team_id))
    return removed


def meeting_removed(meeting: TeamMeeting) -> RemovedItem | None:
    day = timezone.localtime(meeting.start).date()
    year = academic_year_of(day)
    if meeting.start < timezone.now() or not is_published(meeting.team.school_id, year):
        return None
    removed = RemovedItem.objects.create(
        school_id=meeting.team.school_id,
        academic_year=year,
        what="Team meeting",
        title=f"{meeting.team.name}: {meeting.series.title}",
        start=day,
        end=day,
        start_time=timezone.localtime(meeting.start).time(),
        end_time=timezone.localtime(meeting.end).time(),
    )
    emails.mail_item_removed(removed, to=_members(meeting.team_id))
    return removed

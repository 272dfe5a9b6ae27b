"""
What the school's year sends, through the ledger (registered in SchoolYearConfig.ready()):

- ``team_focus_reminder``: two days before a team meeting with no focus, to the team's leader
  (key ``team_focus_reminder:<meeting>``): once per meeting however often the beat runs.
- ``year_date_changed``: a published INSET day or twilight moved, to the school's staff (key
  ``year_date_changed:<date>:<sequence>:<old day>``): once per change.
- ``year_item_removed``: a published date, a team's series or meeting taken off, to the people
  it concerned (key ``year_item_removed:<removed item>``): once per removal.
"""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from hubs.models import User
from notifications import registry
from notifications.categories import Category
from notifications.rendering import absolute_url
from notifications.services import send_templated_mail

from .models import PlanDate, RemovedItem, TeamMeeting

FOCUS = "team_focus_reminder"
DATE_CHANGED = "year_date_changed"
REMOVED = "year_item_removed"


def focus_key(meeting_id: int) -> str:
    return f"{FOCUS}:{meeting_id}"


def date_changed_key(item: PlanDate, was: datetime.date) -> str:
    return f"{DATE_CHANGED}:{item.pk}:{item.sequence}:{was.isoformat()}"


def planner_url(school, year: int) -> str:
    return absolute_url(reverse("schoolyear:planner", kwargs={"urn": school.urn}) + f"?year={year}")


def mail_focus_reminder(meeting: TeamMeeting) -> list:
    leader = meeting.team.leader
    if leader is None or not leader.is_active:
        return []
    return send_templated_mail(FOCUS, to=[leader.email], key=focus_key(meeting.pk))


def focus_email(delivery) -> registry.Email | None:
    meeting = (
        TeamMeeting.objects.select_related("team")
        .filter(pk=int(delivery.key.split(":")[1]), focus="")
        .first()
    )
    if meeting is None:  # the focus was set meanwhile, or the meeting is gone
        return None
    return registry.Email(
        context={
            "team": meeting.team,
            "start": timezone.localtime(meeting.start),
            "meeting_url": absolute_url(meeting.get_absolute_url()),
        }
    )


def mail_date_changed(item: PlanDate, *, was: datetime.date) -> list:
    staff = User.objects.filter(school_id=item.plan.school_id, is_active=True).values_list(
        "email", flat=True
    )
    return send_templated_mail(DATE_CHANGED, to=list(staff), key=date_changed_key(item, was))


def date_changed_email(delivery) -> registry.Email | None:
    _, pk, sequence, was = delivery.key.split(":")
    item = (
        PlanDate.objects.select_related("plan__school")
        .filter(pk=int(pk), sequence=int(sequence))
        .first()
    )
    if item is None:  # moved again (that change has its own email) or taken off
        return None
    school = item.plan.school
    return registry.Email(
        context={
            "item": item,
            "school": school,
            "was": datetime.date.fromisoformat(was),
            "planner_url": planner_url(school, item.plan.academic_year),
        }
    )


def removed_key(removed_id: int) -> str:
    return f"{REMOVED}:{removed_id}"


def mail_item_removed(removed: RemovedItem, *, to: list[str]) -> list:
    return send_templated_mail(REMOVED, to=to, key=removed_key(removed.pk))


def removed_email(delivery) -> registry.Email | None:
    removed = (
        RemovedItem.objects.select_related("school")
        .filter(pk=int(delivery.key.split(":")[1]))
        .first()
    )
    if removed is None:
        return None
    return registry.Email(
        context={
            "removed": removed,
            "school": removed.school,
            "planner_url": planner_url(removed.school, removed.academic_year),
        }
    )


def register_emails() -> None:
    registry.register(FOCUS, category=Category.REMINDERS, build=focus_email)
    registry.register(DATE_CHANGED, category=Category.ESSENTIAL, build=date_changed_email)
    registry.register(REMOVED, category=Category.ESSENTIAL, build=removed_email)

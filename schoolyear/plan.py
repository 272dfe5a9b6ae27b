"""
The year plan's writes: its dates (INSET days, twilights, protected weeks, coaching windows)
added, moved and taken off; the plan published; priorities written; the coordinator's
community-wide dates proposed and a school adopting one. Moving a date of a published plan
emails the school's staff once per change (the ledger's key names the date and its sequence);
taking one off emails them once too (``removals``), and the feed drops it.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from cpdhub.academic_year import academic_year_of
from hubs.models import School, User

from . import emails, removals
from .models import CommunityDate, PlanDate, Priority, YearPlan
from .permissions import require_can_plan, require_coordinator


def plan_for(school: School, year: int) -> YearPlan:
    plan, _ = YearPlan.objects.get_or_create(school=school, academic_year=year)
    return plan


RANGED = {PlanDate.Kind.PROTECTED: 31, PlanDate.Kind.COACHING: 16 * 7}  # the longest, in days


def _clean_date(kind, start, end, start_time, end_time) -> tuple:
    if kind not in RANGED:
        end = start
    if end is None or end < start:
        raise ValidationError({"end": "The last day is on or after the first."})
    if (end - start).days > RANGED.get(kind, 0):
        raise ValidationError(
            {
                "end": "A coaching window is 16 weeks at most."
                if kind == PlanDate.Kind.COACHING
                else "A protected period is a month at most."
            }
        )
    if academic_year_of(start) != academic_year_of(end):
        raise ValidationError({"end": "Keep a date within one academic year."})
    if kind == PlanDate.Kind.TWILIGHT:
        if start_time is None or end_time is None or end_time <= start_time:
            raise ValidationError({"end_time": "A twilight has a start and a later end time."})
    else:
        start_time = end_time = None
    return start, end, start_time, end_time


@transaction.atomic
def date_add(
    *,
    school: School,
    by: User,
    kind: str,
    title: str,
    start: datetime.date,
    end: datetime.date | None = None,
    start_time: datetime.time | None = None,
    end_time: datetime.time | None = None,
) -> PlanDate:
    require_can_plan(by, school)
    start, end, start_time, end_time = _clean_date(kind, start, end, start_time, end_time)
    plan = plan_for(school, academic_year_of(start))
    item = PlanDate(
        plan=plan,
        kind=kind,
        title=title.strip(),
        start=start,
        end=end,
        start_time=start_time,
        end_time=end_time,
    )
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def date_move(
    *,
    item: PlanDate,
    by: User,
    start: datetime.date,
    end: datetime.date | None = None,
    start_time: datetime.time | None = None,
    end_time: datetime.time | None = None,
) -> PlanDate:
    """A date moved within its academic year; once published, calendars replace the event
    (sequence up) and staff are emailed the change once."""
    item = PlanDate.objects.select_for_update().select_related("plan__school").get(pk=item.pk)
    require_can_plan(by, item.plan.school)
    start, end, start_time, end_time = _clean_date(item.kind, start, end, start_time, end_time)
    if academic_year_of(start) != item.plan.academic_year:
        raise ValidationError({"start": "Keep the date within the same academic year."})
    if (start, end, start_time, end_time) == (item.start, item.end, item.start_time, item.end_time):
        return item
    was = item.start
    item.start, item.end, item.start_time, item.end_time = start, end, start_time, end_time
    item.sequence += 1
    item.full_clean()
    item.save(update_fields=["start", "end", "start_time", "end_time", "sequence"])
    if item.plan.published_at is not None and item.kind != PlanDate.Kind.PROTECTED:
        emails.mail_date_changed(item, was=was)
    return item


@transaction.atomic
def date_remove(*, item: PlanDate, by: User) -> None:
    """Taken off the plan; once published, the school's staff are told once (not for a
    protected week, which is in nobody's calendar) and the feed drops it."""
    item = PlanDate.objects.select_for_update().select_related("plan__school").get(pk=item.pk)
    require_can_plan(by, item.plan.school)
    if item.plan.published_at is not None and item.kind != PlanDate.Kind.PROTECTED:
        removals.date_removed(item)
    item.delete()


@transaction.atomic
def plan_publish(*, school: School, by: User, year: int) -> YearPlan:
    """Staff see the plan, and its dates reach their calendar feeds."""
    require_can_plan(by, school)
    plan = YearPlan.objects.select_for_update().filter(school=school, academic_year=year).first()
    if plan is None:
        plan = plan_for(school, year)
    if plan.published_at is None:
        plan.published_at = timezone.now()
        plan.published_by = by
        plan.save(update_fields=["published_at", "published_by"])
    return plan


@transaction.atomic
def priority_create(
    *,
    school: School,
    by: User,
    year: int,
    title: str,
    why: str = "",
    areas=(),
    coaching_category: str = "",
) -> Priority:
    require_can_plan(by, school)
    priority = Priority(
        school=school,
        academic_year=year,
        title=title.strip(),
        why=why.strip(),
        coaching_category=coaching_category,
    )
    priority.full_clean()
    try:
        with transaction.atomic():
            priority.save()
    except IntegrityError:
        raise ValidationError({"title": "This year already has a priority of that name."}) from None
    priority.areas.set(areas)
    return priority


@transaction.atomic
def community_date_propose(*, by: User, date: datetime.date, title: str) -> CommunityDate:
    require_coordinator(by)
    proposal = CommunityDate(date=date, title=title.strip(), proposed_by=by)
    proposal.full_clean()
    proposal.save()
    return proposal


@transaction.atomic
def community_date_adopt(*, school: School, by: User, proposal: CommunityDate) -> PlanDate:
    """A school takes the community's date as an INSET day (once)."""
    require_can_plan(by, school)
    known = PlanDate.objects.filter(
        plan__school=school, kind=PlanDate.Kind.INSET, start=proposal.date
    ).first()
    if known is not None:
        return known
    return date_add(
        school=school, by=by, kind=PlanDate.Kind.INSET, title=proposal.title, start=proposal.date
    )

"""
A coach's visit to another school, with release time through the usual approval.

Planning a visit makes a private session in cpd_sessions ("Coaching visit to <school>", one
date, one place, published, proposed by the coach) and a ``Visit`` tying it to the
relationship. The coach then books it on the session's own page, whose form asks release
time (cover, supply, travel, goal): the request goes to the coach's own CPD leader's queue, is
approved or declined there, and charges the coach's school's budget through the ledger, like
any other. Nothing that reaches the leader names the teacher or carries a word of the
coaching: the session's title names the school only, and it has no description.

Cancelling a visit cancels its session the usual way (everyone booked is told; the ledger
refunds what was charged).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from cpd_sessions import session_changes
from cpd_sessions.models import Booking, DevelopmentSession
from hubs.models import School, User

from . import permissions
from .models import Relationship, Visit

TITLE_MAX = DevelopmentSession._meta.get_field("title").max_length
CANCEL_REASON = "The coach called off the visit."


def _moment(day: datetime.date, time: datetime.time) -> datetime.datetime:
    return datetime.datetime.combine(day, time, tzinfo=timezone.get_current_timezone())


@transaction.atomic
def visit_plan(
    *,
    relationship: Relationship,
    by: User,
    school: School,
    date: datetime.date,
    start_time: datetime.time,
    end_time: datetime.time,
    purpose: str,
) -> Visit:
    """Plan a visit to ``school`` on ``date``: its private session (capacity 1, published),
    then the visit. The coach books it next (the view takes them to the session's page)."""
    permissions.require_can_plan_visit(by, relationship)
    if school.pk not in {s.pk for s in permissions.visit_schools(relationship, by)}:
        raise ValidationError({"school": "Choose the school of a teacher you coach here."})
    if end_time <= start_time:
        raise ValidationError({"end_time": "The visit must end after it starts."})
    title = f"Coaching visit to {school.name}"[:TITLE_MAX]
    try:
        session = session_changes.private_session_create(
            by=by,
            title=title,
            kind=DevelopmentSession.Kind.COACHING_VISIT,
            venue_school=school,
            start=_moment(date, start_time),
            end=_moment(date, end_time),
        )
    except ValidationError as error:
        # The sessions app words a date problem for its own form's "first_date".
        if hasattr(error, "error_dict") and "first_date" in error.error_dict:
            raise ValidationError({"date": error.error_dict["first_date"]}) from None
        raise
    return Visit.objects.create(
        relationship=relationship, session=session, planned_by=by, purpose=purpose
    )


@transaction.atomic
def visit_cancel(*, visit: Visit, by: User) -> None:
    """Call off a visit: its session is cancelled the usual way (refunds through the ledger)."""
    permissions.require_can_cancel_visit(by, visit)
    session_changes.session_cancel(session=visit.session, by=by, reason=CANCEL_REASON)


# --- Reads ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class VisitRow:
    visit: Visit
    # The planner's booking state, shown to the planner only ("Waiting for release approval").
    booking_status: str | None
    mine: bool
    may_cancel: bool

    @property
    def session(self) -> DevelopmentSession:
        return self.visit.session

    @property
    def cancelled(self) -> bool:
        return self.session.status == DevelopmentSession.Status.CANCELLED

    @property
    def booking_label(self) -> str:
        if self.booking_status is None:
            return "Not booked yet: book it to ask for release time"
        return Booking.Status(self.booking_status).label


def visits_of(relationship: Relationship) -> QuerySet[Visit]:
    """A relationship's visits, newest first, with their session and the planner's booking
    state (one query)."""
    return (
        Visit.objects.filter(relationship=relationship)
        .select_related("session__venue_school")
        .annotate(
            planner_booking=Subquery(
                Booking.objects.filter(
                    session=OuterRef("session"), user=OuterRef("planned_by")
                ).values("status")[:1]
            )
        )
        .order_by("-session__start", "-pk")
    )


def visit_rows(relationship: Relationship, user: User) -> list[VisitRow]:
    """What the relationship's page shows a member about its visits: every member sees the date,
    times, school and purpose; the booking state is the planner's own business."""
    rows = []
    for visit in visits_of(relationship):
        mine = visit.planned_by_id == user.pk
        rows.append(
            VisitRow(
                visit=visit,
                booking_status=visit.planner_booking if mine else None,
                mine=mine,
                may_cancel=permissions.can_cancel_visit(user, visit),
            )
        )
    return rows

"""After a session: the register (who is on it, and keeping it) and what people thought of it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import (
    Avg,
    Count,
)
from django.utils import timezone

from hubs.models import User

from . import lifecycle, permissions
from .models import (
    Attendance,
    Booking,
    DevelopmentSession,
    Feedback,
)
from .seats import S, lock_session
from .session_changes import text_errors
from .signals import attendance_marked, attendance_unmarked, feedback_given


def attendees(session: DevelopmentSession) -> list[Booking]:
    """The register: active bookings, each waitlisted one with ``queue_place``, its place in
    the queue (1 is next), which the stored ``waitlist_position`` (an ordering with gaps) is not."""
    bookings = list(
        # (an erased account's booking counts in the figures, not on the register)
        Booking.objects.filter(session=session, status__in=Booking.ACTIVE, user__isnull=False)
        .select_related("user__school", "attendance", "release")
        .order_by("status", "waitlist_position", "user__last_name", "pk")
    )
    waiting = sorted(
        (b for b in bookings if b.status == Booking.Status.WAITLISTED),
        key=lambda b: b.waitlist_position,
    )
    for place, booking in enumerate(waiting, 1):
        booking.queue_place = place
    return bookings


@transaction.atomic
def attendance_mark(*, session: DevelopmentSession, by: User, present_ids: Iterable[int]) -> int:
    """
    Keep the register: every confirmed booking is marked present (if its id is in
    ``present_ids``) or absent. Sends ``attendance_marked`` for each newly present booking.
    """
    permissions.require_can_mark_attendance(by, session)
    session = lock_session(session)
    lifecycle.check_register(session, now=timezone.now())
    present_ids = set(present_ids)
    # (an erased account's booking keeps the mark it had: it is not on the register to change)
    bookings = list(
        Booking.objects.filter(
            session=session, status=S.CONFIRMED, user__isnull=False
        ).select_related("attendance")
    )
    newly_present, unmarked = [], []
    now = timezone.now()
    for booking in bookings:
        present = booking.pk in present_ids
        previous = getattr(booking, "attendance", None)
        # Read before `previous` is updated below: absent → present is "newly present" too.
        was_present = previous is not None and previous.present
        if previous is None:
            Attendance.objects.create(booking=booking, present=present, marked_by=by, marked_at=now)
        elif previous.present != present:
            previous.present, previous.marked_by, previous.marked_at = present, by, now
            previous.save()
        if present and not was_present:
            newly_present.append(booking)
        elif was_present and not present:
            unmarked.append(booking)
    if session.is_past and session.status == DevelopmentSession.Status.PUBLISHED:
        DevelopmentSession.objects.filter(pk=session.pk).update(
            status=DevelopmentSession.Status.COMPLETED
        )
    for booking in newly_present:
        transaction.on_commit(lambda b=booking: attendance_marked.send(sender=Booking, booking=b))
    for booking in unmarked:
        transaction.on_commit(lambda b=booking: attendance_unmarked.send(sender=Booking, booking=b))
    return len(newly_present)


@dataclass
class FeedbackSummary:
    count: int
    average: float | None
    items: list[Feedback]


def feedback_summary(session: DevelopmentSession) -> FeedbackSummary:
    feedback = Feedback.objects.filter(booking__session=session)
    stats = feedback.aggregate(n=Count("pk"), avg=Avg("rating"))
    return FeedbackSummary(
        count=stats["n"],
        average=round(stats["avg"], 1) if stats["avg"] is not None else None,
        items=list(feedback.select_related("booking__user")),
    )


@transaction.atomic
def feedback_give(*, booking: Booking, by: User, **answers) -> Feedback:
    permissions.require_can_give_feedback(by, booking)
    texts = ("most_useful", "will_try", "comment")
    if errors := text_errors(Feedback, answers, {name: name for name in texts}):
        raise ValidationError(errors)
    feedback, _ = Feedback.objects.update_or_create(
        booking=booking,
        defaults={
            k: answers[k]
            for k in ("rating", "most_useful", "will_try", "comment", "share_comment", "anonymous")
            if k in answers
        },
    )
    transaction.on_commit(lambda: feedback_given.send(sender=Feedback, feedback=feedback))
    return feedback

"""Thin tasks: they take ids, load fresh rows and send mail (or call a service)."""

from __future__ import annotations

import datetime

from celery import shared_task
from django.utils import timezone

from cpdhub.mail import absolute_url, send_templated_mail

# Every email goes through the ledger with a key, so running a task twice sends nothing twice:
# safe to acknowledge late (a worker killed mid-task has it redelivered).
RETRY = {"autoretry_for": (OSError,), "retry_backoff": True, "max_retries": 5, "acks_late": True}


def booking_mail_key(booking, kind: str) -> str:
    """The reason an email about a booking goes: one per state the booking reaches."""
    if kind == "session_reminder":
        day = timezone.localdate(booking.reminder_sent_at or timezone.now())
        return f"booking:{booking.pk}:reminder:{day.isoformat()}"
    if kind == "feedback_request":
        return f"booking:{booking.pk}"
    return f"booking:{booking.pk}:{booking.status}:{booking.updated_at.timestamp():.6f}"


def _context(booking) -> dict:
    session = booking.session
    return {
        "booking": booking,
        "session": session,
        "person": booking.user,
        "dates": list(session.dates.all()),
        "session_url": absolute_url(session.get_absolute_url()),
    }


@shared_task(name="cpd_sessions.send_booking_mail", **RETRY)
def send_booking_mail(booking_id: int, kind: str) -> None:
    """One email about one booking to the person who booked (confirmed, promoted, …)."""
    from .models import Booking
    from .selectors import waitlist_place

    booking = (
        Booking.objects.select_related("user", "session__venue_school", "release__decided_by")
        .filter(pk=booking_id)
        .first()
    )
    if booking is None:
        return
    context = _context(booking)
    context["waitlist_place"] = waitlist_place(booking)
    send_templated_mail(
        kind, to=[booking.user.email], context=context, key=booking_mail_key(booking, kind)
    )


@shared_task(name="cpd_sessions.send_release_requested", **RETRY)
def send_release_requested(booking_id: int) -> None:
    """
    Tell whoever decides it that a release request waits: the booker's school's CPD leaders other
    than the booker; when there is none, the coordinators (nobody decides their own request).
    """
    from django.db.models import Q  # leaf task: models load after apps are ready

    from hubs.models import COORDINATORS_GROUP, User  # leaf task: models load after apps are ready

    from .models import Booking

    booking = (
        Booking.objects.select_related("user__school", "session__venue_school", "release")
        .filter(pk=booking_id, status=Booking.Status.PENDING)
        .first()
    )
    if booking is None or booking.user.school is None:
        return
    leaders = [
        u.email
        for u in booking.user.school.cpd_leaders.filter(is_active=True).exclude(pk=booking.user_id)
    ]
    if not leaders:
        coordinators = User.objects.filter(
            Q(groups__name=COORDINATORS_GROUP) | Q(is_superuser=True), is_active=True
        ).exclude(pk=booking.user_id)
        leaders = sorted({u.email for u in coordinators})
    if not leaders:
        return
    context = _context(booking)
    context["release"] = getattr(booking, "release", None)
    context["approvals_url"] = absolute_url("/sessions/approvals/")
    send_templated_mail(
        "release_requested",
        to=leaders,
        reply_to=[booking.user.email],
        context=context,
        key=f"booking:{booking.pk}:release:{booking.updated_at.timestamp():.6f}",
    )


@shared_task(name="cpd_sessions.send_session_notice", **RETRY)
def send_session_notice(session_id: int, kind: str) -> None:
    """A change or cancellation: everyone with a place or on the waitlist, and the leads."""
    from .models import Booking

    bookings = Booking.objects.filter(
        session_id=session_id, status__in=Booking.ACTIVE
    ).select_related("user", "session__venue_school")
    for booking in bookings:
        # One notice per change (the calendar sequence moves with each) or cancellation;
        # a retried task skips the people it has already told.
        key = f"session:{session_id}:{booking.session.sequence}"
        send_templated_mail(kind, to=[booking.user.email], context=_context(booking), key=key)


@shared_task(name="cpd_sessions.send_reminders", acks_late=True)
def send_reminders() -> int:
    """Each morning: people with a confirmed place at a meeting tomorrow (London time)."""
    from .models import Booking, DevelopmentSession

    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    start = timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time.min))
    end = start + datetime.timedelta(days=1)
    due = Booking.objects.filter(
        status=Booking.Status.CONFIRMED,
        session__status=DevelopmentSession.Status.PUBLISHED,
        session__dates__start__gte=start,
        session__dates__start__lt=end,
    ).exclude(reminder_sent_at__gte=timezone.now() - datetime.timedelta(hours=20))
    sent = 0
    for booking_id in due.values_list("pk", flat=True).distinct():
        # Claim the row before sending, so a second run does not send again.
        if (
            Booking.objects.filter(pk=booking_id)
            .exclude(reminder_sent_at__gte=timezone.now() - datetime.timedelta(hours=20))
            .update(reminder_sent_at=timezone.now())
        ):
            send_booking_mail.delay(booking_id, "session_reminder")
            sent += 1
    return sent


@shared_task(name="cpd_sessions.request_feedback", acks_late=True)
def request_feedback() -> int:
    """After a session ends: ask confirmed attendees (not marked absent) what they thought."""
    from .models import Booking

    now = timezone.now()
    due = (
        Booking.objects.filter(
            status=Booking.Status.CONFIRMED,
            session__end__lt=now,
            session__end__gte=now - datetime.timedelta(days=14),
            feedback_requested_at__isnull=True,
        )
        .exclude(attendance__present=False)
        .exclude(session__status="cancelled")
    )
    sent = 0
    for booking_id in list(due.values_list("pk", flat=True)):
        if Booking.objects.filter(pk=booking_id, feedback_requested_at__isnull=True).update(
            feedback_requested_at=now
        ):
            send_booking_mail.delay(booking_id, "feedback_request")
            sent += 1
    return sent


@shared_task(name="cpd_sessions.check_minimums", acks_late=True)
def check_minimums() -> int:
    """Cancel sessions whose decision date has come without the minimum places or schools."""
    from .models import DevelopmentSession
    from .services import session_check_minimum

    due = DevelopmentSession.objects.filter(
        status=DevelopmentSession.Status.PUBLISHED,
        decision_date__lte=timezone.localdate(),
        start__gt=timezone.now(),
    ).exclude(min_places__isnull=True, min_schools__isnull=True)
    return sum(session_check_minimum(session=s) for s in due)

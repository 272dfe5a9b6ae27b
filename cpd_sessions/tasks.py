"""
The app's Celery tasks: the daily jobs beat runs (reminders, feedback requests, evaluations
shared back, the minimum-numbers check, the networks' prompt). Each loads fresh rows and calls
a service or records an email (``emails``); nothing but Celery imports this module.
"""

from __future__ import annotations

import datetime
import functools
import logging

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from hubs.models import Term
from notifications.services import send_now

from .booking import REMINDER_AGAIN_AFTER, booking_claim_feedback_request, booking_claim_reminder
from .emails import mail_booking, mail_network_prompt
from .evaluation import FEEDBACK_WINDOW
from .evaluation_sharing import evaluations_share_due, will_change_ask_due
from .meetings import networks_without_meeting
from .models import Booking, DevelopmentSession
from .session_changes import session_check_minimum

logger = logging.getLogger(__name__)


def _claim_and_send(claim, booking_id: int, kind: str) -> bool:
    """Claim the booking and record its email in one transaction, then send it. A failed send
    leaves the row pending on the ledger for the sweep."""
    with transaction.atomic():
        if not claim():
            return False
        deliveries = mail_booking(booking_id, kind, enqueue=False)
    try:
        send_now(deliveries)
    except OSError as exc:
        logger.warning(
            "Could not send %s for booking %s now (the sweep will): %s", kind, booking_id, exc
        )
    return True


@shared_task(name="cpd_sessions.send_reminders", acks_late=True)
def send_reminders() -> int:
    """Each morning: people with a confirmed place at a meeting tomorrow (London time)."""
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    start = timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time.min))
    end = start + datetime.timedelta(days=1)
    due = Booking.objects.filter(
        status=Booking.Status.CONFIRMED,
        user__isnull=False,
        session__status=DevelopmentSession.Status.PUBLISHED,
        session__dates__start__gte=start,
        session__dates__start__lt=end,
    ).exclude(reminder_sent_at__gte=timezone.now() - REMINDER_AGAIN_AFTER)
    sent = 0
    for booking_id in due.values_list("pk", flat=True).distinct():
        # Claimed before sending, so a second run does not send again.
        claim = functools.partial(booking_claim_reminder, booking_id=booking_id)
        sent += _claim_and_send(claim, booking_id, "session_reminder")
    return sent


@shared_task(name="cpd_sessions.request_feedback", acks_late=True)
def request_feedback() -> int:
    """After a session ends: ask confirmed attendees (not marked absent) what they thought."""
    now = timezone.now()
    due = (
        Booking.objects.filter(
            status=Booking.Status.CONFIRMED,
            session__end__lt=now,
            session__end__gte=now - FEEDBACK_WINDOW,
            feedback_requested_at__isnull=True,
            user__isnull=False,  # an erased account's booking: nobody to ask
        )
        .exclude(attendance__present=False)
        .exclude(session__status="cancelled")
        # A private session (a coaching visit) is no one's session to rate.
        .exclude(session__scope="private")
    )
    sent = 0
    for booking_id in list(due.values_list("pk", flat=True)):
        claim = functools.partial(booking_claim_feedback_request, booking_id=booking_id, now=now)
        sent += _claim_and_send(claim, booking_id, "feedback_request")
    return sent


@shared_task(name="cpd_sessions.share_evaluations", acks_late=True)
def share_evaluations() -> int:
    """
    Daily: the leads of sessions that have ended are asked what they will change (once each),
    and each session whose feedback window has closed has its summary shared with everyone
    involved, once (the claim and the ledger's key: any number of runs shares it once).
    Returns how many summaries were shared by this run.
    """
    now = timezone.now()
    will_change_ask_due(now=now)
    return evaluations_share_due(now=now)


@shared_task(name="cpd_sessions.check_minimums", acks_late=True)
def check_minimums() -> int:
    """Cancel sessions whose decision date has come without the minimum places or schools."""
    due = DevelopmentSession.objects.filter(
        status=DevelopmentSession.Status.PUBLISHED,
        decision_date__lte=timezone.localdate(),
        start__gt=timezone.now(),
    ).exclude(min_places__isnull=True, min_schools__isnull=True)
    return sum(session_check_minimum(session=s) for s in due)


@shared_task(name="cpd_sessions.prompt_network_leads", acks_late=True)
def prompt_network_leads() -> int:
    """
    Daily, in term time: the leads of each network with no meeting planned this academic year
    are emailed, once a term (the ledger's key is the network and the term, so every later run
    that term is a no-op). Returns how many networks are without a meeting.
    """
    term = Term.objects.current()
    if term is None:
        return 0
    networks = list(networks_without_meeting())
    for network in networks:
        with transaction.atomic():
            mail_network_prompt(network, term)
    return len(networks)

"""
How the portfolio hears about development sessions.

Why a signal receiver here rather than the sessions service calling ``portfolios.services``:
the sessions app was built to import nothing from the portfolio (it sends ``attendance_marked``
and ``feedback_given`` for whoever listens), so the dependency runs one way only, portfolios →
cpd_sessions, and either app's tests run without the other's internals. The signals are sent
after the register (or the feedback) has committed, so a portfolio entry can never hold back or
roll back the register; the price is that the entry is made in its own transaction, which is
why it is idempotent (``source_ref``, backed by a unique constraint) and safe to repeat.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from cpd_sessions.models import Booking, DevelopmentSession, Feedback

from . import services
from .models import MAX_HOURS, Entry

HUNDREDTH = Decimal("0.01")


def session_date_and_hours(session: DevelopmentSession) -> tuple[datetime.date, Decimal]:
    """
    The entry's date and hours: every meeting of the session (a series of four twilights is one
    entry, of their total length), dated on its last meeting, never later than today (an entry
    cannot be in the future, and a register may be kept before the last meeting).
    """
    meetings = [(d.start, d.end) for d in session.dates.all()] or [(session.start, session.end)]
    seconds = sum((end - start).total_seconds() for start, end in meetings)
    hours = (Decimal(seconds) / 3600).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)
    hours = min(max(hours, HUNDREDTH), MAX_HOURS)
    day = min(timezone.localdate(meetings[-1][0]), timezone.localdate())
    return day, hours


def log_attendance(sender, booking: Booking, **kwargs) -> None:
    """An attendee's "session attended" entry (from their feedback if given), and the leads'."""
    booking = Booking.objects.select_related("user", "session", "feedback").get(pk=booking.pk)
    session = DevelopmentSession.objects.prefetch_related("dates", "leads").get(
        pk=booking.session_id
    )
    day, hours = session_date_and_hours(session)
    feedback = getattr(booking, "feedback", None)
    services.entry_create_from_attendance(
        user=booking.user,
        title=session.title,
        date=day,
        hours=hours,
        learned=feedback.most_useful.strip() if feedback else "",
        will_try=feedback.will_try.strip() if feedback else "",
        session=session,
    )
    for lead in session.leads.all():
        if lead.is_active:
            services.entry_create_from_attendance(
                user=lead,
                title=session.title,
                date=day,
                hours=hours,
                session=session,
                kind=Entry.Kind.SESSION_LED,
            )


def withdraw_attendance(sender, booking: Booking, **kwargs) -> None:
    """Marked absent after being marked present: withdraw the entry the register made."""
    booking = Booking.objects.select_related("user", "session", "feedback").get(pk=booking.pk)
    feedback = getattr(booking, "feedback", None)
    services.entry_withdraw_attendance(
        user=booking.user,
        session=booking.session,
        prefilled={
            "learned": feedback.most_useful if feedback else "",
            "will_try": feedback.will_try if feedback else "",
        },
    )


def fill_from_feedback(sender, feedback: Feedback, **kwargs) -> None:
    """Feedback after the register: fill the empty parts of the attendee's entry, if any."""
    booking = Booking.objects.only("user_id", "session_id").get(pk=feedback.booking_id)
    entry = Entry.objects.filter(
        owner_id=booking.user_id, source_ref=services.session_source_ref(booking.session_id)
    ).first()
    if entry is not None:
        services.entry_fill_from_feedback(
            entry=entry, learned=feedback.most_useful, will_try=feedback.will_try
        )


# --- A person leaving (hubs.signals) ------------------------------------------------------


def delete_attachment_files(sender, user, **kwargs) -> None:
    """The rows go with the account (cascade); their files go from storage once it commits."""
    services.attachment_files_forget(owner=user)

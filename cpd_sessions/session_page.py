"""What one session's page shows a person, beside its forms: their booking and place, whether they
need release, what they may do, and for the leads the register, the cost shares and the feedback.
"""

from __future__ import annotations

from django.db.models import (
    OuterRef,
    Q,
)
from django.urls import reverse

from cpdhub.row_counts import count_per_row
from experts.models import ExpertProfile
from hubs.models import User

from . import evaluation, permissions
from .attendance import attendees, feedback_summary
from .booking import session_needs_release
from .fee_shares import cost_shares, estimated_fee_share
from .models import (
    Booking,
    DevelopmentSession,
    SessionDate,
)
from .seats import waitlist_place


def leads_with_profiles(session: DevelopmentSession) -> list[tuple[User, str | None]]:
    """The session's leads, each with their directory profile's address when it is live,
    so someone interested can read more about them or write to them (one query)."""

    leads = list(session.leads.all())
    profiles = dict(
        ExpertProfile.objects.visible()
        .filter(user__in=[lead.pk for lead in leads])
        .values_list("user_id", "pk")
    )
    return [
        (
            lead,
            reverse("experts:profile", args=[profiles[lead.pk]]) if lead.pk in profiles else None,
        )
        for lead in leads
    ]


def booking_of(session: DevelopmentSession, user: User) -> Booking | None:
    booking = (
        Booking.objects.filter(session=session, user=user)
        .select_related("release", "feedback", "attendance")
        .annotate(
            # My place in the queue, in the same query (see waitlist_place).
            queue_place=count_per_row(
                Booking.objects.filter(
                    session=OuterRef("session"),
                    status=Booking.Status.WAITLISTED,
                    waitlist_position__lte=OuterRef("waitlist_position"),
                ),
                "session",
            )
        )
        .first()
    )
    if booking is not None:
        booking.session = session  # already loaded: the permission checks ask for it
    return booking


def clashes(session: DevelopmentSession, user: User) -> list[SessionDate]:
    """Meetings of my other booked or led sessions that overlap this one's."""
    overlap = Q()
    for date in session.dates.all():
        overlap |= Q(start__lt=date.end, end__gt=date.start)
    if not overlap:
        return []
    mine = Q(session__bookings__user=user, session__bookings__status__in=Booking.ACTIVE) | Q(
        session__leads=user
    )
    return list(
        SessionDate.objects.filter(overlap, mine)
        .exclude(session=session)
        .exclude(session__status=DevelopmentSession.Status.CANCELLED)
        .select_related("session")
        .distinct()
    )


def _attended(booking: Booking | None) -> bool:
    if booking is None or booking.status != Booking.Status.CONFIRMED:
        return False
    attendance = getattr(booking, "attendance", None)
    return attendance is None or attendance.present


def session_page(session: DevelopmentSession, user: User) -> dict:
    """
    What the session page shows this person, beside its forms: their booking and place, whether
    they need release (and the fee share to suggest), what they may do, and for the leads the
    register, the cost shares and the feedback summary.
    """
    booking = booking_of(session, user)
    active = booking is not None and booking.is_active
    may_edit = permissions.can_edit(user, session)
    needs_release = (
        not active
        and session.status == DevelopmentSession.Status.PUBLISHED
        and session_needs_release(session, user)
    )
    may_see_attendees = permissions.can_see_attendees(user, session)
    # The evaluation, once shared. Whether this person took part is asked only when it matters
    # (an attendee's booking is loaded already; a CPD leader's school costs one query).
    took_part = (
        session.evaluation_shared_at is not None
        and not may_see_attendees
        and (_attended(booking) or evaluation.is_involved(user, session))
    )
    sees_evaluation = permissions.can_see_evaluation(user, session, took_part=took_part)
    shares = []
    if session.fee:
        shares = cost_shares(session)
        if not may_edit:
            shares = [s for s in shares if s.school.pk in user.led_school_ids]
    return {
        "session": session,
        "leads": leads_with_profiles(session),
        "booking": booking,
        "active": active,
        "feedback": getattr(booking, "feedback", None) if booking else None,
        "waitlist_place": waitlist_place(booking) if booking else None,
        "clashes": clashes(session, user) if session.is_past is False else [],
        "needs_release": needs_release,
        "suggested_fee_share": estimated_fee_share(session, user.school) if needs_release else None,
        "show_link": permissions.can_see_join_link(user, session, booking),
        "may_edit": may_edit,
        "is_lead": permissions.is_lead(user, session),
        "may_publish": session.status == DevelopmentSession.Status.PROPOSED
        and permissions.can_publish(user, session),
        "attendees": attendees(session) if may_edit else None,
        "shares": shares,
        "may_feedback": booking is not None and permissions.can_give_feedback(user, booking),
        "summary": feedback_summary(session) if may_edit and session.has_started else None,
        "evaluation": evaluation.evaluation_of(session) if sees_evaluation else None,
        "may_write_will_change": may_see_attendees
        and permissions.can_write_will_change(user, session),
        "window_closes": evaluation.window_closes(session),
        "seats_left": None
        if session.capacity is None
        else max(session.capacity - session.seats_taken, 0),
    }

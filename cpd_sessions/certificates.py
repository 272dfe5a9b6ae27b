"""
Certificates of attendance emailed to everyone present at once, by a lead or a coordinator:
one email per person through the ledger (its key is the booking), so a second click, a
second lead or a later run after more people are marked present never sends anyone theirs twice.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from hubs.models import User

from . import emails, lifecycle, permissions
from .models import Attendance, Booking, DevelopmentSession


@dataclass
class Issued:
    sent: int  # people emailed their certificate now
    already: int  # present, and already emailed theirs before


@transaction.atomic
def certificates_issue(*, session: DevelopmentSession, by: User) -> Issued:
    """Email a certificate to everyone marked present who has not had theirs yet."""
    permissions.require_can_issue_certificates(by, session)
    session = DevelopmentSession.objects.select_for_update().get(pk=session.pk)
    if session.status == DevelopmentSession.Status.CANCELLED:
        raise lifecycle.SessionRefused("This session was cancelled: nobody attended it.")
    present = list(
        Attendance.objects.select_for_update()
        .filter(
            booking__session=session,
            booking__status=Booking.Status.CONFIRMED,
            booking__user__isnull=False,
            booking__user__is_active=True,  # not to someone their school has removed
            present=True,
        )
        .select_related("booking__user")
        .order_by("pk")
    )
    waiting = [a for a in present if a.certificate_sent_at is None]
    now = timezone.now()
    for attendance in waiting:
        # The ledger keeps it to once per person even if the stamp were lost.
        emails.mail_certificate(attendance.booking_id, attendance.booking.user.email)
    Attendance.objects.filter(pk__in=[a.pk for a in waiting]).update(certificate_sent_at=now)
    return Issued(sent=len(waiting), already=len(present) - len(waiting))

"""
Apologies for one meeting of a series: the person keeps their place on the session, the
session's leads are told once (through the ledger), and the register shows "apologies" for
that meeting. Withdrawing the apology (before the meeting) makes them expected again.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from hubs.models import User

from . import emails, permissions
from .models import Apology, Booking, DevelopmentSession, SessionDate


class ApologyRefused(Exception):
    """Why apologies cannot be sent or withdrawn, in words for the person."""


def _check(booking: Booking, date: SessionDate) -> None:
    session = booking.session
    if date.session_id != booking.session_id:
        raise ApologyRefused("That meeting is not one of this session's: open the session again.")
    if session.status == DevelopmentSession.Status.CANCELLED:
        raise ApologyRefused("This session is cancelled: nobody is expected at its meetings.")
    if date.start <= timezone.now():
        raise ApologyRefused(
            "That meeting has already started, so apologies for it can no longer change."
        )
    if session.dates.count() < 2:
        raise ApologyRefused(
            "This session meets once: if you cannot come, cancel your booking so someone "
            "else can have the place."
        )


@transaction.atomic
def apology_send(*, booking: Booking, date: SessionDate, by: User) -> tuple[Apology, bool]:
    """Send apologies for one meeting (the place is kept). A second click changes nothing and
    tells nobody again; the leads are emailed once per person and meeting."""
    permissions.require_can_send_apologies(by, booking)
    booking = Booking.objects.select_for_update().select_related("session").get(pk=booking.pk)
    permissions.require_can_send_apologies(by, booking)  # still holding a place, under the lock
    _check(booking, date)
    apology, created = Apology.objects.get_or_create(booking=booking, date=date)
    if created:
        emails.mail_apology(apology)
    return apology, created


@transaction.atomic
def apology_withdraw(*, booking: Booking, date: SessionDate, by: User) -> bool:
    """Withdraw apologies for a meeting still to come: the person is expected again."""
    permissions.require_can_send_apologies(by, booking)
    booking = Booking.objects.select_for_update().select_related("session").get(pk=booking.pk)
    if date.session_id != booking.session_id:
        raise ApologyRefused("That meeting is not one of this session's: open the session again.")
    if date.start <= timezone.now():
        raise ApologyRefused(
            "That meeting has already started, so apologies for it can no longer change."
        )
    deleted, _ = Apology.objects.filter(booking=booking, date=date).delete()
    return bool(deleted)


# --- Reading ---


def apologised_dates(booking: Booking | None) -> set[int]:
    """The ids of the meetings ``booking``'s person sent apologies for."""
    if booking is None or booking.pk is None:
        return set()
    return set(Apology.objects.filter(booking=booking).values_list("date_id", flat=True))


def with_apologies(bookings: list[Booking]) -> list[Booking]:
    """Sets ``b.apologies_for`` (the meetings, soonest first) on each booking: one query."""
    by_booking: dict[int, list[SessionDate]] = {b.pk: [] for b in bookings}
    rows = Apology.objects.filter(booking__in=[b.pk for b in bookings]).select_related("date")
    for apology in rows.order_by("date__start", "pk"):
        by_booking[apology.booking_id].append(apology.date)
    for booking in bookings:
        booking.apologies_for = by_booking.get(booking.pk, [])
    return bookings


def meetings_to_apologise_for(session: DevelopmentSession, booking: Booking | None) -> list:
    """The meetings still to come of a series the person holds a place on, each with
    ``apologised`` (their apologies are sent); empty when there is nothing to offer."""
    if (
        booking is None
        or not booking.holds_seat
        or session.status != DevelopmentSession.Status.PUBLISHED
    ):
        return []
    dates = list(session.dates.all())
    if len(dates) < 2:
        return []
    sent = apologised_dates(booking)
    now = timezone.now()
    upcoming = [d for d in dates if d.start > now]
    for date in upcoming:
        date.apologised = date.pk in sent
    return upcoming

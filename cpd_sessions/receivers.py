"""How development sessions answer a person leaving (hubs.signals)."""

from __future__ import annotations

from django.utils import timezone

from .booking import booking_cancel
from .erasure import person_erase
from .models import Booking


def cancel_future_bookings(sender, user, **kwargs) -> None:
    """
    Their places on sessions still to come are cancelled through ``booking_cancel``, as if they
    had cancelled themselves: the seat goes to the waitlist and any charge is given back.
    Sessions already held keep their register.
    """
    bookings = Booking.objects.filter(
        user=user, status__in=Booking.ACTIVE, session__start__gt=timezone.now()
    ).select_related("session")
    for booking in bookings:
        booking_cancel(booking=booking, by=user)


def anonymise_leaver(sender, user, **kwargs) -> None:
    """On deletion, after ``cancel_future_bookings``: what they did stays as counts only."""
    person_erase(user=user)

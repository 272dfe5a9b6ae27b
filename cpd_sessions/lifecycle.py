"""
A session's life, written once: which changes are allowed when, and the sentence that refuses
the rest. The services call these checks inside their transaction (after locking the row), so
the page, the admin and the tasks all meet the same rules.

    proposed ──publish──▶ published ──(its first meeting starts)──▶ started
        │                     │                                        │
        └──cancel─────────────┴──cancel (only before it starts)       register kept
                                                                       ▼
                                                                   completed

A cancelled or completed session goes nowhere else. "Started" is not a status: it is the clock
passing the first meeting's start, so it is checked against ``now`` every time.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.utils import formats, timezone

from .models import DevelopmentSession

if TYPE_CHECKING:
    from .models import Booking

Status = DevelopmentSession.Status

# Status changes a person (or the system) may make; anything else is refused.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.PROPOSED: frozenset({Status.PUBLISHED, Status.CANCELLED}),
    Status.PUBLISHED: frozenset({Status.CANCELLED, Status.COMPLETED}),
    Status.CANCELLED: frozenset(),
    Status.COMPLETED: frozenset(),
}

# How far ahead a session may be offered: a typo such as 9999 is refused, not stored.
HORIZON = datetime.timedelta(days=2 * 366)


class SessionRefused(Exception):
    """Why a session cannot be changed this way, in words for the person trying."""


def _when(moment: datetime.datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "l j F Y, H:i")


def check_transition(session: DevelopmentSession, to: str, *, now: datetime.datetime) -> None:
    if to not in TRANSITIONS[session.status]:
        raise SessionRefused(
            f"This session is {session.get_status_display().lower()}, so it cannot be "
            f"{Status(to).label.lower()} now."
        )
    if to == Status.CANCELLED and session.start <= now:
        raise SessionRefused(
            "This session has already started, so it cannot be cancelled: keep the register "
            "instead, or tell the people booked yourself."
        )
    if to == Status.COMPLETED and session.start > now:
        raise SessionRefused("A session is completed only once it has taken place.")


def check_register(session: DevelopmentSession, *, now: datetime.datetime) -> None:
    """The register is kept from the first meeting's start, for a session that went ahead."""
    if session.status not in {Status.PUBLISHED, Status.COMPLETED}:
        raise SessionRefused(
            f"This session is {session.get_status_display().lower()}, so it has no register."
        )
    if session.start > now:
        raise SessionRefused(
            f"The register can be kept once the session starts ({_when(session.start)})."
        )


def check_booking_cancel(booking: Booking, *, now: datetime.datetime) -> None:
    if booking.session.start <= now:
        raise SessionRefused(
            "This session has already started, so the booking can no longer be cancelled."
        )


def check_dates(
    new: Sequence[tuple[datetime.datetime, datetime.datetime]],
    *,
    old: Sequence[tuple[datetime.datetime, datetime.datetime]] = (),
    now: datetime.datetime,
) -> dict[str, str]:
    """
    Problems with a session's meetings, by form field. A meeting may not be put in the past (a
    meeting already in the past may stay where it is, so a finished session can still be
    edited), nor more than two years ahead.
    """
    kept = {start for start, _ in old}
    for start, _end in new:
        if start < now and start not in kept:
            return {"first_date": "A meeting cannot be in the past: choose a later date."}
        if start > now + HORIZON:
            return {"first_date": "Choose a date within the next two years."}
    return {}

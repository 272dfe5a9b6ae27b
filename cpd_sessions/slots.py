"""
A consultant's day offered as slots for small groups ("if the consultant can come from 12pm to
6pm then you can divide this up and avoid cover"): one session per slot, each with its own
small number of places, the consultant's fee for the day shared equally between the slots to
the penny (the slots' fees add up to the day's fee exactly). Within a slot the fee is then
shared between the schools taking part as for any session (``fee_shares.cost_shares``).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from hubs.models import User

from . import permissions, proposals, session_changes
from .models import DevelopmentSession

MIN_SLOTS, MAX_SLOTS = 2, 12
MIN_SLOT_MINUTES, MAX_SLOT_MINUTES = 15, 240
TITLE_MAX = 160


def split_fee(total: Decimal, parts: int) -> list[Decimal]:
    """``total`` in ``parts`` that differ by at most a penny and add up to it exactly (the first
    slots carry the odd pennies)."""
    pennies = int((total * 100).to_integral_value())
    base, odd = divmod(pennies, parts)
    return [
        (Decimal(base + (1 if n < odd else 0)) / 100).quantize(Decimal("0.01"))
        for n in range(parts)
    ]


def slot_times(
    start: datetime.datetime, end: datetime.datetime, minutes: int
) -> list[tuple[datetime.datetime, datetime.datetime]]:
    """The slots of ``minutes`` from ``start`` that fit before ``end``, one after another."""
    length = datetime.timedelta(minutes=minutes)
    times = []
    while start + length <= end:
        times.append((start, start + length))
        start += length
    return times


def slot_errors(start: datetime.datetime, end: datetime.datetime, minutes: int) -> str | None:
    """Why the day cannot be divided into slots of ``minutes`` (None: it can)."""
    day = int((end - start).total_seconds() // 60)
    if minutes < MIN_SLOT_MINUTES or minutes > MAX_SLOT_MINUTES:
        return f"A slot is {MIN_SLOT_MINUTES} to {MAX_SLOT_MINUTES} minutes long."
    if day % minutes:
        return (
            f"The day ({day} minutes) does not divide into slots of {minutes} minutes: choose a "
            "length that fits it exactly."
        )
    if not MIN_SLOTS <= day // minutes <= MAX_SLOTS:
        return (
            f"That makes {day // minutes} slot{'s' if day // minutes != 1 else ''}; a day is "
            f"divided into {MIN_SLOTS} to {MAX_SLOTS}."
        )
    return None


def _slot_title(title: str, n: int, of: int, start: datetime.datetime, end: datetime.datetime):
    when = f"{timezone.localtime(start):%H:%M} to {timezone.localtime(end):%H:%M}"
    suffix = f" (slot {n} of {of}, {when})"
    return title[: TITLE_MAX - len(suffix)].rstrip() + suffix


@transaction.atomic
def consultant_day_offer(
    *,
    by: User,
    start: datetime.datetime,
    end: datetime.datetime,
    slot_minutes: int,
    **fields,
) -> tuple[list[DevelopmentSession], bool]:
    """
    Offer a consultant's day as slots: one session per slot, each with ``fields['capacity']``
    places and an equal share of ``fields['fee']``. Published at once by someone who may
    publish them; otherwise each waits in the proposals queue. All the slots or none.
    """
    if error := slot_errors(start, end, slot_minutes):
        raise ValidationError({"slot_minutes": error})
    times = slot_times(start, end, slot_minutes)
    fees = split_fee(fields.get("fee") or Decimal("0.00"), len(times))
    sessions = []
    for n, ((slot_start, slot_end), fee) in enumerate(zip(times, fees, strict=True), start=1):
        title = _slot_title(fields.get("title", ""), n, len(times), slot_start, slot_end)
        sessions.append(
            session_changes.session_propose(
                by=by, dates=[(slot_start, slot_end)], **(fields | {"title": title, "fee": fee})
            )
        )
    published = permissions.can_publish(by, sessions[0])
    for session in sessions:
        if published:
            session_changes.session_publish(session=session, by=by)
        else:
            proposals.proposal_notify(session=session)
    return sessions, published

"""A session's fee shared between the schools taking part, and the school a booking counts for."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Count,
    Q,
)
from django.db.models.functions import Coalesce

from hubs.models import School, User

from .models import (
    Booking,
    DevelopmentSession,
)
from .money import PENNY

# --- The school a booking counts for ---
#
# A booking counts for its person's school; once the person's account is erased it has no
# person and counts for the school kept on it (``Booking.former_school``, set only then: the
# constraint ``booking_former_school_only_when_erased``, so at most one of the two matches). Every
# figure by school goes through these, so an erasure leaves the school's figures as they were.


def booking_school(prefix: str = "") -> Coalesce:
    """The school id a booking counts for, as an expression (``prefix`` e.g. "booking__")."""
    return Coalesce(f"{prefix}user__school", f"{prefix}former_school")


def booking_of_schools(school_ids, prefix: str = "") -> Q:
    """Bookings (or rows through ``prefix``) that count for one of ``school_ids``."""
    return Q(**{f"{prefix}user__school__in": school_ids}) | Q(
        **{f"{prefix}former_school__in": school_ids}
    )


def booking_of_hub(hub, prefix: str = "") -> Q:
    """Bookings (or rows through ``prefix``) that count for a school of ``hub``."""
    return Q(**{f"{prefix}user__school__hub": hub}) | Q(**{f"{prefix}former_school__hub": hub})


# --- The fee, shared ---


@dataclass
class Share:
    school: School
    places: int
    amount: Decimal


def cost_shares(session: DevelopmentSession) -> list[Share]:
    """
    How the fee is shared between participating schools: those with a confirmed (or pending)
    place. By places, or equally. Pennies are rounded so the shares add up to the fee.
    """
    rows = list(
        Booking.objects.filter(session=session, status__in=Booking.HOLDS_SEAT)
        .annotate(counts_for=booking_school())
        .exclude(counts_for=None)
        .values("counts_for")
        .annotate(places=Count("pk"))
        .order_by("counts_for")
    )
    if not rows:
        return []
    schools = School.objects.in_bulk([r["counts_for"] for r in rows])
    total_places = sum(r["places"] for r in rows)
    fee = session.fee
    shares = []
    for row in rows:
        weight = (
            Decimal(row["places"]) / total_places
            if session.cost_split == DevelopmentSession.CostSplit.ATTENDEES
            else Decimal(1) / len(rows)
        )
        amount = (fee * weight).quantize(PENNY, rounding=ROUND_HALF_UP)
        shares.append(Share(school=schools[row["counts_for"]], places=row["places"], amount=amount))
    # The last school absorbs any rounding penny, so the shares add up to the fee exactly.
    shares[-1].amount += fee - sum(s.amount for s in shares)
    return sorted(shares, key=lambda s: s.school.name)


def estimated_fee_share(session: DevelopmentSession, school: School | None) -> Decimal:
    """What the booker's school would pay if they join now (an estimate for the form)."""
    if not session.fee or school is None:
        return Decimal("0.00")
    shares = cost_shares(session)
    held = {s.school.pk: s.places for s in shares}
    places = sum(held.values()) + 1
    if session.cost_split == DevelopmentSession.CostSplit.ATTENDEES:
        return (session.fee / places).quantize(PENNY)
    schools = len(held) + (0 if school.pk in held else 1)
    per_school = session.fee / schools
    return (per_school / (held.get(school.pk, 0) + 1)).quantize(PENNY)


def school_shares(leader: User) -> list[tuple[DevelopmentSession, Share]]:
    """Each shared-cost session the leader's schools take part in, with that school's share."""
    sessions = (
        DevelopmentSession.objects.filter(
            booking_of_schools(leader.led_school_ids, "bookings__"),
            fee__gt=0,
            bookings__status__in=Booking.HOLDS_SEAT,
        )
        .exclude(status=DevelopmentSession.Status.CANCELLED)
        # An external course's fee is one person's, on their release request: not shared.
        .exclude(kind=DevelopmentSession.Kind.EXTERNAL_COURSE)
        .distinct()
        .order_by("start")[:20]
    )
    result = []
    for session in sessions:
        for share in cost_shares(session):
            if share.school.pk in leader.led_school_ids:
                result.append((session, share))
    return result

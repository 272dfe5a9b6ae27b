"""A person's CPD record for an academic year, for their CPD leader: the sessions they booked, their
meetings and hours, whether they came and what it cost their budget. From this app only: nothing
of the private portfolio.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Prefetch,
    Sum,
)

from cpdhub.academic_year import year_label, year_span
from hubs.models import User

from .budget import MONEY_SUM, ZERO
from .models import (
    Booking,
    BudgetEntry,
    SessionDate,
)
from .money import PENNY


@dataclass
class RecordRow:
    booking: Booking
    meetings: int
    hours: Decimal
    present: bool | None  # None: the register is not kept yet
    release_cost: Decimal  # charged to the person's budget (the ledger), net of refunds


@dataclass
class CpdRecord:
    person: User
    academic_year: int

    @property
    def year_label(self) -> str:
        return year_label(self.academic_year)

    rows: list[RecordRow]
    booked: int
    attended: int
    hours: Decimal
    release_costs: Decimal


def cpd_record(person: User, academic_year: int) -> CpdRecord:
    """
    A person's sessions in the academic year, for their CPD leader: each booking held or once
    held (not waitlist places given up), its meetings and hours, whether they were there, and
    what it cost their budget (the ledger). From the sessions app only: nothing of the private
    portfolio. Three queries.
    """
    start, end = year_span(academic_year)
    bookings = list(
        Booking.objects.filter(user=person, session__start__gte=start, session__start__lt=end)
        .exclude(status=Booking.Status.WAITLISTED)
        .select_related("session", "attendance", "release")
        .prefetch_related(
            Prefetch("session__dates", queryset=SessionDate.objects.order_by("start"))
        )
        .order_by("session__start", "pk")
    )
    charged = dict(
        BudgetEntry.objects.filter(
            user=person, academic_year=academic_year, release__booking__in=[b.pk for b in bookings]
        )
        .values("release__booking")
        .annotate(total=Sum("amount", output_field=MONEY_SUM))
        .values_list("release__booking", "total")
    )
    rows = []
    for booking in bookings:
        dates = list(booking.session.dates.all())
        seconds = sum((d.end - d.start).total_seconds() for d in dates)
        attendance = getattr(booking, "attendance", None)
        rows.append(
            RecordRow(
                booking=booking,
                meetings=len(dates),
                hours=(Decimal(seconds) / 3600).quantize(Decimal("0.1")),
                present=None if attendance is None else attendance.present,
                release_cost=Decimal(charged.get(booking.pk) or 0).quantize(PENNY),
            )
        )
    attended = [r for r in rows if r.present]
    return CpdRecord(
        person=person,
        academic_year=academic_year,
        rows=rows,
        booked=sum(1 for r in rows if r.booking.status in Booking.HOLDS_SEAT),
        attended=len(attended),
        hours=sum((r.hours for r in attended), Decimal("0.0")),
        release_costs=sum((r.release_cost for r in rows), ZERO),
    )

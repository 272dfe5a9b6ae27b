"""
Needs as a CPD leader sees them: the needs audit of their school(s), counted by area, with how
far the year's CPD reached (counts only, never anyone's words), and one need to decide.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, Count, IntegerField, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce

from cpdhub.academic_year import current_academic_year, year_dates
from hubs.models import User

from .models import Entry, ImpactFollowUp, Need


@dataclass
class AreaCount:
    area: str
    open: int = 0
    passed: int = 0
    met: int = 0

    @property
    def total(self) -> int:
        return self.open + self.passed + self.met


@dataclass
class Impact:
    """How far staff's CPD reached this academic year, in counts only (no one's words)."""

    year: int
    entries: int
    hours: Decimal
    levels: list[tuple[str, int]]  # each level of ImpactFollowUp, in order, with its count
    answered: int


def impact_this_year(school_ids=None, today: datetime.date | None = None) -> Impact:
    """For a CPD leader's schools (or, with None, the whole community): the year's log in
    hours and entries, and the six-week follow-ups by the level of impact they report."""
    year = current_academic_year(today)
    start, end = year_dates(year)
    entries = Entry.objects.filter(date__range=(start, end), owner__is_active=True)
    if school_ids is not None:
        entries = entries.filter(owner__school_id__in=list(school_ids))
    logged = entries.aggregate(n=Count("pk"), hours=Coalesce(Sum("hours"), Decimal(0)))
    counts = dict(
        ImpactFollowUp.objects.filter(entry__in=entries, answered_at__isnull=False)
        .exclude(level="")
        .order_by()
        .values_list("level")
        .annotate(n=Count("pk"))
    )
    levels = [(label, counts.get(value, 0)) for value, label in ImpactFollowUp.Level.choices]
    return Impact(
        year=year,
        entries=logged["n"],
        hours=logged["hours"],
        levels=levels,
        answered=sum(counts.values()),
    )


@dataclass
class NeedsAudit:
    by_area: list[AreaCount]
    needs: list[Need]
    totals: AreaCount = field(default_factory=lambda: AreaCount(area="All areas"))
    impact: Impact | None = None


def _counts_by_area(needs: QuerySet[Need]) -> tuple[list[AreaCount], AreaCount]:
    rows: dict[str, AreaCount] = {}
    totals = AreaCount(area="All areas")
    for area, status, n in (
        needs.order_by().values_list("area__name", "status").annotate(n=Count("*"))
    ):
        row = rows.setdefault(area, AreaCount(area=area))
        setattr(row, status, getattr(row, status) + n)
        setattr(totals, status, getattr(totals, status) + n)
    ordered = sorted(rows.values(), key=lambda r: (-(r.open + r.passed), -r.total, r.area))
    return ordered, totals


def needs_audit(school_ids) -> NeedsAudit:
    """A CPD leader's school(s): counts by area, and the needs themselves."""
    needs = Need.objects.filter(owner__school_id__in=list(school_ids), owner__is_active=True)
    by_area, totals = _counts_by_area(needs)
    listed = list(
        needs.select_related("owner__school", "area").order_by(
            "area__name",
            Case(
                When(status=Need.Status.OPEN, then=Value(0)),
                When(status=Need.Status.PASSED, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            ),
            Case(
                When(priority=Need.Priority.HIGH, then=Value(0)),
                When(priority=Need.Priority.MEDIUM, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            ),
            "-created_at",
        )[:500]
    )
    return NeedsAudit(
        by_area=by_area, needs=listed, totals=totals, impact=impact_this_year(school_ids)
    )


def need_for_leader(user: User, pk: int) -> Need:
    return Need.objects.select_related("owner__school", "area").get(
        pk=pk, owner__school_id__in=list(user.led_school_ids)
    )

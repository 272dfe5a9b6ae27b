"""
A school's CPD budget figures for a year, the whole school's whatever the page filters or shows
(the approvals queue's search and tabs, the staff budgets page's pages), and whether a person
has a budget to approve against.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, Sum

from hubs.models import School, User

from .models import BudgetEntry, CpdBudget, DevelopmentSession, ReleaseRequest
from .selectors import COMMITTED, MONEY_SUM, PENNY, RELEASE_COST, year_bounds

ZERO = Decimal("0.00")
# A budget counts as set once a leader set it (even to £0) or it has an allocation.
SET = Q(set_by__isnull=False) | Q(allocated__gt=0)


def has_budget(user: User, academic_year: str) -> bool:
    """Has the person's CPD leader set them a budget for the year (the same test as
    ``services.over_budget_by``: without one there is no limit, and nothing to warn about)?"""
    return CpdBudget.objects.filter(SET, user=user, academic_year=academic_year).exists()


def with_budget(pairs: Iterable[tuple[int, str]]) -> set[tuple[int, str]]:
    """Which of these (person id, academic year) pairs have a budget set: one query."""
    pairs = set(pairs)
    if not pairs:
        return set()
    found = CpdBudget.objects.filter(
        SET,
        user_id__in={user_id for user_id, _ in pairs},
        academic_year__in={year for _, year in pairs},
    ).values_list("user_id", "academic_year")
    return set(found) & pairs


@dataclass
class SchoolTotals:
    school: School
    academic_year: str
    allocated: Decimal = ZERO
    spent: Decimal = ZERO
    spent_unbudgeted: Decimal = ZERO  # charged to people with no budget set for the year
    asked: Decimal = ZERO  # committed: waiting for a decision, or approved and waitlisted
    people_unbudgeted: int = 0

    @property
    def remaining(self) -> Decimal:
        return self.allocated - self.spent

    @property
    def remaining_after(self) -> Decimal:
        return self.remaining - self.asked


def _money(value) -> Decimal:
    return Decimal(value or 0).quantize(PENNY)  # SQLite sums decimals as floats


def school_totals(school_ids: Iterable[int], academic_year: str) -> list[SchoolTotals]:
    """Each school's allocated, spent (and how much of it by people with no budget), committed
    and remaining for the year, over all its staff: five queries, whatever the number of people."""
    ids = sorted({pk for pk in school_ids if pk})
    if not ids:
        return []
    schools = School.objects.in_bulk(ids)
    totals = {pk: SchoolTotals(school=schools[pk], academic_year=academic_year) for pk in schools}
    staff = Q(user__school_id__in=ids)
    budgeted = CpdBudget.objects.filter(SET, user=OuterRef("user_id"), academic_year=academic_year)
    for row in (
        CpdBudget.objects.filter(SET, staff, academic_year=academic_year)
        .values("user__school_id")
        .annotate(total=Sum("allocated", output_field=MONEY_SUM))
    ):
        totals[row["user__school_id"]].allocated = _money(row["total"])
    for row in (
        BudgetEntry.objects.filter(staff, academic_year=academic_year)
        .annotate(budgeted=Exists(budgeted))
        .values("user__school_id", "budgeted")
        .annotate(total=Sum("amount", output_field=MONEY_SUM))
    ):
        school = totals[row["user__school_id"]]
        school.spent += _money(row["total"])
        if not row["budgeted"]:
            school.spent_unbudgeted += _money(row["total"])
    start, end = year_bounds(academic_year)
    for row in (
        ReleaseRequest.objects.filter(
            COMMITTED,
            booking__user__school_id__in=ids,
            booking__session__start__gte=start,
            booking__session__start__lt=end,
        )
        .exclude(booking__session__status=DevelopmentSession.Status.CANCELLED)
        .values("booking__user__school_id")
        .annotate(total=Sum(RELEASE_COST, output_field=MONEY_SUM))
    ):
        totals[row["booking__user__school_id"]].asked = _money(row["total"])
    people = User.objects.filter(school_id__in=ids, is_active=True).exclude(
        Exists(CpdBudget.objects.filter(SET, user=OuterRef("pk"), academic_year=academic_year))
    )
    for row in people.values("school_id").annotate(n=Count("pk")):
        totals[row["school_id"]].people_unbudgeted = row["n"]
    return sorted(totals.values(), key=lambda t: t.school.name)

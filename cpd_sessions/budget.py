"""A person's CPD budget for an academic year and the money ledger against it: every budget read
and write.

The ledger: a release costs the person's budget exactly while its place is confirmed, the release
approved and the session not cancelled. ``settle_release`` makes the ledger say so: it adds one
charge or one refund ``BudgetEntry`` for the difference between what the release should cost now
and what its rows already sum to, so a release is never charged twice and never refunded more
than it was charged (a booking is refunded here). Its callers hold the session's row lock (and
the booking's), which serialises them. What a person has spent is the sum of their rows
(``spent_in_year``), never a stored total.

A budget is *set* once a leader set it (even to £0) or it has an allocation (``SET``); approving
a release for someone with no budget makes an empty row to charge, which is not a budget.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import (
    Count,
    DecimalField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from cpdhub.academic_year import year_label, year_span
from hubs.models import School, User

from . import permissions
from .models import (
    Booking,
    BudgetEntry,
    CpdBudget,
    DevelopmentSession,
    ReleaseRequest,
)
from .money import PENNY

ZERO = Decimal("0.00")
MONEY_SUM = DecimalField(max_digits=12, decimal_places=2)
# The one rule for "has a budget": a leader set it (even to £0), or it has an allocation.
SET = Q(set_by__isnull=False) | Q(allocated__gt=0)
RELEASE_COST = F("supply_cost") + F("travel_cost") + F("fee_share")
# Promised but not yet charged: a request waiting for a decision (charged if approved) and an
# approved request whose place is still on the waitlist (charged at promotion).
COMMITTED = Q(
    decision=ReleaseRequest.Decision.PENDING,
    booking__status__in=[Booking.Status.PENDING, Booking.Status.WAITLISTED],
) | Q(decision=ReleaseRequest.Decision.APPROVED, booking__status=Booking.Status.WAITLISTED)


def _money(value) -> Decimal:
    return Decimal(value or 0).quantize(PENNY)  # SQLite sums decimals as floats


# --- The ledger ---


def _release_owes(release: ReleaseRequest, booking: Booking, session: DevelopmentSession):
    if (
        release.decision == ReleaseRequest.Decision.APPROVED
        and booking.status == Booking.Status.CONFIRMED
        and session.status != DevelopmentSession.Status.CANCELLED
    ):
        return release.total_cost
    return ZERO


def settle_release(booking: Booking, why: str, *, by: User | None = None) -> None:
    """Charge or refund ``booking``'s release so the ledger matches its state (session locked)."""
    release = ReleaseRequest.objects.filter(booking=booking).first()
    if release is None:
        return
    session = booking.session
    charged = _money(BudgetEntry.objects.filter(release=release).aggregate(t=Sum("amount"))["t"])
    delta = _release_owes(release, booking, session) - charged
    if not delta:
        return
    BudgetEntry.objects.create(
        user_id=booking.user_id,
        academic_year=session.academic_year,
        kind=BudgetEntry.Kind.CHARGE if delta > 0 else BudgetEntry.Kind.REFUND,
        amount=delta,
        release=release,
        reason=f"{why}: {session.title}"[:200],
        created_by=by,
    )


def settle_session(session: DevelopmentSession, why: str, *, by: User | None = None) -> None:
    """Settle every release of a session (cancelled, or its places changed)."""
    bookings = Booking.objects.filter(session=session, release__isnull=False)
    for booking in bookings.select_related("session"):
        booking.session = session
        settle_release(booking, why, by=by)


# --- What a person has spent, and their budget if one is set ---


def _spent_per_person(
    user_ids: Iterable[int], academic_years: Iterable[int]
) -> dict[tuple[int, int], Decimal]:
    rows = (
        BudgetEntry.objects.filter(user_id__in=user_ids, academic_year__in=academic_years)
        .values("user_id", "academic_year")
        .annotate(total=Sum("amount", output_field=MONEY_SUM))
    )
    return {(r["user_id"], r["academic_year"]): _money(r["total"]) for r in rows}


def spent_in_year(user_id: int, academic_year: int) -> Decimal:
    """Σ of the person's ledger for the year: what has been charged, net of refunds."""
    return _spent_per_person([user_id], [academic_year]).get((user_id, academic_year), ZERO)


def _set_budgets(
    user_ids: Iterable[int], academic_years: Iterable[int]
) -> tuple[dict[tuple[int, int], CpdBudget], dict[tuple[int, int], Decimal]]:
    """The budgets set for these people and years, with ``spent`` filled in, and what each
    person spent in each year (budget or not): two queries."""
    spent = _spent_per_person(user_ids, academic_years)
    budgets = {
        (b.user_id, b.academic_year): b
        for b in CpdBudget.objects.filter(
            SET, user_id__in=user_ids, academic_year__in=academic_years
        )
    }
    for key, budget in budgets.items():
        budget.spent = spent.get(key, ZERO)
    return budgets, spent


def budget_if_set(user: User, academic_year: int) -> CpdBudget | None:
    """A person's CPD budget for the year with ``spent``, if their CPD leader has set one."""
    budget = CpdBudget.objects.filter(SET, user=user, academic_year=academic_year).first()
    if budget is None:
        return None
    budget.spent = spent_in_year(user.pk, academic_year)
    return budget


def budget_subqueries(user: User, academic_year: int) -> dict:
    """``budget_if_set`` as columns another query can carry (one query for a page that also
    needs other figures); ``budget_from_subqueries`` reads them back from the row."""
    budget = CpdBudget.objects.filter(SET, user=user, academic_year=academic_year)
    spent = (
        BudgetEntry.objects.filter(user=user, academic_year=academic_year)
        .order_by()
        .annotate(_all=Value(1))
        .values("_all")
        .annotate(total=Sum("amount", output_field=MONEY_SUM))
        .values("total")[:1]
    )
    return {
        "budget_allocated": Subquery(budget.values("allocated")[:1]),
        "budget_set_by": Subquery(budget.values("set_by_id")[:1]),
        "budget_spent": Subquery(spent, output_field=MONEY_SUM),
    }


def budget_from_subqueries(row: dict, user: User, academic_year: int) -> CpdBudget | None:
    """What ``budget_if_set`` gives, from a row carrying ``budget_subqueries``."""
    if row["budget_allocated"] is None:
        return None
    budget = CpdBudget(
        user=user,
        academic_year=academic_year,
        allocated=row["budget_allocated"],
        set_by_id=row["budget_set_by"],
    )
    budget.spent = _money(row["budget_spent"])
    return budget


def has_budget(user: User, academic_year: int) -> bool:
    """Has the person's CPD leader set them a budget for the year (without one there is no
    limit, ``over_budget_by``, and nothing to warn about)?"""
    return CpdBudget.objects.filter(SET, user=user, academic_year=academic_year).exists()


def pairs_with_budget(pairs: Iterable[tuple[int, int]]) -> set[tuple[int, int]]:
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


def over_budget_by(release: ReleaseRequest, academic_year: int) -> Decimal:
    """
    How far approving ``release`` would take the person past their budget (0: within it).
    A person whose CPD leader has set no budget for the year has no limit to go over.
    """
    budget = budget_if_set(release.booking.user, academic_year)
    if budget is None:
        return ZERO
    return max(release.total_cost - budget.remaining, ZERO)


# --- Setting budgets ---


def users_led_by(leader: User) -> QuerySet[User]:
    """People whose budget this person may set (permissions.can_set_budget, as a query)."""
    people = User.objects.filter(school__in=leader.led_school_ids, is_active=True)
    if leader.is_coordinator:
        other_leader = School.cpd_leaders.through.objects.filter(
            school_id=OuterRef("school_id"), user__is_active=True
        ).exclude(user_id=OuterRef("pk"))
        people = User.objects.filter(
            Q(pk__in=people.values("pk"))
            | Q(school__isnull=False, is_active=True) & ~Exists(other_leader)
        )
    return people.exclude(pk=leader.pk)


@transaction.atomic
def budget_set(*, user: User, academic_year: int, allocated: Decimal, by: User) -> CpdBudget:
    permissions.require_can_set_budget(by, user)
    budget, _ = CpdBudget.objects.select_for_update().get_or_create(
        user=user, academic_year=academic_year
    )
    budget.allocated = allocated
    budget.set_by = by
    budget.save(update_fields=["allocated", "set_by"])
    return budget


@transaction.atomic
def budgets_set_many(
    *, allocations: dict[User, Decimal], academic_year: int, by: User
) -> list[CpdBudget]:
    """
    Set many people's budgets for the year at once (the staff budgets page): each one as
    ``budget_set`` does, all or nothing. Only the allocation changes; the ledger, and so what
    each person has spent, is untouched.
    """
    return [  # budget_set refuses anyone ``by`` may not set for, and the transaction undoes all
        budget_set(user=person, academic_year=academic_year, allocated=amount, by=by)
        for person, amount in sorted(allocations.items(), key=lambda item: item[0].pk)
    ]


# --- What approvals would do ---


def approval_effects(releases: list[ReleaseRequest]) -> None:
    """
    What each approval would do, for the leader deciding: sets ``r.budget`` (allocated, spent,
    remaining or None when no budget is set), ``r.spent``, ``r.remaining_after`` and ``r.over_by``
    on each request. Two queries. (The school's totals are ``school_totals``.)
    """
    keys = {(r.booking.user_id, r.booking.session.academic_year) for r in releases}
    budgets, spent = _set_budgets({k[0] for k in keys}, {k[1] for k in keys})
    for r in releases:
        key = (r.booking.user_id, r.booking.session.academic_year)
        budget = r.budget = budgets.get(key)
        r.spent = spent.get(key, ZERO)
        pending = r.decision == ReleaseRequest.Decision.PENDING
        if budget is not None:
            r.remaining_after = budget.remaining - r.total_cost if pending else budget.remaining
            r.over_by = max(-r.remaining_after, ZERO) if pending else ZERO
        else:
            r.remaining_after, r.over_by = None, ZERO


# --- A leader's staff, and their schools' totals ---


def _sum_per_user(queryset: QuerySet, expression, user_field: str = "user") -> Subquery:
    """Σ ``expression`` over ``queryset``'s rows of the outer person, as a subquery (0 if none)."""
    return Coalesce(
        Subquery(
            queryset.filter(**{user_field: OuterRef("pk")})
            .order_by()
            .values(user_field)
            .annotate(total=Sum(expression, output_field=MONEY_SUM))
            .values("total")[:1],
            output_field=MONEY_SUM,
        ),
        Value(ZERO),
        output_field=MONEY_SUM,
    )


def _committed_in(academic_year: int) -> QuerySet[ReleaseRequest]:
    """``COMMITTED`` requests for sessions (not cancelled) that start in the year."""
    start, end = year_span(academic_year)
    return ReleaseRequest.objects.filter(
        COMMITTED, booking__session__start__gte=start, booking__session__start__lt=end
    ).exclude(booking__session__status=DevelopmentSession.Status.CANCELLED)


def staff_budgets(leader: User, academic_year: int) -> QuerySet[User]:
    """
    Everyone whose budget ``leader`` may set (``users_led_by``), each with ``allocated``,
    ``budget_set`` (``SET``), ``spent`` (Σ of their ledger for the year) and ``committed``
    (``COMMITTED`` requests for sessions in the year): one query. Pass the rows shown through
    ``staff_budget_rows`` for ``remaining``.
    """
    budgets = CpdBudget.objects.filter(user=OuterRef("pk"), academic_year=academic_year)
    return (
        users_led_by(leader)
        .select_related("school")
        .annotate(
            allocated=Coalesce(
                Subquery(budgets.values("allocated")[:1]), Value(ZERO), output_field=MONEY_SUM
            ),
            budget_set=Exists(budgets.filter(SET)),
            spent=_sum_per_user(BudgetEntry.objects.filter(academic_year=academic_year), "amount"),
            committed=_sum_per_user(
                _committed_in(academic_year), RELEASE_COST, user_field="booking__user"
            ),
        )
        .order_by("school__name", "last_name", "first_name", "pk")
    )


def staff_budget_rows(people: Iterable[User]) -> list[User]:
    """``staff_budgets`` rows, quantised (SQLite sums as floats), with ``remaining``."""
    rows = list(people)
    for person in rows:
        person.spent = _money(person.spent)
        person.committed = _money(person.committed)
        person.allocated = _money(person.allocated)
        person.remaining = person.allocated - person.spent
    return rows


def staff_without_budget(leader: User, academic_year: int) -> int:
    """How many of the people ``leader`` sets budgets for have none set for the year."""
    budgets = CpdBudget.objects.filter(SET, user=OuterRef("pk"), academic_year=academic_year)
    return users_led_by(leader).exclude(Exists(budgets)).count()


@dataclass
class SchoolTotals:
    school: School
    academic_year: int
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

    @property
    def year_label(self) -> str:
        return year_label(self.academic_year)


def school_totals(school_ids: Iterable[int], academic_year: int) -> list[SchoolTotals]:
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
    for row in (
        _committed_in(academic_year)
        .filter(booking__user__school_id__in=ids)
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

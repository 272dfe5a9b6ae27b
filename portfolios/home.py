"""
/portfolio/ (the year's figures, goals, needs, recent entries, due follow-ups and the sessions
suggested for them, in ten queries) and the portfolio's card on the dashboard.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Aggregate,
    CharField,
    Count,
    DecimalField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from cpd_sessions.budget import budget_from_subqueries, budget_subqueries
from cpd_sessions.models import CpdBudget
from cpdhub.academic_year import current_academic_year, year_dates
from cpdhub.prepared import Prepared
from hubs.models import User

from .models import Entry, Goal, ImpactFollowUp, Need
from .selectors import ZERO_HOURS, due_follow_ups, my_entries, with_progress
from .suggestions import SessionSuggestions, area_ids_of, suggest_sessions
from .visibility import others_entries_shared_with, others_goals_shared_with


@dataclass
class Portfolio:
    year: int
    goals: list[Goal]
    recent_entries: list[Entry]
    entry_count: int
    hours: Decimal
    follow_ups: list[ImpactFollowUp]
    needs: list[Need]
    shared_count: int
    budget: CpdBudget | None = None
    # For each active goal and open need (in `goals` and `needs` order): sessions and recordings.
    suggested: list[tuple[Goal | Need, SessionSuggestions]] = field(default_factory=list)


RECENT_ENTRIES = 10


def _count(queryset: QuerySet) -> Coalesce:
    """COUNT(*) of a queryset, as a column of another query."""
    return Coalesce(
        Subquery(
            queryset.order_by()
            .annotate(_all=Value(1))
            .values("_all")
            .annotate(c=Count("*"))
            .values("c")[:1]
        ),
        0,
    )


class _Titles(Aggregate):
    """Titles joined with ", " (STRING_AGG on Postgres, GROUP_CONCAT on SQLite)."""

    function = "STRING_AGG"
    template = "%(function)s(%(expressions)s, ', ')"
    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, function="GROUP_CONCAT", **extra)


def _with_goal_titles(entries: QuerySet[Entry]) -> QuerySet[Entry]:
    """Each entry with ``goal_titles``, its goals' titles in one string (no query per entry,
    no prefetch): for short lists of entries on pages with a query budget."""
    through = Entry.goals.through
    return entries.prefetch_related(None).annotate(
        goal_titles=Subquery(
            through.objects.filter(entry=OuterRef("pk"))
            .order_by()
            .annotate(_all=Value(1))
            .values("_all")
            .annotate(titles=_Titles("goal__title"))
            .values("titles")[:1]
        )
    )


# /portfolio/'s lists, their SQL written once per process (cpdhub/prepared.py) for a
# stand-in owner, year and day.
# (A year in range for the field: Django drops a condition on a value the column cannot hold.)
_OWNER, _YEAR, _TODAY = -7_300_001, 1901, datetime.date(1900, 1, 3)
_home_goals = Prepared(
    lambda owner, year: with_progress(
        Goal.objects.filter(owner_id=owner).filter(
            Q(academic_year=year) | Q(status=Goal.Status.ACTIVE)
        )
    ).order_by("status", "-academic_year", "title"),
    _OWNER,
    _YEAR,
)
_home_needs = Prepared(
    lambda owner: (
        Need.objects.filter(owner_id=owner)
        .select_related("area", "goal")
        .order_by("status", "-created_at")[:50]
    ),
    _OWNER,
)
_home_entries = Prepared(
    lambda owner: _with_goal_titles(my_entries(User(pk=owner)))[:RECENT_ENTRIES], _OWNER
)
_home_follow_ups = Prepared(
    lambda owner, today: due_follow_ups(user=User(pk=owner), today=today)[:20], _OWNER, _TODAY
)


def portfolio_home(user: User, today: datetime.date | None = None) -> Portfolio:
    """
    /portfolio/ in ten queries whatever it holds: the year's figures, what is shared with me
    and my budget as one row; goals (and their areas), needs, recent entries (with their goals'
    titles), due follow-ups; and the sessions and recordings suggested for them (three).
    """
    year = current_academic_year(today)
    start, end = year_dates(year)
    year_entries = Entry.objects.filter(owner=user, date__range=(start, end))
    hours = (
        year_entries.order_by()
        .annotate(_all=Value(1))
        .values("_all")
        .annotate(total=Sum("hours"))
        .values("total")[:1]
    )
    summary = (
        User.objects.filter(pk=user.pk)
        .annotate(
            year_hours=Subquery(hours, output_field=DecimalField(max_digits=9, decimal_places=2)),
            year_entries=_count(year_entries),
            shared_goals=_count(others_goals_shared_with(user)),
            shared_entries=_count(others_entries_shared_with(user)),
            **budget_subqueries(user, year),
        )
        .values(
            "year_hours",
            "year_entries",
            "shared_goals",
            "shared_entries",
            "budget_allocated",
            "budget_set_by",
            "budget_spent",
        )
        .get()
    )
    goals = _home_goals(user.pk, year)
    needs = _home_needs(user.pk)
    working_on: list[Goal | Need] = [g for g in goals if g.status == Goal.Status.ACTIVE]
    working_on += [n for n in needs if n.status == Need.Status.OPEN]
    found = suggest_sessions(user, {item: area_ids_of(item) for item in working_on})
    return Portfolio(
        year=year,
        goals=goals,
        recent_entries=_home_entries(user.pk),
        entry_count=summary["year_entries"],
        hours=Decimal(summary["year_hours"] or 0).quantize(ZERO_HOURS),
        follow_ups=_home_follow_ups(user.pk, today or timezone.localdate()),
        needs=needs,
        shared_count=summary["shared_goals"] + summary["shared_entries"],
        budget=budget_from_subqueries(summary, user, year),
        suggested=[(item, found[item]) for item in working_on if found[item]],
    )


@dataclass
class DashboardPanel:
    goals: list[Goal]
    follow_ups: list[ImpactFollowUp]
    # For a CPD leader: their staff's open needs, waiting in the needs audit (None otherwise).
    staff_needs: int | None = None


# On every dashboard: the SQL of the card's two lists is written once per process.
_panel_goals = Prepared(
    lambda owner: (
        with_progress(Goal.objects.filter(owner_id=owner, status=Goal.Status.ACTIVE))
        .prefetch_related(None)  # the card shows no areas
        .order_by("-academic_year", "title")[:5]
    ),
    _OWNER,
)
_panel_follow_ups = Prepared(
    lambda owner, today: due_follow_ups(user=User(pk=owner), today=today)[:5], _OWNER, _TODAY
)


def dashboard_panel(user: User) -> DashboardPanel:
    return DashboardPanel(
        staff_needs=Need.objects.filter(
            owner__school__in=user.led_school_ids, status=Need.Status.OPEN
        ).count()
        if user.is_cpd_leader
        else None,
        goals=_panel_goals(user.pk),
        follow_ups=_panel_follow_ups(user.pk, timezone.localdate()),
    )

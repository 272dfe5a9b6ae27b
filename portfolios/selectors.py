"""
Reads of a person's own portfolio: goals with their progress, entries, the six-week
follow-ups that are due, and each person's goals and needs for the termly mail.

Elsewhere: who sees what (``visibility.py``), /portfolio/ and the dashboard's card
(``home.py``), needs and the needs audit (``needs.py``), suggested experts and sessions
(``suggestions.py``), the statement (``statement.py``), the export (``export.py``).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from cpd_sessions.evaluation import FollowUpLevels
from cpdhub.row_counts import count_per_row
from experts.models import ExpertiseArea
from hubs.models import User

from .models import Entry, Goal, GoalReview, ImpactFollowUp, Need
from .visibility import entries_visible_to, goals_visible_to

ZERO_HOURS = Decimal("0.00")


# --- Goals -------------------------------------------------------------------------


def with_progress(goals: QuerySet[Goal]) -> QuerySet[Goal]:
    """Goals with how many entries and hours went into them, and when last reviewed."""
    through = Entry.goals.through
    return goals.annotate(
        entry_count=count_per_row(through.objects.filter(goal=OuterRef("pk")), "goal"),
        hours_spent=Coalesce(
            Subquery(
                through.objects.filter(goal=OuterRef("pk"))
                .order_by()
                .values("goal")
                .annotate(total=Sum("entry__hours"))
                .values("total")
            ),
            ZERO_HOURS,
        ),
        last_review=Subquery(
            GoalReview.objects.filter(goal=OuterRef("pk")).order_by("-date").values("date")[:1]
        ),
    ).prefetch_related(Prefetch("areas", queryset=ExpertiseArea.objects.order_by("name")))


def goal_detail(user: User, pk: int) -> Goal:
    """A goal the user may see, with everything its page shows; DoesNotExist otherwise."""
    return (
        with_progress(goals_visible_to(user))
        .select_related("owner__school")
        .prefetch_related(
            "reviews",
            "shared_with",
            # Someone the goal is shared with sees the entries under it only if those are
            # shared with them too; the owner sees them all.
            Prefetch("entries", queryset=entries_visible_to(user).order_by("-date", "-pk")),
        )
        .get(pk=pk)
    )


# --- Entries ---------------------------------------------------------------------


def entry_detail(user: User, pk: int) -> Entry:
    return (
        entries_visible_to(user)
        .select_related("owner__school", "follow_up", "session")
        .prefetch_related(
            "attachments",
            "shared_with",
            Prefetch("goals", queryset=Goal.objects.order_by("title")),
        )
        .get(pk=pk)
    )


def my_entries(user: User) -> QuerySet[Entry]:
    return (
        Entry.objects.filter(owner=user)
        .select_related("follow_up")
        .prefetch_related(Prefetch("goals", queryset=Goal.objects.order_by("title")))
        .order_by("-date", "-pk")
    )


# --- The impact loop -----------------------------------------------------------------


def due_follow_ups(
    *, user: User | None = None, today: datetime.date | None = None
) -> QuerySet[ImpactFollowUp]:
    """Follow-ups whose six weeks are up and that nobody has answered yet."""
    today = today or timezone.localdate()
    follow_ups = ImpactFollowUp.objects.filter(due_on__lte=today, answered_at__isnull=True)
    if user is not None:
        follow_ups = follow_ups.filter(entry__owner=user)
    return follow_ups.select_related("entry__owner").order_by("due_on", "pk")


def follow_ups_to_ask(today: datetime.date | None = None) -> QuerySet[ImpactFollowUp]:
    """Due follow-ups nobody has been emailed about yet (the nightly task's list)."""
    return due_follow_ups(today=today).filter(asked_at__isnull=True, entry__owner__is_active=True)


# --- For the termly mail (termly/): each person's own goals and needs, a batch at a time ----


def own_active_goals(owner_ids) -> QuerySet[Goal]:
    """The active goals of these people, newest first, with their areas: for each owner's own
    digest only (a goal's title is private to its owner unless shared)."""
    return (
        Goal.objects.filter(owner_id__in=owner_ids, status=Goal.Status.ACTIVE)
        .prefetch_related("areas")
        .order_by("-created_at", "pk")
    )


def open_need_areas(owner_ids) -> QuerySet:
    """(owner id, area id) of these people's open needs."""
    return Need.objects.filter(owner_id__in=owner_ids, status=Need.Status.OPEN).values_list(
        "owner_id", "area_id"
    )


def open_counts(user: User) -> tuple[int, int]:
    """How many active goals and open needs a person has (the term-start reminder)."""
    return (
        Goal.objects.filter(owner=user, status=Goal.Status.ACTIVE).count(),
        Need.objects.filter(owner=user, status=Need.Status.OPEN).count(),
    )


# --- A session's follow-ups, as counts (the evaluation shared back) ---------------------

NOT_TRIED_YET = "Not tried yet"


def session_follow_up_levels(session) -> FollowUpLevels:
    """
    How the people who attended a session answered their six-week follow-up: how many
    answered, and how many at each level (one query). Counts only: what happened, in their
    words, stays in their portfolio. Registered with ``cpd_sessions.evaluation``.
    """
    rows = dict(
        ImpactFollowUp.objects.filter(
            entry__session=session,
            entry__kind=Entry.Kind.SESSION_ATTENDED,
            answered_at__isnull=False,
        )
        .values_list("level")
        .annotate(n=Count("pk"))
        .order_by()
    )
    levels = [(label, rows.get(value, 0)) for value, label in ImpactFollowUp.Level.choices]
    levels.append((NOT_TRIED_YET, rows.get("", 0)))
    return FollowUpLevels(answered=sum(rows.values()), levels=levels)

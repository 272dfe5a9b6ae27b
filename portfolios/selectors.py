"""Reads of the portfolio, with their joins decided once, here."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import (
    Aggregate,
    Case,
    CharField,
    Count,
    DecimalField,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from cpd_sessions import listing
from cpd_sessions.budget import budget_from_subqueries, budget_subqueries
from cpd_sessions.models import CpdBudget, DevelopmentSession
from cpdhub.academic_year import current_academic_year, year_dates
from experts.models import ExpertiseArea, ExpertProfile, ProfileArea, term_window_start
from hubs.models import School, User
from hubs.selectors import count_per_row

from .models import Entry, EntryAttachment, Goal, GoalReview, ImpactFollowUp, Need, Statement

ZERO_HOURS = Decimal("0.00")


# --- Who sees what ---------------------------------------------------------------


def _shared_q(model, user: User) -> Q:
    through = model.shared_with.through
    own_fk = model._meta.model_name  # "goal" or "entry"
    shared = Q(pk__in=through.objects.filter(user=user).values(f"{own_fk}_id"))
    if user.led_school_ids:
        shared |= Q(share_with_leaders=True, owner__school_id__in=user.led_school_ids)
    # What someone who has left shared is no longer readable by others.
    return Q(owner=user) | (shared & Q(owner__is_active=True))


def goals_visible_to(user: User) -> QuerySet[Goal]:
    """Mine, and those shared with me by name or as my school's CPD leader."""
    return Goal.objects.filter(_shared_q(Goal, user))


def entries_visible_to(user: User) -> QuerySet[Entry]:
    return Entry.objects.filter(_shared_q(Entry, user))


def shared_with_me(user: User) -> tuple[QuerySet[Goal], QuerySet[Entry]]:
    """Goals and entries others share with me (by name, or with me as their CPD leader), to be
    shown a page at a time."""
    goals = (
        goals_visible_to(user)
        .exclude(owner=user)
        .select_related("owner__school")
        .order_by("owner__last_name", "-academic_year", "title", "pk")
    )
    entries = (
        entries_visible_to(user)
        .exclude(owner=user)
        .select_related("owner__school")
        .order_by("owner__last_name", "-date", "pk")
    )
    return goals, entries


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


# --- /portfolio/ -------------------------------------------------------------------


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
            shared_goals=_count(goals_visible_to(user).exclude(owner=user)),
            shared_entries=_count(entries_visible_to(user).exclude(owner=user)),
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
    goals = list(
        with_progress(
            Goal.objects.filter(owner=user).filter(
                Q(academic_year=year) | Q(status=Goal.Status.ACTIVE)
            )
        ).order_by("status", "-academic_year", "title")
    )
    needs = list(
        Need.objects.filter(owner=user)
        .select_related("area", "goal")
        .order_by("status", "-created_at")[:50]
    )
    working_on: list[Goal | Need] = [g for g in goals if g.status == Goal.Status.ACTIVE]
    working_on += [n for n in needs if n.status == Need.Status.OPEN]
    found = suggest_sessions(user, {item: _area_ids(item) for item in working_on})
    return Portfolio(
        year=year,
        goals=goals,
        recent_entries=list(_with_goal_titles(my_entries(user))[:RECENT_ENTRIES]),
        entry_count=summary["year_entries"],
        hours=Decimal(summary["year_hours"] or 0).quantize(ZERO_HOURS),
        follow_ups=list(due_follow_ups(user=user, today=today)[:20]),
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


def dashboard_panel(user: User) -> DashboardPanel:
    return DashboardPanel(
        staff_needs=Need.objects.filter(
            owner__school__in=user.led_school_ids, status=Need.Status.OPEN
        ).count()
        if user.is_cpd_leader
        else None,
        goals=list(
            with_progress(Goal.objects.filter(owner=user, status=Goal.Status.ACTIVE))
            .prefetch_related(None)  # the card shows no areas
            .order_by("-academic_year", "title")[:5]
        ),
        follow_ups=list(due_follow_ups(user=user)[:5]),
    )


# --- Needs -----------------------------------------------------------------------------


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


# --- Suggestions -----------------------------------------------------------------------


SUGGESTIONS = 5


def _live_now(prefix: str = "") -> Q:
    """``live_q`` with the window's start as a value (the cached terms: no query, and no
    subquery for each walk of the suggestions' query to plan)."""
    since = term_window_start()
    confirmed = (
        Q(**{f"{prefix}last_confirmed_at__date__gte": since})
        if since
        else Q(**{f"{prefix}last_confirmed_at__isnull": False})
    )
    return Q(**{f"{prefix}is_hidden": False, f"{prefix}user_is_active": True}) & confirmed


SUGGESTION_COLUMNS = (
    "preference",
    "sort_name",
    "profile_id",
    "area_id",
    *ProfileArea.OFFER_FIELDS,
    "profile__headline",
    "profile__user_id",
    "profile__user__first_name",
    "profile__user__last_name",
    "profile__user__school_id",
    "profile__user__school__name",
)


def suggest_experts(user: User, areas, limit: int = SUGGESTIONS) -> list[ExpertProfile]:
    """
    Live experts offering help in these areas: other schools first (the point of a community),
    then those who work in my phase, then by name (the directory's order). Never me.

    One query whatever the number of profiles: for each area, two walks of its offers in name
    order (``expert_offer_walk_idx``, which carries the live conditions), one for people of
    other schools in my phase, one for the rest of other schools, each stopping after
    ``limit`` offers; and my own school's few offers in these areas; all in one UNION. The
    best ``limit`` people of those rows are the suggestions, and the rows hold all their
    offers in these areas (anyone among the best is among the first ``limit`` of each walk
    that passes them). The profiles carry what the suggestions show: headline, the person's
    name and school, ``matching_offers``.
    """
    by_pk = {a.pk: a for a in areas}
    if not by_pk or limit <= 0:
        return []
    other_school = (
        ~Q(profile__user__school_id=user.school_id)
        if user.school_id
        else Q(profile__user__school__isnull=False)
    )
    my_phases = User.phases.through.objects.filter(user_id=user.pk)
    in_my_phase = Exists(
        ExpertProfile.phases.through.objects.filter(
            expertprofile_id=OuterRef("profile_id"), phase_id__in=my_phases.values("phase_id")
        )
    )
    # The offer's copy of the live conditions (in the index) and the profile's own.
    offers = ProfileArea.objects.filter(_live_now(), _live_now("profile__")).exclude(
        profile__user_id=user.pk
    )
    ranked = connection.features.supports_slicing_ordering_in_compound

    def rank(number: int):
        return Value(number, output_field=IntegerField())

    walks = []
    for area in sorted(by_pk):
        # Without a phase of my own, the "my phase" walk is skipped by Postgres (a one-time
        # filter), not run to the end of the area looking for a match.
        for number, preference in enumerate(
            [Q(Exists(my_phases)) & Q(in_my_phase), ~Q(in_my_phase)]
        ):
            walk = offers.filter(other_school, preference, area_id=area).annotate(
                preference=rank(number)
            )
            if ranked:  # SQLite: every offer of the areas, the same answer (the demo's few)
                walk = walk.order_by("sort_name", "profile_id")[:limit]
            walks.append(walk.values_list(*SUGGESTION_COLUMNS))
    mine = offers.filter(~other_school, area_id__in=list(by_pk)).annotate(
        preference=Case(When(in_my_phase, then=rank(2)), default=rank(3))
    )
    walks.append(mine.values_list(*SUGGESTION_COLUMNS).order_by())
    rows = walks[0].union(*walks[1:], all=True).order_by("preference", "sort_name", "profile_id")

    found: dict[int, ExpertProfile] = {}
    for row in rows:
        values = dict(zip(SUGGESTION_COLUMNS, row, strict=True))
        profile = found.get(values["profile_id"])
        if profile is None:
            if len(found) == limit:
                continue
            profile = found[values["profile_id"]] = _suggested_profile(values)
        offer = ProfileArea(
            profile_id=values["profile_id"],
            area=by_pk[values["area_id"]],
            **{field: values[field] for field in ProfileArea.OFFER_FIELDS},
        )
        if all(o.area_id != offer.area_id for o in profile.matching_offers):
            profile.matching_offers.append(offer)
    for profile in found.values():
        profile.matching_offers.sort(key=lambda o: (o.area.name, o.area_id))
    return list(found.values())


def _suggested_profile(values: dict) -> ExpertProfile:
    """A profile as the suggestions show it, from the columns of their query."""
    school_id = values["profile__user__school_id"]
    person = User(
        pk=values["profile__user_id"],
        first_name=values["profile__user__first_name"],
        last_name=values["profile__user__last_name"],
        school=School(pk=school_id, name=values["profile__user__school__name"])
        if school_id is not None
        else None,
    )
    profile = ExpertProfile(
        pk=values["profile_id"], user=person, headline=values["profile__headline"]
    )
    profile.matching_offers = []
    return profile


def working_on_area_ids(user: User) -> QuerySet:
    """
    The ids of the areas of my active goals and open needs, unevaluated: the sessions list's
    "suits me" filter puts it into its own query.
    """
    goal_areas = Goal.areas.through.objects.filter(
        goal__owner=user, goal__status=Goal.Status.ACTIVE
    ).values("expertisearea_id")
    need_areas = Need.objects.filter(owner=user, status=Need.Status.OPEN).values("area_id")
    return ExpertiseArea.objects.filter(Q(pk__in=goal_areas) | Q(pk__in=need_areas)).values("pk")


SESSION_SUGGESTIONS = 3
RECORDING_SUGGESTIONS = 3
# How many sessions (and recordings) in all of the areas are read, soonest (newest) first, to be
# shared out between the goals and needs: the queries stay the same however many there are.
SUGGESTION_POOL = 60


@dataclass
class SessionSuggestions:
    sessions: list[DevelopmentSession]
    recordings: list[DevelopmentSession]

    def __bool__(self) -> bool:
        return bool(self.sessions or self.recordings)


def _area_ids(item: Goal | Need) -> set[int]:
    if isinstance(item, Need):
        return {item.area_id}
    return {area.pk for area in item.areas.all()}  # prefetched by the callers


def suggest_sessions(user: User, wanted: dict) -> dict:
    """
    For each key of ``wanted`` (a goal, a need…) mapped to area ids: upcoming published sessions
    the person may see in those areas, and recordings in them. Three queries for any number of
    keys: the sessions app's own selectors read a pool for all the areas at once, shared out here.
    """
    all_ids = set().union(*wanted.values()) if wanted else set()
    if not all_ids:
        return {key: SessionSuggestions([], []) for key in wanted}
    pool, banked = listing.suggestion_pools(user, all_ids, limit=SUGGESTION_POOL)

    offered: set[int] = set()

    def matching(sessions, ids, limit):
        # Each session once on a page: under the first goal or need that wants it.
        found = [
            s for s in sessions if s.pk not in offered and any(a.pk in ids for a in s.areas.all())
        ][:limit]
        offered.update(s.pk for s in found)
        return found

    return {
        key: SessionSuggestions(
            sessions=matching(pool, ids, SESSION_SUGGESTIONS),
            recordings=matching(banked, ids, RECORDING_SUGGESTIONS),
        )
        for key, ids in wanted.items()
    }


# --- The statement ---------------------------------------------------------------------


@dataclass
class YearInReview:
    year: int
    goals: list[Goal]
    entries: list[Entry]
    hours: Decimal
    saved: Statement | None


def year_in_review(user: User, year: int) -> YearInReview:
    start, end = year_dates(year)
    entries = list(
        Entry.objects.filter(owner=user, date__range=(start, end))
        .select_related("follow_up")
        .prefetch_related(
            Prefetch(
                "goals",
                queryset=Goal.objects.prefetch_related("areas").order_by("title"),
            )
        )
        .order_by("date", "pk")
    )
    goals = list(
        Goal.objects.filter(owner=user, academic_year=year)
        .prefetch_related(Prefetch("areas", queryset=ExpertiseArea.objects.order_by("name")))
        .order_by("title")
    )
    return YearInReview(
        year=year,
        goals=goals,
        entries=entries,
        hours=sum((e.hours for e in entries), ZERO_HOURS),
        saved=Statement.objects.filter(owner=user, academic_year=year).first(),
    )


# --- Export ------------------------------------------------------------------------------


def whole_portfolio(user: User) -> dict:
    """Everything I own, loaded in a fixed number of queries, for the export and print pages."""
    goals = list(
        Goal.objects.filter(owner=user)
        .prefetch_related(
            Prefetch("areas", queryset=ExpertiseArea.objects.order_by("name")),
            "reviews",
            Prefetch("shared_with", queryset=User.objects.order_by("email")),
        )
        .order_by("-academic_year", "title")
    )
    entries = list(
        Entry.objects.filter(owner=user)
        .select_related("follow_up")
        .prefetch_related(
            Prefetch("goals", queryset=Goal.objects.order_by("title")),
            Prefetch("attachments", queryset=EntryAttachment.objects.order_by("pk")),
            Prefetch("shared_with", queryset=User.objects.order_by("email")),
        )
        .order_by("-date", "-pk")
    )
    needs = list(
        Need.objects.filter(owner=user).select_related("area", "goal").order_by("-created_at")
    )
    statements = list(Statement.objects.filter(owner=user).order_by("-academic_year"))
    return {"goals": goals, "entries": entries, "needs": needs, "statements": statements}


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

"""
What leaders see of coaching: activity, never content. A school's CPD leaders see their
school's figures (``/schools/<urn>/coaching/``), the coordinator the community's
(``/coordinator/coaching/``).

Every figure is counted by the database (GROUP BY, or one flat list of memberships counted here)
in a fixed number of queries whatever the number of relationships, and no query reads a text
field: observation notes, a meeting's praise and notes, a step's action and success criteria are
never selected. People count by the school they were in when they joined a relationship
(Membership.school), so a figure stays when someone moves on.

Any figure about fewer than 5 people is shown as "fewer than 5" (``protect``): the rows below hold
what is shown, already protected, so the page and its CSV cannot show anything else.
"""

from __future__ import annotations

import datetime
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import (
    Count,
    F,
    Max,
    OuterRef,
    Q,
    Subquery,
)
from django.utils import timezone

from cpdhub.academic_year import current_academic_year, year_dates, year_label, year_span
from cpdhub.shared_cache import shared
from cpdhub.small_numbers import protect
from hubs.models import User

from . import rhythm
from .models import ActionStep, Category, Meeting, Membership, Observation, Relationship

# The coaches and the pairs of schools listed on the page, most first (the CSV has them all).
COACHES_SHOWN = 30
PAIRS_SHOWN = 30

OPEN = [Relationship.Status.ACTIVE, Relationship.Status.PAUSED]
CURRENT = [ActionStep.Status.SET, ActionStep.Status.PRACTISING]
COACH_ROLES = [Membership.Role.COACH, Membership.Role.PEER]
COACHED_ROLES = [Membership.Role.TEACHER, Membership.Role.PEER]
NO_SUBJECT = "No subject given"


def _days_label(days: float | None) -> str:
    if days is None:
        return "none"
    rounded = round(days, 1)
    text = f"{rounded:g}"
    return f"{text} day" if rounded == 1 else f"{text} days"


def _percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "none"


@dataclass
class SchoolRow:
    school: str
    coached: object
    coaches: object
    overdue: object
    median_days: object
    rehearsed: object
    embedded: object


@dataclass
class Activity:
    """Every figure on a leaders' coaching page, each already protected."""

    year: int
    period: str
    summary: list[tuple[str, object]] = field(default_factory=list)
    schools: list[SchoolRow] = field(default_factory=list)
    roles: list[tuple[str, object]] = field(default_factory=list)
    subjects: list[tuple[str, object]] = field(default_factory=list)
    coaches: list[tuple[str, str, object, object]] = field(default_factory=list)
    coaches_total: int = 0
    categories: list[tuple[str, object, object]] = field(default_factory=list)
    pairs: list[tuple[str, str, object, object]] = field(default_factory=list)
    # For the bars: the largest count shown in each table (protected cells draw no bar).
    most: dict[str, int] = field(default_factory=dict)
    # When these figures were counted (the page says so).
    counted_at: datetime.datetime | None = None

    @property
    def coaches_shown(self):
        return self.coaches[:COACHES_SHOWN]

    @property
    def pairs_shown(self):
        return self.pairs[:PAIRS_SHOWN]


def _in_scope(school_ids: list[int] | None, prefix: str = "") -> Q:
    return Q() if school_ids is None else Q(**{f"{prefix}school_id__in": school_ids})


# --- The queries (each one, whatever the rows) -------------------------------------------


def _coached_rows(school_ids, today: datetime.date) -> list[dict]:
    """Each coached membership of an open relationship in scope, with what the rhythm needs:
    the last meeting with that teacher and the latest check-back of their current steps
    (correlated subqueries on the relationship's index). One query."""
    last_meeting = Meeting.objects.filter(
        relationship_id=OuterRef("relationship_id"), teacher_id=OuterRef("user_id")
    ).order_by("-date")[:1]  # the (relationship, date) index, newest first
    check_back = (
        ActionStep.objects.filter(
            relationship_id=OuterRef("relationship_id"),
            teacher_id=OuterRef("user_id"),
            status__in=CURRENT,
        )
        .order_by()
        .values("relationship_id")
        .annotate(check=Max("check_back"))
        .values("check")
    )
    return list(
        Membership.objects.filter(
            _in_scope(school_ids), role__in=COACHED_ROLES, relationship__status__in=OPEN
        )
        .annotate(
            last_meeting=Subquery(last_meeting.values("date")),
            check_back=Subquery(check_back),
        )
        .values(
            "pk",
            "relationship_id",
            "user_id",
            "school_id",
            "last_meeting",
            "check_back",
            school_name=F("school__name"),
            job_role=F("user__job_role"),
            status=F("relationship__status"),
            rhythm_days=F("relationship__rhythm_days"),
            started_on=F("relationship__started_on"),
        )
        .order_by()
    )


def _subjects(school_ids) -> list[dict]:
    """People coached by the subjects they teach (a person may teach several). One query."""
    coached = Membership.objects.filter(
        _in_scope(school_ids), role__in=COACHED_ROLES, relationship__status__in=OPEN
    ).values("user_id")
    return list(
        User.objects.filter(pk__in=coached)
        .values(subject=F("subjects__name"))
        .annotate(people=Count("pk", distinct=True))
        .order_by("-people", "subject")
    )


def _caseloads(school_ids) -> list[dict]:
    """Each coach (in scope) of active relationships: how many relationships and teachers.
    One query: a coach's membership joined to the coached memberships of the same relationship."""
    return list(
        Membership.objects.filter(
            _in_scope(school_ids),
            role__in=COACH_ROLES,
            relationship__status=Relationship.Status.ACTIVE,
            relationship__memberships__role__in=COACHED_ROLES,
        )
        # The coached member is someone else (a peer coaches the others, not themselves).
        .alias(coached_id=F("relationship__memberships__user_id"))
        .filter(Q(coached_id__lt=F("user_id")) | Q(coached_id__gt=F("user_id")))
        .values(
            "user_id",
            "school_id",
            first=F("user__first_name"),
            last=F("user__last_name"),
            school_name=F("school__name"),
        )
        .annotate(
            relationships=Count("relationship_id", distinct=True),
            teachers=Count("coached_id", distinct=True),
        )
        .order_by("-teachers", "-relationships", "last", "first", "user_id")
    )


@dataclass
class Tally:
    """Meetings or steps of the year for one school, one category or the whole scope."""

    count: int = 0
    rehearsed: int = 0
    people: set = field(default_factory=set)
    observed: set = field(default_factory=set)  # teachers with a meeting after an observation
    gaps: Counter = field(default_factory=Counter)  # days from observation to meeting: how many

    @property
    def median_days(self) -> float | None:
        """The median of the gaps, from their counts (exact: gaps are whole days)."""
        n = sum(self.gaps.values())
        if not n:
            return None
        wanted = sorted({(n - 1) // 2, n // 2})
        found, seen = [], 0
        for days, times in sorted(self.gaps.items()):
            while wanted and wanted[0] < seen + times:
                found.append(days)
                wanted.pop(0)
            seen += times
        return sum(found) / len(found)


def _meetings(school_ids, year: int) -> list[dict]:
    """Meetings of the year with a teacher in scope, by the teacher's school, the teacher and
    the days since the observation the meeting follows: one scan (no DISTINCT, no sort), totals
    and medians summed up here."""
    start, end = year_dates(year)
    return list(
        Meeting.objects.filter(
            _in_scope(school_ids, "relationship__memberships__"),
            date__gte=start,
            date__lte=end,
            relationship__memberships__user_id=F("teacher_id"),
        )
        .values(
            "teacher_id",
            school_id=F("relationship__memberships__school_id"),
            school_name=F("relationship__memberships__school__name"),
            gap=F("date") - F("observation__date"),
        )
        .annotate(meetings=Count("pk"), rehearsed=Count("pk", filter=Q(rehearsed=True)))
        .order_by()
    )


def _meeting_tallies(school_ids, year: int) -> tuple[dict, Tally, dict]:
    """(by school id: Tally, the whole scope's Tally, school names)."""
    by_school: dict[int | None, Tally] = defaultdict(Tally)
    whole = Tally()
    names = {}
    for row in _meetings(school_ids, year):
        names[row["school_id"]] = row["school_name"]
        gap = row["gap"]
        for tally in (by_school[row["school_id"]], whole):
            tally.count += row["meetings"]
            tally.rehearsed += row["rehearsed"]
            tally.people.add(row["teacher_id"])
            if gap is not None:
                tally.observed.add(row["teacher_id"])
                tally.gaps[gap.days if hasattr(gap, "days") else int(gap)] += row["meetings"]
    return by_school, whole, names


def _embedded(school_ids, year: int) -> list[dict]:
    """Steps embedded in the year by the teacher's school, category and teacher: one scan."""
    start, end = year_span(year)
    return list(
        ActionStep.objects.filter(
            _in_scope(school_ids, "relationship__memberships__"),
            relationship__memberships__user_id=F("teacher_id"),
            status=ActionStep.Status.EMBEDDED,
            embedded_at__gte=start,
            embedded_at__lt=end,
        )
        .values(
            "teacher_id",
            "category",
            school_id=F("relationship__memberships__school_id"),
            school_name=F("relationship__memberships__school__name"),
        )
        .annotate(steps=Count("pk"))
        .order_by()
    )


def _step_tallies(school_ids, year: int) -> tuple[dict, dict, Tally, dict]:
    """(by school id: Tally, by category: Tally, the whole scope's Tally, school names)."""
    by_school: dict[int | None, Tally] = defaultdict(Tally)
    by_category: dict[str, Tally] = defaultdict(Tally)
    whole = Tally()
    names = {}
    for row in _embedded(school_ids, year):
        names[row["school_id"]] = row["school_name"]
        for tally in (by_school[row["school_id"]], by_category[row["category"]], whole):
            tally.count += row["steps"]
            tally.people.add(row["teacher_id"])
    return by_school, by_category, whole, names


def _pairs(school_ids) -> list[dict]:
    """Each coach and teacher of an open relationship who are in different schools (either in
    scope), flat: counted here, so that a person in several pairs counts once. One query."""
    found = Membership.objects.filter(
        role__in=COACHED_ROLES,
        relationship__status__in=OPEN,
        relationship__memberships__role__in=COACH_ROLES,
    ).alias(coach_school=F("relationship__memberships__school_id"))
    found = found.filter(Q(coach_school__lt=F("school_id")) | Q(coach_school__gt=F("school_id")))
    if school_ids is not None:
        found = found.filter(Q(school_id__in=school_ids) | Q(coach_school__in=school_ids))
    return list(
        found.values(
            "relationship_id",
            "user_id",
            coach_id=F("relationship__memberships__user_id"),
            coach_school_name=F("relationship__memberships__school__name"),
            teacher_school_name=F("school__name"),
        ).order_by()
    )


# --- The page ----------------------------------------------------------------------------


def _largest(values) -> int:
    return max([v for v in values if isinstance(v, int)] or [0])


def activity(school_ids: list[int] | None, today: datetime.date | None = None) -> Activity:
    """The figures for these schools (None: the whole community), this academic year."""
    today = today or timezone.localdate()
    year = current_academic_year(today)
    out = Activity(year=year, period=year_label(year))
    names: dict[int | None, str] = {}

    # Who is being coached, by school and role, and who is overdue (the rhythm's own rule).
    coached = _coached_rows(school_ids, today)
    by_school: dict[int | None, set[int]] = defaultdict(set)
    overdue_by_school: dict[int | None, set[int]] = defaultdict(set)
    overdue: set[int] = set()
    roles: dict[str, set[int]] = defaultdict(set)
    for r in coached:
        # An erased account leaves its membership behind (no person): still one person here.
        person = r["user_id"] or ("erased", r["pk"])
        names[r["school_id"]] = r["school_name"]
        by_school[r["school_id"]].add(person)
        roles[r["job_role"] or "other"].add(person)
        timing = rhythm.timing(
            open_now=r["status"] == Relationship.Status.ACTIVE,
            rhythm_days=r["rhythm_days"],
            started_on=r["started_on"],
            last_meeting=r["last_meeting"],
            check_back=r["check_back"],
            today=today,
        )
        if timing.overdue:
            overdue.add(r["relationship_id"])
            overdue_by_school[r["school_id"]].add(r["relationship_id"])
    role_names = dict(User.JobRole.choices)
    out.roles = [
        (role_names.get(role, role), protect(len(who)))
        for role, who in sorted(roles.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    ]
    out.subjects = [
        (row["subject"] or NO_SUBJECT, protect(row["people"])) for row in _subjects(school_ids)
    ]

    # Coaches and their caseloads (a name and a count is activity, not content).
    caseloads = _caseloads(school_ids)
    coaches_by_school: dict[int | None, set[int]] = defaultdict(set)
    for row in caseloads:
        names[row["school_id"]] = row["school_name"]
        coaches_by_school[row["school_id"]].add(row["user_id"])
    out.coaches_total = len({row["user_id"] for row in caseloads})
    out.coaches = [
        (
            f"{row['first']} {row['last']}".strip(),
            row["school_name"] or "No school",
            protect(row["teachers"]),
            protect(row["teachers"], row["relationships"]),
        )
        for row in caseloads
    ]

    # Meetings and steps of the year.
    meetings_by_school, meetings, meeting_names = _meeting_tallies(school_ids, year)
    steps_by_school, by_category, embedded, step_names = _step_tallies(school_ids, year)
    names = {**step_names, **meeting_names, **names}
    out.categories = [
        (
            Category(category).label if category in Category.values else "Other",
            protect(len(tally.people), tally.count),
            protect(len(tally.people)),
        )
        for category, tally in sorted(by_category.items(), key=lambda kv: (-kv[1].count, kv[0]))
    ]

    # Pairs across two schools.
    pairs: dict[tuple[str, str], dict[str, set]] = defaultdict(
        lambda: {"relationships": set(), "people": set()}
    )
    pair_relationships, pair_people = set(), set()
    for row in _pairs(school_ids):
        key = (row["coach_school_name"] or "No school", row["teacher_school_name"] or "No school")
        pairs[key]["relationships"].add(row["relationship_id"])
        pairs[key]["people"].update((row["user_id"], row["coach_id"]))
        pair_relationships.add(row["relationship_id"])
        pair_people.update((row["user_id"], row["coach_id"]))
    out.pairs = [
        (
            coach_school,
            teacher_school,
            protect(len(seen["people"]), len(seen["relationships"])),
            protect(len(seen["people"])),
        )
        for (coach_school, teacher_school), seen in sorted(
            pairs.items(), key=lambda kv: (-len(kv[1]["relationships"]), kv[0])
        )
    ]

    # By school: every school with someone coached, a coach, a meeting or a step this year.
    rows = []
    for school_id in (
        set(by_school) | set(coaches_by_school) | set(meetings_by_school) | set(steps_by_school)
    ):
        m = meetings_by_school.get(school_id, Tally())
        e = steps_by_school.get(school_id, Tally())
        rows.append(
            SchoolRow(
                school=names.get(school_id) or "No school",
                coached=protect(len(by_school.get(school_id, ()))),
                coaches=protect(len(coaches_by_school.get(school_id, ()))),
                overdue=protect(len(overdue_by_school.get(school_id, ()))),
                median_days=protect(len(m.observed), _days_label(m.median_days)),
                rehearsed=protect(len(m.people), _percent(m.rehearsed, m.count)),
                embedded=protect(len(e.people), e.count),
            )
        )
    out.schools = sorted(rows, key=lambda r: r.school.lower())

    out.summary = [
        ("People being coached", protect(len({p for who in by_school.values() for p in who}))),
        (
            "Coaches" if school_ids is None else "Coaches from this school",
            protect(out.coaches_total),
        ),
        ("Relationships overdue", protect(len(overdue))),
        (
            "Median days from an observation to the meeting after it",
            protect(len(meetings.observed), _days_label(meetings.median_days)),
        ),
        (
            "Meetings with the step rehearsed",
            protect(len(meetings.people), _percent(meetings.rehearsed, meetings.count)),
        ),
        ("Steps embedded", protect(len(embedded.people), embedded.count)),
        (
            "Coaching relationships across two schools",
            protect(len(pair_people), len(pair_relationships)),
        ),
    ]
    out.most = {
        "roles": _largest(v for _, v in out.roles),
        "subjects": _largest(v for _, v in out.subjects),
        "coaches": _largest(r[2] for r in out.coaches),
        "categories": _largest(r[1] for r in out.categories),
        "pairs": _largest(r[2] for r in out.pairs),
        "schools": _largest(r.coached for r in out.schools),
    }
    return out


# --- CSV: the same protected cells -------------------------------------------------------

CSV_PARTS = ("summary", "schools", "roles", "subjects", "coaches", "categories", "pairs")


def csv_rows(part: str, data: Activity):
    """The header and rows of one table, exactly the cells the page shows."""
    if part == "summary":
        yield ["Measure", f"{data.period}"]
        yield from data.summary
    elif part == "schools":
        yield [
            "School",
            "People being coached",
            "Coaches",
            "Relationships overdue",
            "Median days from observation to meeting",
            "Meetings with rehearsal",
            "Steps embedded",
        ]
        for r in data.schools:
            yield [
                r.school,
                r.coached,
                r.coaches,
                r.overdue,
                r.median_days,
                r.rehearsed,
                r.embedded,
            ]
    elif part == "roles":
        yield ["Role", "People being coached"]
        yield from data.roles
    elif part == "subjects":
        yield ["Subject", "People being coached"]
        yield from data.subjects
    elif part == "coaches":
        yield ["Coach", "School", "Teachers coached", "Active relationships"]
        yield from data.coaches
    elif part == "categories":
        yield ["Category", "Steps embedded", "Teachers"]
        yield from data.categories
    else:
        yield ["Coach's school", "Teacher's school", "Relationships", "People"]
        yield from data.pairs


# --- Kept: counted again in the background when coaching changes --------------------------

# Figures are kept a day at most: a page never shows a count older than that.
FIGURES_KEPT_SECONDS = 24 * 60 * 60
# One count at a time for each set of schools: while one runs, pages show the last one.
COUNTING_SECONDS = 120


@shared(
    "coaching-activity-generation",
    depends_on=(Relationship, Membership, Observation, Meeting, ActionStep),
)
def _generation() -> str:
    """A new name for the state of coaching whenever a coaching row is saved or deleted
    (shared_cache forgets this value then); bulk writes are caught up by its timeout."""
    return uuid.uuid4().hex


def _key(school_ids: list[int] | None) -> str:
    scope = "all" if school_ids is None else ",".join(map(str, sorted(school_ids)))
    return f"coaching-figures:{scope}"


def count(school_ids: list[int] | None) -> Activity:
    """Count the figures for these schools afresh and keep them, with the state of coaching
    they were counted from: the background count, and a page asked for before any was kept."""
    key, generation = _key(school_ids), _generation()
    data = activity(school_ids, timezone.localdate())
    data.counted_at = timezone.now()
    cache.set(key, (generation, data), FIGURES_KEPT_SECONDS)
    cache.delete(f"{key}:counting")
    return data


def figures(
    school_ids: list[int] | None, *, count_later: Callable[[list[int] | None], object]
) -> Activity:
    """
    The figures for these schools as last counted. A page never waits for the count: when
    coaching has changed since (or the day has), ``count_later`` asks for a new count in the
    background (one at a time), and the page shows when its figures were counted. Where tasks
    run in-process (the embedded demo, the tests) the new count is ready at once.
    """
    key = _key(school_ids)
    found = cache.get(key)
    if found is None:
        return count(school_ids)
    generation, data = found
    outdated = (
        generation != _generation() or timezone.localdate(data.counted_at) != timezone.localdate()
    )
    if outdated and cache.add(f"{key}:counting", 1, COUNTING_SECONDS):
        count_later(school_ids)
        found = cache.get(key, found)
    return found[1]

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
import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import (
    Aggregate,
    Count,
    DurationField,
    F,
    Max,
    OuterRef,
    Q,
    Subquery,
)
from django.utils import timezone

from cpdhub.academic_year import current_academic_year, year_dates, year_label, year_span
from hubs.models import User

from . import rhythm
from .models import ActionStep, Category, Meeting, Membership, Relationship

FEWER_THAN_FIVE = "fewer than 5"
SMALLEST_GROUP = 5
# The coaches listed on the page, busiest first (the CSV has every coach).
COACHES_SHOWN = 30

OPEN = [Relationship.Status.ACTIVE, Relationship.Status.PAUSED]
CURRENT = [ActionStep.Status.SET, ActionStep.Status.PRACTISING]
COACH_ROLES = [Membership.Role.COACH, Membership.Role.PEER]
COACHED_ROLES = [Membership.Role.TEACHER, Membership.Role.PEER]
NO_SUBJECT = "No subject given"


def protect(people: int, figure=None):
    """
    What a figure about ``people`` people shows: ``figure`` (the count itself when not given)
    when they are 5 or more, "fewer than 5" when they are 1 to 4. Nobody (0) is shown as 0, or
    as "none" for a figure that needs someone to be counted (a median, a share): a zero tells
    nothing about anyone.
    """
    if people >= SMALLEST_GROUP:
        return people if figure is None else figure
    if people > 0:
        return FEWER_THAN_FIVE
    return 0 if figure is None else "none"


class Median(Aggregate):
    """The median (Postgres' percentile_cont); on SQLite the caller counts it in Python."""

    function = "percentile_cont"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    allow_distinct = False


def _days(value) -> float | None:
    if value is None:
        return None
    if isinstance(value, datetime.timedelta):
        return value.total_seconds() / 86400
    return float(value)


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

    @property
    def coaches_shown(self):
        return self.coaches[:COACHES_SHOWN]


def _in_scope(school_ids: list[int] | None, prefix: str = "") -> Q:
    return Q() if school_ids is None else Q(**{f"{prefix}school_id__in": school_ids})


# --- The queries (each one, whatever the rows) -------------------------------------------


def _coached_rows(school_ids, today: datetime.date) -> list[dict]:
    """Each coached membership of an open relationship in scope, with what the rhythm needs:
    the last meeting with that teacher and the latest check-back of their current steps
    (correlated subqueries on the relationship's index). One query."""
    last_meeting = (
        Meeting.objects.filter(
            relationship_id=OuterRef("relationship_id"), teacher_id=OuterRef("user_id")
        )
        .order_by()
        .values("relationship_id")
        .annotate(last=Max("date"))
        .values("last")
    )
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
            last_meeting=Subquery(last_meeting),
            check_back=Subquery(check_back),
        )
        .values(
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


def _meetings(school_ids, year: int):
    """Meetings of the year with a teacher in scope, counted by the teacher's school."""
    start, end = year_dates(year)
    return Meeting.objects.filter(
        _in_scope(school_ids, "relationship__memberships__"),
        date__gte=start,
        date__lte=end,
        relationship__memberships__user_id=F("teacher_id"),
    )


GAP = F("date") - F("observation__date")


def _meeting_figures(school_ids, year: int) -> tuple[list[dict], dict]:
    """By school, and over the whole scope: meetings, meetings with rehearsal, teachers met, the
    median days from an observation to the meeting that follows it, and how many teachers that
    median is about. Two queries on Postgres (the median needs the whole scope's rows: it is
    not a sum of the schools'); on SQLite the gaps are fetched and the medians taken here."""
    meetings = _meetings(school_ids, year)
    counts = {
        "meetings": Count("pk", distinct=True),
        "rehearsed": Count("pk", distinct=True, filter=Q(rehearsed=True)),
        "people": Count("teacher_id", distinct=True),
        "observed_people": Count("teacher_id", distinct=True, filter=Q(observation__isnull=False)),
    }
    if connection.vendor == "postgresql":
        median = {"median": Median(GAP, output_field=DurationField(), filter=None)}
        by_school = list(
            meetings.values(
                school_id=F("relationship__memberships__school_id"),
                school_name=F("relationship__memberships__school__name"),
            )
            .annotate(**counts, **median)
            .order_by()
        )
        whole = meetings.aggregate(**counts, **median)
        return by_school, whole
    # SQLite: the same figures counted here.
    rows = list(
        meetings.values(
            "pk",
            "teacher_id",
            "rehearsed",
            "date",
            observed=F("observation__date"),
            school_id=F("relationship__memberships__school_id"),
            school_name=F("relationship__memberships__school__name"),
        )
    )

    def figures(chosen: list[dict]) -> dict:
        gaps = [(r["date"] - r["observed"]).days for r in chosen if r["observed"]]
        return {
            "meetings": len({r["pk"] for r in chosen}),
            "rehearsed": len({r["pk"] for r in chosen if r["rehearsed"]}),
            "people": len({r["teacher_id"] for r in chosen}),
            "observed_people": len({r["teacher_id"] for r in chosen if r["observed"]}),
            "median": statistics.median(gaps) if gaps else None,
        }

    grouped = defaultdict(list)
    for r in rows:
        grouped[r["school_id"]].append(r)
    return [
        {"school_id": s, "school_name": g[0]["school_name"], **figures(g)}
        for s, g in grouped.items()
    ], figures(rows)


def _embedded_steps(school_ids, year: int):
    start, end = year_span(year)
    return ActionStep.objects.filter(
        _in_scope(school_ids, "relationship__memberships__"),
        relationship__memberships__user_id=F("teacher_id"),
        status=ActionStep.Status.EMBEDDED,
        embedded_at__gte=start,
        embedded_at__lt=end,
    )


EMBEDDED = {"steps": Count("pk", distinct=True), "people": Count("teacher_id", distinct=True)}


def _embedded(school_ids, year: int) -> tuple[list[dict], list[dict], dict]:
    """Steps embedded in the year, with how many teachers: by category, by the teacher's
    school, and over the whole scope. Three queries."""
    steps = _embedded_steps(school_ids, year)
    by_category = list(steps.values("category").annotate(**EMBEDDED).order_by("-steps", "category"))
    by_school = list(
        steps.values(
            school_id=F("relationship__memberships__school_id"),
            school_name=F("relationship__memberships__school__name"),
        )
        .annotate(**EMBEDDED)
        .order_by()
    )
    return by_category, by_school, steps.aggregate(**EMBEDDED)


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
        names[r["school_id"]] = r["school_name"]
        by_school[r["school_id"]].add(r["user_id"])
        roles[r["job_role"]].add(r["user_id"])
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
    meeting_rows, whole = _meeting_figures(school_ids, year)
    meetings_by_school = {}
    for row in meeting_rows:
        names[row["school_id"]] = row["school_name"]
        meetings_by_school[row["school_id"]] = row
    by_category, embedded_rows, embedded = _embedded(school_ids, year)
    embedded_by_school = {}
    for row in embedded_rows:
        names[row["school_id"]] = row["school_name"]
        embedded_by_school[row["school_id"]] = row
    out.categories = [
        (
            Category(row["category"]).label if row["category"] in Category.values else "Other",
            protect(row["people"], row["steps"]),
            protect(row["people"]),
        )
        for row in by_category
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
        set(by_school) | set(coaches_by_school) | set(meetings_by_school) | set(embedded_by_school)
    ):
        m = meetings_by_school.get(school_id, {})
        e = embedded_by_school.get(school_id, {})
        rows.append(
            SchoolRow(
                school=names.get(school_id) or "No school",
                coached=protect(len(by_school.get(school_id, ()))),
                coaches=protect(len(coaches_by_school.get(school_id, ()))),
                overdue=protect(len(overdue_by_school.get(school_id, ()))),
                median_days=protect(
                    m.get("observed_people", 0), _days_label(_days(m.get("median")))
                ),
                rehearsed=protect(
                    m.get("people", 0), _percent(m.get("rehearsed", 0), m.get("meetings", 0))
                ),
                embedded=protect(e.get("people", 0), e.get("steps", 0)),
            )
        )
    out.schools = sorted(rows, key=lambda r: r.school.lower())

    out.summary = [
        ("People being coached", protect(len({r["user_id"] for r in coached}))),
        ("Coaches", protect(out.coaches_total)),
        ("Relationships overdue", protect(len(overdue))),
        (
            "Median days from an observation to the meeting after it",
            protect(whole["observed_people"] or 0, _days_label(_days(whole["median"]))),
        ),
        (
            "Meetings with the step rehearsed",
            protect(whole["people"] or 0, _percent(whole["rehearsed"], whole["meetings"])),
        ),
        ("Steps embedded", protect(embedded["people"] or 0, embedded["steps"])),
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

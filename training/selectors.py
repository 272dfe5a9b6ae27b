"""
Required training's reads, with their queries decided here once: a person's own training, a
school's staff by requirements matrix, the community's counts per school, status and
requirement. Statuses come from each person's latest completion of each requirement, grouped
in the database (one row per person and requirement), then bucketed here.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Max, Q
from django.utils import timezone

from cpdhub.small_numbers import protect
from hubs.models import School, User, UserResponsibility

from .models import DUE_WITHIN_DAYS, Completion, Requirement, Status, applies, status_of

STATUS_ORDER = [Status.OVERDUE, Status.DUE, Status.MISSING, Status.IN_DATE]
STATUSES = tuple(Status.values)
BADGES = {
    Status.IN_DATE: "badge-ok",
    Status.DUE: "badge-warn",
    Status.OVERDUE: "badge-bad",
    Status.MISSING: "badge-bad",
}


@dataclass
class Cell:
    requirement: Requirement
    status: str = Status.MISSING
    completed_on: datetime.date | None = None
    expires_on: datetime.date | None = None

    @property
    def label(self) -> str:
        return Status(self.status).label

    @property
    def badge(self) -> str:
        """The badge's class: the status is always in words too, never colour alone."""
        return BADGES[self.status]

    @property
    def note(self) -> str:
        """When it expires (or expired, or was done, for training that lasts), in short."""
        if self.expires_on is not None:
            word = "expired" if self.status == Status.OVERDUE else "expires"
            return f"{word} {self.expires_on.day} {self.expires_on:%b %Y}"
        if self.completed_on is not None:
            return f"done {self.completed_on.day} {self.completed_on:%b %Y}"
        return ""


@dataclass
class Row:
    person: User
    cells: list[Cell | None] = field(default_factory=list)  # None: not required of them

    @property
    def statuses(self) -> set[str]:
        return {c.status for c in self.cells if c is not None}


def requirements_for_school(school_id: int) -> list[Requirement]:
    """The active requirements that may apply to a school's staff: the community's and its own."""
    return list(
        Requirement.objects.filter(Q(school__isnull=True) | Q(school_id=school_id), active=True)
    )


def held_by_people(user_ids) -> dict[int, set[str]]:
    held: dict[int, set[str]] = defaultdict(set)
    for user_id, name in UserResponsibility.objects.filter(user_id__in=user_ids).values_list(
        "user_id", "responsibility"
    ):
        held[user_id].add(name)
    return held


def _latest(completions) -> dict[tuple[int, int], tuple[datetime.date, datetime.date | None]]:
    """(person, requirement) → (latest day done, latest expiry: None if one never expires)."""
    out = {}
    for user_id, requirement_id, done, expires, endless in (
        completions.values_list("user_id", "requirement_id")
        .annotate(
            done=Max("completed_on"),
            expires=Max("expires_on"),
            endless=Max("pk", filter=Q(expires_on__isnull=True)),
        )
        .order_by()
    ):
        out[user_id, requirement_id] = (done, None if endless else expires)
    return out


def _cell(requirement, latest, today) -> Cell:
    if latest is None:
        return Cell(requirement)
    done, expires = latest
    return Cell(
        requirement,
        status_of(done=True, expires_on=expires, today=today),
        completed_on=done,
        expires_on=expires,
    )


def my_training(user: User) -> list[Cell]:
    """The training required of the person, each with their status, overdue first."""
    if user.school_id is None:
        return []
    today = timezone.localdate()
    held = held_by_people([user.pk])[user.pk]
    required = [
        r
        for r in requirements_for_school(user.school_id)
        if r.applies_to(school_id=user.school_id, job_role=user.job_role, held=held)
    ]
    latest = _latest(Completion.objects.filter(user=user, requirement__in=required))
    cells = [_cell(r, latest.get((user.pk, r.pk)), today) for r in required]
    return sorted(cells, key=lambda c: (STATUS_ORDER.index(c.status), c.requirement.title))


def my_completions(user: User):
    return Completion.objects.filter(user=user).select_related("requirement")


def completions_of(person: User):
    return Completion.objects.filter(user=person).select_related("requirement")


@dataclass
class Matrix:
    requirements: list[Requirement]
    rows: list[Row]
    totals: dict[int, dict[str, int]]  # requirement → status → people (all staff, unfiltered)

    @property
    def total_rows(self) -> list[tuple[Requirement, dict[str, int]]]:
        return [(r, self.totals[r.pk]) for r in self.requirements]


def school_matrix(school: School, *, status: str = "", requirement_id: int | None = None) -> Matrix:
    """The school's active staff by its requirements (the community's and its own), each cell
    the person's status, or None where the training is not required of them. Filtered to the
    people with at least one cell in ``status`` (for ``requirement_id`` when given). Four
    queries, whatever the number of staff."""
    today = timezone.localdate()
    requirements = requirements_for_school(school.pk)
    shown = [r for r in requirements if requirement_id in (None, r.pk)]
    staff = list(
        User.objects.filter(school=school, is_active=True)
        .only("pk", "first_name", "last_name", "email", "job_role", "school_id")
        .order_by("last_name", "first_name", "pk")
    )
    held = held_by_people([p.pk for p in staff])
    latest = _latest(
        Completion.objects.filter(user__school=school, user__is_active=True, requirement__in=shown)
    )
    totals: dict[int, dict[str, int]] = {r.pk: dict.fromkeys(STATUSES, 0) for r in shown}
    rows = []
    for person in staff:
        row = Row(person)
        for requirement in shown:
            if requirement.applies_to(
                school_id=school.pk, job_role=person.job_role, held=held[person.pk]
            ):
                cell = _cell(requirement, latest.get((person.pk, requirement.pk)), today)
                totals[requirement.pk][cell.status] += 1
                row.cells.append(cell)
            else:
                row.cells.append(None)
        if any(c is not None for c in row.cells) and (not status or status in row.statuses):
            rows.append(row)
    return Matrix(requirements=shown, rows=rows, totals=totals)


@dataclass
class SummaryRow:
    school: School
    counts: list[tuple[Requirement, dict[str, object]]]  # per requirement: status → figure


def community_summary(*, protected: bool = True) -> list[SummaryRow]:
    """Per school, per requirement: how many staff are in date, due, overdue, missing. A figure
    about fewer than 5 people reads "fewer than 5" (``protected``). Five queries, whatever the
    size of the community: every active member with a school, their responsibilities, the
    latest completion per person and requirement (grouped in the database), the requirements,
    the schools. The loop over people is kept to plain tuples (12,000 staff by 6 requirements
    in a fraction of a second)."""
    today = timezone.localdate()
    requirements = list(Requirement.objects.filter(active=True))
    if connection.vendor == "postgresql":
        counts = _counts_in_database(today)
    else:
        counts = _counts_in_python(requirements, today)
    schools = School.objects.filter(pk__in={s for s, _ in counts}).order_by("name")
    out = []
    for school in schools:
        row = []
        for requirement in requirements:
            bucket = counts.get((school.pk, requirement.pk))
            if bucket is None:
                continue
            row.append(
                (requirement, {k: protect(v) if protected else v for k, v in bucket.items()})
            )
        out.append(SummaryRow(school, row))
    return out


# Postgres counts every active member against every active requirement of theirs in one
# statement: their latest completion's status (the same rules as models.status_of), grouped by
# school, requirement and status. Only those counts leave the database (a few hundred rows
# for a community of 12,000 staff, rather than one row per person and requirement).
COUNTS_SQL = """
WITH latest AS (
    SELECT user_id, requirement_id,
           bool_or(expires_on IS NULL) AS endless, max(expires_on) AS expires
    FROM training_completion GROUP BY user_id, requirement_id
)
SELECT u.school_id, r.id,
       CASE WHEN l.user_id IS NULL THEN 'missing'
            WHEN l.endless THEN 'in_date'
            WHEN l.expires <= %(today)s THEN 'overdue'
            WHEN l.expires <= %(due_by)s THEN 'due'
            ELSE 'in_date' END AS status,
       count(*)
FROM hubs_user u
JOIN training_requirement r
  ON r.active AND (r.school_id IS NULL OR r.school_id = u.school_id)
LEFT JOIN latest l ON l.user_id = u.id AND l.requirement_id = r.id
WHERE u.is_active AND u.school_id IS NOT NULL
  AND (
    (jsonb_array_length(r.job_roles) = 0 AND jsonb_array_length(r.responsibilities) = 0)
    OR jsonb_exists(r.job_roles, u.job_role)
    OR EXISTS (
        SELECT 1 FROM hubs_userresponsibility ur
        WHERE ur.user_id = u.id AND jsonb_exists(r.responsibilities, ur.responsibility)
    )
  )
GROUP BY 1, 2, 3
"""


def _counts_in_database(today: datetime.date) -> dict[tuple[int, int], dict[str, int]]:
    counts: dict[tuple[int, int], dict[str, int]] = {}
    due_by = today + datetime.timedelta(days=DUE_WITHIN_DAYS)
    with connection.cursor() as cursor:
        cursor.execute(COUNTS_SQL, {"today": today, "due_by": due_by})
        for school_id, requirement_id, status, n in cursor.fetchall():
            bucket = counts.setdefault((school_id, requirement_id), dict.fromkeys(STATUSES, 0))
            bucket[status] = n
    return counts


def _counts_in_python(requirements, today: datetime.date) -> dict[tuple[int, int], dict[str, int]]:
    """The same counts on SQLite: every person's latest completions read, bucketed here."""
    specs = [(r.pk, (r.school_id, r.job_roles, r.responsibilities)) for r in requirements]
    staff = User.objects.filter(is_active=True, school__isnull=False).values_list(
        "pk", "school_id", "job_role"
    )
    held = _held_all()
    latest = _latest(Completion.objects.filter(user__is_active=True, requirement__active=True))
    counts: dict[tuple[int, int], dict[str, int]] = {}
    nothing: set[str] = set()
    for user_id, school_id, job_role in staff:
        mine = held.get(user_id, nothing)
        for requirement_id, spec in specs:
            if not applies(spec, school_id=school_id, job_role=job_role, held=mine):
                continue
            found = latest.get((user_id, requirement_id))
            status = (
                Status.MISSING
                if found is None
                else status_of(done=True, expires_on=found[1], today=today)
            )
            bucket = counts.get((school_id, requirement_id))
            if bucket is None:
                bucket = counts[school_id, requirement_id] = dict.fromkeys(STATUSES, 0)
            bucket[status] += 1
    return counts


def _held_all() -> dict[int, set[str]]:
    held: dict[int, set[str]] = defaultdict(set)
    for user_id, name in UserResponsibility.objects.values_list("user_id", "responsibility"):
        held[user_id].add(name)
    return held


def manageable_requirements(user: User):
    """The requirements this person may change: every one for the coordinator, their schools'
    for a CPD leader."""
    found = Requirement.objects.select_related("school").prefetch_related("sessions")
    if user.is_coordinator:
        return found.order_by("school__name", "title", "pk")
    return found.filter(school_id__in=user.led_school_ids).order_by("school__name", "title", "pk")

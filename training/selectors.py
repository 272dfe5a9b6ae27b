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

from django.db.models import Max, Q
from django.utils import timezone

from cpdhub.small_numbers import protect
from hubs.models import School, User, UserResponsibility

from .models import Completion, Requirement, Status, status_of

STATUS_ORDER = [Status.OVERDUE, Status.DUE, Status.MISSING, Status.IN_DATE]


@dataclass
class Cell:
    requirement: Requirement
    status: str = Status.MISSING
    completed_on: datetime.date | None = None
    expires_on: datetime.date | None = None

    @property
    def label(self) -> str:
        return Status(self.status).label


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
    totals: dict[int, dict[str, int]] = {r.pk: dict.fromkeys(Status.values, 0) for r in shown}
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
    the schools."""
    today = timezone.localdate()
    requirements = list(Requirement.objects.filter(active=True))
    staff = list(
        User.objects.filter(is_active=True, school__isnull=False).values_list(
            "pk", "school_id", "job_role"
        )
    )
    held = _held_all()
    latest = _latest(Completion.objects.filter(user__is_active=True, requirement__active=True))
    counts: dict[tuple[int, int], dict[str, int]] = {}
    for user_id, school_id, job_role in staff:
        mine = held.get(user_id, set())
        for requirement in requirements:
            if not requirement.applies_to(school_id=school_id, job_role=job_role, held=mine):
                continue
            cell = _cell(requirement, latest.get((user_id, requirement.pk)), today)
            bucket = counts.setdefault((school_id, requirement.pk), dict.fromkeys(Status.values, 0))
            bucket[cell.status] += 1
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

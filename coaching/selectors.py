"""
Coaching reads. Every page's rows in a fixed number of queries (prefetches decided here once),
and every lookup of a relationship scoped to its members: anyone else finds nothing (404).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Max, Prefetch, Q, QuerySet
from django.utils import timezone

from . import rhythm
from .models import (
    ActionStep,
    Meeting,
    Membership,
    Observation,
    Relationship,
    Share,
    Step,
    StepEvent,
)

OPEN = [Relationship.Status.ACTIVE, Relationship.Status.PAUSED]
CURRENT = [ActionStep.Status.SET, ActionStep.Status.PRACTISING]
COACH_ROLES = [Membership.Role.COACH, Membership.Role.PEER]
COACHED_ROLES = [Membership.Role.TEACHER, Membership.Role.PEER]


def _members() -> Prefetch:
    return Prefetch(
        "memberships",
        queryset=Membership.objects.select_related("user__school").order_by("role", "pk"),
    )


def relationships_of(user) -> QuerySet[Relationship]:
    """The relationships the person is a member of, with their members."""
    return (
        Relationship.objects.filter(memberships__user=user).prefetch_related(_members()).distinct()
    )


def relationship_for(user, pk: int) -> Relationship:
    """One of the person's relationships; Relationship.DoesNotExist for anyone else."""
    return relationships_of(user).get(pk=pk)


# --- /coaching/<id>/ ---------------------------------------------------------------------


# The history a relationship's page shows at a time: its current steps always, then the latest
# meetings, observations and earlier steps, ten of each, with a link to the ten before.
HISTORY = 10
# No one pages back further than this (a relationship meeting weekly for years stays within it).
HISTORY_PAGES = 100


@dataclass
class Cycle:
    relationship: Relationship
    members: list[Membership]
    observations: list[Observation]
    meetings: list[Meeting]
    current_steps: list[ActionStep]
    earlier_steps: list[ActionStep]
    shares: list[Share]
    me: Membership
    # Which ten of the history: 0 is the latest; ``has_earlier`` when there is more before it.
    history_page: int = 0
    has_earlier: bool = False

    @property
    def coached(self) -> list[Membership]:
        return [m for m in self.members if m.is_coached]

    @property
    def coaches(self) -> list[Membership]:
        return [m for m in self.members if m.is_coach]

    @property
    def steps(self) -> list[ActionStep]:
        """The steps shown: the current ones (on the latest page only), then earlier ones."""
        return (self.current_steps if not self.history_page else []) + self.earlier_steps


def history_page_number(value: str | None) -> int:
    """The history page asked for in the query string; anything odd is the latest (0)."""
    try:
        number = int(value or 0)
    except ValueError:
        return 0
    return min(max(number, 0), HISTORY_PAGES)


def _window(rows: QuerySet, page: int) -> tuple[list, bool]:
    """Ten rows of the page asked for, and whether there are rows before them: one query (an
    eleventh row is read to know), however long the history."""
    found = list(rows[page * HISTORY : (page + 1) * HISTORY + 1])
    return found[:HISTORY], len(found) > HISTORY


def _with_events(steps: QuerySet) -> QuerySet:
    return steps.select_related("teacher", "library_step", "meeting").prefetch_related(
        Prefetch("events", queryset=StepEvent.objects.select_related("by").order_by("at"))
    )


def cycle_page(relationship: Relationship, user, history_page: int = 0) -> Cycle:
    """Everything on a relationship's page: members, the current steps with their history, and
    ten of the latest (or, for ``history_page`` K, of the earlier) observations, meetings with
    their step and earlier steps, and what the person has shared. At most ten queries, whatever
    the rows: a relationship meeting every week for years has a page as quick as a new one."""
    members = list(relationship.memberships.all())
    me = next(m for m in members if m.user_id == user.pk)
    steps = ActionStep.objects.filter(relationship=relationship)
    current = list(_with_events(steps.filter(status__in=CURRENT))) if not history_page else []
    earlier, more_steps = _window(_with_events(steps.exclude(status__in=CURRENT)), history_page)
    observations, more_observations = _window(
        Observation.objects.filter(relationship=relationship).select_related("teacher", "observer"),
        history_page,
    )
    meetings, more_meetings = _window(
        Meeting.objects.filter(relationship=relationship)
        .select_related("teacher", "coach", "observation")
        .prefetch_related(
            Prefetch("steps", queryset=ActionStep.objects.only("pk", "meeting_id", "action"))
        ),
        history_page,
    )
    for meeting in meetings:
        meeting.set_steps = list(meeting.steps.all())
    shares = list(
        Share.objects.filter(owner=user)
        .filter(
            Q(observation__relationship=relationship)
            | Q(meeting__relationship=relationship)
            | Q(step__relationship=relationship)
        )
        .select_related("colleague")
    )
    return Cycle(
        relationship,
        members,
        observations,
        meetings,
        current,
        earlier,
        shares,
        me,
        history_page=history_page,
        has_earlier=more_steps or more_observations or more_meetings,
    )


# --- /coaching/ --------------------------------------------------------------------------


@dataclass
class CaseRow:
    """One teacher in a coach's caseload (no words from inside: the step's text is the
    coach's own, shown to the coach)."""

    relationship: Relationship
    teacher: object
    current_step: ActionStep | None
    last_meeting: datetime.date | None
    timing: rhythm.Timing


@dataclass
class MyCoaching:
    current_steps: list[ActionStep] = field(default_factory=list)
    history: list[ActionStep] = field(default_factory=list)
    relationships: list[Relationship] = field(default_factory=list)
    caseload: list[CaseRow] = field(default_factory=list)
    requests_to_answer: list[Relationship] = field(default_factory=list)
    requests_made: list[Relationship] = field(default_factory=list)
    shared_with_me: list[Share] = field(default_factory=list)

    @property
    def is_coach(self) -> bool:
        return bool(self.caseload)

    @property
    def is_coached(self) -> bool:
        return bool(self.current_steps or self.history) or any(
            r.my_role in COACHED_ROLES for r in self.relationships
        )


def _last_meetings(relationship_ids: list[int]) -> dict[tuple[int, int], datetime.date]:
    return {
        (row["relationship_id"], row["teacher_id"]): row["last"]
        for row in Meeting.objects.filter(relationship_id__in=relationship_ids)
        .values("relationship_id", "teacher_id")
        .annotate(last=Max("date"))
    }


def caseload_rows(relationships: list[Relationship], coach, today: datetime.date) -> list[CaseRow]:
    """Each teacher the person coaches in open relationships, sorted by what needs doing:
    two queries whatever the number of teachers (the relationships' members are prefetched)."""
    ids = [r.pk for r in relationships]
    last = _last_meetings(ids)
    current: dict[tuple[int, int], ActionStep] = {}
    for step in ActionStep.objects.filter(relationship_id__in=ids, status__in=CURRENT).order_by(
        "created_at", "pk"
    ):
        current[step.relationship_id, step.teacher_id] = step  # the latest wins
    rows = []
    for relationship in relationships:
        for member in relationship.memberships.all():
            if not member.is_coached or member.user_id in (None, coach.pk):
                continue  # not coached here, the coach, or an erased account
            step = current.get((relationship.pk, member.user_id))
            met = last.get((relationship.pk, member.user_id))
            rows.append(
                CaseRow(
                    relationship=relationship,
                    teacher=member.user,
                    current_step=step,
                    last_meeting=met,
                    timing=rhythm.timing(
                        open_now=relationship.status == Relationship.Status.ACTIVE,
                        rhythm_days=relationship.rhythm_days,
                        started_on=relationship.started_on,
                        last_meeting=met,
                        check_back=step.check_back if step else None,
                        today=today,
                    ),
                )
            )
    return sorted(rows, key=lambda r: (r.timing.sort_key, r.teacher.full_name.lower()))


def my_coaching(user, today: datetime.date | None = None) -> MyCoaching:
    """The person's coaching page: as a teacher their current step and history, as a coach
    their caseload, and requests waiting. A fixed number of queries."""
    today = today or timezone.localdate()
    relationships = list(relationships_of(user).order_by("-created_at", "-pk"))
    for relationship in relationships:
        mine = next(m for m in relationship.memberships.all() if m.user_id == user.pk)
        relationship.my_role = mine.role
        relationship.my_role_label = mine.get_role_display()
        relationship.others = [m for m in relationship.memberships.all() if m.user_id != user.pk]
    out = MyCoaching(relationships=relationships)
    coaching = [r for r in relationships if r.my_role in COACH_ROLES and r.status in OPEN]
    out.caseload = caseload_rows(coaching, user, today)
    out.requests_to_answer = [
        r
        for r in relationships
        if r.status == Relationship.Status.REQUESTED and r.my_role == Membership.Role.COACH
    ]
    out.requests_made = [
        r
        for r in relationships
        if r.status == Relationship.Status.REQUESTED and r.my_role != Membership.Role.COACH
    ]
    steps = list(
        ActionStep.objects.filter(teacher=user, relationship__memberships__user=user)
        .select_related("relationship", "library_step")
        .order_by("-created_at", "-pk")
        .distinct()
    )
    out.current_steps = [s for s in steps if s.is_current]
    out.history = [s for s in steps if not s.is_current]
    out.shared_with_me = shared_with(user)
    return out


def shared_with(user) -> list[Share]:
    """Items colleagues showed the person, with who showed them."""
    return list(
        Share.objects.filter(colleague=user)
        .select_related("owner", "observation", "meeting", "step")
        .order_by("-created_at", "-pk")
    )


# --- The library -------------------------------------------------------------------------


def library(
    user,
    *,
    q: str = "",
    category: str = "",
    phase=None,
    subject=None,
    scope: str = "",
) -> QuerySet[Step]:
    """Published steps the person may use (the community's and their own school's), filtered;
    ``scope`` "community" or "school"."""
    steps = Step.objects.filter(status=Step.Status.PUBLISHED).filter(
        Q(school__isnull=True) | Q(school_id=user.school_id)
    )
    if q:
        steps = steps.filter(
            Q(title__icontains=q) | Q(action__icontains=q) | Q(success_criteria__icontains=q)
        )
    if category:
        steps = steps.filter(category=category)
    if phase is not None:
        steps = steps.filter(Q(phases=phase) | Q(phases__isnull=True))
    if subject is not None:
        steps = steps.filter(Q(subjects=subject) | Q(subjects__isnull=True))
    if scope == "community":
        steps = steps.filter(school__isnull=True)
    elif scope == "school":
        steps = steps.filter(school__isnull=False)
    return (
        steps.select_related("school")
        .prefetch_related("phases", "subjects")
        .distinct()
        .order_by("category", "title", "pk")
    )


def proposals_for(user) -> QuerySet[Step]:
    """Proposed steps the person may publish or decline."""
    scope = Q(school_id__in=user.led_school_ids)
    if user.is_coordinator:
        scope |= Q(school__isnull=True)
    return (
        Step.objects.filter(status=Step.Status.PROPOSED)
        .filter(scope)
        .select_related("school", "proposed_by")
        .order_by("created_at", "pk")
    )


def my_proposals(user) -> QuerySet[Step]:
    return Step.objects.filter(proposed_by=user).exclude(status=Step.Status.PUBLISHED)


def step_visible(user, pk: int) -> Step:
    """A published step of the community or the person's school, or a proposal the person
    made or may decide; Step.DoesNotExist otherwise."""
    visible = Q(status=Step.Status.PUBLISHED, school__isnull=True) | Q(
        status=Step.Status.PUBLISHED, school_id=user.school_id
    )
    visible |= Q(proposed_by=user) | Q(school_id__in=user.led_school_ids)
    if user.is_coordinator:
        visible |= Q(school__isnull=True)
    return (
        Step.objects.filter(visible)
        .select_related("school", "proposed_by")
        .prefetch_related("phases", "subjects")
        .get(pk=pk)
    )

"""
Coaching at trust scale for the benchmarks (``seed_scale`` calls it): active relationships over
the synthetic staff, a coach's caseload of a few teachers, three in ten across two schools, one
in ten a triad, and a year of cycles in each (an observation, a meeting a day or two later that
sets a step, the step checked back and most embedded), by bulk inserts. 3,000 relationships on
a 14-day rhythm give about 150,000 observations and meetings a year.

Synthetic rows are those of people whose address ends ``.scale.test``;
``remove_coaching_at_scale`` takes them away before the people go.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Sequence

from django.db.models import Q
from django.utils import timezone

from .models import (
    ActionStep,
    Category,
    Meeting,
    Membership,
    Observation,
    Relationship,
    Share,
    Step,
    StepEvent,
)
from .starter_steps import STARTER_STEPS, WRITTEN_MODELS

BATCH = 5000
SCALE = ".scale.test"
# How many teachers a coach takes on (weights): a realistic caseload is three to eight.
CASELOAD = ([2, 3, 4, 5, 6, 8], [1, 2, 3, 3, 2, 1])
FOCUSES = ["Questioning", "Routines at the door", "Modelling", "Checking for understanding"]


def remove_coaching_at_scale() -> None:
    """Every relationship with a synthetic member, and everything in it (raw deletes in the
    order of the foreign keys: bulk rows have no signals)."""
    relationships = list(  # the ids first: the memberships they are found by go below
        Membership.objects.filter(user__email__endswith=SCALE)
        .values_list("relationship_id", flat=True)
        .distinct()
    )
    Share.objects.filter(
        Q(owner__email__endswith=SCALE) | Q(colleague__email__endswith=SCALE)
    )._raw_delete("default")
    StepEvent.objects.filter(step__relationship_id__in=relationships)._raw_delete("default")
    ActionStep.objects.filter(relationship_id__in=relationships)._raw_delete("default")
    Meeting.objects.filter(relationship_id__in=relationships)._raw_delete("default")
    Observation.objects.filter(relationship_id__in=relationships)._raw_delete("default")
    Membership.objects.filter(relationship_id__in=relationships)._raw_delete("default")
    Relationship.objects.filter(pk__in=relationships)._raw_delete("default")


def _library() -> list[Step]:
    """The community's published steps, the starter library added when there is none."""
    steps = list(Step.objects.filter(status=Step.Status.PUBLISHED, school__isnull=True))
    if not steps:
        steps = Step.objects.bulk_create(
            Step(
                title=title,
                action=action,
                success_criteria=success,
                category=category,
                model_example=WRITTEN_MODELS[title],
            )
            for category, title, action, success in STARTER_STEPS
        )
    return steps


def seed_coaching_at_scale(
    rng: random.Random,
    users: Sequence[tuple[int, int | None]],
    schools: Sequence[int],
    *,
    relationships: int,
    today: datetime.date | None = None,
) -> dict[str, int]:
    """
    ``relationships`` active coaching relationships (and one in ten more ended) among
    ``users`` ((user id, school id) pairs) of ``schools``, each with up to a year of cycles.
    Returns how many rows of each kind were made.
    """
    today = today or timezone.localdate()
    now = timezone.now()
    library = _library()
    by_school: dict[int | None, list[int]] = {}
    for user_id, school_id in users:
        by_school.setdefault(school_id, []).append(user_id)
    school_list = [s for s in schools if by_school.get(s)]
    pool = list(users)
    rng.shuffle(pool)
    # Coaches are taken from the front of the shuffled staff, teachers from the rest.
    total = relationships + relationships // 10
    plans = []  # (coach, coach school, [(teacher, school)], status)
    taken = 0
    coach_at = 0
    teacher_at = len(pool) - 1
    while len(plans) < total and coach_at < teacher_at:
        coach, coach_school = pool[coach_at]
        coach_at += 1
        for _ in range(rng.choices(*CASELOAD)[0]):
            if len(plans) >= total or teacher_at <= coach_at:
                break
            if rng.random() < 0.3:  # across two schools
                other = rng.choice(school_list)
                teacher = (rng.choice(by_school[other]), other)
            else:
                teacher = pool[teacher_at]
                teacher_at -= 1
            teachers = [teacher]
            if rng.random() < 0.1 and teacher_at > coach_at:  # a triad
                teachers.append(pool[teacher_at])
                teacher_at -= 1
            teachers = [t for t in dict(teachers).items() if t[0] != coach]
            if teachers:
                status = "ended" if taken >= relationships else "active"
                plans.append((coach, coach_school, teachers, status))
                taken += 1
    made = Relationship.objects.bulk_create(
        [
            Relationship(
                kind="triad" if len(teachers) > 1 else "pair",
                rhythm_days=rng.choice([7, 14, 14, 14, 21]),
                status=status,
                # Most began over a year ago; one in five this year.
                started_on=today
                - datetime.timedelta(
                    days=rng.randint(20, 300) if rng.random() < 0.2 else rng.randint(365, 420)
                ),
                ended_at=now if status == "ended" else None,
            )
            for _, _, teachers, status in plans
        ],
        batch_size=BATCH,
    )
    memberships = []
    for relationship, (coach, coach_school, teachers, _) in zip(made, plans, strict=True):
        memberships.append(
            Membership(
                relationship=relationship, user_id=coach, role="coach", school_id=coach_school
            )
        )
        memberships += [
            Membership(relationship=relationship, user_id=t, role="teacher", school_id=s)
            for t, s in teachers
        ]
    Membership.objects.bulk_create(memberships, batch_size=BATCH)

    observations, meetings, steps = [], [], []
    cycles = []  # (relationship, coach, teacher, observed on, met on, rehearsed, last?)
    for relationship, (coach, _, teachers, status) in zip(made, plans, strict=True):
        # A year of cycles at most (older ones are of no interest to a page).
        day = max(relationship.started_on, today - datetime.timedelta(days=365))
        day += datetime.timedelta(days=rng.randint(0, 5))
        while day < today - datetime.timedelta(days=1):
            for teacher, _school in teachers:
                met = day + datetime.timedelta(days=rng.choice([0, 1, 1, 2, 3, 6]))
                if met >= today:
                    continue
                cycles.append((relationship, coach, teacher, day, met, rng.random() < 0.7))
            day += datetime.timedelta(days=relationship.rhythm_days + rng.randint(-2, 4))
        # Some fall behind: their last meeting is long ago (overdue on the leaders' pages).
        if status == "active" and rng.random() < 0.15 and cycles:
            cutoff = today - datetime.timedelta(days=relationship.rhythm_days * 2)
            while cycles and cycles[-1][0] is relationship and cycles[-1][4] > cutoff:
                cycles.pop()
    for relationship, coach, teacher, observed, _, _ in cycles:
        observations.append(
            Observation(
                relationship=relationship,
                teacher_id=teacher,
                observer_id=coach,
                kind=rng.choice(["coaching", "coaching", "drop_in"]),
                date=observed,
                focus=rng.choice(FOCUSES),
                notes="Scale observation: calm start, questions to the whole class.",
            )
        )
    Observation.objects.bulk_create(observations, batch_size=BATCH)
    for (relationship, coach, teacher, _, met, rehearsed), observation in zip(
        cycles, observations, strict=True
    ):
        meetings.append(
            Meeting(
                relationship=relationship,
                teacher_id=teacher,
                coach_id=coach,
                observation=observation,
                date=met,
                praise="Scale praise: a precise, warm start.",
                rehearsed=rehearsed,
            )
        )
    Meeting.objects.bulk_create(meetings, batch_size=BATCH)
    latest: dict[tuple[int, int], int] = {}
    for n, (relationship, _, teacher, _, _, _) in enumerate(cycles):
        latest[relationship.pk, teacher] = n
    for n, ((relationship, _, teacher, _, met, _), meeting) in enumerate(
        zip(cycles, meetings, strict=True)
    ):
        step = rng.choice(library)
        current = latest[relationship.pk, teacher] == n and relationship.status == "active"
        status = (
            rng.choice(["set", "practising"])
            if current
            else rng.choices(["embedded", "closed"], [4, 1])[0]
        )
        set_at = datetime.datetime.combine(met, datetime.time(16), tzinfo=datetime.UTC)
        steps.append(
            ActionStep(
                relationship=relationship,
                teacher_id=teacher,
                meeting=meeting,
                library_step=step,
                action=step.action,
                success_criteria=step.success_criteria,
                category=step.category if step.category in Category.values else "other",
                status=status,
                check_back=met + datetime.timedelta(days=relationship.rhythm_days),
                created_at=set_at,
                embedded_at=set_at + datetime.timedelta(days=relationship.rhythm_days)
                if status == "embedded"
                else None,
            )
        )
    ActionStep.objects.bulk_create(steps, batch_size=BATCH)
    return {
        "relationships": len(made),
        "memberships": len(memberships),
        "observations": len(observations),
        "meetings": len(meetings),
        "steps": len(steps),
    }

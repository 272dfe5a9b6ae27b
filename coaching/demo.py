"""
Coaching for the demo community: the starter step library; the demo teacher coached by the
demo expert, who works in another school (an observation, a meeting, a current step to check
back on soon); the expert coaching a second teacher, whose check-back is overdue.

Idempotent: the library is kept by title; each demo relationship is found by its two people
and its cycle rewritten to the dates below (relative to today).
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from hubs.models import User

from .library import starter_step
from .models import ActionStep, Meeting, Membership, Observation, Relationship, Step, StepEvent
from .starter_steps import STARTER_STEPS


def seed_library() -> list[Step]:
    return [
        starter_step(title=title, action=action, success_criteria=criteria, category=category)
        for category, title, action, criteria in STARTER_STEPS
    ]


def _pair(coach: User, teacher: User, *, by: User | None, started: datetime.date) -> Relationship:
    relationship = (
        Relationship.objects.filter(memberships__user=coach, memberships__role="coach")
        .filter(memberships__user=teacher, memberships__role="teacher")
        .first()
    )
    if relationship is None:
        relationship = Relationship.objects.create(created_by=by, started_on=started)
        Membership.objects.create(
            relationship=relationship, user=coach, role="coach", school_id=coach.school_id
        )
        Membership.objects.create(
            relationship=relationship, user=teacher, role="teacher", school_id=teacher.school_id
        )
    Relationship.objects.filter(pk=relationship.pk).update(
        status=Relationship.Status.ACTIVE,
        rhythm_days=14,
        started_on=started,
        ended_at=None,
        content_removed_at=None,
    )
    relationship.observations.all().delete()
    relationship.steps.all().delete()
    relationship.meetings.all().delete()
    return relationship


def _cycle(
    relationship: Relationship,
    *,
    coach: User,
    teacher: User,
    today: datetime.date,
    observed: int,
    met: int,
    check_back: int,
    step: Step,
    focus: str,
    notes: str,
    praise: str,
) -> None:
    day = lambda n: today - datetime.timedelta(days=n)  # noqa: E731 -- days ago
    observation = Observation.objects.create(
        relationship=relationship,
        teacher=teacher,
        observer=coach,
        kind=Observation.Kind.COACHING,
        date=day(observed),
        focus=focus,
        notes=notes,
    )
    meeting = Meeting.objects.create(
        relationship=relationship,
        teacher=teacher,
        coach=coach,
        observation=observation,
        date=day(met),
        praise=praise,
        rehearsed=True,
    )
    action = ActionStep.objects.create(
        relationship=relationship,
        teacher=teacher,
        meeting=meeting,
        library_step=step,
        action=step.action,
        success_criteria=step.success_criteria,
        category=step.category,
        check_back=today + datetime.timedelta(days=check_back),
        status=ActionStep.Status.PRACTISING,
    )
    at = timezone.make_aware(datetime.datetime.combine(day(met), datetime.time(16, 0)))
    StepEvent.objects.create(step=action, status=ActionStep.Status.SET, by=coach, at=at)
    StepEvent.objects.create(
        step=action,
        status=ActionStep.Status.PRACTISING,
        by=teacher,
        at=at + datetime.timedelta(days=1),
    )


@transaction.atomic
def seed(today: datetime.date | None = None) -> None:
    today = today or timezone.localdate()
    steps = {s.title: s for s in seed_library()}
    teacher = User.objects.get(email="teacher@demo.test")
    expert = User.objects.get(email="expert@demo.test")
    leader = User.objects.get(email="leader@demo.test")
    demo = {"teacher@demo.test", "expert@demo.test", "leader@demo.test", "coordinator@demo.test"}
    second = (
        User.objects.filter(is_active=True, school__isnull=False)
        .exclude(email__in=demo)
        .exclude(school_id__in=[teacher.school_id, expert.school_id])
        .order_by("email")
        .first()
    )
    mine = _pair(expert, teacher, by=leader, started=today - datetime.timedelta(days=30))
    _cycle(
        mine,
        coach=expert,
        teacher=teacher,
        today=today,
        observed=9,
        met=8,
        check_back=2,
        step=steps["Cold call after thinking time"],
        focus="Questioning in the first ten minutes of maths",
        notes="Questions went to hands up; the same four pupils answered most of them. "
        "Pupils listened well during the explanation.",
        praise="Clear, calm start: the do-now was on the board and everyone began at once.",
    )
    if second is not None:
        theirs = _pair(expert, second, by=None, started=today - datetime.timedelta(days=60))
        _cycle(
            theirs,
            coach=expert,
            teacher=second,
            today=today,
            observed=24,
            met=22,
            check_back=-5,
            step=steps["Mini-whiteboards: show me"],
            focus="Checking for understanding before independent work",
            notes="The class moved to independent work after asking whether everyone "
            "understood; several books showed the same error in the first question.",
            praise="Precise explanation of the method with a worked example beside it.",
        )

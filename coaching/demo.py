"""
Coaching for the demo community: the starter step library; the demo teacher coached by the
demo expert, who works in another school (an observation, a meeting, a current step to check
back on soon); the expert coaching a second teacher, whose check-back is overdue.

The expert has planned a visit to the teacher's school, with release time waiting for her own
CPD leader (coaching/visits.py).

Idempotent: the library is kept by title; each demo relationship is found by its two people
and its cycle rewritten to the dates below (relative to today).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from cpd_sessions.booking import booking_create
from cpd_sessions.models import DevelopmentSession
from hubs.models import User

from . import permissions, visits
from .library import starter_step
from .models import (
    ActionStep,
    Meeting,
    Membership,
    Observation,
    Relationship,
    Share,
    Step,
    StepEvent,
    Visit,
)
from .starter_steps import STARTER_STEPS, WRITTEN_MODELS


def seed_library() -> list[Step]:
    return [
        starter_step(
            title=title,
            action=action,
            success_criteria=criteria,
            category=category,
            model_example=WRITTEN_MODELS[title],
        )
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


def _school_day(date: datetime.date) -> datetime.date:
    """The date, or the Friday before it when it falls at a weekend (coaching happens in school)."""
    return date - datetime.timedelta(days=max(0, date.weekday() - 4))


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
    status: str = ActionStep.Status.PRACTISING,
) -> ActionStep:
    day = lambda n: _school_day(today - datetime.timedelta(days=n))  # noqa: E731 -- days ago
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
    at = timezone.make_aware(datetime.datetime.combine(day(met), datetime.time(16, 0)))
    action = ActionStep.objects.create(
        relationship=relationship,
        teacher=teacher,
        created_at=at,
        meeting=meeting,
        library_step=step,
        action=step.action,
        success_criteria=step.success_criteria,
        category=step.category,
        check_back=_school_day(today + datetime.timedelta(days=check_back)),
        status=status,
        embedded_at=(
            timezone.make_aware(datetime.datetime.combine(day(met - 14), datetime.time(16, 0)))
            if status == ActionStep.Status.EMBEDDED
            else None
        ),
    )
    StepEvent.objects.create(step=action, status=ActionStep.Status.SET, by=coach, at=at)
    StepEvent.objects.create(
        step=action,
        status=ActionStep.Status.PRACTISING,
        by=teacher,
        at=at + datetime.timedelta(days=1),
    )
    if status == ActionStep.Status.EMBEDDED:
        StepEvent.objects.create(step=action, status=status, by=coach, at=action.embedded_at)
    return action


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
    # An earlier step, embedded: the teacher may copy it into her portfolio, and has shown it
    # to her CPD leader.
    embedded = _cycle(
        mine,
        coach=expert,
        teacher=teacher,
        today=today,
        observed=27,
        met=26,
        check_back=-12,
        step=steps["Rehearse one transition"],
        focus="Transitions from the carpet to tables",
        notes="Pupils waited for instructions at their tables; about two minutes lost.",
        praise="Warm, orderly welcome at the door; the class settled quickly.",
        status=ActionStep.Status.EMBEDDED,
    )
    Share.objects.create(owner=teacher, colleague=leader, step=embedded)
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

    _request_waiting(expert, today)
    _proposal_waiting(expert)
    _visit_planned(mine, expert, today)


def _visit_planned(relationship: Relationship, coach: User, today: datetime.date) -> None:
    """The expert has planned a visit to the teacher's school, in her own school day, and
    booked it: the release request waits for her own school's CPD leader. Planned once: while
    an upcoming visit of the pair is still on, a second seeding leaves it."""
    if coach.school_id is None or not permissions.can_plan_visit(coach, relationship):
        return
    upcoming = Visit.objects.filter(
        relationship=relationship,
        session__status=DevelopmentSession.Status.PUBLISHED,
        session__start__gt=timezone.now(),
    )
    if upcoming.exists():
        return
    day = today + datetime.timedelta(days=10)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    visit = visits.visit_plan(
        relationship=relationship,
        by=coach,
        school=permissions.visit_schools(relationship, coach)[0],
        date=day,
        start_time=datetime.time(9, 0),
        end_time=datetime.time(11, 30),
        purpose=Visit.Purpose.BOTH,
    )
    booking_create(
        session=visit.session,
        user=coach,
        release={
            "cover_lessons": 2,
            "cover_notes": "Periods 1 and 2",
            "supply_cost": Decimal("90.00"),
            "travel_cost": Decimal("12.60"),
            "goal": "Coaching across our schools",
        },
    )


def _request_waiting(expert: User, today: datetime.date) -> None:
    """A teacher in a third school has asked the expert for coaching: it waits for her answer."""
    asking = (
        User.objects.filter(is_active=True, school__isnull=False)
        .exclude(email__endswith="@demo.test")
        .exclude(school_id=expert.school_id)
        .order_by("-email")
        .first()
    )
    if asking is None:
        return
    waiting = (
        Relationship.objects.filter(status=Relationship.Status.REQUESTED)
        .filter(memberships__user=expert, memberships__role="coach")
        .filter(memberships__user=asking, memberships__role="teacher")
        .first()
    )
    if waiting is None:
        waiting = Relationship.objects.create(
            status=Relationship.Status.REQUESTED,
            created_by=asking,
            started_on=today,
            request_message="I would like help with questioning in Year 8: the same few "
            "pupils answer everything.",
        )
        Membership.objects.create(
            relationship=waiting, user=expert, role="coach", school_id=expert.school_id
        )
        Membership.objects.create(
            relationship=waiting, user=asking, role="teacher", school_id=asking.school_id
        )


def _proposal_waiting(expert: User) -> None:
    """A step the expert proposed for the community's library, waiting for the coordinator."""
    Step.objects.get_or_create(
        title="Show-call a strong answer",
        school=None,
        defaults={
            "action": "Choose one pupil's book while they work, show it on the visualiser and "
            "ask the class what makes the answer strong.",
            "success_criteria": "Pupils name one feature of the answer and add it to their own.",
            "category": "feedback",
            "proposed_by": expert,
            "status": Step.Status.PROPOSED,
        },
    )

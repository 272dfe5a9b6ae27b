"""Coaching rows for tests, made through the services a person would use."""

from __future__ import annotations

import datetime

from django.utils import timezone

from coaching import library, services, visits
from coaching.models import Category, Relationship, Step, Visit
from tests.cpd_sessions.factories import london

SECRET_NOTE = "Secret observation note: the plenary drifted"
SECRET_PRAISE = "Secret praise: calm, precise start"
SECRET_STEP = "Secret step: pause three seconds before naming who answers"
SECRET_MESSAGE = "Secret request: my Year 9 class"


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def pair(coach, teacher, *, by, rhythm_days: int = 14, started=None) -> Relationship:
    return services.relationship_create(
        by=by,
        coaches=[coach],
        teachers=[teacher],
        rhythm_days=rhythm_days,
        started_on=started,
    )


def community_step(by, title: str = "Cold call", category: str = Category.QUESTIONING) -> Step:
    return library.step_propose(
        by=by,
        title=title,
        action="Ask, wait three seconds, then name the pupil.",
        success_criteria="Every pupil is thinking during the pause.",
        category=category,
        model_link="https://example.test/cold-call",
    )


def full_cycle(relationship: Relationship, coach, teacher, *, met: int = -1, check_back: int = 7):
    """An observation, then a meeting that sets a step (with the secret words in each)."""
    observation = services.observation_record(
        relationship=relationship,
        by=coach,
        teacher=teacher,
        kind="coaching",
        date=days(met - 1),
        focus="Questioning",
        notes=SECRET_NOTE,
    )
    meeting = services.meeting_record(
        relationship=relationship,
        by=coach,
        teacher=teacher,
        date=days(met),
        praise=SECRET_PRAISE,
        notes="",
        rehearsed=True,
        observation=observation,
        action=SECRET_STEP,
        success_criteria="Hands down, every pupil ready",
        category=Category.QUESTIONING,
        check_back=days(check_back),
    )
    return observation, meeting, meeting.steps.get()


def visit_day() -> datetime.date:
    return timezone.localdate(london(10, 9, 0))


def plan_visit(relationship, coach, school, **overrides) -> Visit:
    return visits.visit_plan(
        relationship=relationship,
        by=coach,
        school=school,
        **{
            "date": visit_day(),
            "start_time": datetime.time(9, 0),
            "end_time": datetime.time(11, 30),
            "purpose": Visit.Purpose.BOTH,
        }
        | overrides,
    )

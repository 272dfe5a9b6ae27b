"""
Writes to the step library: a proposal (published at once when its author curates that part
of the library), a curator's publish or decline, and a curator's edit.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from hubs.models import Phase, School, Subject, User

from . import permissions
from .models import Step
from .starter_steps import STARTER_STEPS, WRITTEN_MODELS


def _curates(user: User, school: School | None) -> bool:
    return permissions.can_curate(user, school.pk if school else None)


@transaction.atomic
def step_propose(
    *,
    by: User,
    title: str,
    action: str,
    success_criteria: str,
    category: str,
    model_link: str = "",
    model_example: str = "",
    school: School | None = None,
    phases: Iterable[Phase] = (),
    subjects: Iterable[Subject] = (),
) -> Step:
    """A new step for the community's library (``school`` None) or a school's: published at
    once by a curator of that part, otherwise waiting for one."""
    permissions.require_can_propose(by)
    step = Step(
        title=title.strip(),
        action=action.strip(),
        success_criteria=success_criteria.strip(),
        category=category,
        model_link=model_link,
        model_example=model_example.strip(),
        school=school,
        proposed_by=by,
        status=Step.Status.PUBLISHED if _curates(by, school) else Step.Status.PROPOSED,
    )
    step.full_clean()
    step.save()
    step.phases.set(phases)
    step.subjects.set(subjects)
    return step


@transaction.atomic
def step_decide(*, step: Step, by: User, publish: bool) -> Step:
    """A curator publishes or declines a proposal."""
    permissions.require_can_curate(by, step.school_id)
    step = Step.objects.select_for_update().get(pk=step.pk)
    if step.status == Step.Status.PROPOSED:
        step.status = Step.Status.PUBLISHED if publish else Step.Status.DECLINED
        step.save(update_fields=["status"])
    return step


def starter_step(
    *,
    title: str,
    action: str,
    success_criteria: str,
    category: str,
    model_example: str = "",
    model_link: str = "",
) -> Step:
    """The demo's starter library: a community step, published, kept by title (idempotent;
    the demo's words win, unlike ``starter_steps_load``)."""
    step, _ = Step.objects.update_or_create(
        title=title,
        school=None,
        defaults={
            "action": action,
            "success_criteria": success_criteria,
            "category": category,
            "model_link": model_link,
            "model_example": model_example,
            "status": Step.Status.PUBLISHED,
        },
    )
    return step


@transaction.atomic
def starter_steps_load() -> int:
    """A real community's starter library: each starter step its coordinator does not already
    have (by title) added as a published community step; steps already there are left as the
    coordinator keeps them. Returns how many were added."""
    have = set(Step.objects.filter(school=None).values_list("title", flat=True))
    added = Step.objects.bulk_create(
        Step(
            title=title,
            action=action,
            success_criteria=criteria,
            category=category,
            model_example=WRITTEN_MODELS[title],
            status=Step.Status.PUBLISHED,
        )
        for category, title, action, criteria in STARTER_STEPS
        if title not in have
    )
    return len(added)

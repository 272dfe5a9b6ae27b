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
    *, title: str, action: str, success_criteria: str, category: str, model_link: str = ""
) -> Step:
    """The demo's starter library: a community step, published, kept by title (idempotent)."""
    step, _ = Step.objects.update_or_create(
        title=title,
        school=None,
        defaults={
            "action": action,
            "success_criteria": success_criteria,
            "category": category,
            "model_link": model_link,
            "status": Step.Status.PUBLISHED,
        },
    )
    return step

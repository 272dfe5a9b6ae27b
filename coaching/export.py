"""
A person's coaching for "download my data" (privacy/collect.py): what is written in a
relationship is both members' personal data, so each member gets all of it. What someone set
up without being in it (a CPD leader's pairing) is there without the words inside; what a
colleague showed them is the colleague's (the share is listed, not the words).
"""

from __future__ import annotations

from collections.abc import Callable

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


def coaching_data(user, rows: Callable) -> dict[str, list]:
    """``rows`` is the export's row writer (privacy.collect.rows)."""
    mine = Relationship.objects.filter(memberships__user=user).distinct()
    return {
        "relationships": rows(mine),
        "members": rows(Membership.objects.filter(relationship__in=mine)),
        "observations": rows(Observation.objects.filter(relationship__in=mine)),
        "meetings": rows(Meeting.objects.filter(relationship__in=mine)),
        "steps": rows(ActionStep.objects.filter(relationship__in=mine)),
        "step_history": rows(StepEvent.objects.filter(step__relationship__in=mine)),
        # A visit is a date at a school (its session and the coach's booking are exported by
        # the sessions' sections): both members' coaching, like the rest of the relationship.
        "visits": rows(Visit.objects.filter(relationship__in=mine)),
        "relationships_you_set_up": rows(
            Relationship.objects.filter(created_by=user).exclude(pk__in=mine),
            leave_out={"request_message"},
        ),
        "items_you_shared": rows(Share.objects.filter(owner=user)),
        "items_shared_with_you": rows(Share.objects.filter(colleague=user)),
        "library_steps_you_proposed": rows(Step.objects.filter(proposed_by=user)),
        "steps_you_moved_elsewhere": rows(
            StepEvent.objects.filter(by=user).exclude(step__relationship__in=mine)
        ),
    }

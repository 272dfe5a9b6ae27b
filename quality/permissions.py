"""
Who may do what with a school's review: each rule once, with its sentence. ``can_*`` answers;
``require_*`` refuses (the view calls it for a page, the service for a write).

The review is the school's: its CPD leaders run it. The invited peer reviewer reads it and
writes findings. The coordinator sees levels and completion on the school's page and the
community's, and reads the report only when the school shares it. Nobody else finds a review
(the views give 404). The staff survey's answers are nobody's: they are shown as figures once
5 or more have answered, and never with a person.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from hubs.models import School

from .models import Review


def leads(user, school: School) -> bool:
    """The school's CPD leaders run its review."""
    return user.is_authenticated and school.pk in user.led_school_ids


def is_reviewer(user, review: Review) -> bool:
    peer = getattr(review, "peer_review", None)
    return user.is_authenticated and peer is not None and peer.reviewer_id == user.pk


def can_see_levels(user, school: School) -> bool:
    """Levels and completion, year on year: the school's leaders and the coordinator."""
    return leads(user, school) or (user.is_authenticated and user.is_coordinator)


def require_can_see_levels(user, school: School) -> None:
    if not can_see_levels(user, school):
        raise PermissionDenied(
            "A school's review is for its CPD leaders; the coordinator sees its levels."
        )


def can_read(user, review: Review) -> bool:
    """The whole review (comments, survey results, findings, actions): the school's leaders,
    its peer reviewer, and the coordinator once the school shares it."""
    if leads(user, review.school) or is_reviewer(user, review):
        return True
    return user.is_authenticated and user.is_coordinator and review.shared


def require_can_read(user, review: Review) -> None:
    if not can_read(user, review):
        raise Http404("No such review.")


def require_leads(user, review_or_school) -> None:
    school = getattr(review_or_school, "school", review_or_school)
    if not leads(user, school):
        raise PermissionDenied("Only the school's CPD leaders change its review.")


def can_invite_reviewer(user, school: School) -> bool:
    """The school's leaders or the coordinator invite a peer reviewer."""
    return can_see_levels(user, school)


def require_can_invite_reviewer(user, school: School) -> None:
    if not can_invite_reviewer(user, school):
        raise PermissionDenied(
            "A peer reviewer is invited by the school's CPD leaders or the coordinator."
        )


def require_is_reviewer(user, review: Review) -> None:
    if not is_reviewer(user, review):
        raise PermissionDenied("Only the invited peer reviewer writes the findings.")


def can_see_community(user) -> bool:
    return user.is_authenticated and user.is_coordinator


def require_can_see_community(user) -> None:
    if not can_see_community(user):
        raise PermissionDenied("The community's reviews are for the coordinator.")

"""
Who may do what with required training: each rule once, with its sentence. ``can_*`` answers;
``require_*`` refuses with the rule's sentence and is called from one place (the service for a
write, the view for a page).

- The coordinator sets the community's requirements; a school's CPD leaders set their school's
  (the coordinator may too).
- A person records their own completions; their school's CPD leaders record them for them.
- A certificate is seen by its owner and their school's CPD leaders only: not by colleagues,
  not by another school, not by the coordinator (who sees every school's statuses, not the
  documents behind them).
- The staff by requirements matrix is for the school's CPD leaders and the coordinator; the
  community's summary (counts) for the coordinator.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from .models import Completion, Requirement


def can_add_requirement(user, school) -> bool:
    """The coordinator adds the community's requirements (``school`` None) and any school's;
    a CPD leader adds their own school's."""
    if not user.is_authenticated:
        return False
    if user.is_coordinator:
        return True
    return school is not None and school.pk in user.led_school_ids


def require_can_add_requirement(user, school) -> None:
    if not can_add_requirement(user, school):
        raise PermissionDenied(
            "The coordinator sets the community's required training; a school's CPD leaders "
            "set their school's."
        )


def can_manage_requirement(user, requirement: Requirement) -> bool:
    """Whoever may add a requirement there changes it, links sessions to it and retires it."""
    if not user.is_authenticated:
        return False
    return user.is_coordinator or (
        requirement.school_id is not None and requirement.school_id in user.led_school_ids
    )


def require_can_manage_requirement(user, requirement: Requirement) -> None:
    if not can_manage_requirement(user, requirement):
        raise PermissionDenied(
            "A requirement is changed by the coordinator, or by the CPD leaders of its school."
        )


def can_manage_any(user) -> bool:
    return user.is_authenticated and (user.is_coordinator or user.is_cpd_leader)


def can_record_for(user, person) -> bool:
    """A person records their own training; their school's CPD leaders record it for them."""
    if not user.is_authenticated or not person.is_active or person.school_id is None:
        return False
    return person.pk == user.pk or person.school_id in user.led_school_ids


def require_can_record_for(user, person) -> None:
    if not can_record_for(user, person):
        raise PermissionDenied(
            "Training is recorded by the person who did it, or by their school's CPD leaders."
        )


def can_change_completion(user, completion: Completion) -> bool:
    """Whoever may record it for the person deletes a completion recorded by mistake."""
    return can_record_for(user, completion.user)


def require_can_change_completion(user, completion: Completion) -> None:
    if not can_change_completion(user, completion):
        raise PermissionDenied(
            "A completion is removed by the person, or by their school's CPD leaders."
        )


def can_see_certificate(user, completion: Completion) -> bool:
    """A certificate: its owner and their school's CPD leaders only."""
    if not user.is_authenticated:
        return False
    return completion.user_id == user.pk or (
        completion.user.school_id is not None and completion.user.school_id in user.led_school_ids
    )


def can_see_matrix(user, school) -> bool:
    """A school's training matrix: its CPD leaders and the coordinator."""
    return user.is_authenticated and (user.is_coordinator or school.pk in user.led_school_ids)


def require_can_see_matrix(user, school) -> None:
    if not can_see_matrix(user, school):
        raise PermissionDenied(
            "A school's training matrix is for its CPD leaders and the community coordinator."
        )


def can_see_community(user) -> bool:
    return user.is_authenticated and user.is_coordinator


def require_can_see_community(user) -> None:
    if not can_see_community(user):
        raise PermissionDenied("The community's training summary is for the coordinator.")


def can_see_person(user, person) -> bool:
    """A person's training page in the matrix: their school's CPD leaders."""
    return (
        user.is_authenticated
        and person.school_id is not None
        and person.school_id in user.led_school_ids
    )


def require_can_see_person(user, person) -> None:
    if not can_see_person(user, person):
        raise PermissionDenied("A person's training is kept by their school's CPD leaders.")


def require_can_add_requirement_anywhere(user) -> None:
    if not can_manage_any(user):
        raise PermissionDenied(
            "Required training is set by the coordinator and by schools' CPD leaders."
        )

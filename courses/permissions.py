"""Who may do what with courses, each rule once, with its sentence."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from hubs.models import User

from .models import Course, CourseRequest


def can_see_course(user: User, course: Course) -> bool:
    """A course is the whole community's; a hidden one is the coordinator's alone."""
    return user.is_authenticated and (not course.is_hidden or user.is_coordinator)


def can_add_course(user: User) -> bool:
    """The coordinator, or any member of staff adding a course they have attended (the form
    asks when)."""
    return user.is_authenticated and user.is_active


def can_moderate(user: User) -> bool:
    """Only the coordinator hides a course (or shows it again)."""
    return user.is_authenticated and user.is_coordinator


def require_can_moderate(user: User) -> None:
    if not can_moderate(user):
        raise PermissionDenied("Only the coordinator can hide a course.")


def can_request(user: User) -> bool:
    """A member of a school asks their CPD leader: someone with no school has nobody to ask."""
    return user.is_authenticated and user.is_active and user.school_id is not None


def require_can_request(user: User) -> None:
    if not can_request(user):
        raise PermissionDenied(
            "Only staff of a school in the community can ask to attend: your CPD leader decides."
        )


def can_review(user: User, course: Course) -> bool:
    """Anyone who attended it (the form asks when), if they may see it."""
    return can_see_course(user, course) and user.is_active


def require_can_review(user: User, course: Course) -> None:
    if not can_review(user, course):
        raise PermissionDenied("You cannot review this course.")


def can_cancel_request(user: User, request: CourseRequest) -> bool:
    """Only the person who asked cancels their request."""
    return user.is_authenticated and request.requester_id == user.pk


def require_can_cancel_request(user: User, request: CourseRequest) -> None:
    if not can_cancel_request(user, request):
        raise PermissionDenied("Only the person who asked can cancel this request.")


def can_keep_networks(user: User) -> bool:
    """Only the coordinator adds, changes and removes outside networks; everyone reads them."""
    return user.is_authenticated and user.is_coordinator


def require_can_keep_networks(user: User) -> None:
    if not can_keep_networks(user):
        raise PermissionDenied("Only the coordinator keeps the list of outside networks.")

"""Who sees which slice of the dashboard: the coordinator all of it, a CPD leader their school's."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from hubs.permissions import is_cpd_leader_of, require_coordinator

__all__ = ["can_see_school_dashboard", "require_coordinator", "require_school_dashboard"]


def can_see_school_dashboard(user, school) -> bool:
    return is_cpd_leader_of(user, school) or (user.is_authenticated and user.is_coordinator)


def require_school_dashboard(user, school) -> None:
    if not can_see_school_dashboard(user, school):
        raise PermissionDenied(
            "This school's dashboard is for its CPD leaders and the community coordinator."
        )

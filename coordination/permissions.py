"""Who sees which slice of the dashboard: the coordinator all of it, a CPD leader their school's."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from hubs.permissions import is_cpd_leader_of, require_coordinator

__all__ = [
    "can_see_school_dashboard",
    "dashboard_hub_ids",
    "require_coordinator",
    "require_school_dashboard",
]


def dashboard_hub_ids(user, asked: str | None) -> list[int] | None:
    """
    Whose dashboard a person may see: a coordinator the community's (None: no limit), a hub
    leader their own hubs' (the ids; asking for another hub is refused), anyone else nothing.
    """
    if user.is_authenticated and user.is_coordinator:
        return None
    led = dict(user.led_hubs.values_list("slug", "pk")) if user.is_authenticated else {}
    if not led or (asked and asked not in led):
        raise PermissionDenied(
            "This dashboard is for community coordinators, and a hub's slice for its hub leaders."
        )
    return list(led.values())


def can_see_school_dashboard(user, school) -> bool:
    return is_cpd_leader_of(user, school) or (user.is_authenticated and user.is_coordinator)


def require_school_dashboard(user, school) -> None:
    if not can_see_school_dashboard(user, school):
        raise PermissionDenied(
            "This school's dashboard is for its CPD leaders and the community coordinator."
        )

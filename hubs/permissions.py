"""
Who may do what in the community's structure. Plain functions, used by views,
templates and tests alike. Roles come from relations (docs/architecture.md, "How we write code").
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied

if TYPE_CHECKING:
    from .models import Hub, School, SubjectNetwork, User


def is_cpd_leader_of(user, school: School | None) -> bool:
    if school is None or not user.is_authenticated:
        return False
    return school.pk in user.led_school_ids


def can_invite_to(user, school: School) -> bool:
    """A CPD leader invites to their own school; a coordinator to any school."""
    return is_cpd_leader_of(user, school) or (user.is_authenticated and user.is_coordinator)


def can_see_school_staff(user, school: School) -> bool:
    """The staff list (with sign-up state) is for the school's CPD leaders and coordinators."""
    return can_invite_to(user, school)


def can_join_network(user, network: SubjectNetwork) -> bool:
    """A hub's network is for that hub's schools; a community-wide network is for everyone."""
    if not user.is_authenticated:
        return False
    if network.hub_id is None or user.is_coordinator:
        return True
    return user.school is not None and user.school.hub_id == network.hub_id


def can_remove_user(user, person: User) -> bool:
    """Deactivating or deleting an account: the coordinator, or the person themselves."""
    if not user.is_authenticated:
        return False
    return user.pk == person.pk or user.is_coordinator


def require_coordinator(user) -> None:
    """The coordinator's pages (ask ``user.is_coordinator``: the one way of asking)."""
    if not (user.is_authenticated and user.is_coordinator):
        raise PermissionDenied("This page is for community coordinators.")


def require_can_invite_to(user, school: School) -> None:
    if not can_invite_to(user, school):
        raise PermissionDenied(
            "Only this school's CPD leaders and the coordinator can invite staff or withdraw "
            "invitations."
        )


def require_can_join_network(user, network: SubjectNetwork) -> None:
    if not can_join_network(user, network):
        raise PermissionDenied(
            f"{network.name} is for staff of {network.hub.name} schools. Ask its lead if you "
            "would like to take part."
        )


def require_can_remove_user(user, person: User) -> None:
    if not can_remove_user(user, person):
        raise PermissionDenied("Only the coordinator (or the person themselves) can do this.")


def can_import_staff(user, school: School) -> bool:
    """Staff lists: a CPD leader for their own school, a coordinator for any school."""
    return can_invite_to(user, school)


def require_can_import_staff(user, school: School) -> None:
    if not can_import_staff(user, school):
        raise PermissionDenied("Only this school's CPD leaders and the coordinator import staff.")


def require_own_import_job(user, job) -> None:
    """An import's progress, preview and confirmation are only for whoever uploaded the file."""
    if not (user.is_authenticated and job.created_by_id == user.pk):
        raise PermissionDenied("This import is someone else's.")


def require_can_run_import(user, *, kind: str, school: School | None) -> None:
    """Schools, and staff for any school, are the coordinator's; a school's staff, its leaders'."""
    if kind == "staff" and school is not None:
        require_can_import_staff(user, school)
    else:
        require_coordinator(user)


def can_edit_school_domains(user, school: School) -> bool:
    """A school's email domains decide who may sign up for it: its CPD leaders, a coordinator."""
    return can_invite_to(user, school)


def require_can_edit_school_domains(user, school: School) -> None:
    if not can_edit_school_domains(user, school):
        raise PermissionDenied(
            "Only this school's CPD leaders and the coordinator change its email domains."
        )


def lone_ranger_hub_ids(user) -> list[int] | None:
    """
    Whose lone rangers a person may see: a coordinator everyone's (None: no limit), a hub
    leader their hubs' (the ids), anyone else nobody's (an empty list).
    """
    if not user.is_authenticated:
        return []
    if user.is_coordinator:
        return None
    return list(user.led_hubs.values_list("pk", flat=True))


def require_can_see_lone_rangers(user) -> list[int] | None:
    hub_ids = lone_ranger_hub_ids(user)
    if hub_ids == []:
        raise PermissionDenied("The list of lone rangers is for the coordinator and hub leaders.")
    return hub_ids


def can_invite_lone_rangers(user) -> bool:
    """The coordinator invites lone rangers now (the nightly job does it anyway)."""
    return user.is_authenticated and user.is_coordinator


def require_can_invite_lone_rangers(user) -> None:
    if not can_invite_lone_rangers(user):
        raise PermissionDenied("Only the coordinator can send the lone rangers' invitations.")


def can_edit_hub(user, hub: Hub) -> bool:
    """A hub's leaders edit its description and see its lone rangers; so does the coordinator.
    (Reads ``hub.leaders.all()``: prefetched by the hub page, so no query there.)"""
    if not user.is_authenticated:
        return False
    return user.is_coordinator or any(person.pk == user.pk for person in hub.leaders.all())


def leads_network(user, network: SubjectNetwork) -> bool:
    """A network's leads (and the coordinator) are asked to plan its meetings."""
    if not user.is_authenticated:
        return False
    return user.is_coordinator or any(person.pk == user.pk for person in network.leads.all())


def require_can_edit_hub(user, hub: Hub) -> None:
    if not can_edit_hub(user, hub):
        raise PermissionDenied(f"Only the leaders of {hub.name} and the coordinator can edit it.")

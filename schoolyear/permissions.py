"""
Who may do what with the school's year, each rule written once:

- a team: its members see it; its leader and the school's CPD leaders edit it; nobody else
  (another school's leader, the coordinator) sees its notes: 404 (``selectors.team_for``);
- the year planner: the school's staff see the published plan, its CPD leaders plan and
  publish it; the coordinator sees every school's plan and proposes community-wide dates;
- "what I will try": each member writes their own.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from hubs.models import School
from hubs.permissions import is_cpd_leader_of

from .models import Team


def can_plan(user, school: School) -> bool:
    """Planning the year, writing priorities, setting up teams: the school's CPD leaders."""
    return is_cpd_leader_of(user, school)


def require_can_plan(user, school: School) -> None:
    if not can_plan(user, school):
        raise PermissionDenied("Only this school's CPD leaders plan its year.")


def can_see_plan(user, school: School) -> bool:
    """The school's staff, its CPD leaders and the coordinator (who compares schools' dates)."""
    if not user.is_authenticated:
        return False
    return user.school_id == school.pk or can_plan(user, school) or user.is_coordinator


def can_see_draft(user, school: School) -> bool:
    return can_plan(user, school) or (user.is_authenticated and user.is_coordinator)


def can_edit_team(user, team: Team) -> bool:
    """The team's leader and the school's CPD leaders."""
    if not user.is_authenticated:
        return False
    return team.leader_id == user.pk or is_cpd_leader_of(user, team.school)


def require_can_edit_team(user, team: Team) -> None:
    if not can_edit_team(user, team):
        raise PermissionDenied("Only the team's leader and the school's CPD leaders edit a team.")


def is_member(user, team: Team) -> bool:
    return user.is_authenticated and team.memberships.filter(user=user).exists()


def require_member(user, team: Team) -> None:
    if not is_member(user, team):
        raise PermissionDenied("Only the team's members say what they will try.")


def require_coordinator(user) -> None:
    if not (user.is_authenticated and user.is_coordinator):
        raise PermissionDenied("This page is for community coordinators.")

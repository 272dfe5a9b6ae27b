"""Teams: set up by the school's CPD leaders; members added by them or the team's leader."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from hubs.models import School, User

from .models import Team, TeamMembership
from .permissions import require_can_edit_team, require_can_plan


def _staff_of(school: School, user: User | None, field: str) -> None:
    if user is not None and (user.school_id != school.pk or not user.is_active):
        raise ValidationError({field: "Choose a member of staff of this school."})


@transaction.atomic
def team_create(
    *, school: School, by: User, name: str, kind: str, leader: User | None = None, focus: str = ""
) -> Team:
    require_can_plan(by, school)
    _staff_of(school, leader, "leader")
    team = Team(school=school, name=name.strip(), kind=kind, leader=leader, focus=focus.strip())
    team.full_clean()
    try:
        with transaction.atomic():
            team.save()
    except IntegrityError:
        raise ValidationError({"name": "This school already has a team of that name."}) from None
    if leader is not None:
        TeamMembership.objects.get_or_create(team=team, user=leader)
    return team


@transaction.atomic
def team_update(*, team: Team, by: User, focus: str, leader: User | None = None) -> Team:
    """The shared focus (the team's leader or a CPD leader); the leader (a CPD leader only)."""
    require_can_edit_team(by, team)
    team.focus = focus.strip()
    fields = ["focus"]
    if leader is not None and leader.pk != team.leader_id:
        require_can_plan(by, team.school)
        _staff_of(team.school, leader, "leader")
        team.leader = leader
        fields.append("leader")
        TeamMembership.objects.get_or_create(team=team, user=leader)
    team.full_clean()
    team.save(update_fields=fields)
    return team


@transaction.atomic
def member_add(*, team: Team, by: User, user: User) -> TeamMembership:
    require_can_edit_team(by, team)
    _staff_of(team.school, user, "user")
    membership, _ = TeamMembership.objects.get_or_create(team=team, user=user)
    return membership


@transaction.atomic
def member_remove(*, team: Team, by: User, user: User) -> None:
    require_can_edit_team(by, team)
    if user.pk == team.leader_id:
        raise ValidationError("Choose another leader before taking the leader out of the team.")
    TeamMembership.objects.filter(team=team, user=user).delete()

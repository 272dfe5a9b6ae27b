"""Teams: set up by the school's CPD leaders; members added by them or the team's leader, or
by a staff import's Department column (``departments_join``)."""

from __future__ import annotations

from collections import defaultdict

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


def departments_join(rows: list[tuple[int, int, str]]) -> tuple[int, int]:
    """A staff import's Department column (registered with hubs.onboarding.departments; the
    import has checked who may import and hands over only its own school's people): each person
    joins their school's team of that name (matched whatever the case), made as a department
    team when the school has none. Someone already in it is left as they are. Another school's
    teams and people are never touched: each row's person must be staff of the row's school.
    Returns (people added to a team, teams made); a few queries per school in the file."""
    by_school: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for school_id, user_id, name in rows:
        if name.strip():
            by_school[school_id].append((user_id, name.strip()))
    joined = made = 0
    for school_id, pairs in by_school.items():
        staff = set(
            User.objects.filter(school_id=school_id, pk__in=[u for u, _ in pairs]).values_list(
                "pk", flat=True
            )
        )
        teams = {t.name.lower(): t for t in Team.objects.filter(school_id=school_id)}
        new: dict[str, Team] = {}
        for user_id, name in pairs:
            if user_id in staff and name.lower() not in teams and name.lower() not in new:
                new[name.lower()] = Team(school_id=school_id, name=name, kind=Team.Kind.DEPARTMENT)
        Team.objects.bulk_create(list(new.values()))  # one line of text, 100 at most: staff.py
        teams |= new
        known = set(
            TeamMembership.objects.filter(team__school_id=school_id, user_id__in=staff).values_list(
                "team_id", "user_id"
            )
        )
        wanted = {(teams[n.lower()].pk, u) for u, n in pairs if u in staff} - known
        TeamMembership.objects.bulk_create(
            [TeamMembership(team_id=t, user_id=u) for t, u in wanted], ignore_conflicts=True
        )
        joined, made = joined + len(wanted), made + len(new)
    return joined, made

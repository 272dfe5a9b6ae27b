"""
"Suits me": the one rule for which sessions suit a person, used by the sessions list's filter
and by the termly digest's "Upcoming sessions that suit you".

A session suits a person when each part of its audience it names includes them: one of its
phases is theirs, one of its subjects is theirs, their job role is among its roles, and one of
its areas is one they are working on (the areas of their active goals and open needs, see
interests.py). A session that names no phases (subjects, roles, areas) is for everyone in that
respect; someone working on no area is not filtered by area.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import CharField, QuerySet, Value

from experts.models import ExpertiseArea
from hubs.models import User

from .interests import areas_for
from .models import DevelopmentSession


@dataclass(frozen=True)
class Person:
    """What the rule reads of a person."""

    job_role: str
    phases: frozenset[int] = frozenset()
    subjects: frozenset[int] = frozenset()
    areas: frozenset[int] = frozenset()  # the areas they are working on


@dataclass
class Audience:
    """What the rule reads of a session: whom it names."""

    roles: frozenset[str] = frozenset()
    phases: set[int] = field(default_factory=set)
    subjects: set[int] = field(default_factory=set)
    areas: set[int] = field(default_factory=set)


def suits(audience: Audience, person: Person) -> bool:
    """The rule itself: written here once."""
    return bool(
        (not audience.phases or audience.phases & person.phases)
        and (not audience.subjects or audience.subjects & person.subjects)
        and (not audience.roles or person.job_role in audience.roles)
        and (not person.areas or not audience.areas or audience.areas & person.areas)
    )


def audience_in_memory(session: DevelopmentSession) -> Audience:
    """The audience of a session read with its phases, subjects and areas prefetched."""
    return Audience(
        roles=frozenset(session.job_roles or ()),
        phases={p.pk for p in session.phases.all()},
        subjects={s.pk for s in session.subjects.all()},
        areas={a.pk for a in session.areas.all()},
    )


def _tagged(queryset: QuerySet, tag: str, owner: str, value: str) -> QuerySet:
    return (
        queryset.order_by()
        .annotate(tag=Value(tag, output_field=CharField()))
        .values_list("tag", owner, value)
    )


def _person_parts(user: User) -> list[QuerySet]:
    """A person's phases, subjects and areas, as (tag, user id, id) rows."""
    parts = [
        _tagged(User.phases.through.objects.filter(user=user), "my phase", "user_id", "phase_id"),
        _tagged(
            User.subjects.through.objects.filter(user=user), "my subject", "user_id", "subject_id"
        ),
    ]
    areas = areas_for(user)  # None when no app says what anyone works on
    if areas is not None:
        parts.append(_tagged(ExpertiseArea.objects.filter(pk__in=areas), "my area", "pk", "pk"))
    return parts


def _audience_parts(sessions: QuerySet[DevelopmentSession]) -> list[QuerySet]:
    """The phases, subjects and areas ``sessions`` name, as (tag, session id, id) rows."""
    ids = sessions.order_by().values("pk")
    model = DevelopmentSession
    return [
        _tagged(
            model.phases.through.objects.filter(developmentsession__in=ids),
            "phase",
            "developmentsession_id",
            "phase_id",
        ),
        _tagged(
            model.subjects.through.objects.filter(developmentsession__in=ids),
            "subject",
            "developmentsession_id",
            "subject_id",
        ),
        _tagged(
            model.areas.through.objects.filter(developmentsession__in=ids),
            "area",
            "developmentsession_id",
            "expertisearea_id",
        ),
    ]


def suiting(sessions: QuerySet[DevelopmentSession], user: User) -> QuerySet[DevelopmentSession]:
    """``sessions`` narrowed to those that suit ``user``, by ``suits``: two queries whatever
    their number (the sessions' roles; then the person's and the sessions' phases, subjects
    and areas as one list)."""
    audiences = {
        pk: Audience(roles=frozenset(roles or ()))
        for pk, roles in sessions.order_by().values_list("pk", "job_roles")
    }
    mine: dict[str, set[int]] = {"my phase": set(), "my subject": set(), "my area": set()}
    parts = [*_person_parts(user), *_audience_parts(sessions)]
    for tag, pk, value in parts[0].union(*parts[1:], all=True):
        if tag in mine:
            mine[tag].add(value)
        elif pk in audiences:
            getattr(audiences[pk], f"{tag}s").add(value)
    person = Person(
        job_role=user.job_role,
        phases=frozenset(mine["my phase"]),
        subjects=frozenset(mine["my subject"]),
        areas=frozenset(mine["my area"]),
    )
    return sessions.filter(pk__in=_suited(audiences.items(), person))


def _suited(audiences: Iterable[tuple[int, Audience]], person: Person) -> list[int]:
    return [pk for pk, audience in audiences if suits(audience, person)]

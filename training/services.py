"""
Required training's writes, each one transaction: requirements set by the coordinator or a
school's CPD leaders, completions recorded by the person, their CPD leader or a session's
register. The reminder job is in reminders.py.
"""

from __future__ import annotations

import datetime
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cpd_sessions.models import Booking, DevelopmentSession
from hubs import services as hubs_services
from hubs.models import School, User
from portfolios.files import check_attachment

from . import permissions
from .models import Completion, Requirement


def _delete_files(names: list[str]) -> None:
    storage = Completion.certificate.field.storage

    def remove() -> None:
        for name in names:
            storage.delete(name)

    if names:
        transaction.on_commit(remove)


def _requirement_values(values: dict) -> dict:
    title = " ".join(values.get("title", "").split())
    if not title:
        raise ValidationError({"title": "Give the training a title."})
    return {
        "title": title,
        "valid_months": values.get("valid_months"),
        "job_roles": sorted(set(values.get("job_roles") or [])),
        "responsibilities": sorted(set(values.get("responsibilities") or [])),
    }


def _check_unique(requirement: Requirement) -> None:
    same = Requirement.objects.filter(school=requirement.school, title__iexact=requirement.title)
    if requirement.pk:
        same = same.exclude(pk=requirement.pk)
    if same.exists():
        raise ValidationError({"title": "There is already required training with this title."})


@transaction.atomic
def requirement_create(*, by: User, school: School | None, sessions=(), **values) -> Requirement:
    """Required training for the whole community (``school`` None: the coordinator) or for one
    school (its CPD leaders, or the coordinator)."""
    permissions.require_can_add_requirement(by, school)
    requirement = Requirement(school=school, **_requirement_values(values))
    requirement.full_clean(exclude=["sessions"], validate_unique=False)
    _check_unique(requirement)
    requirement.save()
    requirement.sessions.set(sessions)
    return requirement


@transaction.atomic
def requirement_update(
    *, requirement: Requirement, by: User, active: bool = True, sessions=(), **values
) -> Requirement:
    """Its title, how long it lasts, who it applies to, its linked sessions, or retire it.
    Completions already recorded keep the expiry they had."""
    permissions.require_can_manage_requirement(by, requirement)
    for name, value in _requirement_values(values).items():
        setattr(requirement, name, value)
    requirement.active = active
    requirement.full_clean(exclude=["sessions"], validate_unique=False)
    _check_unique(requirement)
    requirement.save()
    requirement.sessions.set(sessions)
    return requirement


@transaction.atomic
def completion_record(
    *,
    by: User,
    person: User,
    requirement: Requirement,
    completed_on: datetime.date,
    provider: str = "",
    certificate=None,
) -> Completion:
    """A person did the training on ``completed_on`` (recorded by themselves or by their
    school's CPD leader), with the provider and, if they have it, the certificate."""
    permissions.require_can_record_for(by, person)
    if not requirement.active or not requirement.applies_to(
        school_id=person.school_id, job_role=person.job_role, held=held_by(person)
    ):
        raise ValidationError({"requirement": "This training is not required of them."})
    if completed_on > timezone.localdate():
        raise ValidationError({"completed_on": "The date it was done cannot be in the future."})
    completion = Completion(
        requirement=requirement,
        user=person,
        completed_on=completed_on,
        expires_on=requirement.expiry_for(completed_on),
        provider=" ".join(provider.split()),
        source=Completion.Source.SELF if by.pk == person.pk else Completion.Source.LEADER,
    )
    if certificate is not None:
        try:
            completion.content_type = check_attachment(certificate)
        except ValidationError as error:
            raise ValidationError({"certificate": error.messages}) from None
        completion.size = certificate.size
        completion.original_name = PurePath(certificate.name).name[:200]
    completion.full_clean(exclude=["certificate"])
    if certificate is not None:
        completion.certificate = certificate
    completion.save()
    return completion


@transaction.atomic
def completion_delete(*, completion: Completion, by: User) -> None:
    """A completion recorded by mistake goes, with its certificate."""
    permissions.require_can_change_completion(by, completion)
    _delete_files([completion.certificate.name] if completion.certificate else [])
    Completion.objects.filter(pk=completion.pk).delete()


@transaction.atomic
def completion_from_attendance(*, booking: Booking) -> list[Completion]:
    """Marked present at a session linked to required training: the attendee's completion of
    each such requirement that applies to them, on the session's day (once per session)."""
    person = booking.user
    if person is None or not person.is_active:
        return []
    session: DevelopmentSession = booking.session
    done_on = timezone.localdate(session.start)
    held = held_by(person)
    made = []
    for requirement in session.training_requirements.filter(active=True):
        if not requirement.applies_to(
            school_id=person.school_id, job_role=person.job_role, held=held
        ):
            continue
        completion, created = Completion.objects.get_or_create(
            requirement=requirement,
            user=person,
            session=session,
            defaults={
                "completed_on": done_on,
                "expires_on": requirement.expiry_for(done_on),
                "provider": session.title[:150],
                "source": Completion.Source.SESSION,
            },
        )
        if created:
            made.append(completion)
    return made


@transaction.atomic
def responsibilities_give(*, by: User, person: User, responsibilities: list[str]) -> None:
    """A CPD leader sets the responsibilities a person of their school holds (a DSL needs
    safeguarding level 3): the same list the person ticks in "my details"."""
    permissions.require_can_see_person(by, person)
    hubs_services.responsibilities_set(user=person, responsibilities=responsibilities)


def held_by(person: User) -> set[str]:
    return set(person.responsibilities.values_list("responsibility", flat=True))


def forget_certificates(user: User) -> None:
    """An account being erased: its certificate files go after commit (the rows go with the
    account)."""
    names = list(
        Completion.objects.filter(user=user)
        .exclude(certificate="")
        .values_list("certificate", flat=True)
    )
    _delete_files(names)

"""
Coaching writes: setting up and asking for coaching, the cycle (observations, meetings, steps
moving on), sharing one item with a colleague, and copying an embedded step into the teacher's
portfolio. Each is one transaction and checks its rule (permissions.py) before any write.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from hubs.models import User
from portfolios.models import Entry, Goal
from portfolios.services import entry_create

from . import emails, permissions
from .models import (
    ActionStep,
    Meeting,
    Membership,
    Observation,
    Relationship,
    Share,
    Step,
    StepEvent,
)
from .selectors import my_coaching

MAX_MEMBERS = 6
OPEN = [Relationship.Status.ACTIVE, Relationship.Status.PAUSED]

# A step's moves: from → the states it may go to.
MOVES = {
    ActionStep.Status.SET: {
        ActionStep.Status.PRACTISING,
        ActionStep.Status.EMBEDDED,
        ActionStep.Status.CLOSED,
    },
    ActionStep.Status.PRACTISING: {ActionStep.Status.EMBEDDED, ActionStep.Status.CLOSED},
    ActionStep.Status.EMBEDDED: set(),
    ActionStep.Status.CLOSED: set(),
}


def _kind_for(count: int) -> str:
    if count <= 2:
        return Relationship.Kind.PAIR
    if count == 3:
        return Relationship.Kind.TRIAD
    return Relationship.Kind.GROUP


def _check_people(coaches: list[User], teachers: list[User], *, peer: bool) -> None:
    people = [*coaches, *teachers]
    if len({p.pk for p in people}) != len(people):
        raise ValidationError("Each person is in the coaching once.")
    if not teachers:
        raise ValidationError("Name at least one teacher to coach.")
    if not peer and not coaches:
        raise ValidationError("Name the coach.")
    if peer and len(people) < 2:
        raise ValidationError("Peer coaching needs at least two people.")
    if len(people) > MAX_MEMBERS:
        raise ValidationError(f"A coaching group has at most {MAX_MEMBERS} people.")
    if any(not p.is_active for p in people):
        raise ValidationError("Everyone in the coaching must have an active account.")


def _add_members(relationship: Relationship, people: Iterable[tuple[User, str]]) -> None:
    Membership.objects.bulk_create(
        Membership(relationship=relationship, user=user, role=role, school_id=user.school_id)
        for user, role in people
    )


@transaction.atomic
def relationship_create(
    *,
    by: User,
    coaches: list[User],
    teachers: list[User],
    peer: bool = False,
    rhythm_days: int = 14,
    started_on: datetime.date | None = None,
) -> Relationship:
    """
    A CPD leader sets up coaching for their school's staff (the coach may be in any school);
    the coordinator for anyone. ``peer``: everyone coaches and is coached (a peer pair or
    triad).
    """
    permissions.require_can_set_up_for(by, teachers + (coaches if peer else []))
    _check_people(coaches, teachers, peer=peer)
    relationship = Relationship(
        kind=_kind_for(len(coaches) + len(teachers)),
        rhythm_days=rhythm_days,
        created_by=by,
        school_id=(teachers[0].school_id if teachers[0].school_id in by.led_school_ids else None),
        started_on=started_on or timezone.localdate(),
    )
    relationship.full_clean()
    relationship.save()
    if peer:
        _add_members(relationship, [(p, Membership.Role.PEER) for p in [*coaches, *teachers]])
    else:
        _add_members(
            relationship,
            [(c, Membership.Role.COACH) for c in coaches]
            + [(t, Membership.Role.TEACHER) for t in teachers],
        )
    return relationship


@transaction.atomic
def relationship_request(
    *, by: User, profile, message: str = "", rhythm_days: int = 14
) -> Relationship:
    """A teacher asks an expert who offers coaching; it waits for the expert's answer. One
    open request or relationship with the same expert at a time."""
    permissions.require_can_request_coaching(by, profile)
    expert = profile.user
    already = Relationship.objects.filter(
        memberships__user=by,
        status__in=[
            Relationship.Status.REQUESTED,
            Relationship.Status.ACTIVE,
            Relationship.Status.PAUSED,
        ],
    ).filter(memberships__user=expert, memberships__role=Membership.Role.COACH)
    if already.exists():
        raise ValidationError(
            f"You already have coaching with {expert.full_name}, or a request waiting."
        )
    relationship = Relationship(
        status=Relationship.Status.REQUESTED,
        rhythm_days=rhythm_days,
        created_by=by,
        request_message=message.strip(),
    )
    relationship.full_clean()
    relationship.save()
    _add_members(relationship, [(expert, Membership.Role.COACH), (by, Membership.Role.TEACHER)])
    emails.mail_request(relationship)
    return relationship


@transaction.atomic
def relationship_answer(*, relationship: Relationship, by: User, accept: bool) -> Relationship:
    """The expert accepts (the coaching starts today) or declines; the teacher is told."""
    permissions.require_can_answer_request(by, relationship)
    relationship = Relationship.objects.select_for_update().get(pk=relationship.pk)
    if relationship.status != Relationship.Status.REQUESTED:
        return relationship
    if accept:
        relationship.status = Relationship.Status.ACTIVE
        relationship.started_on = timezone.localdate()
    else:
        relationship.status = Relationship.Status.DECLINED
        relationship.ended_at = timezone.now()
    relationship.save(update_fields=["status", "started_on", "ended_at"])
    emails.mail_answer(relationship)
    return relationship


@transaction.atomic
def relationship_pause(*, relationship: Relationship, by: User, paused: bool) -> Relationship:
    """The teacher pauses their coaching (nothing is due while paused) or resumes it."""
    permissions.require_can_pause(by, relationship)
    target = Relationship.Status.PAUSED if paused else Relationship.Status.ACTIVE
    Relationship.objects.filter(pk=relationship.pk, status__in=OPEN).update(status=target)
    relationship.status = target
    return relationship


@transaction.atomic
def relationship_end(*, relationship: Relationship, by: User) -> Relationship:
    """A member ends the coaching: what is written stays, for its members, until the
    retention period after the end has passed."""
    permissions.require_can_end(by, relationship)
    now = timezone.now()
    Relationship.objects.filter(pk=relationship.pk, status__in=OPEN).update(
        status=Relationship.Status.ENDED, ended_at=now
    )
    relationship.status, relationship.ended_at = Relationship.Status.ENDED, now
    return relationship


def _coached(relationship: Relationship, teacher: User) -> None:
    member = next((m for m in relationship.memberships.all() if m.user_id == teacher.pk), None)
    if member is None or not member.is_coached:
        raise ValidationError({"teacher": "Choose a teacher coached in this relationship."})


@transaction.atomic
def observation_record(
    *,
    relationship: Relationship,
    by: User,
    teacher: User,
    kind: str,
    date: datetime.date,
    focus: str = "",
    notes: str = "",
) -> Observation:
    permissions.require_can_record(by, relationship)
    _coached(relationship, teacher)
    if teacher.pk == by.pk:
        raise ValidationError({"teacher": "An observation is of someone else's lesson."})
    observation = Observation(
        relationship=relationship,
        teacher=teacher,
        observer=by,
        kind=kind,
        date=date,
        focus=focus.strip(),
        notes=notes.strip(),
    )
    if date > timezone.localdate():
        raise ValidationError({"date": "Record an observation once it has happened."})
    observation.full_clean()
    observation.save()
    return observation


def _event(step: ActionStep, status: str, by: User | None) -> None:
    StepEvent.objects.create(step=step, status=status, by=by)


@transaction.atomic
def meeting_record(
    *,
    relationship: Relationship,
    by: User,
    teacher: User,
    date: datetime.date,
    praise: str = "",
    notes: str = "",
    rehearsed: bool = False,
    observation: Observation | None = None,
    library_step: Step | None = None,
    action: str = "",
    success_criteria: str = "",
    model_link: str = "",
    category: str = "",
    check_back: datetime.date | None = None,
) -> Meeting:
    """
    A meeting: praise, then one step (from the library, or written here; the library's words
    are copied, and may be made more precise), whether it was rehearsed, and the check-back
    date. The teacher is emailed the step once (the meeting's ledger key).
    """
    permissions.require_can_record(by, relationship)
    _coached(relationship, teacher)
    if teacher.pk == by.pk:
        raise ValidationError({"teacher": "A meeting is with the teacher you coach."})
    if date > timezone.localdate():
        raise ValidationError({"date": "Record a meeting once it has happened."})
    if observation is not None and observation.relationship_id != relationship.pk:
        raise ValidationError({"observation": "Choose an observation from this coaching."})
    if check_back is not None and check_back < date:
        raise ValidationError({"check_back": "The check-back comes after the meeting."})
    meeting = Meeting(
        relationship=relationship,
        teacher=teacher,
        coach=by,
        date=date,
        praise=praise.strip(),
        notes=notes.strip(),
        rehearsed=rehearsed,
        observation=observation,
    )
    meeting.full_clean()
    meeting.save()
    action = action.strip() or (library_step.action if library_step else "")
    if action:
        step = ActionStep(
            relationship=relationship,
            teacher=teacher,
            meeting=meeting,
            library_step=library_step,
            action=action,
            success_criteria=success_criteria.strip()
            or (library_step.success_criteria if library_step else ""),
            model_link=model_link or (library_step.model_link if library_step else ""),
            category=category or (library_step.category if library_step else "other"),
            check_back=check_back,
        )
        step.full_clean()
        step.save()
        _event(step, ActionStep.Status.SET, by)
        emails.mail_step_set(meeting)
    return meeting


@transaction.atomic
def step_move(*, step: ActionStep, by: User, status: str) -> ActionStep:
    """Set → practising → embedded, or closed at any point: each move is in its history."""
    permissions.require_can_move_step(by, step)
    step = ActionStep.objects.select_for_update().get(pk=step.pk)
    if status not in MOVES.get(step.status, set()):
        raise ValidationError(
            f"A step that is {step.get_status_display().lower()} cannot move to "
            f"{ActionStep.Status(status).label.lower()}."
        )
    step.status = status
    fields = ["status"]
    if status == ActionStep.Status.EMBEDDED:
        step.embedded_at = timezone.now()
        fields.append("embedded_at")
    step.save(update_fields=fields)
    _event(step, status, by)
    return step


@transaction.atomic
def step_reschedule(*, step: ActionStep, by: User, check_back: datetime.date) -> ActionStep:
    """A new check-back date (the reminder follows the date: one per step and date)."""
    permissions.require_can_move_step(by, step)
    if not step.is_current:
        raise ValidationError("Only a current step has a check-back.")
    ActionStep.objects.filter(pk=step.pk).update(check_back=check_back)
    step.check_back = check_back
    return step


@transaction.atomic
def step_copy_to_portfolio(
    *,
    step: ActionStep,
    by: User,
    reflection: str,
    goal: Goal | None = None,
    hours: Decimal = Decimal("1"),
) -> Entry:
    """The teacher's choice: an embedded step, with their own reflection, into their portfolio
    log as coaching received, linked to one of their goals. Nothing is copied otherwise."""
    permissions.require_can_copy_to_portfolio(by, step)
    step = ActionStep.objects.select_for_update().get(pk=step.pk)
    if step.portfolio_entry_id is not None:
        return step.portfolio_entry
    day = timezone.localdate(step.embedded_at) if step.embedded_at else timezone.localdate()
    summary = " ".join(step.action.split())
    title = f"Coaching step: {summary}"
    if len(title) > 200:
        title = title[:199] + "…"
    entry = entry_create(
        owner=by,
        date=min(day, timezone.localdate()),
        kind=Entry.Kind.COACHING_RECEIVED,
        title=title,
        hours=hours,
        goals=[goal] if goal is not None else [],
        source_ref=f"coaching-step:{step.pk}",
        learned=reflection.strip(),
        evidence=(f"Success criteria: {step.success_criteria}" if step.success_criteria else ""),
    )
    ActionStep.objects.filter(pk=step.pk).update(portfolio_entry=entry)
    return entry


# --- Sharing one item --------------------------------------------------------------------


@transaction.atomic
def share_create(*, by: User, item, colleague: User) -> Share:
    """The teacher shows one observation, meeting or step to a named colleague (read only)."""
    permissions.require_can_share(by, item)
    if colleague.pk == by.pk:
        raise ValidationError({"colleague": "Choose a colleague, not yourself."})
    if not colleague.is_active:
        raise ValidationError({"colleague": "That colleague's account is not active."})
    field = {Observation: "observation", Meeting: "meeting", ActionStep: "step"}[type(item)]
    share, _ = Share.objects.get_or_create(owner=by, colleague=colleague, **{field: item})
    return share


@transaction.atomic
def share_withdraw(*, share: Share, by: User) -> None:
    """The teacher takes a share back: the colleague no longer sees the item."""
    permissions.require_can_share(by, share.item)
    share.delete()


# --- Beat: reminders and summaries -------------------------------------------------------


def check_back_remind(*, today: datetime.date | None = None) -> int:
    """The day before each current step's check-back (active relationships), its teacher and
    coaches are reminded: once per step and date (the ledger key). Returns the steps."""
    today = today or timezone.localdate()
    tomorrow = today + datetime.timedelta(days=1)
    steps = ActionStep.objects.filter(
        check_back=tomorrow,
        status__in=[ActionStep.Status.SET, ActionStep.Status.PRACTISING],
        relationship__status=Relationship.Status.ACTIVE,
    ).select_related("teacher")
    count = 0
    for step in steps:
        with transaction.atomic():
            emails.mail_check_back(step)
        count += 1
    return count


def caseload_summaries_send(*, today: datetime.date | None = None) -> int:
    """Each coach with something due or overdue this week gets one summary (the week's Monday
    in the key); a coach with nothing due gets none. Returns how many were recorded."""
    today = today or timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday())
    coaches = User.objects.filter(
        is_active=True,
        coaching_memberships__role__in=[Membership.Role.COACH, Membership.Role.PEER],
        coaching_memberships__relationship__status=Relationship.Status.ACTIVE,
    ).distinct()
    sent = 0
    for coach in coaches:
        rows = my_coaching(coach, today).caseload
        if any(r.timing.due or r.timing.overdue for r in rows):
            with transaction.atomic():
                emails.mail_caseload(coach, monday)
            sent += 1
    return sent

"""
What coaching sends, through the ledger: each ``mail_*`` is called inside the write's
transaction (or by a beat task's service) and records one row per address and reason; each
builder reads the rows named by the key afresh when the email goes. Registered in
CoachingConfig.ready().

- ``coaching_step``: the teacher's step after a meeting (key ``coaching_step:<meeting>``).
- ``coaching_check_back``: the day before a check-back, to the teacher and their coaches
  (``coaching_check_back:<step>:<date>``): once per step and date.
- ``coaching_caseload``: a coach's weekly summary, only when something is due
  (``coaching_caseload:<coach>:<Monday>``).
- ``coaching_request`` / ``coaching_answer``: a teacher asks an expert for coaching; the
  expert's answer goes back to the teacher.
"""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from hubs.models import User
from notifications import registry
from notifications.categories import Category
from notifications.rendering import absolute_url
from notifications.services import send_templated_mail

from .models import ActionStep, Meeting, Membership, Relationship
from .selectors import my_coaching

STEP = "coaching_step"
CHECK_BACK = "coaching_check_back"
CASELOAD = "coaching_caseload"
REQUEST = "coaching_request"
ANSWER = "coaching_answer"


def step_key(meeting_id: int) -> str:
    return f"coaching_step:{meeting_id}"


def check_back_key(step_id: int, day: datetime.date) -> str:
    return f"coaching_check_back:{step_id}:{day.isoformat()}"


def caseload_key(coach_id: int, monday: datetime.date) -> str:
    return f"coaching_caseload:{coach_id}:{monday.isoformat()}"


def request_key(relationship_id: int) -> str:
    return f"coaching_request:{relationship_id}"


def answer_key(relationship_id: int) -> str:
    return f"coaching_answer:{relationship_id}"


def _cycle_url(relationship_id: int) -> str:
    return absolute_url(reverse("coaching:cycle", kwargs={"pk": relationship_id}))


def _member_addresses(relationship_id: int, roles) -> list[str]:
    return list(
        Membership.objects.filter(
            relationship_id=relationship_id, role__in=roles, user__is_active=True
        ).values_list("user__email", flat=True)
    )


# --- The step after a meeting ------------------------------------------------------------


def mail_step_set(meeting: Meeting) -> list:
    if meeting.teacher is None:
        return []
    return send_templated_mail(STEP, to=[meeting.teacher.email], key=step_key(meeting.pk))


def step_email(delivery) -> registry.Email | None:
    meeting = (
        Meeting.objects.select_related("teacher", "coach", "relationship")
        .filter(pk=int(delivery.key.split(":")[1]), relationship__content_removed_at__isnull=True)
        .first()
    )
    if meeting is None or meeting.teacher is None:
        return None
    steps = list(meeting.steps.all().order_by("pk"))
    if not steps:
        return None
    return registry.Email(
        context={
            "meeting": meeting,
            "teacher": meeting.teacher,
            "coach": meeting.coach,
            "steps": steps,
            "cycle_url": _cycle_url(meeting.relationship_id),
        },
        reply_to=registry.reply_to(meeting.coach),
    )


# --- The check-back reminder -------------------------------------------------------------


def mail_check_back(step: ActionStep) -> list:
    """The day before the step's check-back: its teacher and the relationship's coaches."""
    to = _member_addresses(step.relationship_id, [Membership.Role.COACH, Membership.Role.PEER])
    if step.teacher is not None and step.teacher.is_active:
        to = [step.teacher.email, *to]
    return send_templated_mail(CHECK_BACK, to=to, key=check_back_key(step.pk, step.check_back))


def check_back_email(delivery) -> registry.Email | None:
    _, step_id, day = delivery.key.split(":")
    step = (
        ActionStep.objects.select_related("teacher", "relationship")
        .filter(
            pk=int(step_id),
            check_back=datetime.date.fromisoformat(day),
            status__in=[ActionStep.Status.SET, ActionStep.Status.PRACTISING],
            relationship__status=Relationship.Status.ACTIVE,
        )
        .first()
    )
    if step is None or step.teacher is None:
        return None  # moved on, re-dated or paused since: nothing to remind
    reader = delivery.recipient
    return registry.Email(
        context={
            "step": step,
            "teacher": step.teacher,
            "is_teacher": reader is not None and reader.pk == step.teacher_id,
            "reader": reader,
            "cycle_url": _cycle_url(step.relationship_id),
        }
    )


# --- A coach's weekly summary ------------------------------------------------------------


def mail_caseload(coach: User, monday: datetime.date) -> list:
    return send_templated_mail(CASELOAD, to=[coach.email], key=caseload_key(coach.pk, monday))


def caseload_email(delivery) -> registry.Email | None:
    coach = delivery.recipient
    if coach is None:
        return None
    rows = [
        r
        for r in my_coaching(coach, timezone.localdate()).caseload
        if r.timing.due or r.timing.overdue
    ]
    if not rows:
        return None  # nothing due this week: no email
    return registry.Email(
        context={
            "coach": coach,
            "rows": rows,
            "overdue": sum(r.timing.overdue for r in rows),
            "coaching_url": absolute_url(reverse("coaching:home")),
        }
    )


# --- Asking an expert --------------------------------------------------------------------


def mail_request(relationship: Relationship) -> list:
    return send_templated_mail(
        REQUEST,
        to=_member_addresses(relationship.pk, [Membership.Role.COACH]),
        key=request_key(relationship.pk),
    )


def _request_parties(relationship_id: int):
    relationship = Relationship.objects.filter(pk=relationship_id).first()
    if relationship is None:
        return None, None, None
    members = list(relationship.memberships.select_related("user__school"))
    coach = next((m.user for m in members if m.role == Membership.Role.COACH), None)
    teacher = next((m.user for m in members if m.role == Membership.Role.TEACHER), None)
    return relationship, coach, teacher


def request_email(delivery) -> registry.Email | None:
    relationship, coach, teacher = _request_parties(int(delivery.key.split(":")[1]))
    if relationship is None or relationship.status != Relationship.Status.REQUESTED:
        return None
    if teacher is None or coach is None:
        return None
    return registry.Email(
        context={
            "relationship": relationship,
            "coach": coach,
            "teacher": teacher,
            "answer_url": absolute_url(reverse("coaching:home")),
        },
        reply_to=registry.reply_to(teacher),
    )


def mail_answer(relationship: Relationship) -> list:
    return send_templated_mail(
        ANSWER,
        to=_member_addresses(relationship.pk, [Membership.Role.TEACHER]),
        key=answer_key(relationship.pk),
    )


def answer_email(delivery) -> registry.Email | None:
    relationship, coach, teacher = _request_parties(int(delivery.key.split(":")[1]))
    if relationship is None or coach is None or teacher is None:
        return None
    if relationship.status == Relationship.Status.REQUESTED:
        return None
    return registry.Email(
        context={
            "relationship": relationship,
            "coach": coach,
            "teacher": teacher,
            "accepted": relationship.status != Relationship.Status.DECLINED,
            "cycle_url": _cycle_url(relationship.pk),
            "directory_url": absolute_url(reverse("experts:directory")),
        },
        reply_to=registry.reply_to(coach),
    )


def register_emails() -> None:
    registry.register(STEP, category=Category.REMINDERS, build=step_email)
    registry.register(CHECK_BACK, category=Category.REMINDERS, build=check_back_email)
    registry.register(CASELOAD, category=Category.REMINDERS, build=caseload_email)
    registry.register(REQUEST, category=Category.ESSENTIAL, build=request_email)
    registry.register(ANSWER, category=Category.ESSENTIAL, build=answer_email)

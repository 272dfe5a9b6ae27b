"""
Lesson-study cycles inside a group: the case pupils (codes, never names), the shared plan with
each member's predictions for each case pupil, the research lesson (date, times, host school), what
observers saw each case pupil do, the case-pupil interviews, the post-lesson discussion; then
the next cycle. Writes are one transaction each and check the group's rule (permissions.py:
its current members write until it is finished); the page's read is ``cycle_page``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Prefetch
from django.utils import timezone

from cpd_sessions import session_changes
from cpd_sessions.models import DevelopmentSession
from hubs.models import School, User

from . import permissions
from .models import (
    CasePupil,
    Cycle,
    Group,
    InterviewNote,
    Kind,
    Membership,
    Observation,
    ObserverRelease,
    Prediction,
)  # fmt: skip

TITLE_MAX = DevelopmentSession._meta.get_field("title").max_length
# What a member writes against a case pupil, by the name the form and the URL use.
ENTRY_MODELS = {"prediction": Prediction, "observation": Observation, "interview": InterviewNote}


def _require_lesson_study(group: Group) -> None:
    if group.kind != Kind.LESSON_STUDY:
        raise ValidationError("Cycles are for lesson-study groups.")


@transaction.atomic
def cycle_create(*, group: Group, by: User) -> Cycle:
    """A member starts the group's next cycle once the last one is discussed."""
    permissions.require_can_write(by, group)
    _require_lesson_study(group)
    group = Group.objects.select_for_update().get(pk=group.pk)
    cycles = Cycle.objects.filter(group=group)
    if cycles.exclude(status=Cycle.Status.DISCUSSED).exists():
        raise ValidationError("Discuss the current cycle's research lesson before the next.")
    number = (cycles.aggregate(n=Max("number"))["n"] or 0) + 1
    return Cycle.objects.create(group=group, number=number)


@transaction.atomic
def cycle_plan_save(
    *, cycle: Cycle, by: User, plan: str, lesson_date: datetime.date | None,
    host_school: School | None, lesson_start: datetime.time | None = None,
    lesson_end: datetime.time | None = None,
) -> Cycle:  # fmt: skip
    """Any member edits the shared plan and sets the research lesson's date, times and host
    school, until the lesson has been discussed."""
    permissions.require_can_write(by, cycle.group)
    if cycle.status == Cycle.Status.DISCUSSED:
        raise ValidationError("This cycle is discussed: start the next one.")
    if (lesson_start is None) != (lesson_end is None):
        missing = "lesson_end" if lesson_end is None else "lesson_start"
        raise ValidationError({missing: "Give the time the research lesson starts and ends."})
    if lesson_start is not None and lesson_end <= lesson_start:
        raise ValidationError({"lesson_end": "The research lesson must end after it starts."})
    cycle.plan, cycle.lesson_date, cycle.host_school = plan.strip(), lesson_date, host_school
    cycle.lesson_start, cycle.lesson_end = lesson_start, lesson_end
    cycle.full_clean(exclude=["group"])
    cycle.save(update_fields=["plan", "lesson_date", "lesson_start", "lesson_end", "host_school"])
    return cycle


@transaction.atomic
def case_pupil_add(*, cycle: Cycle, by: User, code: str, description: str) -> CasePupil:
    """A case pupil is chosen while the cycle is planned: a code (A, B, C…) and a short
    description, never a name."""
    permissions.require_can_write(by, cycle.group)
    if cycle.status != Cycle.Status.PLANNING:
        raise ValidationError("Case pupils are chosen while the lesson is planned.")
    code = code.strip().upper()
    if CasePupil.objects.filter(cycle=cycle, code=code).exists():
        raise ValidationError({"code": f"There is already a case pupil {code}."})
    pupil = CasePupil(cycle=cycle, code=code, description=description.strip())
    pupil.full_clean(exclude=["cycle"])
    pupil.save()
    return pupil


@transaction.atomic
def entry_add(*, case_pupil: CasePupil, by: User, kind: str, text: str):
    """A member's prediction for a case pupil (before the lesson is discussed), or what they
    saw the pupil do, or interview notes (once the lesson's date is set). The first
    observation marks the lesson taught."""
    cycle = Cycle.objects.select_for_update().select_related("group").get(pk=case_pupil.cycle_id)
    permissions.require_can_write(by, cycle.group)
    if cycle.status == Cycle.Status.DISCUSSED:
        raise ValidationError("This cycle is discussed: start the next one.")
    if kind != "prediction" and cycle.lesson_date is None:
        raise ValidationError("Set the research lesson's date first.")
    model = ENTRY_MODELS[kind]
    person = {"observer": by} if model is Observation else {"by": by}
    entry = model(case_pupil=case_pupil, text=text.strip(), **person)
    entry.full_clean(exclude=["case_pupil"])
    entry.save()
    if kind == "observation" and cycle.status == Cycle.Status.PLANNING:
        Cycle.objects.filter(pk=cycle.pk).update(status=Cycle.Status.TAUGHT)
    return entry


@transaction.atomic
def discussion_save(*, cycle: Cycle, by: User, discussion: str) -> Cycle:
    """The post-lesson discussion, once the lesson is observed: the cycle is then discussed
    (its text may still be edited) and the next may start."""
    permissions.require_can_write(by, cycle.group)
    if cycle.status == Cycle.Status.PLANNING:
        raise ValidationError("The discussion follows the observed research lesson.")
    discussion = discussion.strip()
    if not discussion:
        raise ValidationError({"discussion": "Write what the group took from the lesson."})
    cycle.discussion, cycle.status = discussion, Cycle.Status.DISCUSSED
    cycle.discussed_at = cycle.discussed_at or timezone.now()
    cycle.full_clean(exclude=["group"])
    cycle.save(update_fields=["discussion", "status", "discussed_at"])
    return cycle


# --- Release time to observe ----------------------------------------------------------------


@transaction.atomic
def observer_release(*, cycle: Cycle, by: User) -> DevelopmentSession:
    """A member from another school asks to observe the research lesson: its private session
    (made once per observer and cycle, as coaching visits do) at the host school on the
    lesson's date and times; the view takes them to its page, whose booking form asks release
    time from their own CPD leader. The session's title names the host school only."""
    permissions.require_can_book_release(by, cycle.group, cycle)
    mine = ObserverRelease.objects.filter(cycle=cycle, observer=by).select_related("session")
    if (found := mine.first()) is not None:
        return found.session
    start, end = (
        datetime.datetime.combine(cycle.lesson_date, t, tzinfo=timezone.get_current_timezone())
        for t in (cycle.lesson_start, cycle.lesson_end)
    )
    title = f"Lesson study research lesson at {cycle.host_school.name}"
    try:
        session = session_changes.private_session_create(
            by=by, title=title[:TITLE_MAX], kind=DevelopmentSession.Kind.LESSON_STUDY,
            venue_school=cycle.host_school, start=start, end=end,
        )  # fmt: skip
    except ValidationError as error:
        raise ValidationError(" ".join(error.messages)) from None
    ObserverRelease.objects.create(cycle=cycle, observer=by, session=session)
    return session


# --- The cycle's page ---------------------------------------------------------------------


@dataclass
class CyclePage:
    cycle: Cycle
    numbers: list[int]
    pupils: list[CasePupil]


def group_of(user, pk: int) -> Group:
    """One of the person's groups (a current member), with its members only: what the cycle's
    page needs. Group.DoesNotExist for anyone else."""
    if not user.is_authenticated:
        raise Group.DoesNotExist
    members = Membership.objects.select_related("user").order_by("pk")
    return (
        Group.objects.filter(
            pk__in=Membership.objects.filter(user=user, left_at__isnull=True).values("group_id")
        )
        .prefetch_related(Prefetch("memberships", queryset=members))
        .get(pk=pk)
    )


def cycle_for(group: Group, number: int) -> Cycle:
    """A cycle of a group already found among the person's own (Cycle.DoesNotExist if none)."""
    cycle = (
        Cycle.objects.select_related("host_school")
        .prefetch_related(
            Prefetch("case_pupils", queryset=CasePupil.objects.order_by("code")),
            Prefetch("case_pupils__predictions", Prediction.objects.select_related("by")),
            Prefetch("case_pupils__observations", Observation.objects.select_related("observer")),
            Prefetch("case_pupils__interviews", InterviewNote.objects.select_related("by")),
        )
        .get(group=group, number=number)
    )
    cycle.group = group
    return cycle


def cycle_page(group: Group, number: int) -> CyclePage:
    cycle = cycle_for(group, number)
    numbers = list(Cycle.objects.filter(group=group).values_list("number", flat=True))
    return CyclePage(cycle=cycle, numbers=numbers, pupils=list(cycle.case_pupils.all()))

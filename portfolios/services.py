"""Writes to the portfolio. Each function is keyword-only and one transaction."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from decimal import Decimal
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from cpdhub.academic_year import academic_year_of, year_dates, year_label
from experts.models import ExpertiseArea
from hubs.models import User

from . import selectors
from .emails import send_impact_follow_up
from .files import check_attachment
from .models import (
    FOLLOW_UP_AFTER,
    Entry,
    EntryAttachment,
    Goal,
    GoalReview,
    ImpactFollowUp,
    Need,
    Statement,
)

logger = logging.getLogger(__name__)

GOAL_FIELDS = {
    "title",
    "description",
    "success_criteria",
    "source",
    "academic_year",
    "status",
    "share_with_leaders",
}
ENTRY_FIELDS = {
    "date",
    "kind",
    "title",
    "hours",
    "learned",
    "will_try",
    "impact_practice",
    "impact_pupils",
    "evidence",
    "links",
    "share_with_leaders",
}


def goal_year_errors(goals: Iterable[Goal], day: datetime.date | None) -> list[str]:
    """An entry belongs to the goals of its own academic year: say which do not fit."""
    if day is None:
        return []
    year = academic_year_of(day)
    return [
        f"“{goal.title}” is a goal for {goal.year_label}, but this entry's date is in "
        f"{year_label(year)}. Choose a goal for {year_label(year)} or change the date."
        for goal in goals
        if goal.academic_year != year
    ]


def _own(owner: User, items: Iterable, what: str) -> list:
    items = list(items)
    if any(item.owner_id != owner.pk for item in items):
        raise ValidationError(f"You can only link your own {what}.")
    return items


def _sharing(owner: User, people: Iterable[User]) -> list[User]:
    return [person for person in people if person.pk != owner.pk]


# --- Goals -------------------------------------------------------------------------


@transaction.atomic
def goal_create(
    *,
    owner: User,
    title: str,
    academic_year: int,
    areas: Iterable[ExpertiseArea] = (),
    shared_with: Iterable[User] = (),
    **fields,
) -> Goal:
    unknown = set(fields) - GOAL_FIELDS
    if unknown:
        raise TypeError(f"Unknown goal fields: {sorted(unknown)}")
    goal = Goal(owner=owner, title=title.strip(), academic_year=academic_year, **fields)
    goal.full_clean(exclude=["owner"])
    goal.save()
    goal.areas.set(list(areas))
    goal.shared_with.set(_sharing(owner, shared_with))
    return goal


@transaction.atomic
def goal_update(
    *,
    goal: Goal,
    areas: Iterable[ExpertiseArea] | None = None,
    shared_with: Iterable[User] | None = None,
    **fields,
) -> Goal:
    unknown = set(fields) - GOAL_FIELDS
    if unknown:
        raise TypeError(f"Unknown goal fields: {sorted(unknown)}")
    goal = Goal.objects.select_for_update().get(pk=goal.pk)
    for name, value in fields.items():
        setattr(goal, name, value)
    goal.full_clean(exclude=["owner"])
    if "academic_year" in fields:
        clash = goal.entries.exclude(date__range=year_dates(goal.academic_year)).first()
        if clash is not None:
            raise ValidationError(
                {
                    "academic_year": f"“{clash.title}” ({clash.date:%-d %B %Y}) is linked to "
                    f"this goal and is not in {goal.year_label}. Unlink it first or keep the year."
                }
            )
    goal.save()
    if areas is not None:
        goal.areas.set(list(areas))
    if shared_with is not None:
        goal.shared_with.set(_sharing(goal.owner, shared_with))
    return goal


@transaction.atomic
def goal_delete(*, goal: Goal) -> None:
    Goal.objects.filter(pk=goal.pk).delete()


@transaction.atomic
def goal_review_add(*, goal: Goal, note: str, date: datetime.date | None = None) -> GoalReview:
    date = date or timezone.localdate()
    if date > timezone.localdate():
        raise ValidationError({"date": "A review note cannot be dated in the future."})
    review = GoalReview(goal=goal, note=note.strip(), date=date)
    review.full_clean()
    review.save()
    return review


# --- Entries -------------------------------------------------------------------------


def _sync_follow_up(entry: Entry) -> None:
    """Something to try means a question six weeks later; nothing to try, nothing to ask."""
    follow_up = ImpactFollowUp.objects.filter(entry=entry).first()
    due = entry.date + FOLLOW_UP_AFTER
    if entry.will_try.strip():
        if follow_up is None:
            ImpactFollowUp.objects.create(entry=entry, due_on=due)
        elif follow_up.answered_at is None and follow_up.due_on != due:
            follow_up.due_on = due
            follow_up.save(update_fields=["due_on"])
    elif follow_up is not None and follow_up.answered_at is None:
        follow_up.delete()


def _attach(entry: Entry, upload) -> EntryAttachment:
    content_type = check_attachment(upload)
    _check_evidence_quota(entry.owner_id, upload.size)
    return EntryAttachment.objects.create(
        entry=entry,
        file=upload,
        original_name=PurePath(upload.name).name[:200],
        content_type=content_type,
        size=upload.size,
    )


def _check_evidence_quota(owner_id: int, adding: int) -> None:
    """Each person's evidence files together stay within ``CPDHUB_EVIDENCE_QUOTA_MB``."""
    quota = settings.CPDHUB_EVIDENCE_QUOTA_MB * 1024 * 1024
    if not quota:
        return
    used = (
        EntryAttachment.objects.filter(entry__owner_id=owner_id).aggregate(s=Sum("size"))["s"] or 0
    )
    if used + adding > quota:
        raise ValidationError(
            {
                "attachment": (
                    f"Your evidence files already take {filesizeformat(used)} of the "
                    f"{filesizeformat(quota)} each person may keep, so this file "
                    f"({filesizeformat(adding)}) does not fit. Delete files you no longer need "
                    "from older entries, or attach a smaller version (a PDF rather than photos "
                    "of each page, say)."
                )
            },
            code="quota",
        )


def _validated_entry(entry: Entry, goals: list[Goal]) -> None:
    entry.full_clean(exclude=["owner"])
    errors = goal_year_errors(goals, entry.date)
    if errors:
        raise ValidationError({"goals": errors})


@transaction.atomic
def entry_create(
    *,
    owner: User,
    date: datetime.date,
    kind: str,
    title: str,
    hours: Decimal,
    goals: Iterable[Goal] = (),
    shared_with: Iterable[User] = (),
    attachment=None,
    source_ref: str = "",
    session=None,
    **fields,
) -> Entry:
    unknown = set(fields) - ENTRY_FIELDS
    if unknown:
        raise TypeError(f"Unknown entry fields: {sorted(unknown)}")
    goals = _own(owner, goals, "goals")
    entry = Entry(
        owner=owner,
        date=date,
        kind=kind,
        title=title.strip(),
        hours=hours,
        source_ref=source_ref,
        session=session,
        **fields,
    )
    _validated_entry(entry, goals)
    entry.save()
    entry.goals.set(goals)
    entry.shared_with.set(_sharing(owner, shared_with))
    if attachment is not None:
        _attach(entry, attachment)
    _sync_follow_up(entry)
    return entry


@transaction.atomic
def entry_update(
    *,
    entry: Entry,
    goals: Iterable[Goal] | None = None,
    shared_with: Iterable[User] | None = None,
    attachment=None,
    **fields,
) -> Entry:
    unknown = set(fields) - ENTRY_FIELDS
    if unknown:
        raise TypeError(f"Unknown entry fields: {sorted(unknown)}")
    entry = Entry.objects.select_for_update().select_related("owner").get(pk=entry.pk)
    for name, value in fields.items():
        setattr(entry, name, value)
    goals = _own(entry.owner, entry.goals.all() if goals is None else goals, "goals")
    _validated_entry(entry, goals)
    entry.save()
    entry.goals.set(goals)
    if shared_with is not None:
        entry.shared_with.set(_sharing(entry.owner, shared_with))
    if attachment is not None:
        _attach(entry, attachment)
    _sync_follow_up(entry)
    return entry


def _delete_files(names: list[str], storage) -> None:
    def remove() -> None:
        for name in names:
            storage.delete(name)

    transaction.on_commit(remove)


@transaction.atomic
def entry_delete(*, entry: Entry) -> None:
    attachments = list(EntryAttachment.objects.filter(entry=entry))
    if attachments:
        _delete_files([a.file.name for a in attachments], attachments[0].file.storage)
    Entry.objects.filter(pk=entry.pk).delete()


@transaction.atomic
def attachment_delete(*, attachment: EntryAttachment) -> None:
    _delete_files([attachment.file.name], attachment.file.storage)
    EntryAttachment.objects.filter(pk=attachment.pk).delete()


def attachment_files_forget(*, owner: User) -> None:
    """
    A person's account is being deleted (its rows go by cascade in the same transaction):
    their attachment files leave storage once that commits, and stay if it rolls back.
    """
    attachments = list(EntryAttachment.objects.filter(entry__owner=owner))
    if attachments:
        _delete_files([a.file.name for a in attachments], attachments[0].file.storage)


def session_source_ref(session_id: int, kind: str = Entry.Kind.SESSION_ATTENDED) -> str:
    """The key that makes a session's entry once per person: "session:42" or "session-led:42"."""
    prefix = "session-led" if kind == Entry.Kind.SESSION_LED else "session"
    return f"{prefix}:{session_id}"


@transaction.atomic
def entry_create_from_attendance(
    *,
    user: User,
    title: str,
    date: datetime.date,
    hours: Decimal,
    learned: str = "",
    will_try: str = "",
    session=None,
    kind: str = Entry.Kind.SESSION_ATTENDED,
) -> Entry:
    """
    An entry for someone who attended (or led) a session, prefilled from their feedback. Once per
    person, session and kind: marking the register again (or unmarking and re-marking) returns the
    entry already logged, untouched, whatever its owner has written in it since.
    """
    source_ref = session_source_ref(session.pk, kind) if session is not None else ""
    if source_ref:
        existing = Entry.objects.filter(owner=user, source_ref=source_ref).first()
        if existing is not None:
            if existing.session_id is None and session is not None:
                # Unlinked when attendance was unmarked (see entry_withdraw_attendance): re-marked.
                existing.session = session
                existing.save(update_fields=["session"])
            return existing
    try:
        # A savepoint: two registers saved at once both get here; the constraint picks one.
        with transaction.atomic():
            entry = entry_create(
                owner=user,
                date=date,
                kind=kind,
                title=title[:200],
                hours=hours,
                learned=learned,
                will_try=will_try,
                source_ref=source_ref,
                session=session,
            )
    except IntegrityError:
        if not source_ref:
            raise
        return Entry.objects.get(owner=user, source_ref=source_ref)
    return entry


def _untouched(entry: Entry, *, title: str, prefilled: dict[str, str]) -> bool:
    """
    Is the entry still only what the register (and the feedback) put in it? Any text its owner
    added, a goal, a file, a share or an answered follow-up makes it theirs.
    """
    for name in ("impact_practice", "impact_pupils", "evidence", "links"):
        if getattr(entry, name).strip():
            return False
    for name in ("learned", "will_try"):
        if getattr(entry, name).strip() not in {"", prefilled.get(name, "").strip()}:
            return False
    follow_up = ImpactFollowUp.objects.filter(entry=entry).first()
    return not (
        entry.title != title[:200]
        or entry.share_with_leaders
        or (follow_up is not None and follow_up.answered_at is not None)
        or entry.goals.exists()
        or entry.attachments.exists()
        or entry.shared_with.exists()
    )


@transaction.atomic
def entry_withdraw_attendance(
    *, user: User, session, prefilled: dict[str, str] | None = None
) -> str:
    """
    Attendance unmarked: the "session attended" entry the register made is withdrawn. Deleted if
    its owner never touched it (it only said they came, which is no longer so); kept but unlinked
    from the session if they wrote in it, because their words are theirs. It keeps its
    ``source_ref``, so marking them present again finds this entry instead of adding a second.
    Returns "deleted", "unlinked" or "" (there was none).
    """
    entry = (
        Entry.objects.select_for_update()
        .filter(owner=user, source_ref=session_source_ref(session.pk))
        .first()
    )
    if entry is None:
        return ""
    if _untouched(entry, title=session.title, prefilled=prefilled or {}):
        entry.delete()
        return "deleted"
    if entry.session_id is not None:
        entry.session = None
        entry.save(update_fields=["session"])
    return "unlinked"


@transaction.atomic
def entry_fill_from_feedback(*, entry: Entry, learned: str = "", will_try: str = "") -> Entry:
    """
    Feedback given after the entry was made: fill what the entry leaves empty, never overwrite
    what its owner wrote. Something to try now means a follow-up six weeks on.
    """
    entry = Entry.objects.select_for_update().get(pk=entry.pk)
    changed = []
    for name, value in (("learned", learned), ("will_try", will_try)):
        if value.strip() and not getattr(entry, name).strip():
            setattr(entry, name, value.strip())
            changed.append(name)
    if changed:
        entry.save(update_fields=[*changed, "updated_at"])
        _sync_follow_up(entry)
    return entry


# --- The impact loop ---------------------------------------------------------------


@transaction.atomic
def follow_up_answer(
    *, follow_up: ImpactFollowUp, tried: bool, level: str, what_happened: str
) -> ImpactFollowUp:
    """
    "Yes" needs a level and what happened for pupils; "Not yet" needs neither (and keeps neither:
    a level for something not tried would count in the impact figures).
    """
    follow_up = ImpactFollowUp.objects.select_for_update().get(pk=follow_up.pk)
    what_happened = what_happened.strip() if tried else ""
    if tried and level not in ImpactFollowUp.Level.values:
        raise ValidationError({"level": "Choose how far the impact has gone."})
    if tried and not what_happened:
        raise ValidationError({"what_happened": "Say what happened for pupils."})
    if len(what_happened) > ImpactFollowUp.WHAT_HAPPENED_MAX:
        raise ValidationError(
            {
                "what_happened": f"Keep this to {ImpactFollowUp.WHAT_HAPPENED_MAX:,} characters "
                f"or fewer (it has {len(what_happened):,})."
            }
        )
    follow_up.tried = tried
    follow_up.level = level if tried else ""
    follow_up.what_happened = what_happened
    follow_up.answered_at = follow_up.answered_at or timezone.now()
    follow_up.save()
    return follow_up


def follow_up_claim(*, follow_up_id: int) -> bool:
    """Mark a follow-up as asked, once: True for the one caller that gets to send the email."""
    with transaction.atomic():
        return bool(
            ImpactFollowUp.objects.filter(
                pk=follow_up_id, asked_at__isnull=True, answered_at__isnull=True
            ).update(asked_at=timezone.now())
        )


def follow_up_unclaim(*, follow_up_id: int) -> None:
    """The email could not be sent: let the next run try again."""
    with transaction.atomic():
        ImpactFollowUp.objects.filter(pk=follow_up_id).update(asked_at=None)


def follow_ups_ask() -> int:
    """
    Email each follow-up that has come due, once. Each is claimed (marked asked) before its
    email goes, so two runs at once, or a second run the same day, never ask twice; a failed
    send gives the claim back for the next run. Returns how many were asked.
    """
    asked = 0
    for follow_up_id in list(selectors.follow_ups_to_ask().values_list("pk", flat=True)[:1000]):
        if not follow_up_claim(follow_up_id=follow_up_id):
            continue
        try:
            send_impact_follow_up(follow_up_id)
        except OSError:
            logger.warning("Could not email follow-up %s; will try again", follow_up_id)
            follow_up_unclaim(follow_up_id=follow_up_id)
        else:
            asked += 1
    return asked


# --- Needs -----------------------------------------------------------------------------


@transaction.atomic
def need_create(
    *,
    owner: User,
    area: ExpertiseArea,
    description: str,
    priority: str = Need.Priority.MEDIUM,
    goal: Goal | None = None,
) -> Need:
    if goal is not None:
        _own(owner, [goal], "goals")
    need = Need(
        owner=owner, area=area, description=description.strip(), priority=priority, goal=goal
    )
    need.full_clean(exclude=["owner"])
    need.save()
    return need


@transaction.atomic
def need_update(
    *,
    need: Need,
    area: ExpertiseArea,
    description: str,
    priority: str,
    goal: Goal | None = None,
    status: str | None = None,
) -> Need:
    need = Need.objects.select_for_update().select_related("owner").get(pk=need.pk)
    if goal is not None:
        _own(need.owner, [goal], "goals")
    need.area, need.description, need.priority, need.goal = (
        area,
        description.strip(),
        priority,
        goal,
    )
    if status is not None and status != need.status:
        if status == Need.Status.PASSED:
            raise ValidationError({"status": "Only your CPD leader passes a need on."})
        need.status = status
        need.decided_by, need.decided_at = need.owner, timezone.now()
    need.full_clean(exclude=["owner"])
    need.save()
    return need


@transaction.atomic
def need_delete(*, need: Need) -> None:
    Need.objects.filter(pk=need.pk).delete()


@transaction.atomic
def need_decide(*, need: Need, by: User, status: str) -> Need:
    """The CPD leader marks a need met, passes it to the coordinator, or reopens it."""
    if status not in Need.Status.values:
        raise ValidationError("Choose met, passed to the coordinator, or open.")
    # Saved, not updated: the coordinator's summary rows are forgotten on a need's save.
    need.status, need.decided_by, need.decided_at = status, by, timezone.now()
    need.save(update_fields=["status", "decided_by", "decided_at"])
    need.refresh_from_db()
    return need


# --- The statement -------------------------------------------------------------------


@transaction.atomic
def statement_save(*, owner: User, year: int, text: str) -> Statement:
    text = text.strip()
    if not text:
        raise ValidationError({"text": "Write your statement, or choose “Start again”."})
    statement, _ = Statement.objects.update_or_create(
        owner=owner, academic_year=year, defaults={"text": text}
    )
    return statement


@transaction.atomic
def statement_redraft(*, owner: User, year: int) -> None:
    """Throw away my edits: the page drafts the statement afresh from the year's portfolio."""
    Statement.objects.filter(owner=owner, academic_year=year).delete()

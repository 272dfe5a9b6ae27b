"""
Enquiry writes: starting a group (by a member, or by the coordinator from a gap in the needs),
joining, inviting and answering, leaving, the owner's status and timeline, and the group's work
(the log, its files, the reading list). Each is one transaction and checks its rule
(permissions.py) before any write. The write-up is in writeups.py.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from hubs.models import User
from portfolios.files import check_attachment

from . import emails, permissions
from .models import Agreement, Group, Invitation, LogEntry, Membership, ReadingItem, WriteUp
from .writeups import publish_if_agreed

MAX_MEMBERS = 30


def _current(group: Group):
    return Membership.objects.filter(group=group, left_at__isnull=True, user__isnull=False)


def _check_dates(started_on: datetime.date, planned_end: datetime.date | None) -> None:
    if planned_end is not None and planned_end < started_on:
        raise ValidationError({"planned_end": "The planned end comes after the start."})


def _new_group(
    *, by: User, owner: User | None, question: str, kind: str, areas: Iterable,
    phases: Iterable = (), subjects: Iterable = (), status: str = Group.Status.OPEN,
    started_on: datetime.date | None = None, planned_end: datetime.date | None = None,
) -> Group:  # fmt: skip
    areas = list(areas)
    if not areas:
        raise ValidationError({"areas": "Choose at least one area the question is about."})
    group = Group(
        question=question.strip(),
        kind=kind,
        owner=owner,
        created_by=by,
        status=status,
        started_on=started_on or timezone.localdate(),
        planned_end=planned_end,
    )
    _check_dates(group.started_on, planned_end)
    group.full_clean()
    group.save()
    group.areas.set(areas)
    group.phases.set(list(phases))
    group.subjects.set(list(subjects))
    return group


def _add_member(group: Group, user: User) -> Membership:
    """A person joins (again, if they had left: the same row, so the counts stay right)."""
    if _current(group).count() >= MAX_MEMBERS:
        raise ValidationError(f"A group has at most {MAX_MEMBERS} members.")
    member, created = Membership.objects.get_or_create(
        group=group, user=user, defaults={"school_id": user.school_id}
    )
    if not created and member.left_at is not None:
        member.left_at, member.joined_at, member.school_id = None, timezone.now(), user.school_id
        member.save(update_fields=["left_at", "joined_at", "school"])
    return member


@transaction.atomic
def group_create(
    *, by: User, question: str, kind: str, areas: Iterable, phases: Iterable = (),
    subjects: Iterable = (), status: str = Group.Status.OPEN,
    started_on: datetime.date | None = None, planned_end: datetime.date | None = None,
) -> Group:  # fmt: skip
    """Anyone starts a group with their question; they are its owner and first member."""
    if not by.is_active:
        raise ValidationError("Your account is not active.")
    if status == Group.Status.FINISHED:
        raise ValidationError({"status": "A new group is open or closed to new members."})
    group = _new_group(
        by=by, owner=by, question=question, kind=kind, areas=areas, phases=phases,
        subjects=subjects, status=status, started_on=started_on, planned_end=planned_end,
    )  # fmt: skip
    _add_member(group, by)
    return group


@transaction.atomic
def group_start_for_need(
    *, by: User, area, question: str, kind: str, people: Iterable[User]
) -> Group:
    """The coordinator starts a group from a gap in the needs: the people who need the area are
    invited, not added (the first to accept becomes its owner). The coordinator is not a member
    and reads nothing the group writes."""
    permissions.require_can_start_for_need(by)
    invitees = [p for p in people if p.is_active and p.pk != by.pk]
    if not invitees:
        raise ValidationError("Nobody with an open need in this area can be invited.")
    group = _new_group(by=by, owner=None, question=question, kind=kind, areas=[area])
    for person in invitees:
        invitation = Invitation.objects.create(group=group, user=person, invited_by=by)
        invitation.user = person
        emails.mail_invitation(invitation)
    return group


@transaction.atomic
def group_join(*, group: Group, by: User) -> Membership:
    """Anyone joins an open group (a waiting invitation to it counts as accepted)."""
    group = Group.objects.select_for_update().get(pk=group.pk)
    already = _current(group).filter(user=by).exists()
    permissions.require_can_join(by, group, already=already)
    member = _add_member(group, by)
    Invitation.objects.filter(group=group, user=by, status=Invitation.Status.PENDING).update(
        status=Invitation.Status.ACCEPTED, answered_at=timezone.now()
    )
    if group.owner_id is None:
        Group.objects.filter(pk=group.pk).update(owner=by)
    return member


@transaction.atomic
def invitation_create(*, group: Group, by: User, email: str) -> Invitation:
    """A member invites a community member by their address: they are emailed, and answer on
    their enquiries page."""
    permissions.require_can_invite(by, group)
    invitee = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if invitee is None:
        raise ValidationError(
            {"email": "Nobody in the community has that address. Check it, or ask them to join."}
        )
    if _current(group).filter(user=invitee).exists():
        raise ValidationError({"email": f"{invitee.full_name} is already in the group."})
    if Invitation.objects.filter(
        group=group, user=invitee, status=Invitation.Status.PENDING
    ).exists():
        raise ValidationError({"email": f"{invitee.full_name} is already invited."})
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(group=group, user=invitee, invited_by=by)
    except IntegrityError:  # two members invited them at the same moment
        raise ValidationError({"email": f"{invitee.full_name} is already invited."}) from None
    emails.mail_invitation(invitation)
    return invitation


@transaction.atomic
def invitation_answer(*, invitation: Invitation, by: User, accept: bool) -> Invitation:
    """The invitee accepts (they join, even a group closed to new members) or declines; the
    person who invited them is told."""
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("invited_by")
        .get(pk=invitation.pk)
    )
    permissions.require_can_answer(by, invitation)
    group = Group.objects.select_for_update().get(pk=invitation.group_id)
    if accept and group.status == Group.Status.FINISHED:
        raise ValidationError("That group has finished its work: it takes no new members.")
    if accept:
        _add_member(group, by)
        if group.owner_id is None:
            Group.objects.filter(pk=group.pk).update(owner=by)
    invitation.status = Invitation.Status.ACCEPTED if accept else Invitation.Status.DECLINED
    invitation.answered_at = timezone.now()
    invitation.save(update_fields=["status", "answered_at"])
    emails.mail_answer(invitation)
    return invitation


def _delete_files(names: list[str], storage) -> None:
    def remove() -> None:
        for name in names:
            storage.delete(name)

    if names:
        transaction.on_commit(remove)


@transaction.atomic
def group_leave(*, group: Group, by: User, delete_mine: bool = False) -> None:
    """
    A member leaves. What they wrote stays for the others, shown as "a former member", unless
    they ask for it to be deleted (their log entries and files, their reading-list items). Their
    agreement to a draft goes; the group's ownership passes to the longest-standing member; a
    draft every remaining member has agreed to is published.
    """
    permissions.require_can_leave(by, group)
    Membership.objects.filter(group=group, user=by, left_at__isnull=True).update(
        left_at=timezone.now()
    )
    if delete_mine:
        mine = LogEntry.objects.filter(group=group, author=by)
        _delete_files([e.file.name for e in mine if e.file], LogEntry.file.field.storage)
        mine.delete()
        ReadingItem.objects.filter(group=group, added_by=by).delete()
    Agreement.objects.filter(
        write_up__group=group, write_up__status=WriteUp.Status.DRAFT, user=by
    ).delete()
    if group.owner_id == by.pk:
        successor = _current(group).order_by("joined_at", "pk").values_list("user", flat=True)
        Group.objects.filter(pk=group.pk).update(owner_id=successor.first())
    publish_if_agreed(group_id=group.pk)


@transaction.atomic
def group_update(
    *, group: Group, by: User, status: str, planned_end: datetime.date | None
) -> Group:
    """The owner opens or closes the group to new members, finishes it, or moves its end."""
    permissions.require_can_manage(by, group)
    if status not in Group.Status.values:
        raise ValidationError({"status": "Choose a status."})
    _check_dates(group.started_on, planned_end)
    finished = status == Group.Status.FINISHED
    if finished and group.status != Group.Status.FINISHED:
        group.finished_at = timezone.now()  # the retention period runs from here
    elif not finished:
        group.finished_at = None
    Group.objects.filter(pk=group.pk).update(
        status=status, planned_end=planned_end, finished_at=group.finished_at
    )
    group.status, group.planned_end = status, planned_end
    if status == Group.Status.FINISHED:
        Invitation.objects.filter(group=group, status=Invitation.Status.PENDING).delete()
    return group


# --- The group's work --------------------------------------------------------------------


@transaction.atomic
def log_add(
    *, group: Group, by: User, kind: str, text: str = "", result: str = "", upload=None
) -> LogEntry:
    """A note, a decision, progress (what I tried, and what happened) or a file in the group's
    shared log. A file is checked like portfolio evidence (types and size) and stored under a
    random name."""
    permissions.require_can_write(by, group)
    text, result = text.strip(), result.strip()
    if kind != LogEntry.Kind.PROGRESS and result:
        raise ValidationError({"result": "Say what happened only with what you tried."})
    entry = LogEntry(group=group, author=by, kind=kind, text=text, result=result)
    if kind == LogEntry.Kind.FILE:
        if upload is None:
            raise ValidationError({"upload": "Choose the file to add."})
        try:
            entry.content_type = check_attachment(upload)
        except ValidationError as error:
            raise ValidationError({"upload": error.messages}) from None
        entry.size = upload.size
    elif not text and kind == LogEntry.Kind.PROGRESS:
        raise ValidationError({"text": "Say what you tried in your classroom."})
    elif not text:
        raise ValidationError({"text": "Write the note or decision."})
    elif upload is not None:
        raise ValidationError({"upload": "Add a file as a file entry."})
    entry.full_clean(exclude=["file"])
    if upload is not None:
        entry.original_name = PurePath(upload.name).name[:200]
        entry.file = upload
    entry.save()
    return entry


@transaction.atomic
def log_delete(*, entry: LogEntry, by: User) -> None:
    """The author deletes their log entry (and its file)."""
    permissions.require_can_delete_item(by, entry)
    _delete_files([entry.file.name] if entry.file else [], LogEntry.file.field.storage)
    LogEntry.objects.filter(pk=entry.pk).delete()


@transaction.atomic
def reading_add(
    *, group: Group, by: User, title: str, url: str = "", note: str = ""
) -> ReadingItem:
    permissions.require_can_write(by, group)
    item = ReadingItem(
        group=group, added_by=by, title=title.strip(), url=url.strip(), note=note.strip()
    )
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def reading_delete(*, item: ReadingItem, by: User) -> None:
    permissions.require_can_delete_item(by, item)
    ReadingItem.objects.filter(pk=item.pk).delete()

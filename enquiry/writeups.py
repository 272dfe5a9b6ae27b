"""
A group's write-up: drafted by its members (any edit clears the agreements), published to the
library once every current member has agreed, then added by each member who wishes to their
portfolio log, linked to one of their goals.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from hubs.models import User
from portfolios.models import Entry, Goal
from portfolios.services import entry_create

from . import permissions
from .models import Agreement, Group, Membership, WriteUp


def source_ref(write_up_id: int) -> str:
    """The key of a member's portfolio entry for a write-up: once per person and write-up."""
    return f"enquiry-write-up:{write_up_id}"


@transaction.atomic
def write_up_save(
    *, group: Group, by: User, question: str, tried: str, happened: str, next_steps: str = ""
) -> WriteUp:
    """A member writes or edits the draft; everyone's agreement to the old words is cleared."""
    write_up = WriteUp.objects.select_for_update().filter(group=group).first()
    permissions.require_can_edit_write_up(by, group, write_up)
    write_up = write_up or WriteUp(group=group)
    write_up.question = question.strip()
    write_up.tried = tried.strip()
    write_up.happened = happened.strip()
    write_up.next_steps = next_steps.strip()
    write_up.updated_by = by
    write_up.updated_at = timezone.now()
    write_up.full_clean(exclude=["group"])
    write_up.save()
    Agreement.objects.filter(write_up=write_up).delete()
    return write_up


def publish_if_agreed(*, group_id: int) -> bool:
    """Publish the draft when every current member has agreed to it as it stands."""
    write_up = (
        WriteUp.objects.select_for_update()
        .filter(group_id=group_id, status=WriteUp.Status.DRAFT)
        .first()
    )
    if write_up is None:
        return False
    members = set(
        Membership.objects.filter(
            group_id=group_id, left_at__isnull=True, user__isnull=False
        ).values_list("user_id", flat=True)
    )
    agreed = set(write_up.agreements.values_list("user_id", flat=True))
    if not members or not members <= agreed:
        return False
    WriteUp.objects.filter(pk=write_up.pk).update(
        status=WriteUp.Status.PUBLISHED, published_at=timezone.now()
    )
    return True


@transaction.atomic
def write_up_agree(*, group: Group, by: User) -> bool:
    """A member agrees to publish the draft as it stands; True once it is published (they were
    the last to agree)."""
    write_up = WriteUp.objects.select_for_update().filter(group=group).first()
    permissions.require_can_agree(by, group, write_up)
    Agreement.objects.get_or_create(write_up=write_up, user=by)
    return publish_if_agreed(group_id=group.pk)


@transaction.atomic
def write_up_to_portfolio(
    *, write_up: WriteUp, by: User, goal: Goal, hours: Decimal = Decimal("1"), reflection: str = ""
) -> Entry:
    """A member of the group adds the published write-up to their portfolio log as a
    collaborative enquiry, linked to one of their goals (their choice). Once each."""
    write_up = WriteUp.objects.get(pk=write_up.pk)  # as it stands now
    was_member = Membership.objects.filter(group_id=write_up.group_id, user=by).exists()
    permissions.require_can_add_to_portfolio(by, write_up, was_member=was_member)
    existing = Entry.objects.filter(owner=by, source_ref=source_ref(write_up.pk)).first()
    if existing is not None:
        return existing
    if goal.owner_id != by.pk:
        raise ValidationError({"goal": "Choose one of your own goals."})
    title = f"Enquiry: {write_up.question}"
    if len(title) > 200:
        title = title[:199] + "…"
    return entry_create(
        owner=by,
        date=timezone.localdate(),
        kind=Entry.Kind.ENQUIRY,
        title=title,
        hours=hours,
        goals=[goal],
        source_ref=source_ref(write_up.pk),
        learned=reflection.strip(),
        impact_pupils=write_up.happened[:3_000],
        evidence=f"Published write-up: {write_up.get_absolute_url()}",
    )

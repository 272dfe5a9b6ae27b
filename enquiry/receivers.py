"""
How enquiry answers an account being erased (hubs.signals.user_deleting): as when a member
leaves, what they wrote in a group stays for its members, shown as "a former member" (the
foreign keys are emptied by the deletion). Their name and address are taken out of every text
kept in the groups they were in (cpdhub/erasure.py), and a group they owned passes to its
longest-standing member.
"""

from __future__ import annotations

from django.db import models

from cpdhub.erasure import names_of, scrub_text

from .models import Group, LogEntry, Membership, PeerVisit, ReadingItem, WriteUp

# What a peer visit says once its visitor's account is erased.
ERASED_VISIT = "A visit (the visitor's account was deleted)"
VISIT_TEXTS = ("focus", "dates", "why", "notes", "thanks")
TEXTS = {
    Group: ("question",),
    LogEntry: ("text", "result", "original_name"),
    ReadingItem: ("title", "url", "note"),
    WriteUp: ("question", "tried", "happened", "next_steps"),
}


def _scrub(queryset, fields: tuple[str, ...], names: list[str]) -> None:
    for obj in queryset.only("pk", *fields):
        changed = {f: scrub_text(getattr(obj, f), names) for f in fields}
        if any(changed[f] != getattr(obj, f) for f in fields):
            type(obj).objects.filter(pk=obj.pk).update(**changed)


def forget_leaver(sender, user, **kwargs) -> None:
    names = names_of(user)
    group_ids = set(Membership.objects.filter(user=user).values_list("group_id", flat=True))
    group_ids |= set(Group.objects.filter(owner=user).values_list("pk", flat=True))
    group_ids |= set(Group.objects.filter(created_by=user).values_list("pk", flat=True))
    _scrub(Group.objects.filter(pk__in=group_ids), TEXTS[Group], names)
    _scrub(LogEntry.objects.filter(group_id__in=group_ids), TEXTS[LogEntry], names)
    _scrub(ReadingItem.objects.filter(group_id__in=group_ids), TEXTS[ReadingItem], names)
    _scrub(WriteUp.objects.filter(group_id__in=group_ids), TEXTS[WriteUp], names)
    for group in Group.objects.filter(owner=user):
        successor = (
            Membership.objects.filter(group=group, left_at__isnull=True, user__isnull=False)
            .exclude(user=user)
            .order_by("joined_at", "pk")
            .values_list("user", flat=True)
            .first()
        )
        Group.objects.filter(pk=group.pk).update(owner_id=successor)


def forget_visitor(sender, user, **kwargs) -> None:
    """Peer visits: the words of a visitor whose account is erased (focus, dates, why, notes,
    thanks) go; the schools, the status and the thank-you's date stay, so the counts stay. A
    visit they hosted or answered stays for its visitor, their name and address taken out."""
    PeerVisit.objects.filter(visitor=user).update(
        focus=ERASED_VISIT, dates="", why="", notes="", notes_shared=False, thanks=""
    )
    others = PeerVisit.objects.filter(models.Q(host=user) | models.Q(decided_by=user)).exclude(
        visitor=user
    )
    _scrub(others, VISIT_TEXTS, names_of(user))

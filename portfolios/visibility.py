"""
Who sees what of a portfolio: my own goals and entries, and those others share with me, by
name or with me as their school's CPD leader. Every read of someone else's portfolio starts
here, so nothing private is shown by another path.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from hubs.models import User

from .models import Entry, Goal


def _others_q(model, user: User) -> Q:
    """Others' rows shared with me: asked on its own (not as "mine, or shared" less "mine"),
    Postgres finds them from the shares, not by reading every row."""
    through = model.shared_with.through
    own_fk = model._meta.model_name  # "goal" or "entry"
    shared = Q(pk__in=through.objects.filter(user=user).values(f"{own_fk}_id"))
    if user.led_school_ids:
        shared |= Q(share_with_leaders=True, owner__school_id__in=user.led_school_ids)
    # What someone who has left shared is no longer readable by others.
    return shared & Q(owner__is_active=True) & ~Q(owner=user)


def _shared_q(model, user: User) -> Q:
    return Q(owner=user) | _others_q(model, user)


def goals_visible_to(user: User) -> QuerySet[Goal]:
    """Mine, and those shared with me by name or as my school's CPD leader."""
    return Goal.objects.filter(_shared_q(Goal, user))


def entries_visible_to(user: User) -> QuerySet[Entry]:
    return Entry.objects.filter(_shared_q(Entry, user))


def others_goals_shared_with(user: User) -> QuerySet[Goal]:
    return Goal.objects.filter(_others_q(Goal, user))


def others_entries_shared_with(user: User) -> QuerySet[Entry]:
    return Entry.objects.filter(_others_q(Entry, user))


def shared_with_me(user: User) -> tuple[QuerySet[Goal], QuerySet[Entry]]:
    """Goals and entries others share with me (by name, or with me as their CPD leader), to be
    shown a page at a time."""
    goals = (
        others_goals_shared_with(user)
        .select_related("owner__school")
        .order_by("owner__last_name", "-academic_year", "title", "pk")
    )
    entries = (
        others_entries_shared_with(user)
        .select_related("owner__school")
        .order_by("owner__last_name", "-date", "pk")
    )
    return goals, entries

"""
Who may see and change what in the portfolio. Plain functions, used by views, templates and
tests alike.

The rule (DESIGN.md): everything is private to its owner. The owner may share a goal or an
entry with their school's CPD leader(s) or with named colleagues, who may then read it (never
change it). A CPD leader sees their school's needs (that is what needs are for) and counts,
never unshared reflections. The coordinator sees the community's needs rolled up.
"""

from __future__ import annotations

from hubs.permissions import is_coordinator


def is_owner(user, item) -> bool:
    return user.is_authenticated and item.owner_id == user.pk


def can_edit(user, item) -> bool:
    """Goals, entries, needs, follow-ups' entries: only the owner changes them."""
    return is_owner(user, item)


def leads_school_of(user, owner) -> bool:
    return (
        user.is_authenticated
        and owner.school_id is not None
        and owner.school_id in user.led_school_ids
    )


def can_view_shared(user, item, shared_user_ids: set[int]) -> bool:
    """A goal or entry: its owner, a named colleague, or the owner's CPD leader when shared."""
    if is_owner(user, item):
        return True
    if user.pk in shared_user_ids:
        return True
    return item.share_with_leaders and leads_school_of(user, item.owner)


def can_decide_need(user, need) -> bool:
    """The CPD leader of the need's owner's school marks it met or passes it on."""
    return leads_school_of(user, need.owner)


def can_see_needs_audit(user) -> bool:
    return user.is_authenticated and user.is_cpd_leader


def can_see_community_needs(user) -> bool:
    return is_coordinator(user)

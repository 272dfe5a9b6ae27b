"""
Who may see and change what in the portfolio. Plain functions, used by views, templates and
tests alike.

The rule (docs/security-and-privacy.md): everything is private to its owner. The owner may share
a goal or an entry with their school's CPD leader(s) or with named colleagues, who may then read
it (never change it). A CPD leader sees their school's needs (that is what needs are for) and
counts, never unshared reflections. The coordinator sees the community's needs rolled up.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied


def is_owner(user, item) -> bool:
    return user.is_authenticated and item.owner_id == user.pk


# Changing an item (owner only), reading what is shared (visibility._shared_q) and deciding a
# need (needs.need_for_leader) are enforced by scoping the querysets, so anyone else
# simply does not find the item: 404.


def can_see_needs_audit(user) -> bool:
    return user.is_authenticated and user.is_cpd_leader


def can_see_community_needs(user) -> bool:
    return user.is_authenticated and user.is_coordinator


# A page for a role the person does not have answers 403 with the rule's sentence and a way
# back (templates/403.html), the same everywhere; it is not hiding an object, so not 404.


def require_can_see_needs_audit(user) -> None:
    if not can_see_needs_audit(user):
        raise PermissionDenied(
            "The needs audit is for a school's CPD leaders: it shows their school's CPD needs."
        )


def require_can_see_community_needs(user) -> None:
    if not can_see_community_needs(user):
        raise PermissionDenied(
            "The community's needs are for the coordinators, who match them with experts."
        )

"""
The termly kinds, registered with the ledger (notifications/registry.py): the digest (built a
batch of people at a time), the term-start audits and the release nudge.
"""

from __future__ import annotations

from collections.abc import Callable

from notifications import registry
from notifications.categories import Category
from notifications.registry import Email

from . import digest, reminders


def _for_recipient(build: Callable) -> registry.Builder:
    """A builder from ``build(user, key) -> context | None``: for a person, never an address."""

    def builder(delivery) -> Email | None:
        if delivery.recipient is None:
            return None
        context = build(delivery.recipient, delivery.key)
        return Email(context) if context is not None else None

    return builder


def register_emails() -> None:
    registry.register(
        "digest",
        category=Category.DIGEST,
        build=_for_recipient(digest.context_for),
        build_batch=digest.contexts_for,
    )
    for name, build in (
        ("audit_profile", reminders.audit_profile_context),
        ("audit_portfolio", reminders.audit_portfolio_context),
        ("audit_needs", reminders.audit_needs_context),
        ("release_nudge", reminders.release_nudge_context),
    ):
        registry.register(name, category=Category.REMINDERS, build=_for_recipient(build))

"""
The termly kinds, registered with the ledger (notifications/registry.py): the digest (built a
batch of people at a time), the term-start audits and the release nudge; and the coordinator's
"ask stale experts to refresh their profile" nudge.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils import timezone

from hubs.models import Term
from notifications import registry
from notifications.categories import Category
from notifications.registry import Email
from notifications.services import send_templated_mail_many

from . import digest, reminders
from .planning import term_slug

REFRESH_KIND = "audit_profile"  # the term-start reminder's email, worded for a nudge by its key


def refresh_key(today=None) -> str:
    """``refresh:<term>``: the term under way, or the last one begun (in a holiday)."""
    today = today or timezone.localdate()
    term = Term.objects.current(today) or (
        Term.objects.filter(start__lte=today).order_by("-start").first()
    )
    return f"refresh:{term_slug(term) if term else today.year}"


def mail_ask_to_refresh(emails: list[str], key: str) -> list:
    """The nudge to confirm or update a directory profile, to each address under ``key``."""
    return send_templated_mail_many(REFRESH_KIND, messages=[(email, key) for email in emails])


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

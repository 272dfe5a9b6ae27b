"""What coaching sends (registered with the ledger in CoachingConfig.ready)."""

from __future__ import annotations

from notifications import registry


def register_emails() -> None:
    pass

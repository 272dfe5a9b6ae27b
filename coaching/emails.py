"""What coaching sends (registered with the ledger in CoachingConfig.ready)."""

from __future__ import annotations


def register_emails() -> None:
    pass

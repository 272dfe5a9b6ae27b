"""How the email ledger answers a person leaving (hubs.signals)."""

from __future__ import annotations

from . import services


def forget_address(sender, user, **kwargs) -> None:
    services.ledger_forget(user=user)

"""How coaching answers an account being erased (hubs.signals.user_deleting)."""

from __future__ import annotations

from .retention import content_forget_for


def forget_leaver(sender, user, **kwargs) -> None:
    content_forget_for(user=user)

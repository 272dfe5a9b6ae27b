"""How the privacy app answers an account being erased (hubs.signals.user_deleting)."""

from __future__ import annotations

from .services import exports_forget


def forget_exports(sender, user, **kwargs) -> None:
    exports_forget(user=user)

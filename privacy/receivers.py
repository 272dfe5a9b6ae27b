"""How the privacy app answers an account being erased (hubs.signals.user_deleting)."""

from __future__ import annotations

from .forget import imports_forget, sessions_forget
from .services import exports_forget


def forget_exports(sender, user, **kwargs) -> None:
    exports_forget(user=user)


def forget_imports(sender, user, **kwargs) -> None:
    imports_forget(user=user)


def forget_sessions(sender, user, **kwargs) -> None:
    sessions_forget(user=user)

"""
The email kinds the ledger knows, registered by the apps that own them.

A kind is a template set under ``templates/email/<kind>/``, a preference category, and a
builder: given a ledger row (its recipient, address and key), the template context, read
afresh when the email is sent (so a retry, the sweep or the coordinator's "try again" can
send it at any time), or None when there is nothing to send any more (a withdrawn invitation,
a request already decided). Apps register their kinds in ``AppConfig.ready()``; this module
imports none of them (the same pattern as ``cpd_sessions/interests.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .categories import Category

if TYPE_CHECKING:
    from .models import Delivery


@dataclass(frozen=True)
class Email:
    """What a builder returns: the template context, and who a reply goes to."""

    context: dict[str, Any]
    reply_to: list[str] | None = None
    headers: dict[str, str] | None = None


def reply_to(*people) -> list[str] | None:
    """The Reply-To of an email that puts its reader in touch with ``people``: their addresses,
    except those they keep private (``User.address_is_private``); None when none is left, and
    the email's text then says how else to reach them."""
    shared = [p.email for p in people if p is not None and p.email and not p.address_is_private]
    return shared or None


Builder = Callable[["Delivery"], "Email | None"]
# For kinds built a batch at a time (the digest): (recipients, key) → {user id: context}.
BatchBuilder = Callable[[list, str], "dict[int, dict]"]


@dataclass(frozen=True)
class Kind:
    name: str
    category: Category
    build: Builder
    build_batch: BatchBuilder | None = None


_kinds: dict[str, Kind] = {}


def register(
    name: str, *, category: Category, build: Builder, build_batch: BatchBuilder | None = None
) -> None:
    """Called from the owning app's ``AppConfig.ready()``. Registering a kind twice with a
    different builder is a mistake (two apps claiming one template set)."""
    kind = Kind(name=name, category=Category(category), build=build, build_batch=build_batch)
    known = _kinds.get(name)
    if known is not None and known != kind:
        raise ValueError(f"The email kind {name!r} is registered twice.")
    _kinds[name] = kind


def get(name: str) -> Kind:
    try:
        return _kinds[name]
    except KeyError:
        raise LookupError(
            f"No app registered the email kind {name!r} (see notifications/registry.py)."
        ) from None


def names() -> list[str]:
    return sorted(_kinds)


def category_of(name: str) -> Category:
    """A kind's preference category; essential for anything unregistered (account mail)."""
    kind = _kinds.get(name)
    return kind.category if kind is not None else Category.ESSENTIAL

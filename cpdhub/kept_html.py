"""
A long list's row, drawn once for what it shows. Twenty cards a page through the template
engine were half of a listing's CPU (about a millisecond a card); a card whose HTML depends only
on some values (the caller names them all) is kept under those values, so a change to any of
them is a different key: no kept card outlives what it shows, whatever wrote the change.

Kept twice: in the process (a dictionary) and in the shared cache (Redis in production), so a
card one web process drew is not drawn again by the others. The shared key is a digest of the
values and of the template's source, so a deploy that changes the template draws new cards.
A page asks the shared cache once for all its cards (``render_many``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Hashable, Iterable

from django.core.cache import cache
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe

# About 1.5 KB a card: a few megabytes a process. Emptied when full (no order to keep).
KEPT = 4000
SHARED_SECONDS = 600


class KeptCards:
    def __init__(self, template_name: str, size: int = KEPT) -> None:
        self.template_name = template_name
        self.size = size
        self.kept: dict[Hashable, str] = {}
        self._version: str | None = None

    def _shared_key(self, shows: Hashable) -> str:
        if self._version is None:
            source = get_template(self.template_name).template.source
            self._version = hashlib.blake2b(source.encode(), digest_size=6).hexdigest()
        digest = hashlib.blake2b(repr(shows).encode(), digest_size=16).hexdigest()
        return f"card:{self._version}:{digest}"

    def _keep(self, shows: Hashable, html: str) -> None:
        if len(self.kept) >= self.size:
            self.kept.clear()
        self.kept[shows] = html

    def render_many(self, cards: Iterable[tuple[Hashable, dict]]) -> SafeString:
        """Each card's HTML, one after another (each card: every value its template reads from
        its context, and the context): those kept in this process, then those kept in
        the shared cache (one round trip), then the rest drawn and kept in both."""
        cards = list(cards)
        html: list[str | None] = [self.kept.get(shows) for shows, _ in cards]
        missing = [i for i, found in enumerate(html) if found is None]
        if missing:
            keys = {i: self._shared_key(cards[i][0]) for i in missing}
            shared = cache.get_many(list(keys.values()))
            drawn = {}
            for i in missing:
                shows, context = cards[i]
                found = shared.get(keys[i])
                if found is None:
                    template = get_template(self.template_name)
                    found = drawn[keys[i]] = str(template.render(context))
                html[i] = found
                self._keep(shows, found)
            if drawn:
                cache.set_many(drawn, SHARED_SECONDS)
        return mark_safe("".join(html))  # noqa: S308 - the template's own output, escaped there

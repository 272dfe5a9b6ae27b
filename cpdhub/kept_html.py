"""
A long list's row, drawn once for what it shows. Twenty cards a page through the template
engine were half of a listing's CPU (about a millisecond a card); a card whose HTML depends only
on some values (the caller names them all) is kept per process under those values, so a change
to any of them is a different key: no kept card outlives what it shows, whatever wrote the
change. A page's cards are drawn in one pass (``render_many``).

Kept in the process only, never in the shared cache: a card names its person, and an erasure
must leave no copy of the name anywhere it can search (tests/privacy/test_erasure_everywhere.py);
a card's key cannot be found again from the person (it holds what was searched for).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable

from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe

# About 1.5 KB a card: a few megabytes a process. Emptied when full (no order to keep).
KEPT = 4000


class KeptCards:
    def __init__(self, template_name: str, size: int = KEPT) -> None:
        self.template_name = template_name
        self.size = size
        self.kept: dict[Hashable, str] = {}

    def render_many(self, cards: Iterable[tuple[Hashable, dict]]) -> SafeString:
        """Each card's HTML, one after another (each card: every value its template reads from
        its context, and the context): kept ones as kept, the rest drawn and kept."""
        html = []
        for shows, context in cards:
            found = self.kept.get(shows)
            if found is None:
                found = str(get_template(self.template_name).render(context))
                if len(self.kept) >= self.size:
                    self.kept.clear()
                self.kept[shows] = found
            html.append(found)
        return mark_safe("".join(html))  # noqa: S308 - the template's own output, escaped there

"""
A long list's row, drawn once for what it shows. Twenty cards a page through the template
engine were a fifth of a listing's CPU; a card whose HTML depends only on some values (the
caller names them all) is kept per process under those values, so a change to any of them is a
different key: no kept card outlives what it shows, whatever wrote the change.
"""

from __future__ import annotations

from collections.abc import Hashable

from django.template.loader import get_template

# About 1.5 KB a card: a few megabytes a process. Emptied when full (no order to keep).
KEPT = 4000


class KeptCards:
    def __init__(self, template_name: str, size: int = KEPT) -> None:
        self.template_name = template_name
        self.size = size
        self.kept: dict[Hashable, str] = {}

    def render(self, shows: Hashable, context: dict) -> str:
        """The template drawn with ``context``; ``shows``: every value it reads from it."""
        html = self.kept.get(shows)
        if html is None:
            html = get_template(self.template_name).render(context)
            if len(self.kept) >= self.size:
                self.kept.clear()
            self.kept[shows] = html
        return html

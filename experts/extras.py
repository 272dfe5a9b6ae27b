"""
What other apps find for a directory search, shown beside the people: a short block each (the
courses app's "Courses": a few courses that match, linked to the full list). Other apps register
a source in their ``AppConfig.ready()``; this app imports none of them (as with
``cpd_sessions.interests``). Each source answers in one query, with at most a few items.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ExtraItem:
    label: str
    url: str
    detail: str = ""


@dataclass(frozen=True)
class Extra:
    """One block: its heading, its few items, and a link to everything that matched."""

    title: str
    more_url: str
    more_label: str
    items: list[ExtraItem] = field(default_factory=list)


# ``source(query)`` returns its block for the search text, or None when nothing matches.
ExtraSource = Callable[[str], Extra | None]

_sources: list[ExtraSource] = []


def register_search_extra(source: ExtraSource) -> None:
    if source not in _sources:
        _sources.append(source)


def extras_for(query: str) -> list[Extra]:
    """The blocks for a search (none without search text): one query per registered source."""
    if not query.strip():
        return []
    return [extra for source in _sources if (extra := source(query)) is not None]

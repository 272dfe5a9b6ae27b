"""
Which term it is, the next one, and where today falls in it: from every term's dates, read once
and cached for everyone (``cpdhub/shared_cache.py``), so asking costs no query.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from cpdhub.shared_cache import shared

from .models import Term


@dataclass(frozen=True)
class TermPosition:
    term: Term
    week: int
    weeks: int
    days_left: int


@shared("terms", depends_on=(Term,))
def all_terms() -> list[Term]:
    """Every term, by date: a few a year, the same for everyone, cached (cpdhub/shared_cache.py)."""
    return list(Term.objects.order_by("start"))


def current_term(today: datetime.date | None = None) -> Term | None:
    today = today or timezone.localdate()
    return next((t for t in all_terms() if t.start <= today <= t.end), None)


def next_term(today: datetime.date | None = None) -> Term | None:
    today = today or timezone.localdate()
    return next((t for t in all_terms() if t.start > today), None)


def term_starts(today: datetime.date | None = None) -> list[datetime.date]:
    """The starts of the terms begun by ``today``, latest first."""
    today = today or timezone.localdate()
    return [t.start for t in reversed(all_terms()) if t.start <= today]


def term_position(today: datetime.date | None = None) -> TermPosition | None:
    today = today or timezone.localdate()
    term = current_term(today)
    if term is None:
        return None
    return TermPosition(
        term=term, week=term.week_of(today), weeks=term.weeks, days_left=(term.end - today).days
    )

"""
The English academic year, written once for every app: it starts on 1 August, is known by
its first calendar year (2026 is 2026/27) and written the way schools write it, "2026/27".
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError


def academic_year_of(day: datetime.date) -> int:
    """The academic year a day falls in, by its first calendar year."""
    return day.year if day.month >= 8 else day.year - 1


def year_label(year: int) -> str:
    """2026 → "2026/27"."""
    return f"{year}/{str(year + 1)[-2:]}"


def academic_year_label(day: datetime.date) -> str:
    """The academic year a day falls in, as schools write it: "2026/27"."""
    return year_label(academic_year_of(day))


def parse_year_label(text: str) -> int | None:
    """ "2026/27" → 2026; anything that is not a real academic year written that way → None."""
    first, sep, second = (text or "").strip().partition("/")
    if not (sep and len(first) == 4 and len(second) == 2 and first.isascii() and second.isascii()):
        return None
    if not (first.isdigit() and second.isdigit()):
        return None
    year = int(first)
    if not 1990 <= year <= 2100 or year_label(year) != f"{first}/{second}":
        return None
    return year


def validate_year_label(text: str) -> None:
    """A model and form validator: the academic year as schools write it."""
    if parse_year_label(text) is None:
        raise ValidationError(
            "Write the academic year as schools do, for example 2026/27.", code="academic_year"
        )

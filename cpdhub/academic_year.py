"""
The English academic year, written once for every app: it starts on 1 August, is known by
its first calendar year (2026 is 2026/27: an ``int`` in every model and function) and written
the way schools write it, "2026/27", only on the page (``year_label``) or when read from one
(``parse_year_label``).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone


def academic_year_of(day: datetime.date) -> int:
    """The academic year a day falls in, by its first calendar year."""
    return day.year if day.month >= 8 else day.year - 1


def current_academic_year(today: datetime.date | None = None) -> int:
    """The academic year today (London) falls in."""
    return academic_year_of(today or timezone.localdate())


def year_dates(year: int) -> tuple[datetime.date, datetime.date]:
    """First and last day of an academic year: 1 August to 31 July, both included."""
    return datetime.date(year, 8, 1), datetime.date(year + 1, 7, 31)


def year_span(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    """An academic year as London midnights, for timestamps: 1 August up to the next 1 August."""
    tz = timezone.get_default_timezone()
    return datetime.datetime(year, 8, 1, tzinfo=tz), datetime.datetime(year + 1, 8, 1, tzinfo=tz)


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

"""
The English academic year, written once for every app: it starts on 1 August, is known by
its first calendar year (2026 is 2026/27) and written the way schools write it, "2026/27".
"""

from __future__ import annotations

import datetime


def academic_year_of(day: datetime.date) -> int:
    """The academic year a day falls in, by its first calendar year."""
    return day.year if day.month >= 8 else day.year - 1


def year_label(year: int) -> str:
    """2026 → "2026/27"."""
    return f"{year}/{str(year + 1)[-2:]}"


def academic_year_label(day: datetime.date) -> str:
    """The academic year a day falls in, as schools write it: "2026/27"."""
    return year_label(academic_year_of(day))

"""
Taking an erased person's name and address out of text that others wrote and that stays (a
session's description, an import's results): every app uses the same words for it.
"""

from __future__ import annotations

import re
from typing import Any

# What stands where an erased person's name or address was.
ERASED_NAME = "(an erased account)"


# How schools write a colleague's name without the first name: "Ms Patel", "Dr. Okafor".
TITLES = ("Mr", "Mrs", "Ms", "Miss", "Mx", "Dr")


def names_of(person) -> list[str]:
    """The ways a person is named in text: address, full name, "last, first", then the last name
    after a title ("Ms Patel"). A bare last name is not one of them: it would also erase a
    colleague who shares it. Names of two characters or fewer are left alone (they would match
    inside other words)."""
    first, last = (person.first_name or "").strip(), (person.last_name or "").strip()
    candidates = [person.email, f"{first} {last}".strip(), f"{last}, {first}".strip(", ")]
    if last:
        candidates += [f"{title}{dot} {last}" for title in TITLES for dot in ("", ".")]
    seen: list[str] = []
    for name in candidates:
        if name and len(name) > 2 and name.lower() not in (s.lower() for s in seen):
            seen.append(name)
    return seen


def _pattern(names: list[str]) -> re.Pattern | None:
    if not names:
        return None
    ordered = sorted(names, key=len, reverse=True)  # the address before the name inside it
    return re.compile("|".join(rf"\b{re.escape(n)}\b" for n in ordered), re.IGNORECASE)


def scrub_text(text: str, names: list[str]) -> str:
    """``text`` with each of ``names`` (whole words, any case) replaced by ERASED_NAME."""
    pattern = _pattern(names)
    if pattern is None or not text:
        return text
    return pattern.sub(ERASED_NAME, text)


def scrub_json(value: Any, names: list[str]) -> Any:
    """The same, in every string of a JSON value (lists and objects kept as they are)."""
    if isinstance(value, str):
        return scrub_text(value, names)
    if isinstance(value, list):
        return [scrub_json(item, names) for item in value]
    if isinstance(value, dict):
        return {key: scrub_json(item, names) for key, item in value.items()}
    return value

"""
Query-string values, read in one place below every app. A view reads ``request.GET`` only
through these helpers or through a form (a ``forms.CharField`` refuses NUL and bounds the length;
``SearchForm`` is the search box every query form starts from, ``messages_of`` its errors as
sentences), so a NUL byte, a 10,000-character value, a number too big for the database or "²" is
ignored or a message, never a database error and a 500 (``tests/security/test_query_strings.py``
sends them to every such view).
"""

from __future__ import annotations

import unicodedata

from django import forms
from django.core.validators import slug_re

from cpdhub.singleline import SingleLineFormField

TEXT_MAX = 100
SLUG_MAX = 100
# A database id or page number: ASCII digits only ("²".isdigit() is true, and int() refuses it),
# and short enough for a bigint (a 5,000-digit number is a ValueError in int(), a longer one an
# overflow in the database).
MAX_ID_DIGITS = 18


def is_clean_text(value: str, max_length: int = TEXT_MAX) -> bool:
    """One line of text a query may hold: no control character (NUL, CR, LF, …), not too long."""
    return len(value) <= max_length and not any(unicodedata.category(ch) == "Cc" for ch in value)


def text_param(params, name: str, *, max_length: int = TEXT_MAX) -> str:
    """A short text from the query string, stripped; "" when absent or unusable."""
    value = (params.get(name) or "").strip()
    return value if is_clean_text(value, max_length) else ""


def slug_param(params, name: str) -> str:
    """A slug (``area``, ``hub``) from the query string; "" when absent or not a slug."""
    value = params.get(name) or ""
    return value if len(value) <= SLUG_MAX and slug_re.fullmatch(value) else ""


def id_param(value: str | None) -> int | None:
    """One id from a query string or form, or None when it is not one."""
    if value and value.isascii() and value.isdigit() and len(value) <= MAX_ID_DIGITS:
        return int(value)
    return None


def id_list(values: list[str]) -> list[int]:
    """The ids among ``values`` (ticked boxes), ignoring anything that is not one."""
    return [n for n in map(id_param, values) if n is not None]


def without_page(params) -> str:
    """The query string without its page number, for the links to other pages of a list."""
    params = params.copy()
    params.pop("page", None)
    return params.urlencode()


def page_param(params, name: str = "page") -> int:
    """A page number, 1 when absent or not one."""
    return max(id_param(params.get(name)) or 1, 1)


class SearchForm(forms.Form):
    """A search box in a query string: one line, at most ``TEXT_MAX`` characters."""

    q = SingleLineFormField(
        label="Search",
        required=False,
        max_length=TEXT_MAX,
        error_messages={"max_length": f"Search for at most {TEXT_MAX} characters."},
    )


def messages_of(form: forms.Form) -> list[str]:
    """A bound query form's errors as sentences for ``messages.error``."""
    return [error for errors in form.errors.values() for error in errors]

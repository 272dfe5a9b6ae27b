"""
CSV files a spreadsheet can open safely (OWASP's "CSV injection").

A cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read as a formula
by Excel, LibreOffice and Google Sheets: a name ``=1+1`` or a headline ``=HYPERLINK(…)`` typed by
one person would run in the spreadsheet of whoever downloads the directory. Such a cell is written
with a single quote in front, which the spreadsheet shows as plain text.

Every cell goes through ``safe_cell``, ours and users' alike. Amounts we write ourselves from a
Decimal would be safe without it, but one rule for every cell is simpler to trust than a list of
which columns are user text; a negative amount therefore reads ``'-12.50`` (still plain text to a
person, and the spreadsheet keeps the digits). Write money as positive figures with a label
("refund 12.50") where a sum is wanted.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any

from django.http import StreamingHttpResponse
from django.utils import timezone

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """The value as a spreadsheet will show it, never as a formula (None becomes empty)."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


class SafeWriter:
    """``csv.writer`` whose every cell goes through ``safe_cell``."""

    def __init__(self, stream, **kwargs):
        self._writer = csv.writer(stream, **kwargs)

    def writerow(self, row: Iterable[Any]):
        return self._writer.writerow([safe_cell(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(stream, **kwargs) -> SafeWriter:
    """Use instead of ``csv.writer`` for every CSV the product writes."""
    return SafeWriter(stream, **kwargs)


class _Echo:
    """A file-like object whose ``write`` hands back the line: csv.writer into a generator."""

    def write(self, value: str) -> str:
        return value


def streaming_response(name: str, header: Iterable[Any], rows: Iterable[Iterable[Any]]):
    """
    A CSV download written row by row as the response is sent (a large export never sits in
    memory whole: pass ``queryset.iterator()``), every cell through ``safe_cell``, with a
    byte-order mark so Excel reads the accents. ``name`` becomes ``<name>-<date>.csv``.
    """
    out = SafeWriter(_Echo())

    def lines():
        yield "\ufeff"
        yield out.writerow(header)
        for row in rows:
            yield out.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.csv"'
    return response

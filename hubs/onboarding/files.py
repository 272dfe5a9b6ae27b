"""Reading uploaded CSV files safely: encoding detected, streamed, size-limited."""

from __future__ import annotations

import codecs
import contextlib
import io
from typing import BinaryIO

from cpdhub.singleline import single_line

MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # GIAS's full England extract is ~60 MB; a network's is < 5
CHUNK = 64 * 1024


class ImportFileError(Exception):
    """What is wrong with a file as a whole, in words for the person who chose it."""


def detect_encoding(raw: BinaryIO) -> str:
    """UTF-8 (with or without a byte-order mark) when the whole file decodes as it, else
    Windows-1252, the register's own encoding. Reads in chunks; leaves the file at its start."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    encoding = "utf-8-sig"
    try:
        while chunk := raw.read(CHUNK):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        encoding = "cp1252"
    raw.seek(0)
    return encoding


def open_csv_text(raw: BinaryIO, *, max_bytes: int = MAX_UPLOAD_BYTES) -> io.TextIOWrapper:
    """A text stream over ``raw`` for the csv module (never read whole into memory)."""
    raw.seek(0, io.SEEK_END)
    size = raw.tell()
    raw.seek(0)
    if size > max_bytes:
        raise ImportFileError(
            f"This file is {size / 1024 / 1024:.0f} MB; the limit is "
            f"{max_bytes // 1024 // 1024} MB. Export only your schools or staff, or split the file."
        )
    if size == 0:
        raise ImportFileError("This file is empty.")
    head = raw.read(4)
    raw.seek(0)
    if head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise ImportFileError(
            "This looks like an Excel workbook. Save it as CSV (comma separated values) first."
        )
    if b"\x00" in head:
        raise ImportFileError(
            "This file is not a CSV text file (UTF-16 or binary). Save as CSV UTF-8."
        )
    encoding = detect_encoding(raw)
    # cp1252 leaves five bytes undefined: replace them rather than fail half-way.
    return _TextOver(raw, encoding=encoding, errors="replace", newline="")


class _TextOver(io.TextIOWrapper):
    """A text view of the caller's file that leaves it open when the view goes."""

    def close(self) -> None:
        with contextlib.suppress(ValueError):
            self.detach()


def cell(value: str | None) -> str:
    """A cell's text, on one line (cpdhub/singleline.py: what is stored is what the preview
    shows) and trimmed; a leading formula character is kept as text (never evaluated here, and
    exports neutralise it)."""
    return single_line(value or "").strip()

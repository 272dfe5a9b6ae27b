"""Names inside sentences: "help with questioning", "Recordings in SEND", "help with AfL"."""

from __future__ import annotations


def in_sentence(name: object) -> str:
    """
    A name as it reads mid-sentence: its first letter lower-cased when it is a capital that
    only starts the name ("Questioning" -> "questioning", "Early reading" -> "early reading"),
    and left as written when the first word has any other capital ("SEND", "EAL", "AfL") or is
    a single letter ("A level"). Nothing else in the name changes.
    """
    text = str(name)
    first = text.split(" ", 1)[0]
    if len(first) > 1 and first[0].isupper() and first[1:] == first[1:].lower():
        return text[0].lower() + text[1:]
    return text

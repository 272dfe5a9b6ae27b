"""
Write ``locale/en_GB/LC_MESSAGES/django.po``: django-allauth's own English words in UK English
and sentence case ("Sign in", "Confirm access", "finalise"), as every other page here is. Run it
again after upgrading allauth, then ``msgfmt -o locale/en_GB/LC_MESSAGES/django.mo`` the .po
(``LOCALE_PATHS`` puts these before allauth's). Only short labels (headings, buttons) are put in
sentence case; any message with an American spelling gets the British one; others stay as they
are.

    .venv/bin/python scripts/allauth_en_gb.py
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import allauth

SOURCE = Path(allauth.__file__).parent / "locale" / "en" / "LC_MESSAGES" / "django.po"
TARGET = Path(__file__).resolve().parents[1] / "locale" / "en_GB" / "LC_MESSAGES" / "django.po"

# Words that keep their capital in the middle of a label.
KEEP = {"Google", "Microsoft"}
SPELLING = [
    (r"\bfinaliz", "finalis"),
    (r"\bFinaliz", "Finalis"),
    (r"\bauthoriz", "authoris"),
    (r"\bAuthoriz", "Authoris"),
    (r"\borganiz", "organis"),
    (r"\brecogniz", "recognis"),
    (r"\bcanceled\b", "cancelled"),
]


def entries(text: str):
    """(msgctxt, msgid) of each singular message in a .po file."""
    for block in text.split("\n\n"):
        if "msgid_plural" in block:
            continue
        ctxt = re.search(r'^msgctxt ((?:".*"\n?)+)', block, re.M)
        found = re.search(r'^msgid ((?:".*"\n?)+)', block, re.M)
        if not found:
            continue
        msgid = "".join(ast.literal_eval(s) for s in re.findall(r'"(?:[^"\\]|\\.)*"', found[1]))
        context = (
            "".join(ast.literal_eval(s) for s in re.findall(r'"(?:[^"\\]|\\.)*"', ctxt[1]))
            if ctxt
            else None
        )
        if msgid:
            yield context, msgid


def _lower_first(part: str) -> str:
    return part[:1].lower() + part[1:]


def sentence_case(label: str) -> str:
    """ "Two-Factor Authentication" → "Two-factor authentication"; acronyms, names and
    placeholders keep their case."""
    out = []
    for index, word in enumerate(label.split(" ")):
        bare = word.strip("():,.?!")
        if bare in KEEP or bare.isupper() or "%" in word or "{" in word:
            out.append(word)
            continue
        parts = word.split("-")
        head = parts[0] if index == 0 else _lower_first(parts[0])
        out.append("-".join([head, *(_lower_first(p) for p in parts[1:])]))
    return " ".join(out)


def british(text: str) -> str:
    for pattern, replacement in SPELLING:
        text = re.sub(pattern, replacement, text)
    return text


def translate(msgid: str) -> str | None:
    text = msgid
    words = text.split()
    is_label = len(words) <= 6 and not text.rstrip().endswith((".", "?")) and "\n" not in text
    if is_label and sum(1 for w in words[1:] if w[:1].isupper()) >= 1:
        text = sentence_case(text)
    text = british(text)
    return text if text != msgid else None


def quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def main() -> None:
    lines = [
        "# django-allauth's English in UK English and sentence case (scripts/allauth_en_gb.py).",
        'msgid ""',
        'msgstr ""',
        '"Project-Id-Version: cpdhub\\n"',
        '"MIME-Version: 1.0\\n"',
        '"Content-Type: text/plain; charset=UTF-8\\n"',
        '"Content-Transfer-Encoding: 8bit\\n"',
        '"Language: en_GB\\n"',
        "",
    ]
    seen = set()
    for context, msgid in entries(SOURCE.read_text(encoding="utf-8")):
        msgstr = translate(msgid)
        if msgstr is None or (context, msgid) in seen:
            continue
        seen.add((context, msgid))
        if context is not None:
            lines.append(f"msgctxt {quote(context)}")
        lines += [f"msgid {quote(msgid)}", f"msgstr {quote(msgstr)}", ""]
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    TARGET.write_text("\n".join(lines), encoding="utf-8")
    print(f"{len(seen)} messages written to {TARGET}")


if __name__ == "__main__":
    main()

"""
Markdown people write (an expert's bio), as safe HTML.

markdown-it-py follows CommonMark and is quick on what people write, but not linear on every
input: each ``[`` makes it scan ahead for the closing ``]`` (and ``[a](`` for the closing
parenthesis), so 5,000 ``[`` in one paragraph cost half a second (python-markdown, before it,
took 10 s on 4,000). Two bounds make the worst case cost a few milliseconds:

- a link (its text, address and title) is looked for within ``MAX_LINK_LENGTH`` characters of
  its ``[``; a longer one shows as typed;
- a text opens at most ``MAX_BRACKETS`` links: every ``[`` after that is escaped (``\\[``),
  so it shows as typed but opens nothing. A person's bio links a handful of times; hundreds of
  brackets are an attack;
- a text with more than ``MAX_MARKUP`` Markdown punctuation marks or ``MAX_LINES`` lines is shown
  as plain paragraphs: the parser's cost is per mark and per line, and no bio needs that many.

Raw HTML in the text is not passed through, and the result is sanitised by nh3 all the same:
only the tags below survive, links get ``rel="nofollow noopener"``. Render once, when the text
is saved, and store the HTML beside it: a page view never runs the renderer.
"""

from __future__ import annotations

import html
import re

import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_inline import image, link

ALLOWED_TAGS = {"p", "ul", "ol", "li", "strong", "em", "a", "br", "blockquote"}
LINK_REL = "nofollow noopener"

MAX_BRACKETS = 20
MAX_LINK_LENGTH = 500
# Past these a text is not prose with some Markdown in it: it is shown as plain paragraphs.
MAX_MARKUP = 400
MAX_LINES = 200
MARKUP = re.compile(r"[][*_`!<>&\\#(|~+=-]")
PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
BRACKET_OR_ESCAPE = re.compile(r"\\.|\[", re.DOTALL)


def _within_reach(rule):
    """The inline rule, looking no further than MAX_LINK_LENGTH characters ahead."""

    def bounded(state, silent: bool) -> bool:
        end = state.posMax
        state.posMax = min(end, state.pos + MAX_LINK_LENGTH)
        try:
            return rule(state, silent)
        finally:
            state.posMax = end

    return bounded


_parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_parser.inline.ruler.at("link", _within_reach(link))
_parser.inline.ruler.at("image", _within_reach(image))
# What would be stripped anyway (headings, code, rules, images, raw HTML) is not parsed: it shows
# as typed, and the parser has fewer rules to try on every line.
_parser.disable(["code", "fence", "heading", "lheading", "hr", "html_block", "html_inline"])


def render_markdown(text: str) -> str:
    """The text's Markdown as sanitised HTML (an empty string for an empty text)."""
    if not text or not text.strip():
        return ""
    if len(MARKUP.findall(text)) > MAX_MARKUP or text.count("\n") > MAX_LINES:
        return _plain(text)
    return nh3.clean(_parser.render(_defused(text)), tags=ALLOWED_TAGS, link_rel=LINK_REL)


def _plain(text: str) -> str:
    """The text as escaped paragraphs, its line breaks kept: no Markdown."""
    paragraphs = (p.strip() for p in PARAGRAPH_BREAK.split(text.replace("\r\n", "\n")))
    return "\n".join(
        "<p>" + html.escape(p, quote=False).replace("\n", "<br>\n") + "</p>"
        for p in paragraphs
        if p
    )


def _defused(text: str) -> str:
    """The text with every ``[`` after the first MAX_BRACKETS escaped (``\\[``)."""
    if text.count("[") <= MAX_BRACKETS:
        return text
    opened = 0

    def inert(match: re.Match) -> str:
        nonlocal opened
        if match.group() != "[":
            return match.group()  # an escaped character: already inert
        opened += 1
        return "[" if opened <= MAX_BRACKETS else "\\["

    return BRACKET_OR_ESCAPE.sub(inert, text)

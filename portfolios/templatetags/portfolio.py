import re
from decimal import Decimal, InvalidOperation

from django import template
from django.template.defaultfilters import linebreaksbr
from django.utils.html import format_html, format_html_join

from cpdhub.academic_year import year_label as _year_label

from ..home import dashboard_panel

register = template.Library()


@register.inclusion_tag("portfolios/_dashboard.html")
def portfolio_panel(user):
    """The dashboard's portfolio card: my active goals and follow-ups that are due."""
    return {"panel": dashboard_panel(user)}


@register.filter
def hours(value) -> str:
    """1.50 → "1.5", 2.00 → "2", 1.25 → "1.25"."""

    try:
        number = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return ""
    text = f"{number.quantize(Decimal('0.01')).normalize():f}"
    return text


@register.filter
def get_item(mapping, key):
    """``{{ files|get_item:attachment.pk }}``: one value of a dict, or "" when it is not there."""
    return mapping.get(key, "") if hasattr(mapping, "get") else ""


@register.filter
def year_label_of(year) -> str:
    """An academic year by its first calendar year (2026) as schools write it: "2026/27"."""
    return _year_label(int(year)) if str(year).isdigit() else str(year)


HEADING_MAX = 80


@register.filter
def as_document(text: str) -> str:
    """
    The statement's plain text read as a document: blocks split by blank lines; the first line
    the title (h2), a short line with no closing punctuation a heading (h3), lines all starting
    "- " a list, anything else a paragraph. Everything is escaped: the text is the owner's own.
    """
    blocks = [b.strip("\n") for b in re.split(r"\n\s*\n", (text or "").replace("\r\n", "\n"))]
    html = []
    for index, block in enumerate(b for b in blocks if b.strip()):
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        single = len(lines) == 1
        if index == 0 and single and len(lines[0]) <= 2 * HEADING_MAX:
            html.append(format_html("<h2>{}</h2>", lines[0]))
        elif single and len(lines[0]) <= HEADING_MAX and not lines[0].endswith(tuple(".!?:;,)")):
            html.append(format_html("<h3>{}</h3>", lines[0]))
        elif all(line.startswith(("- ", "• ")) for line in lines):
            items = format_html_join("", "<li>{}</li>", ((line[2:],) for line in lines))
            html.append(format_html("<ul>{}</ul>", items))
        else:
            # autoescape=True: called as a function, the filter would not escape by itself.
            html.append(format_html("<p>{}</p>", linebreaksbr(block.strip(), autoescape=True)))
    return format_html_join("\n", "{}", ((piece,) for piece in html))

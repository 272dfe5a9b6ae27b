from decimal import Decimal, InvalidOperation

from django import template

from hubs.academic_year import year_label as _year_label

from .. import selectors

register = template.Library()


@register.inclusion_tag("portfolios/_dashboard.html")
def portfolio_panel(user):
    """The dashboard's portfolio card: my active goals and follow-ups that are due."""
    return {"panel": selectors.dashboard_panel(user)}


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

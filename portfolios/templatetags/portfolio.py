from decimal import Decimal, InvalidOperation

from django import template

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

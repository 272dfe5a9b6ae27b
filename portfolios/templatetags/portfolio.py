from django import template

from .. import selectors

register = template.Library()


@register.inclusion_tag("portfolios/_dashboard.html")
def portfolio_panel(user):
    """The dashboard's portfolio card: my active goals and follow-ups that are due."""
    return {"panel": selectors.dashboard_panel(user)}

from django import template

from cpd_sessions.selectors import leader_waiting as _leader_waiting
from cpd_sessions.selectors import my_next_sessions as _my_next_sessions

register = template.Library()


@register.simple_tag
def my_next_sessions(user, limit: int = 5):
    """Sessions the person leads or has booked, for the dashboard."""
    return _my_next_sessions(user, limit)


@register.simple_tag
def leader_waiting(user, term=None):
    """What waits for a CPD leader: requests, budgets not set, the term's figures (or None).
    ``term``: the current term when the page has it already (the dashboard does)."""
    return _leader_waiting(user, term=term)

from django import template

from cpd_sessions.selectors import my_next_sessions as _my_next_sessions

register = template.Library()


@register.simple_tag
def my_next_sessions(user, limit: int = 5):
    """Sessions the person leads or has booked, for the dashboard."""
    return _my_next_sessions(user, limit)

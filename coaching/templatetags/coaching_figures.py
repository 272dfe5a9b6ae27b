"""A figure on the leaders' coaching pages is a count (drawn as a bar) or a protected word."""

from django import template

register = template.Library()


@register.filter
def is_count(value) -> bool:
    """True for a number to draw a bar for; False for "fewer than 5", "none" or a label."""
    return isinstance(value, int) and not isinstance(value, bool)

from django import template

from cpdhub.words import in_sentence as _in_sentence

register = template.Library()


@register.filter
def in_sentence(name) -> str:
    """``{{ area.name|in_sentence }}``: see cpdhub/words.py (never lower-cases an acronym)."""
    return _in_sentence(name)

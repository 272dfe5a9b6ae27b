"""``{% load money %}{{ amount|money }}`` → ``£1,234.50`` on every page and email."""

from django import template

from cpd_sessions.money import format_money

register = template.Library()


@register.filter
def money(value) -> str:
    return format_money(value)

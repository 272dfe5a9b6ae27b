from django import template

from .. import needs

register = template.Library()


@register.inclusion_tag("coordination/_need_news.html")
def need_news(need):
    """On the person's own need page: the coordinator's replies and introductions."""
    return {"news": needs.need_news(need)}

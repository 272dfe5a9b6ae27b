from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def page_url(context, param: str, number: int) -> str:
    """This page's address with ``param`` set to ``number``, its other parameters kept."""
    query = context["request"].GET.copy()
    query[param] = number
    return "?" + query.urlencode()

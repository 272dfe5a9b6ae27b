"""The live experts of a group of schools, by area: for pages of other apps (hubs, families)."""

from django import template

from experts.selectors import live_experts_by_area

register = template.Library()


@register.inclusion_tag("experts/_by_area.html")
def experts_by_area(schools, heading_id: str = "experts-heading", per_area: int = 3):
    return {"groups": live_experts_by_area(schools, per_area=per_area), "heading_id": heading_id}

"""The school year on the dashboard: my teams, and for a CPD leader the three streams."""

from __future__ import annotations

from django import template

from ..figures import streams
from ..selectors import my_teams

register = template.Library()


@register.inclusion_tag("schoolyear/_dashboard.html")
def year_panel(user):
    school = user.school
    leads = school is not None and school.pk in user.led_school_ids
    return {
        "me": user,
        "teams": my_teams(user),
        "school": school,
        "streams": streams(school) if leads else None,
    }

"""Outside networks and courses on other apps' pages (a school's, a subject network's, a goal's),
whose apps sit below this one and so cannot ask for them."""

from django import template

from hubs.models import User

from ..selectors import networks_for_areas, networks_serving

register = template.Library()


@register.inclusion_tag("courses/_outside_networks.html")
def outside_networks_of_school(school):
    """The outside networks that serve a school (two queries)."""
    return {
        "networks": networks_serving([school.pk]),
        "intro": f"Networks beyond the community that serve {school.name}.",
        "empty": f"No outside network is listed for {school.name} yet.",
    }


@register.inclusion_tag("courses/_outside_networks.html")
def outside_networks_of_network(network):
    """The outside networks that serve the schools of a subject network's members."""
    school_ids = User.objects.filter(networks=network, school__isnull=False).values("school_id")
    return {
        "networks": networks_serving(school_ids),
        "intro": "Networks beyond the community that serve members' schools.",
        "empty": "No outside network is listed for members' schools yet.",
    }


@register.inclusion_tag("courses/_outside_networks.html")
def outside_networks_for_goal(user, goal):
    """Outside networks working in a goal's areas, those serving my school first."""
    return {
        "networks": networks_for_areas(user, [a.pk for a in goal.areas.all()]),
        "intro": "Beyond the community, in this goal's areas: those serving your school first.",
        "empty": "No outside network works in this goal's areas yet.",
        "courses_link": True,
    }

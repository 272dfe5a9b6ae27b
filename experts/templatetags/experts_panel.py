from django import template

from ..models import ProfileArea

register = template.Library()


@register.inclusion_tag("experts/_dashboard.html", takes_context=True)
def directory_panel(context, me):
    """The dashboard's directory card: my profile (loaded with me by hubs/backends.py), whether
    it is live, and what it offers, with the areas' names (one query)."""
    profile = getattr(me, "expert_profile", None)
    offers = (
        list(ProfileArea.objects.filter(profile=profile).select_related("area").order_by("pk"))
        if profile
        else []
    )
    return {
        "profile": profile,
        "offers": offers,
        "is_live": bool(profile and profile.is_live()),
        "csrf_token": context.get("csrf_token"),
    }

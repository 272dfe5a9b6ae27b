"""The directory's card, drawn once for what it shows (cpdhub/kept_html.py): nothing on it
depends on the viewer."""

from django import template

from cpdhub.kept_html import KeptCards

register = template.Library()
cards = KeptCards("experts/_card.html")


def _shows(expert, about: str) -> tuple:
    """Every value the card's template reads."""
    user = expert.user
    school = user.school
    hub = school.hub if school is not None else None
    return (
        expert.pk,
        user.first_name,
        user.last_name,
        user.job_role,
        school.name if school is not None else None,
        hub.name if hub is not None else None,
        expert.headline,
        expert.last_confirmed_at,
        tuple((offer.area.name, *offer.offer_labels) for offer in expert.offers.all()),
        expert.helped_count,
        getattr(expert, "sessions_run", None),
        about or "",
    )


@register.simple_tag
def expert_cards(experts, about: str = "") -> str:
    """A page of cards, each drawn once per process for what it shows."""
    return cards.render_many(
        (_shows(expert, about), {"expert": expert, "about": about}) for expert in experts
    )

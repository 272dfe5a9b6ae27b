"""
Reads of the community as a whole, with their joins decided once: its name and contact and its
counts (cached for everyone) and people found by name.

Elsewhere: schools' pages (``schools.py``), hubs and networks (``networks.py``), the dashboard
(``dashboard.py``), terms (``term_dates.py``), families of schools (``families.py``), the lone
rangers (``lone_rangers.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from cpdhub.shared_cache import shared

from .models import Community, Hub, School, SubjectNetwork, User


def people_named(words: str, *, limit: int) -> list[User]:
    """
    Active people whose first or last name starts with each word of ``words`` (any order,
    any case): "sam whit", "Whitfield". At most ``limit + 1`` rows are read, so a caller can
    say there are more than ``limit``. No words, nobody.
    """
    terms = words.split()[:4]
    if not terms:
        return []
    query = Q()
    for term in terms:
        query &= Q(first_name__istartswith=term) | Q(last_name__istartswith=term)
    return list(
        User.objects.filter(query, is_active=True)
        .select_related("school")
        .order_by("last_name", "first_name", "pk")[: limit + 1]
    )


# What pages say before ``setup_community`` has named the community: nobody's name.
UNNAMED_COMMUNITY = "CPD community"


@dataclass(frozen=True)
class CommunityDetails:
    name: str
    contact_email: str
    is_set_up: bool


@shared("community", depends_on=(Community,))
def community_details() -> CommunityDetails:
    """The community's name and contact address, from its one row (cached: no query per page)."""
    row = Community.objects.filter(pk=1).values("name", "contact_email").first()
    if row is None:
        return CommunityDetails(name=UNNAMED_COMMUNITY, contact_email="", is_set_up=False)
    return CommunityDetails(
        name=row["name"] or UNNAMED_COMMUNITY,
        contact_email=row["contact_email"],
        is_set_up=True,
    )


def community_context() -> dict[str, str]:
    """What templates (pages and emails) call the community and whom they say to ask."""
    details = community_details()
    return {"community_name": details.name, "coordinator_email": details.contact_email}


@shared("community-counts", depends_on=(School, Hub, SubjectNetwork, User))
def community_counts() -> dict[str, int]:
    return {
        "schools": School.objects.count(),
        "hubs": Hub.objects.count(),
        "networks": SubjectNetwork.objects.count(),
        "staff": User.objects.filter(is_active=True, school__isnull=False).count(),
    }

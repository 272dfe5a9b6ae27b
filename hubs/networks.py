"""
Reads for hubs and subject networks: each with its counts, a hub's or a network's page, and a
network's members.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from cpdhub.row_counts import count_per_row

from .models import Hub, School, SubjectNetwork, User


def hubs_overview() -> QuerySet[Hub]:
    return Hub.objects.annotate(
        school_count=count_per_row(School.objects.filter(hub=OuterRef("pk")), "hub"),
        network_count=count_per_row(SubjectNetwork.objects.filter(hub=OuterRef("pk")), "hub"),
    ).prefetch_related(Prefetch("leaders", queryset=User.objects.select_related("school")))


def networks_with_counts(
    queryset: QuerySet[SubjectNetwork] | None = None,
) -> QuerySet[SubjectNetwork]:
    queryset = SubjectNetwork.objects.all() if queryset is None else queryset
    # A subquery, not Count("members"): on `user.networks` the join is already filtered
    # to that user, and a joined Count would say "1 member".
    return queryset.select_related("subject", "hub").annotate(
        member_count=count_per_row(
            SubjectNetwork.members.through.objects.filter(subjectnetwork=OuterRef("pk")),
            "subjectnetwork",
        )
    )


def hub_detail(slug: str) -> Hub:
    return Hub.objects.prefetch_related(
        Prefetch("leaders", queryset=User.objects.select_related("school"))
    ).get(slug=slug)


def network_detail(slug: str, user: User | None = None) -> SubjectNetwork:
    """The network with its leads, and ``is_member`` for ``user`` (members: network_members)."""
    return (
        SubjectNetwork.objects.select_related("subject", "hub")
        .prefetch_related(Prefetch("leads", queryset=User.objects.select_related("school")))
        .annotate(
            is_member=Exists(
                SubjectNetwork.members.through.objects.filter(
                    subjectnetwork=OuterRef("pk"), user_id=user.pk if user else None
                )
            )
        )
        .get(slug=slug)
    )


def network_members(network: SubjectNetwork) -> QuerySet[User]:
    return network.members.select_related("school").order_by("last_name", "first_name", "pk")

"""
What CPD leaders (their own school) and the coordinator (the community) see of enquiry: counts
only, never a group's question, log, reading list or draft. Groups by area and by school,
current members by school, write-ups published. Any figure about fewer than 5 people reads
"fewer than 5".
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from cpdhub.small_numbers import protect

from .models import Group, Membership, WriteUp


@dataclass
class AreaRow:
    area: str
    groups: int
    open_groups: int


@dataclass
class SchoolRow:
    school: str
    groups: int
    members: int | str


@dataclass
class Figures:
    groups: int
    open_groups: int
    finished_groups: int
    members: int | str
    published: int
    by_area: list[AreaRow]
    by_school: list[SchoolRow]


def _scope(school_ids: list[int] | None) -> QuerySet[Group]:
    if school_ids is None:
        return Group.objects.all()
    return Group.objects.filter(
        pk__in=Membership.objects.filter(school_id__in=school_ids).values("group_id")
    )


def figures(school_ids: list[int] | None = None) -> Figures:
    """The community's figures, or (``school_ids``) those of the groups the schools' staff are
    or were in, their members counted for those schools only. Five queries."""
    groups = _scope(school_ids)
    totals = groups.aggregate(
        groups=Count("pk"),
        open_groups=Count("pk", filter=Q(status=Group.Status.OPEN)),
        finished=Count("pk", filter=Q(status=Group.Status.FINISHED)),
    )
    members = Membership.objects.filter(group__in=groups, left_at__isnull=True, user__isnull=False)
    if school_ids is not None:
        members = members.filter(school_id__in=school_ids)
    by_area = (
        Group.areas.through.objects.filter(group__in=groups)
        .values("expertisearea__name")
        .annotate(
            n=Count("group", distinct=True),
            open=Count("group", filter=Q(group__status=Group.Status.OPEN), distinct=True),
        )
        .order_by("-n", "expertisearea__name")
    )
    schools = Membership.objects.filter(group__in=groups, school__isnull=False)
    if school_ids is not None:
        schools = schools.filter(school_id__in=school_ids)
    by_school = (
        schools.values("school__name")
        .annotate(
            n=Count("group", distinct=True),
            people=Count("user", filter=Q(left_at__isnull=True), distinct=True),
        )
        .order_by("-n", "school__name")
    )
    return Figures(
        groups=totals["groups"],
        open_groups=totals["open_groups"],
        finished_groups=totals["finished"],
        members=protect(members.values("user").distinct().count()),
        published=WriteUp.objects.filter(group__in=groups, status=WriteUp.Status.PUBLISHED).count(),
        by_area=[AreaRow(r["expertisearea__name"], r["n"], r["open"]) for r in by_area],
        by_school=[SchoolRow(r["school__name"], r["n"], protect(r["people"])) for r in by_school],
    )

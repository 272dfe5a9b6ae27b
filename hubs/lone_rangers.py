"""
The lone rangers: the only one in their school for a subject, a responsibility or a job role,
each found in one grouped statement, with the network that would suit them, whether they were
invited to it and whether they joined (``services.lone_rangers_invite`` sends the invitations).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, F, Min, OuterRef, Q, QuerySet, Subquery

from .models import LoneRangerInvitation, SubjectNetwork, User, UserResponsibility

# The job roles a school usually has one or two of: being the only one is worth knowing about.
# (Teachers are counted by subject instead; governors and "other" are not staff roles.)
LONE_RANGER_ROLES = (
    User.JobRole.TA,
    User.JobRole.HLTA,
    User.JobRole.MIDDLE_LEADER,
    User.JobRole.SENIOR_LEADER,
    User.JobRole.SUPPORT_STAFF,
)

UserSubject = User.subjects.through


def _lone_subject_rows(hub_ids: list[int] | None = None) -> QuerySet:
    """
    The (person, subject) rows of lone rangers by subject, in one statement: active staff's
    subjects GROUP BY school, subject HAVING COUNT(*) = 1, the one row of each group kept.
    ``hub_ids``: only those hubs' schools (inside the grouping: the same groups, fewer of them).
    """
    staff = UserSubject.objects.filter(user__is_active=True, user__school__isnull=False)
    if hub_ids is not None:
        staff = staff.filter(user__school__hub_id__in=hub_ids)
    alone = (
        staff.values("user__school", "subject")
        .annotate(n=Count("pk"), only=Min("pk"))
        .filter(n=1)
        .values("only")
    )
    return UserSubject.objects.filter(pk__in=alone)


def _matching_network() -> Subquery:
    """The subject network for the row's subject: the person's hub's own first, else one for
    the whole community (alphabetical among equals)."""
    return Subquery(
        SubjectNetwork.objects.filter(
            Q(hub_id=OuterRef("user__school__hub_id")) | Q(hub__isnull=True),
            subject_id=OuterRef("subject_id"),
            responsibility="",
        )
        .order_by(F("hub_id").asc(nulls_last=True), "name")
        .values("pk")[:1]
    )


def lone_rangers_by_subject(hub_ids: list[int] | None = None) -> QuerySet:
    """
    Lone rangers by subject (rows of User.subjects' table), each with ``network_pk`` (the
    matching network, or None), ``invited_at`` (when invited to it) and ``joined`` (a member of
    a network for the subject now). ``hub_ids``: only those hubs' schools.
    """
    return _lone_subject_rows(hub_ids).annotate(
        network_pk=_matching_network(),
        invited_at=Subquery(
            LoneRangerInvitation.objects.filter(
                user_id=OuterRef("user_id"), subject_id=OuterRef("subject_id")
            )
            .order_by("invited_at")
            .values("invited_at")[:1]
        ),
        joined=Exists(
            SubjectNetwork.members.through.objects.filter(
                user_id=OuterRef("user_id"), subjectnetwork__subject_id=OuterRef("subject_id")
            )
        ),
    )


def _lone_responsibility_rows(hub_ids: list[int] | None = None) -> QuerySet:
    """
    The (person, responsibility) rows of lone rangers by responsibility, by the same rule as
    subjects: active staff's responsibilities GROUP BY school, responsibility HAVING COUNT(*) = 1.
    """
    staff = UserResponsibility.objects.filter(user__is_active=True, user__school__isnull=False)
    if hub_ids is not None:
        staff = staff.filter(user__school__hub_id__in=hub_ids)
    alone = (
        staff.values("user__school", "responsibility")
        .annotate(n=Count("pk"), only=Min("pk"))
        .filter(n=1)
        .values("only")
    )
    return UserResponsibility.objects.filter(pk__in=alone)


def _responsibility_network(field: str = "pk") -> Subquery:
    """The network for the row's responsibility: the person's hub's own first, else one for the
    whole community (alphabetical among equals)."""
    return Subquery(
        SubjectNetwork.objects.filter(
            Q(hub_id=OuterRef("user__school__hub_id")) | Q(hub__isnull=True),
            responsibility=OuterRef("responsibility"),
        )
        .order_by(F("hub_id").asc(nulls_last=True), "name")
        .values(field)[:1]
    )


def lone_rangers_by_responsibility(hub_ids: list[int] | None = None) -> QuerySet:
    """
    Lone rangers by responsibility (rows of UserResponsibility), each with ``network_pk`` (the
    network for that responsibility, or None), ``invited_at`` and ``joined`` (a member of a
    network for the responsibility now). ``hub_ids``: only those hubs' schools.
    """
    return _lone_responsibility_rows(hub_ids).annotate(
        network_pk=_responsibility_network(),
        network_subject=_responsibility_network("subject_id"),
        invited_at=Subquery(
            LoneRangerInvitation.objects.filter(
                user_id=OuterRef("user_id"),
                network__responsibility=OuterRef("responsibility"),
            )
            .order_by("invited_at")
            .values("invited_at")[:1]
        ),
        joined=Exists(
            SubjectNetwork.members.through.objects.filter(
                user_id=OuterRef("user_id"),
                subjectnetwork__responsibility=OuterRef("responsibility"),
            )
        ),
    )


def _not_yet_invited(rows: QuerySet) -> list:
    """Lone-ranger rows (by subject or by responsibility, each annotated with ``network_pk``
    and ``joined``) with a network they are not in and were never invited to."""
    return list(
        rows.filter(network_pk__isnull=False, joined=False)
        .exclude(
            Exists(
                LoneRangerInvitation.objects.filter(
                    user_id=OuterRef("user_id"), network_id=OuterRef("network_pk")
                )
            )
        )
        .select_related("user")
        .order_by("pk")
    )


def lone_rangers_by_responsibility_to_invite() -> list:
    """Lone rangers by responsibility with a network they are not in and were never invited to."""
    return _not_yet_invited(lone_rangers_by_responsibility())


def lone_rangers_to_invite() -> list:
    """Lone rangers with a matching network they are not in and were never invited to."""
    return _not_yet_invited(lone_rangers_by_subject())


@dataclass(frozen=True)
class LoneRangerHub:
    hub_id: int | None
    name: str
    slug: str
    alone: int
    invited: int
    joined: int


def lone_ranger_summary(
    hub_ids: list[int] | None = None, *, by_responsibility: bool = False
) -> list[LoneRangerHub]:
    """Per hub: lone rangers by subject (or by responsibility), how many were invited, and how
    many are in the network for it (invited or not: the same "joined" as each person's row).
    One grouped query."""
    found = (
        lone_rangers_by_responsibility(hub_ids)
        if by_responsibility
        else lone_rangers_by_subject(hub_ids)
    )
    rows = (
        found.values("user__school__hub_id", "user__school__hub__name", "user__school__hub__slug")
        .annotate(
            alone=Count("pk"),
            invited=Count("pk", filter=Q(invited_at__isnull=False)),
            joined_count=Count("pk", filter=Q(joined=True)),
        )
        .order_by("user__school__hub__name")
    )
    return [
        LoneRangerHub(
            hub_id=row["user__school__hub_id"],
            name=row["user__school__hub__name"] or "Schools in no hub",
            slug=row["user__school__hub__slug"] or "",
            alone=row["alone"],
            invited=row["invited"],
            joined=row["joined_count"],
        )
        for row in rows
    ]


def lone_rangers_page(rows: list) -> list:
    """Attach each row's network (one query for the page's networks)."""
    networks = SubjectNetwork.objects.in_bulk({row.network_pk for row in rows if row.network_pk})
    for row in rows:
        row.network = networks.get(row.network_pk)
    return rows


def lone_rangers_by_role(hub_ids: list[int] | None = None) -> QuerySet[User]:
    """Staff who are the only one of their job role (LONE_RANGER_ROLES) in their school:
    GROUP BY school, job role HAVING COUNT(*) = 1."""
    staff = User.objects.filter(
        is_active=True, school__isnull=False, job_role__in=LONE_RANGER_ROLES
    )
    if hub_ids is not None:
        staff = staff.filter(school__hub_id__in=hub_ids)
    alone = (
        staff.values("school", "job_role")
        .annotate(n=Count("pk"), only=Min("pk"))
        .filter(n=1)
        .values("only")
    )
    return (
        User.objects.filter(pk__in=alone)
        .select_related("school__hub")
        .order_by("school__hub__name", "school__name", "last_name")
    )

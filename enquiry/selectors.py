"""
Enquiry reads. Every page's rows in a fixed number of queries (prefetches decided here once),
and every lookup of a group scoped to its current members: anyone else finds nothing (404).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery

from portfolios.models import Goal, Need

from .models import (
    FORMER_MEMBER,
    Agreement,
    Group,
    Invitation,
    LogEntry,
    Membership,
    ReadingItem,
    WriteUp,
)

OPEN_GROUPS_SHOWN = 20
SUGGESTED = 5
LOG_PER_PAGE = 30


def _members() -> Prefetch:
    return Prefetch(
        "memberships", queryset=Membership.objects.select_related("user__school").order_by("pk")
    )


def _members_with_progress() -> Prefetch:
    """The members, each with their latest progress in the group (what they tried, what
    happened, when), read with them: following each other's progress costs no query."""
    latest = LogEntry.objects.filter(
        group_id=OuterRef("group_id"), author_id=OuterRef("user_id"), kind=LogEntry.Kind.PROGRESS
    ).order_by("-created_at", "-pk")
    return Prefetch(
        "memberships",
        queryset=Membership.objects.select_related("user__school")
        .annotate(
            progress_tried=Subquery(latest.values("text")[:1]),
            progress_result=Subquery(latest.values("result")[:1]),
            progress_at=Subquery(latest.values("created_at")[:1]),
        )
        .order_by("pk"),
    )


def _counted(groups: QuerySet[Group]) -> QuerySet[Group]:
    current = Q(memberships__left_at__isnull=True, memberships__user__isnull=False)
    return groups.annotate(
        member_count=Count("memberships", filter=current, distinct=True),
        school_count=Count("memberships__school", filter=current, distinct=True),
    )


def _mine(user) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user, left_at__isnull=True)


def group_for(user, pk: int) -> Group:
    """One of the person's groups (a current member); Group.DoesNotExist for anyone else."""
    if not user.is_authenticated:
        raise Group.DoesNotExist
    return (
        Group.objects.filter(pk__in=_mine(user).values("group_id"))
        .select_related("owner")
        .prefetch_related(_members_with_progress(), "areas", "phases", "subjects")
        .get(pk=pk)
    )


def current_member_ids(group: Group) -> set[int]:
    return {m.user_id for m in group.memberships.all() if m.left_at is None and m.user_id}


def name_in(user, current: set[int]) -> str:
    """A person's name in a group: theirs while they are a member, "a former member" after they
    leave or their account is erased."""
    if user is None or user.pk not in current:
        return FORMER_MEMBER
    return user.full_name


# --- /enquiries/<id>/ --------------------------------------------------------------------


@dataclass
class GroupPage:
    group: Group
    members: list[Membership]
    log: object  # a Page of LogEntry, each with ``by``
    reading: list[ReadingItem]
    invitations: list[Invitation]
    write_up: WriteUp | None
    agreed_ids: set[int] = field(default_factory=set)

    @property
    def waiting_for(self) -> list[Membership]:
        """Current members who have not agreed to the draft."""
        return [m for m in self.members if m.user_id not in self.agreed_ids]


def group_page(group: Group, log_page) -> GroupPage:
    """``log_page``: a function from a queryset to the Page of it to show (cpdhub.paging)."""
    current = current_member_ids(group)
    log = log_page(
        LogEntry.objects.filter(group=group).select_related("author").order_by("-created_at", "-pk")
    )
    for entry in log.object_list:
        entry.by = name_in(entry.author, current)
    reading = list(
        ReadingItem.objects.filter(group=group).select_related("added_by").order_by("pk")
    )
    for item in reading:
        item.by = name_in(item.added_by, current)
    write_up = (
        WriteUp.objects.filter(group=group)
        .select_related("updated_by")
        .prefetch_related(Prefetch("agreements", queryset=Agreement.objects.order_by("pk")))
        .first()
    )
    agreed = set()
    if write_up is not None:
        agreed = {a.user_id for a in write_up.agreements.all()}
        write_up.by = name_in(write_up.updated_by, current)
    return GroupPage(
        group=group,
        members=[m for m in group.memberships.all() if m.left_at is None and m.user_id],
        log=log,
        reading=reading,
        invitations=list(
            Invitation.objects.filter(group=group, status=Invitation.Status.PENDING)
            .select_related("user__school")
            .order_by("pk")
        ),
        write_up=write_up,
        agreed_ids=agreed,
    )


# --- /enquiries/ -------------------------------------------------------------------------


@dataclass
class MyEnquiries:
    mine: list[Group]
    invitations: list[Invitation]
    open_groups: list[Group]
    suggested: list[Group]


def suggested_groups(user, limit: int = SUGGESTED) -> list[Group]:
    """Open groups sharing an area with the person's goals or needs, for those who agreed to
    be suggested (``User.suggest_me``, the same consent as the coordinator's matches)."""
    if not user.suggest_me:
        return []
    goal_areas = Goal.areas.through.objects.filter(
        goal__owner=user, goal__status=Goal.Status.ACTIVE
    ).values("expertisearea_id")
    need_areas = Need.objects.filter(
        owner=user, status__in=[Need.Status.OPEN, Need.Status.PASSED]
    ).values("area_id")
    sharing = Group.areas.through.objects.filter(
        Q(expertisearea_id__in=goal_areas) | Q(expertisearea_id__in=need_areas)
    ).values("group_id")
    groups = (
        Group.objects.filter(status=Group.Status.OPEN, pk__in=sharing)
        .exclude(pk__in=_mine(user).values("group_id"))
        .exclude(invitations__user=user, invitations__status=Invitation.Status.PENDING)
        .prefetch_related("areas")
        .order_by("-created_at", "-pk")
    )
    return list(_counted(groups)[:limit])


def my_enquiries(user) -> MyEnquiries:
    mine = list(
        _counted(Group.objects.filter(pk__in=_mine(user).values("group_id")))
        .prefetch_related("areas")
        .order_by("status", "-created_at", "-pk")
    )
    suggested = suggested_groups(user)
    open_groups = list(
        _counted(
            Group.objects.filter(status=Group.Status.OPEN)
            .exclude(pk__in=_mine(user).values("group_id"))
            .exclude(pk__in=[g.pk for g in suggested])
        )
        .prefetch_related("areas")
        .order_by("-created_at", "-pk")[:OPEN_GROUPS_SHOWN]
    )
    return MyEnquiries(
        mine=mine,
        invitations=list(
            Invitation.objects.filter(user=user, status=Invitation.Status.PENDING)
            .select_related("group", "invited_by__school")
            .order_by("-created_at", "-pk")
        ),
        open_groups=open_groups,
        suggested=suggested,
    )


def open_group(pk: int) -> Group:
    """A group shown to someone who may join it: open to new members."""
    return Group.objects.get(pk=pk, status=Group.Status.OPEN)


# --- /enquiries/library/ -----------------------------------------------------------------


def _with_authors() -> Prefetch:
    return Prefetch(
        "agreements", queryset=Agreement.objects.select_related("user__school").order_by("pk")
    )


def published() -> QuerySet[WriteUp]:
    return (
        WriteUp.objects.filter(status=WriteUp.Status.PUBLISHED)
        .select_related("group")
        .prefetch_related(_with_authors(), "group__areas", "group__phases", "group__subjects")
    )


def authors(write_up: WriteUp) -> list[str]:
    """The members who agreed to publish it: their names; an erased one "a former member"."""
    return [a.user.full_name if a.user else FORMER_MEMBER for a in write_up.agreements.all()]


def library(
    *, q: str = "", area=None, phase=None, subject=None, kind: str = ""
) -> QuerySet[WriteUp]:
    """Published write-ups, newest first: every word of ``q`` in the question or the text, and
    the filters on the group's area, phase, subject and kind."""
    found = published()
    for word in q.split()[:8]:
        found = found.filter(
            Q(question__icontains=word)
            | Q(tried__icontains=word)
            | Q(happened__icontains=word)
            | Q(next_steps__icontains=word)
        )
    if area is not None:
        found = found.filter(group__in=Group.areas.through.objects.filter(
            expertisearea=area).values("group_id"))  # fmt: skip
    if phase is not None:
        found = found.filter(group__in=Group.phases.through.objects.filter(
            phase=phase).values("group_id"))  # fmt: skip
    if subject is not None:
        found = found.filter(group__in=Group.subjects.through.objects.filter(
            subject=subject).values("group_id"))  # fmt: skip
    if kind:
        found = found.filter(group__kind=kind)
    return found.order_by("-published_at", "-pk")


def published_write_up(pk: int) -> WriteUp:
    return published().get(pk=pk)


def was_member(user, group_id: int) -> bool:
    return (
        user.is_authenticated and Membership.objects.filter(group_id=group_id, user=user).exists()
    )

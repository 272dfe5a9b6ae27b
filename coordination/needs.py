"""
Needs against supply: the areas where open needs outnumber live experts and coming sessions
(the dashboard's gaps), and the coordinator's needs page: each open need with suggested
experts, sessions, recordings and peers, and the replies and introductions made about it.
Counts and names only, apart from the needs' own descriptions, which are written for the
coordinator (DESIGN.md).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection
from django.db.models import (
    Count,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Window,
)
from django.db.models.functions import Cast, Coalesce, RowNumber
from django.urls import reverse
from django.utils import timezone

from cpd_sessions.models import DevelopmentSession
from experts.models import ExpertiseArea, ProfileArea, term_window_start
from hubs.models import School, User
from notifications.models import Delivery
from portfolios.models import Need, need_queue_order

from .emails import INTRODUCTION_KEY_PREFIX
from .emails import KIND as INTRODUCTION
from .filters import Filters
from .models import NeedReply, SchoolFigures
from .participation import counts_of


@dataclass
class Gap:
    area: str
    slug: str
    needs: int = 0  # open and passed needs
    people: int = 0
    schools: int = 0
    experts: int = 0  # live profiles offering help in the area
    sessions: int = 0  # upcoming published sessions in the area

    @property
    def supply(self) -> int:
        return self.experts + self.sessions

    @property
    def score(self) -> float:
        """Need over supply: open needs ÷ (1 + live experts + upcoming sessions). Need with no
        supply at all scores its full count, the highest any number of needs can score."""
        return round(self.needs / (1 + self.supply), 1)


SUPPLY_CACHE_SECONDS = 300


def live_experts_by_area() -> dict[int, int]:
    """Live directory profiles offering each area: the same for every reader, so cached for
    five minutes (a new or newly confirmed profile shows in the count within that time)."""
    key = f"coordination:live-experts-by-area:{timezone.localdate()}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    # The offers' own copy of their profile's live conditions (experts/search.py keeps them):
    # one pass over the offer index, no join; a profile offers an area once, so a plain count
    # is the number of people.
    counts = dict(
        ProfileArea.objects.filter(_live_offer())
        .order_by()
        .values_list("area_id")
        .annotate(n=Count("pk"))
    )
    cache.set(key, counts, SUPPLY_CACHE_SECONDS)
    return counts


def _live_offer() -> Q:
    """An offer of a live profile, from the offer's own copy of the profile's live conditions
    (``experts.models.live_q``, the window's start as a value from the cached terms)."""
    live = Q(is_hidden=False, user_is_active=True)
    since = term_window_start()
    if since is None:
        return live & Q(last_confirmed_at__isnull=False)
    zone = timezone.get_current_timezone()
    return live & Q(
        last_confirmed_at__gte=datetime.datetime.combine(since, datetime.time.min, tzinfo=zone)
    )


def needs_against_supply(
    school_ids: list[int] | None, filters: Filters, rows: list | None = None
) -> list[Gap]:
    """Every area with open needs in scope, highest gap first. Each school's needs by area are
    read from its summary row for the period (``rows``: those already read; else one query for
    the community's or the hub's) and added up; when a school in scope has no row, every need
    is grouped live instead. Then one query for the areas: their names, coming sessions and,
    for the whole community, the needs of people of no school."""
    community = school_ids is None and filters.hub is None
    kept = [row.needs for row in rows] if rows is not None else None
    if kept is None and school_ids is None:
        kept = _needs_kept(filters)
    counted = _needs_added_up(kept) if kept is not None else _needs_counted(school_ids, filters)
    # The areas' names and coming sessions, and (for the whole community, from the kept rows)
    # the needs of active people of no school: one query over the areas.
    coming = _count_of(_coming_sessions(), "expertisearea")
    areas = ExpertiseArea.objects.annotate(sessions_coming=coming)
    if kept is not None and community:
        nobody = Need.objects.filter(
            status__in=OPEN,
            area=OuterRef("pk"),
            owner__in=User.objects.filter(school__isnull=True, is_active=True).values("pk"),
        )
        areas = areas.annotate(
            nobody=_count_of(nobody, "area"), nobody_people=_count_of(nobody, "area", "owner_id")
        ).filter(Q(pk__in=list(counted)) | Q(nobody__gt=0))
        fields = ("nobody", "nobody_people")
    else:
        areas = areas.filter(pk__in=list(counted))
        fields = ()
    gaps = {}
    for pk, name, slug, sessions, *nobody in areas.values_list(
        "pk", "name", "slug", "sessions_coming", *fields
    ):
        gap = gaps[pk] = Gap(area=name, slug=slug, sessions=sessions, **counted.get(pk, {}))
        if nobody:
            gap.needs += nobody[0]
            gap.people += nobody[1]
    experts = live_experts_by_area()
    for area_id, n in experts.items():
        if area_id in gaps:
            gaps[area_id].experts = n
    return sorted(gaps.values(), key=lambda g: (-g.score, -g.needs, g.area))


OPEN = (Need.Status.OPEN, Need.Status.PASSED)


def _needs_counted(school_ids: list[int] | None, filters: Filters) -> dict[int, dict]:
    needs = Need.objects.filter(status__in=OPEN, owner__is_active=True)
    if school_ids is not None:
        needs = needs.filter(owner__school_id__in=school_ids)
    elif filters.hub:
        needs = needs.filter(owner__school__hub=filters.hub)
    return {
        area_id: {"needs": n, "people": people, "schools": schools}
        for area_id, n, people, schools in needs.order_by()
        .values_list("area_id")
        .annotate(
            n=Count("pk"),
            people=Count("owner_id", distinct=True),
            schools=Count("owner__school_id", distinct=True),
        )
    }


def _needs_kept(filters: Filters) -> list[dict] | None:
    """Each school's needs by area as kept in its summary row for the period, for the whole
    community or the filters' hub: one query. None when a school has no row for the period."""
    schools = School.objects.all()
    if filters.hub:
        schools = schools.filter(hub=filters.hub)
    row = SchoolFigures.objects.filter(school=OuterRef("pk"), start=filters.start, end=filters.end)
    kept = list(
        schools.annotate(needs=Subquery(row.values(text=Cast("needs", TextField()))[:1]))
        .order_by()
        .values_list("needs", flat=True)
    )
    if None in kept:
        return None
    return [counts_of(needs) for needs in kept]


def _coming_sessions():
    """Published sessions not yet over, in the outer area (never a private one)."""
    return DevelopmentSession.areas.through.objects.filter(
        expertisearea=OuterRef("pk"),
        developmentsession__status=DevelopmentSession.Status.PUBLISHED,
        developmentsession__end__gte=timezone.now(),
    ).exclude(
        # A private session (a coaching visit) is nobody's supply.
        developmentsession__scope=DevelopmentSession.Scope.PRIVATE
    )


def _count_of(rows: QuerySet, outer: str, distinct: str | None = None):
    """How many of ``rows`` (or of their distinct ``distinct``), grouped by their column
    ``outer`` (the outer row's), as a subquery: 0 for none."""
    counted = Count(distinct, distinct=True) if distinct else Count("pk")
    return Coalesce(Subquery(rows.order_by().values(outer).annotate(c=counted).values("c")), 0)


def _needs_added_up(kept: list[dict]) -> dict[int, dict]:
    """Each area's needs, people and schools added up from each school's (a person is in one
    school, so people add up)."""
    counted: dict[int, dict] = {}
    for needs in kept:
        for area_id, (n, people) in needs.items():
            area = counted.setdefault(int(area_id), {"needs": 0, "people": 0, "schools": 0})
            area["needs"] += n
            area["people"] += people
            area["schools"] += 1
    return counted


NEEDS_PER_PAGE = 20
MATCHES_PER_NEED = 3
CANDIDATES_PER_AREA = 12


def open_needs(filters: Filters, area: str | None = None):
    """Open and passed needs across the community (or the filters' hub), high priority and
    passed-on first; their descriptions were fed to the coordinator by design (DESIGN.md)."""
    needs = Need.objects.filter(
        status__in=[Need.Status.OPEN, Need.Status.PASSED], owner__is_active=True
    ).select_related("owner__school", "area")
    if filters.hub:
        needs = needs.filter(owner__school__hub=filters.hub)
    if area:
        needs = needs.filter(area__slug=area)
    return needs.order_by(*need_queue_order())


@dataclass
class Match:
    profile_id: int
    name: str
    school: str
    profile_url: str
    same_phase: bool


def suggested_matches(needs: list[Need]) -> dict[int, list[Match]]:
    """For each need: live experts offering its area in other schools, same phase first, at
    most three. One query for the page: the newest offers in each of the page's areas."""
    areas = {need.area_id for need in needs}
    if not areas:
        return {}
    fields = (
        "area_id",
        "profile_id",
        "profile__user__first_name",
        "profile__user__last_name",
        "profile__user__school_id",
        "profile__user__school__name",
        "profile__user__school__phase",
        "pk",
    )
    offers = ProfileArea.objects.filter(_live_offer(), profile__user__school__isnull=False)
    if connection.features.supports_slicing_ordering_in_compound:
        # Each area's newest live offers, walked newest first and stopped after a few: one
        # UNION ALL of one short walk per area of the page, whatever the size of the areas.
        walks = [
            offers.filter(area_id=area).order_by("-pk").values_list(*fields)[:CANDIDATES_PER_AREA]
            for area in sorted(areas)
        ]
        candidates = walks[0].union(*walks[1:], all=True) if len(walks) > 1 else walks[0]
        candidates = sorted(candidates, key=lambda row: (row[0], -row[-1]))
    else:  # SQLite limits no part of a UNION: every offer of the areas ranked within its area
        candidates = _first_in_each_area(
            offers.filter(area_id__in=areas),
            area="area_id",
            order_by=("-pk",),
            fields=fields,
            limit=CANDIDATES_PER_AREA,
        )
    by_area: dict[int, list[tuple]] = defaultdict(list)
    for row in candidates:
        by_area[row[0]].append(row)
    matches: dict[int, list[Match]] = {}
    for need in needs:
        school = need.owner.school
        found = [
            Match(
                profile_id=profile_id,
                name=f"{first} {last}",
                school=school_name,
                profile_url=reverse("experts:profile", kwargs={"pk": profile_id}),
                same_phase=school is not None and phase == school.phase,
            )
            for _, profile_id, first, last, school_id, school_name, phase, _ in by_area[
                need.area_id
            ]
            if school is None or school_id != school.pk
        ]
        found.sort(key=lambda m: not m.same_phase)  # stable: most recently confirmed next
        matches[need.pk] = found[:MATCHES_PER_NEED]
    return matches


SESSIONS_PER_NEED = 3
PEERS_PER_NEED = 3
PEER_CANDIDATES_PER_AREA = 12


@dataclass
class SessionMatch:
    pk: int
    title: str
    start: datetime.datetime
    url: str


@dataclass
class Peer:
    """Someone in another school with an open need in the same area, who agreed to be suggested:
    their name and school only, never what they wrote."""

    name: str
    school: str


@dataclass
class Suggestions:
    sessions: dict[int, list[SessionMatch]]  # by area: coming up
    recordings: dict[int, list[SessionMatch]]  # by area: past sessions with a recording
    peers: dict[int, list[Peer]]  # by need


def _first_in_each_area(
    queryset: QuerySet, *, area: str, order_by: tuple[str, ...], fields: tuple[str, ...], limit: int
) -> QuerySet:
    """The first ``limit`` rows of each area in ``order_by`` order, as ``fields`` tuples, area by
    area: one query on every database (ROW_NUMBER() OVER (PARTITION BY area ...) in a subquery,
    filtered on the rank), so the page costs the same on Postgres and on SQLite."""
    return (
        queryset.annotate(_rank=Window(RowNumber(), partition_by=F(area), order_by=list(order_by)))
        .filter(_rank__lte=limit)
        .order_by(area, "_rank")
        .values_list(*fields)
    )


def suggested_supply(needs: list[Need]) -> Suggestions:
    """
    For the page's needs: upcoming published sessions and recordings in each need's area, and
    people in other schools with an open need in the same area who consented (``suggest_me``).
    Three queries for the page, whatever its size: each ranks the rows within their area and keeps
    the first few of each area of the page (at most NEEDS_PER_PAGE areas).
    """
    areas = sorted({need.area_id for need in needs})
    if not areas:
        return Suggestions(sessions={}, recordings={}, peers={})
    through = DevelopmentSession.areas.through
    fields = ("expertisearea_id", "developmentsession_id", "developmentsession__title")
    now = timezone.now()
    coming = _first_in_each_area(
        through.objects.filter(
            expertisearea_id__in=areas,
            developmentsession__status=DevelopmentSession.Status.PUBLISHED,
            developmentsession__end__gte=now,
        ).exclude(developmentsession__scope=DevelopmentSession.Scope.PRIVATE),
        area="expertisearea_id",
        order_by=("developmentsession__start", "developmentsession_id"),
        fields=(*fields, "developmentsession__start"),
        limit=SESSIONS_PER_NEED,
    )
    recorded = _first_in_each_area(
        through.objects.filter(expertisearea_id__in=areas, developmentsession__end__lt=now)
        .exclude(developmentsession__scope=DevelopmentSession.Scope.PRIVATE)
        .exclude(developmentsession__recording_url="")
        .exclude(developmentsession__status=DevelopmentSession.Status.CANCELLED),
        area="expertisearea_id",
        order_by=("-developmentsession__start", "-developmentsession_id"),
        fields=(*fields, "developmentsession__start"),
        limit=SESSIONS_PER_NEED,
    )
    sessions: dict[int, list[SessionMatch]] = defaultdict(list)
    recordings: dict[int, list[SessionMatch]] = defaultdict(list)
    for target, rows in ((sessions, coming), (recordings, recorded)):
        for area, pk, title, start in rows:
            target[area].append(
                SessionMatch(
                    pk=pk,
                    title=title,
                    start=start,
                    url=reverse("cpd_sessions:detail", kwargs={"pk": pk}),
                )
            )
    for target in (sessions, recordings):
        for found in target.values():
            found.sort(key=lambda m: m.start, reverse=target is recordings)
    candidates = _first_in_each_area(
        Need.objects.filter(
            area_id__in=areas,
            status__in=[Need.Status.OPEN, Need.Status.PASSED],
            owner__suggest_me=True,
            owner__is_active=True,
            owner__school__isnull=False,
        ),
        area="area_id",
        order_by=("-created_at", "-pk"),
        fields=(
            "area_id",
            "owner_id",
            "owner__first_name",
            "owner__last_name",
            "owner__school_id",
            "owner__school__name",
        ),
        limit=PEER_CANDIDATES_PER_AREA,
    )
    by_area: dict[int, list[tuple]] = defaultdict(list)
    for row in candidates:
        by_area[row[0]].append(row)
    peers: dict[int, list[Peer]] = {}
    for need in needs:
        school_id = need.owner.school_id
        seen: set[int] = set()
        found = []
        for _, owner_id, first, last, other_school, school_name in by_area[need.area_id]:
            if owner_id in seen or owner_id == need.owner_id or other_school == school_id:
                continue
            seen.add(owner_id)
            found.append(Peer(name=f"{first} {last}".strip(), school=school_name))
        peers[need.pk] = found[:PEERS_PER_NEED]
    return Suggestions(sessions=dict(sessions), recordings=dict(recordings), peers=peers)


def replies_for(needs: list[Need]) -> dict[int, list[NeedReply]]:
    """The coordinator's replies on the page's needs: one query."""
    found: dict[int, list[NeedReply]] = defaultdict(list)
    for reply in NeedReply.objects.filter(need__in=[n.pk for n in needs]).select_related("author"):
        found[reply.need_id].append(reply)
    return found


def schools_in_need(area: ExpertiseArea) -> list[str]:
    """Names of the schools with open or passed needs in the area (no one's words)."""
    return list(
        School.objects.filter(
            staff__portfolio_needs__area=area,
            staff__portfolio_needs__status__in=[Need.Status.OPEN, Need.Status.PASSED],
            staff__is_active=True,
        )
        .order_by("name")
        .values_list("name", flat=True)
        .distinct()
    )


def people_in_need(area: ExpertiseArea) -> list:
    """The active people in schools with an open or passed need in the area: whom a group
    started from the gap invites."""
    return list(
        User.objects.filter(
            portfolio_needs__area=area,
            portfolio_needs__status__in=[Need.Status.OPEN, Need.Status.PASSED],
            is_active=True,
            school__isnull=False,
        )
        .select_related("school")
        .order_by("last_name", "first_name", "pk")
        .distinct()
    )


@dataclass
class Introduction:
    name: str
    profile_url: str
    sent_on: datetime.datetime


@dataclass
class NeedNews:
    """What the coordinator did about one need, for the person who has it."""

    replies: list[NeedReply]
    introductions: list[Introduction]


def need_news(need: Need) -> NeedNews:
    """The coordinator's replies about this need and her introductions of its owner to experts
    who offer its area (an introduction is per person and expert: its ledger key names both).
    Three queries."""
    replies = list(NeedReply.objects.filter(need=need).select_related("author"))
    prefix = INTRODUCTION_KEY_PREFIX.format(person_id=need.owner_id)
    sent: dict[int, datetime.datetime] = {}
    for key, created in Delivery.objects.filter(
        kind=INTRODUCTION, key__startswith=prefix
    ).values_list("key", "created_at"):
        profile_id = key.removeprefix(prefix)
        if profile_id.isdigit():
            sent.setdefault(int(profile_id), created)
    offers = ProfileArea.objects.filter(profile_id__in=sent, area_id=need.area_id).values_list(
        "profile_id", "profile__user__first_name", "profile__user__last_name"
    )
    introductions = sorted(
        (
            Introduction(
                name=f"{first} {last}".strip(),
                profile_url=reverse("experts:profile", kwargs={"pk": pk}),
                sent_on=sent[pk],
            )
            for pk, first, last in offers
        ),
        key=lambda i: i.sent_on,
    )
    return NeedNews(replies=replies, introductions=introductions)

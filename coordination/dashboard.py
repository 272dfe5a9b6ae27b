"""
The coordinator's dashboard put together (``dashboard``), and a CPD leader's or hub leader's
slice of it: participation (participation.py) and needs against supply (needs.py) with the
figures read here — release time and cost by term and school, impact (feedback ratings and
six-week follow-ups), what the community still has to set up, lone rangers by hub, and a few
counts. Each is a fixed number of grouped queries whatever the size of the scope; counts only.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from django.core.cache import cache
from django.db.models import Count
from django.utils import timezone

from experts.selectors import stale_profiles
from hubs.lone_rangers import lone_ranger_summary
from hubs.models import Hub, SubjectNetwork, Term
from notifications.models import Delivery
from portfolios.models import ImpactFollowUp, Need

from .emails import KIND as INTRODUCTION
from .filters import Filters
from .needs import Gap, needs_against_supply
from .participation import Participation, hub_rows, school_rows, total_of
from .release import (
    Release,
    by_school,
    costliest,
    no_school_ratings,
    no_school_release,
    ratings_of,
    release_rows,
)

NAMES_SHOWN = 10  # schools named in a setup check before "and N more"
RELEASE_SHOWN = 20  # (school, term)s on the page, most costly first; the CSV has them all


# --- Release time and cost, and impact ------------------------------------------------------


def _release(school_ids, filters: Filters, rows: list[Participation]):
    """Release by term and each (school, term)'s entry (release.py), from the schools' summary
    rows and, for the whole community, those of no school (one query)."""
    community = school_ids is None and filters.hub is None
    return release_rows(rows, filters, no_school_release(filters) if community else None)


@dataclass
class Impact:
    ratings: list[tuple[int, int]]  # (rating 5..1, how many)
    levels: list[tuple[str, int]]  # six-week follow-ups by level
    feedback: int
    follow_ups: int


def impact(
    school_ids: list[int] | None, filters: Filters, rows: list[Participation] | None = None
) -> Impact:
    """Feedback by rating (from the schools' summary rows, ``rows`` if already read, and for
    the whole community that of no school) and six-week follow-ups by level: two queries."""
    if rows is None:
        rows, _ = school_rows(school_ids, filters)
    community = school_ids is None and filters.hub is None
    ratings = ratings_of(rows, no_school_ratings(filters) if community else None)
    follow_ups = ImpactFollowUp.objects.filter(
        entry__date__range=(filters.start, filters.end), answered_at__isnull=False
    ).exclude(level="")
    if school_ids is not None:
        follow_ups = follow_ups.filter(entry__owner__school_id__in=school_ids)
    elif filters.hub:
        follow_ups = follow_ups.filter(entry__owner__school__hub=filters.hub)
    levels = dict(follow_ups.order_by().values_list("level").annotate(n=Count("pk")))
    return Impact(
        ratings=ratings,
        levels=[(label, levels.get(value, 0)) for value, label in ImpactFollowUp.Level.choices],
        feedback=sum(n for _, n in ratings),
        follow_ups=sum(levels.values()),
    )


# --- Setting up, and a few counts ---------------------------------------------------------


@dataclass(frozen=True)
class SetupChecks:
    schools_without_leader: list[Participation]
    schools_without_domain: list[Participation]
    networks_without_lead: list[SubjectNetwork]
    hubs_without_leader: list[Hub]
    current_term: Term | None
    next_term: Term | None
    # "Every school (hub, network) has …" is no achievement when there are none: no tick then.
    has_schools: bool = True
    has_hubs: bool = True
    has_networks: bool = True
    names_shown: int = NAMES_SHOWN


def setup_checks(rows: list[Participation], filters: Filters) -> SetupChecks:
    today = timezone.localdate()
    current, *later = filters.later_terms[:2] or [None]
    if current is not None and current.start > today:
        current, later = None, [current]
    # Those without a lead first: one query says both which they are and whether there are any.
    networks = list(
        SubjectNetwork.objects.annotate(lead_count=Count("leads")).order_by("lead_count", "name")[
            :NAMES_SHOWN
        ]
    )
    return SetupChecks(
        schools_without_leader=[r for r in rows if not r.has_leader],
        schools_without_domain=[r for r in rows if not r.has_domain],
        networks_without_lead=[n for n in networks if not n.lead_count],
        hubs_without_leader=[h for h in filters.hubs if not h.has_leader][:NAMES_SHOWN],
        current_term=current,
        next_term=later[0] if later else None,
        has_schools=bool(rows) or filters.hub is not None,
        has_hubs=bool(filters.hubs),
        has_networks=bool(networks),
    )


def introductions_made(school_ids: list[int] | None, filters: Filters) -> int:
    """Pairs the coordinator introduced in the period where someone of the scope took part."""
    sent = Delivery.objects.filter(
        kind=INTRODUCTION, created_at__gte=filters.moments[0], created_at__lt=filters.moments[1]
    )
    if school_ids is not None:
        sent = sent.filter(recipient__school_id__in=school_ids)
    elif filters.hub:
        sent = sent.filter(recipient__school__hub=filters.hub)
    return sent.order_by().values("key").distinct().count()


def needs_met(school_ids: list[int] | None, filters: Filters) -> int:
    met = Need.objects.filter(
        status=Need.Status.MET,
        decided_at__gte=filters.moments[0],
        decided_at__lt=filters.moments[1],
    )
    if school_ids is not None:
        met = met.filter(owner__school_id__in=school_ids)
    elif filters.hub:
        met = met.filter(owner__school__hub=filters.hub)
    return met.count()


def stale_count(school_ids: list[int] | None, filters: Filters) -> int:
    stale = stale_profiles()
    if school_ids is not None:
        stale = stale.filter(user__school_id__in=school_ids)
    elif filters.hub:
        stale = stale.filter(user__school__hub=filters.hub)
    return stale.order_by().count()


@dataclass
class LoneRangerRow:
    name: str
    by_subject: int = 0
    by_responsibility: int = 0
    invited: int = 0
    joined: int = 0


LONE_RANGERS_CACHE_SECONDS = 300


def lone_ranger_rows(filters: Filters) -> list[LoneRangerRow]:
    """Lone rangers by hub (subject and responsibility): two grouped queries over every
    school's staff, the same for every reader of the scope and not tied to the period, so kept
    five minutes in the shared cache (a new invitation or member shows within that time)."""
    key = f"coordination:lone-rangers:{filters.hub.pk if filters.hub else 'all'}"
    cached = cache.get(key)
    if cached is None:
        cached = _lone_ranger_rows(filters)
        cache.set(key, cached, LONE_RANGERS_CACHE_SECONDS)
    return cached


def _lone_ranger_rows(filters: Filters) -> list[LoneRangerRow]:
    hub_ids = [filters.hub.pk] if filters.hub else None
    rows: dict[str, LoneRangerRow] = {}
    for by_responsibility in (False, True):
        for found in lone_ranger_summary(hub_ids, by_responsibility=by_responsibility):
            row = rows.setdefault(found.name, LoneRangerRow(name=found.name))
            if by_responsibility:
                row.by_responsibility += found.alone
            else:
                row.by_subject += found.alone
            row.invited += found.invited
            row.joined += found.joined
    return sorted(rows.values(), key=lambda r: (r.name == "Schools in no hub", r.name))


# --- The whole dashboard ----------------------------------------------------------------


@dataclass
class Dashboard:
    filters: Filters
    total: Participation
    hubs: list[Participation]
    schools: list[Participation]  # every school in scope (the page shows a slice)
    gaps: list[Gap]
    release_terms: list[Release]
    release_entries: list  # each (school, term)'s release (release.py): rows when read
    impact: Impact
    stale: int
    introductions: int
    needs_met: int
    checks: SetupChecks | None = None
    lone_rangers: list[LoneRangerRow] | None = None  # None: not shown (a school's slice)
    figures_as_of: datetime.datetime | None = None  # the oldest participation figure's count

    @cached_property
    def release_schools(self) -> list[Release]:
        """Every (school, term)'s release, most costly first (the CSV)."""
        return by_school(self.release_entries)

    @cached_property
    def release_top(self) -> list[Release]:
        """The page's few, most costly first."""
        return costliest(self.release_entries, RELEASE_SHOWN)

    @property
    def release_max(self) -> Decimal:
        """The highest term's cost, the full length of the release bars."""
        return max((row.cost for row in self.release_terms), default=Decimal(0)) or Decimal(1)


def dashboard(
    filters: Filters, school_ids: list[int] | None = None, *, hub_lead: bool = False
) -> Dashboard:
    """The community's (``school_ids`` None: all of it, or the filters' hub) or some schools'.
    ``hub_lead``: a hub leader's slice (their hub's figures, without the community's set-up)."""
    rows, figures_as_of = school_rows(school_ids, filters)
    release_terms, release_entries = _release(school_ids, filters, rows)
    hubs = hub_rows(rows) if school_ids is None else []
    return Dashboard(
        filters=filters,
        total=total_of(hubs or rows),  # the hubs' totals have every school
        hubs=hubs,
        schools=rows,
        gaps=needs_against_supply(school_ids, filters, rows),
        release_terms=release_terms,
        release_entries=release_entries,
        impact=impact(school_ids, filters, rows),
        stale=stale_count(school_ids, filters),
        introductions=introductions_made(school_ids, filters),
        needs_met=needs_met(school_ids, filters),
        checks=setup_checks(rows, filters) if school_ids is None and not hub_lead else None,
        lone_rangers=lone_ranger_rows(filters) if school_ids is None else None,
        figures_as_of=figures_as_of,
    )

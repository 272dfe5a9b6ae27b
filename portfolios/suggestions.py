"""
What is suggested for my goals and needs: live experts in other schools (``suggest_experts``),
upcoming sessions and recordings (``suggest_sessions``), and the areas I am working on, which
the sessions list's "suits me" filter reads (``working_on_area_ids``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Cast, Concat
from django.db.models.lookups import Contains
from django.utils import timezone

from cpd_sessions import listing
from cpd_sessions.models import DevelopmentSession
from experts.models import ExpertiseArea, ExpertProfile, ProfileArea, term_window_start
from experts.search import results_version
from hubs.models import School, User

from .models import Goal, Need

SUGGESTIONS = 5


def _live_now() -> Q:
    """``live_q`` on the offers' copy, with the window's start as a value (the cached terms: no
    query, and no subquery for each walk of the suggestions' query to plan)."""
    since = term_window_start()
    confirmed = (
        Q(last_confirmed_at__date__gte=since) if since else Q(last_confirmed_at__isnull=False)
    )
    return Q(is_hidden=False, user_is_active=True) & confirmed


SUGGESTION_COLUMNS = (
    "preference",
    "sort_name",
    "profile_id",
    "area_id",
    *ProfileArea.OFFER_FIELDS,
    "profile__headline",
    "profile__user_id",
    "profile__user__first_name",
    "profile__user__last_name",
    "profile__user__school_id",
    "profile__user__school__name",
)


def _in_phases_of(user: User) -> Exists:
    """The offerer works in one of my phases: one of my phase ids is in the offer's copy of
    theirs (``offerer_phases``). A test on the offer row as it is walked, for each of my few
    phases; never a way into the offers (it cannot be looked up by phase)."""
    token = Concat(Value("|"), Cast("phase_id", CharField()), Value("|"))
    return Exists(
        User.phases.through.objects.filter(user_id=user.pk).filter(
            Contains(OuterRef("offerer_phases"), token)
        )
    )


def suggest_experts(user: User, areas, limit: int = SUGGESTIONS) -> list[ExpertProfile]:
    """
    Live experts offering help in these areas: other schools first (the point of a community),
    then those who work in my phase, then by name (the directory's order). Never me.

    One query whatever the number of profiles, which leaves the planner no other way in than
    the areas' offers, whatever the statistics: every condition is on the offer rows, which
    carry their offerer's live conditions, order, school and phases (``ProfileArea``, kept by
    experts/search.py), and the profile, person and school are joined only to be shown.
    For each area, two walks of its offers in name order (``expert_offer_walk_idx``, which
    holds every column they test), one for people of other schools in my phase, one for the
    rest of other schools, each stopping after ``limit`` offers; and my own school's few
    offers in these areas (``expert_offer_school_idx``); all in one UNION. The best ``limit``
    people of those rows are the suggestions, and the rows hold all their offers in these
    areas (anyone among the best is among the first ``limit`` of each walk that passes them;
    I am only ever in my school's part). The profiles carry what the suggestions show:
    headline, the person's name and school, ``matching_offers``.
    """
    by_pk = {a.pk: a for a in areas}
    if not by_pk or limit <= 0:
        return []
    # Kept in the shared cache under the directory's version, which any change to a profile,
    # its offers or the person's phases replaces (experts/search.py; no signal: within the
    # directory's minute), and under what else the answer depends on: me, my school, the areas.
    key = (
        f"suggest-experts:{results_version()}:{timezone.localdate()}:{user.pk}:"
        f"{user.school_id}:{limit}:{','.join(map(str, sorted(by_pk)))}"
    )
    found = cache.get(key)
    if found is None:
        found = _walk_offers(user, by_pk, limit)
        cache.set(key, found, settings.CPDHUB_DIRECTORY_CACHE_SECONDS)
    return found


def _walk_offers(user: User, by_pk: dict, limit: int) -> list[ExpertProfile]:
    other_school = (
        ~Q(offerer_school_id=user.school_id) if user.school_id else Q(offerer_school__isnull=False)
    )
    in_my_phase = _in_phases_of(user)
    have_phases = Exists(User.phases.through.objects.filter(user_id=user.pk))
    offers = ProfileArea.objects.filter(_live_now())
    ranked = connection.features.supports_slicing_ordering_in_compound

    def rank(number: int):
        return Value(number, output_field=IntegerField())

    walks = []
    for area in sorted(by_pk):
        # Without a phase of my own, the "my phase" walk is skipped by Postgres (a one-time
        # filter), not run to the end of the area looking for a match.
        for number, preference in enumerate([Q(have_phases) & Q(in_my_phase), ~Q(in_my_phase)]):
            walk = offers.filter(other_school, preference, area_id=area).annotate(
                preference=rank(number)
            )
            if ranked:  # SQLite: every offer of the areas, the same answer (the demo's few)
                walk = walk.order_by("sort_name", "profile_id")[:limit]
            walks.append(walk.values_list(*SUGGESTION_COLUMNS))
    mine = offers.filter(~other_school, area_id__in=list(by_pk)).annotate(
        preference=Case(When(in_my_phase, then=rank(2)), default=rank(3))
    )
    walks.append(mine.values_list(*SUGGESTION_COLUMNS).order_by())
    rows = walks[0].union(*walks[1:], all=True).order_by("preference", "sort_name", "profile_id")

    found: dict[int, ExpertProfile] = {}
    for row in rows:
        values = dict(zip(SUGGESTION_COLUMNS, row, strict=True))
        if values["profile__user_id"] == user.pk:
            continue  # never me: only in my school's part, which has no limit
        profile = found.get(values["profile_id"])
        if profile is None:
            if len(found) == limit:
                continue
            profile = found[values["profile_id"]] = _suggested_profile(values)
        offer = ProfileArea(
            profile_id=values["profile_id"],
            area=by_pk[values["area_id"]],
            **{field: values[field] for field in ProfileArea.OFFER_FIELDS},
        )
        if all(o.area_id != offer.area_id for o in profile.matching_offers):
            profile.matching_offers.append(offer)
    for profile in found.values():
        profile.matching_offers.sort(key=lambda o: (o.area.name, o.area_id))
    return list(found.values())


def _suggested_profile(values: dict) -> ExpertProfile:
    """A profile as the suggestions show it, from the columns of their query."""
    school_id = values["profile__user__school_id"]
    person = User(
        pk=values["profile__user_id"],
        first_name=values["profile__user__first_name"],
        last_name=values["profile__user__last_name"],
        school=School(pk=school_id, name=values["profile__user__school__name"])
        if school_id is not None
        else None,
    )
    profile = ExpertProfile(
        pk=values["profile_id"], user=person, headline=values["profile__headline"]
    )
    profile.matching_offers = []
    return profile


def working_on_area_ids(user: User) -> QuerySet:
    """
    The ids of the areas of my active goals and open needs, unevaluated: the sessions list's
    "suits me" filter puts it into its own query.
    """
    goal_areas = Goal.areas.through.objects.filter(
        goal__owner=user, goal__status=Goal.Status.ACTIVE
    ).values("expertisearea_id")
    need_areas = Need.objects.filter(owner=user, status=Need.Status.OPEN).values("area_id")
    return ExpertiseArea.objects.filter(Q(pk__in=goal_areas) | Q(pk__in=need_areas)).values("pk")


SESSION_SUGGESTIONS = 3
RECORDING_SUGGESTIONS = 3
# How many sessions (and recordings) in all of the areas are read, soonest (newest) first, to be
# shared out between the goals and needs: the queries stay the same however many there are.
SUGGESTION_POOL = 60


@dataclass
class SessionSuggestions:
    sessions: list[DevelopmentSession]
    recordings: list[DevelopmentSession]

    def __bool__(self) -> bool:
        return bool(self.sessions or self.recordings)


def area_ids_of(item: Goal | Need) -> set[int]:
    if isinstance(item, Need):
        return {item.area_id}
    return {area.pk for area in item.areas.all()}  # prefetched by the callers


def suggest_sessions(user: User, wanted: dict) -> dict:
    """
    For each key of ``wanted`` (a goal, a need…) mapped to area ids: upcoming published sessions
    the person may see in those areas, and recordings in them. Three queries for any number of
    keys: the sessions app's own selectors read a pool for all the areas at once, shared out here.
    """
    all_ids = set().union(*wanted.values()) if wanted else set()
    if not all_ids:
        return {key: SessionSuggestions([], []) for key in wanted}
    pool, banked = listing.suggestion_pools(user, all_ids, limit=SUGGESTION_POOL)

    offered: set[int] = set()
    # Each session's areas read once (a related manager made per goal per session cost more
    # than the rest of the sharing out).
    areas_of = {s.pk: {a.pk for a in s.areas.all()} for s in (*pool, *banked)}

    def matching(sessions, ids, limit):
        # Each session once on a page: under the first goal or need that wants it.
        found = [s for s in sessions if s.pk not in offered and not areas_of[s.pk].isdisjoint(ids)][
            :limit
        ]
        offered.update(s.pk for s in found)
        return found

    return {
        key: SessionSuggestions(
            sessions=matching(pool, ids, SESSION_SUGGESTIONS),
            recordings=matching(banked, ids, RECORDING_SUGGESTIONS),
        )
        for key, ids in wanted.items()
    }

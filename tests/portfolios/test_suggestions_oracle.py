"""
The suggestions read from the offers' copy of their offerer (live conditions, order, school,
phases) give exactly the answer of the implementation before it, which joined every offer to
its profile, person and phases (kept below as the oracle): on a varied community (schools,
phases, areas, my own school, people without a school or a phase, hidden, stale and departed
profiles, names that sort the same), for people with no phase, one or two, with and without a
school, with and without a profile of their own, for every set of areas and several limits;
and again after people move school, change their phases, hide, confirm or leave (the copies
follow through the usual writes).
"""

import datetime
import itertools
import random
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Value, When
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from experts.models import ExpertiseArea, ExpertProfile, ProfileArea, term_window_start
from hubs.models import Phase, School, User
from portfolios import suggestions
from tests.experts.factories import ExpertProfileFactory
from tests.factories import SchoolFactory, UserFactory

pytestmark = pytest.mark.django_db

# --- The oracle: suggest_experts as it was (every condition on the profile, its person and
# their phases, joined to each offer), verbatim but for its names ---


def _old_live_now(prefix: str = "") -> Q:
    """``live_q`` with the window's start as a value (the cached terms: no query, and no
    subquery for each walk of the suggestions' query to plan)."""
    since = term_window_start()
    confirmed = (
        Q(**{f"{prefix}last_confirmed_at__date__gte": since})
        if since
        else Q(**{f"{prefix}last_confirmed_at__isnull": False})
    )
    return Q(**{f"{prefix}is_hidden": False, f"{prefix}user_is_active": True}) & confirmed


OLD_COLUMNS = (
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


def old_suggest_experts(user: User, areas, limit: int) -> list[ExpertProfile]:
    """
    Live experts offering help in these areas: other schools first (the point of a community),
    then those who work in my phase, then by name (the directory's order). Never me.

    One query whatever the number of profiles: for each area, two walks of its offers in name
    order (``expert_offer_walk_idx``, which carries the live conditions), one for people of
    other schools in my phase, one for the rest of other schools, each stopping after
    ``limit`` offers; and my own school's few offers in these areas; all in one UNION. The
    best ``limit`` people of those rows are the suggestions, and the rows hold all their
    offers in these areas (anyone among the best is among the first ``limit`` of each walk
    that passes them). The profiles carry what the suggestions show: headline, the person's
    name and school, ``matching_offers``.
    """
    by_pk = {a.pk: a for a in areas}
    if not by_pk or limit <= 0:
        return []
    other_school = (
        ~Q(profile__user__school_id=user.school_id)
        if user.school_id
        else Q(profile__user__school__isnull=False)
    )
    my_phases = User.phases.through.objects.filter(user_id=user.pk)
    in_my_phase = Exists(
        ExpertProfile.phases.through.objects.filter(
            expertprofile_id=OuterRef("profile_id"), phase_id__in=my_phases.values("phase_id")
        )
    )
    # The offer's copy of the live conditions (in the index) and the profile's own.
    offers = ProfileArea.objects.filter(_old_live_now(), _old_live_now("profile__")).exclude(
        profile__user_id=user.pk
    )
    ranked = connection.features.supports_slicing_ordering_in_compound

    def rank(number: int):
        return Value(number, output_field=IntegerField())

    walks = []
    for area in sorted(by_pk):
        # Without a phase of my own, the "my phase" walk is skipped by Postgres (a one-time
        # filter), not run to the end of the area looking for a match.
        for number, preference in enumerate(
            [Q(Exists(my_phases)) & Q(in_my_phase), ~Q(in_my_phase)]
        ):
            walk = offers.filter(other_school, preference, area_id=area).annotate(
                preference=rank(number)
            )
            if ranked:  # SQLite: every offer of the areas, the same answer (the demo's few)
                walk = walk.order_by("sort_name", "profile_id")[:limit]
            walks.append(walk.values_list(*OLD_COLUMNS))
    mine = offers.filter(~other_school, area_id__in=list(by_pk)).annotate(
        preference=Case(When(in_my_phase, then=rank(2)), default=rank(3))
    )
    walks.append(mine.values_list(*OLD_COLUMNS).order_by())
    rows = walks[0].union(*walks[1:], all=True).order_by("preference", "sort_name", "profile_id")

    found: dict[int, ExpertProfile] = {}
    for row in rows:
        values = dict(zip(OLD_COLUMNS, row, strict=True))
        profile = found.get(values["profile_id"])
        if profile is None:
            if len(found) == limit:
                continue
            profile = found[values["profile_id"]] = _old_suggested_profile(values)
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


def _old_suggested_profile(values: dict) -> ExpertProfile:
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


def shown(profiles: list[ExpertProfile]) -> list[tuple]:
    """What the suggestions show of each person, in order."""
    return [
        (
            profile.pk,
            profile.headline,
            profile.user.get_full_name(),
            profile.user.school.name if profile.user.school_id else None,
            [
                (o.area_id, tuple(getattr(o, kind) for kind in ProfileArea.OFFER_FIELDS))
                for o in profile.matching_offers
            ],
        )
        for profile in profiles
    ]


# --- A varied community ---

FIRST = ["Amy", "Ben", "Cara", "Dev", "Esi"]
LAST = ["Adams", "Baker", "Clarke", "Adams", "Baker", "Dunn"]  # names that sort the same


@pytest.fixture
def community(db, terms_around_today):
    rng = random.Random(20261207)
    phases = list(Phase.objects.order_by("pk"))[:4]
    areas = list(ExpertiseArea.objects.order_by("pk"))[:4]
    schools = [SchoolFactory() for _ in range(5)]
    experts = []
    for i in range(70):
        school = None if i % 17 == 0 else rng.choice(schools)
        user = UserFactory(first_name=rng.choice(FIRST), last_name=rng.choice(LAST), school=school)
        profile = ExpertProfileFactory(user=user, headline=f"Headline {i}")
        profile.phases.set(rng.sample(phases, rng.choice([0, 1, 1, 1, 2])))
        for area in rng.sample(areas, rng.randint(1, 3)):
            ProfileArea.objects.create(
                profile=profile,
                area=area,
                advice=rng.random() < 0.7,
                coaching=rng.random() < 0.5,
                session=True,
                visit=rng.random() < 0.3,
            )
        kind = i % 10
        if kind == 1:  # hidden ("pause my profile")
            profile.is_hidden = True
            profile.save()
        elif kind == 2:  # not confirmed since last term began
            profile.last_confirmed_at = timezone.now() - datetime.timedelta(days=400)
            profile.save()
        elif kind == 3:  # left the community
            user.is_active = False
            user.save()
        elif kind == 4:  # never confirmed
            profile.last_confirmed_at = None
            profile.save()
        experts.append(profile)
    viewers = [
        UserFactory(school=schools[0]),  # no phase
        UserFactory(school=schools[1]),
        UserFactory(school=schools[2]),
        UserFactory(school=None),  # no school
        experts[5].user,  # an expert themself
        experts[7].user,
    ]
    viewers[1].phases.set(phases[:1])
    viewers[2].phases.set(phases[1:3])
    viewers[3].phases.set(phases[2:3])
    viewers[4].phases.set(phases[:2])
    return rng, schools, phases, areas, experts, viewers


def area_sets(areas):
    return [list(c) for n in (1, 2, 3) for c in itertools.combinations(areas, n)]


def assert_same_as_the_oracle(viewers, areas):
    checked = 0
    for viewer in viewers:
        viewer = User.objects.get(pk=viewer.pk)
        for chosen in area_sets(areas):
            for limit in (1, 3, suggestions.SUGGESTIONS, 50):
                expected = shown(old_suggest_experts(viewer, chosen, limit))
                found = shown(suggestions.suggest_experts(viewer, chosen, limit=limit))
                assert found == expected, (viewer, chosen, limit)
                checked += bool(expected)
    assert checked > 100  # the comparisons are not of empty lists


def test_the_suggestions_are_those_of_the_old_query(community):
    _rng, _schools, _phases, areas, _experts, viewers = community
    assert_same_as_the_oracle(viewers, areas)


def test_the_suggestions_follow_people_who_move_change_phases_hide_confirm_or_leave(community):
    rng, schools, phases, areas, experts, viewers = community
    assert_same_as_the_oracle(viewers, areas)  # and the suggestions are kept (the shared cache)
    for profile in rng.sample(experts, 25):
        user = profile.user
        change = rng.randrange(5)
        if change == 0:  # moves school (or joins one)
            user.school = rng.choice([*schools, None])
            user.save()
        elif change == 1:
            profile.phases.set(rng.sample(phases, rng.randint(0, 3)))
        elif change == 2:
            profile.phases.add(rng.choice(phases))
        elif change == 3:
            profile.is_hidden = not profile.is_hidden
            profile.save()
        else:  # confirms for this term
            profile.last_confirmed_at = timezone.now()
            profile.save()
    # A phase cleared of its people, from the phase's side.
    phases[3].expert_profiles.clear()
    phases[0].expert_profiles.remove(*experts[:10])
    # Viewers change their own phases and school too.
    viewers[0].phases.set(phases[3:4])
    viewers[1].school = schools[3]
    viewers[1].save()
    assert_same_as_the_oracle(viewers, areas)
    # The copies on the offers are exactly their offerers' now.
    for offer in ProfileArea.objects.select_related("profile__user"):
        mine = offer.profile.phases.values_list("pk", flat=True)
        assert offer.offerer_school_id == offer.profile.user.school_id
        assert offer.offerer_phases == ProfileArea.phases_key(mine)


def test_a_command_copies_every_offerer_again_after_writes_without_signals(community):
    _rng, schools, _phases, areas, experts, viewers = community
    assert_same_as_the_oracle(viewers, areas)  # and the suggestions are kept (the shared cache)
    # Bulk writes send no signal: the offers' copies lag until the command runs.
    ExpertProfile.phases.through.objects.filter(expertprofile__in=experts[:30]).delete()
    User.objects.filter(expert_profile__in=experts[30:50]).update(school=schools[4])
    ExpertProfile.objects.filter(pk__in=[p.pk for p in experts[50:]]).update(is_hidden=True)
    lagging = {o.pk: (o.offerer_school_id, o.offerer_phases) for o in ProfileArea.objects.all()}
    call_command("copy_to_offers", stdout=StringIO())
    copied = {o.pk: (o.offerer_school_id, o.offerer_phases) for o in ProfileArea.objects.all()}
    assert copied != lagging
    assert_same_as_the_oracle(viewers, areas)
    assert not ProfileArea.objects.filter(profile__in=experts[50:], is_hidden=False).exists()


def test_the_query_tests_only_the_offer_rows_so_every_plan_starts_from_the_areas(community):
    """The old query tested the offerer's phases and school through their own tables, so
    Postgres could start from everyone in my phase; now every condition is on the offer row
    (and my own few phases), and the profile, person and school are joined only to show."""
    _rng, _schools, _phases, areas, _experts, viewers = community
    suggestions.suggest_experts(viewers[2], areas[:2])  # the term dates cached
    with CaptureQueriesContext(connection) as captured:
        assert suggestions.suggest_experts(viewers[2], areas[:2])
    assert captured.captured_queries == []  # kept in the shared cache
    by_pk = {area.pk: area for area in areas[:2]}
    with CaptureQueriesContext(connection) as captured:
        assert suggestions._walk_offers(viewers[2], by_pk, suggestions.SUGGESTIONS)
    assert len(captured.captured_queries) == 1
    sql = captured.captured_queries[0]["sql"]
    assert "experts_expertprofile_phases" not in sql
    # The person's school only joins its name, never as a condition; the profile's live
    # conditions are not read at all (the offer's copies are).
    assert not re.search(r'"hubs_user"\."school_id" (=|IS|IN) *(\d|%s|\?|NULL|\()', sql)
    assert '"experts_expertprofile"."is_hidden"' not in sql
    assert '"experts_profilearea"."offerer_phases"' in sql

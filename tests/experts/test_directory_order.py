"""
The directory's order and counts against an oracle: what RankedPages promises (docs/performance.md,
"How the directory stays fast"), worked out in Python from the rows, for searches under and over
the cap. The queries behind a page change shape for speed (the candidates as one set of ids, the
first matches by name walked in name order before every match is read); the results must not.
"""

import itertools
import random
from urllib.parse import urlencode

import pytest
from django.http import QueryDict
from django.urls import reverse

from experts import directory
from experts.filters import DirectoryFilter
from experts.models import ExpertProfile, ProfileArea
from experts.views import PAGE_SIZE
from tests.factories import UserFactory

from .factories import ExpertProfileFactory, offer

pytestmark = pytest.mark.django_db
URL = reverse("experts:directory")

FIRSTS = ["Ann", "Ben", "Cat", "Dan", "Eve", "Fay", "Gus", "Hal", "Ivy", "Jo"]
LASTS = ["Abbott", "Baker", "Cole", "Dunn", "Ellis", "Frost", "Gray"]
# Texts that some profiles share: "help" is in every headline, the rest in a part of the bios,
# spread so that the first few by name sometimes all match and sometimes do not.
BIOS = [
    "Good questioning and marking.",
    "Retrieval practice in the classroom.",
    "Marking less, feedback more.",
    "Classroom routines.",
    "Questioning in science lessons.",
    "Spaced practice and recall.",
]
AREAS = ["questioning", "retrieval-practice", "feedback", "behaviour-management"]
SEARCHES = [
    {"q": "help"},
    {"q": "questioning"},
    {"q": "good questioning"},
    {"q": "marking"},
    {"q": "classroom"},
    {"q": "retrieval practice"},
    {"q": "practice"},
    {"q": "feedback"},
    {"q": "Baker"},
    {"q": "help", "hub": "south"},
    {"q": "questioning", "hub": "north"},
    {"q": "classroom", "offer": "coaching"},
    {"q": "marking", "school": "900002"},
    {},
    {"hub": "south"},
    {"area": "questioning"},
    {"area": "feedback", "hub": "north"},
]


@pytest.fixture
def community(personas):
    """70 profiles in two hubs, their texts and offers spread unevenly by name, created in an
    order that is not their names' order."""
    personas.school.urn, personas.other_school.urn = "900001", "900002"
    personas.school.save()
    personas.other_school.save()
    people = list(itertools.product(LASTS, FIRSTS))
    random.Random(7).shuffle(people)  # ids in another order than names
    for n, (last, first) in enumerate(people):
        school = personas.school if n % 3 else personas.other_school
        profile = ExpertProfileFactory(
            user=UserFactory(first_name=first, last_name=last, school=school),
            headline="Happy to help" if n % 4 else "Questioning, happy to help",
            bio=BIOS[n % len(BIOS)] if n % 5 else "",
        )
        if n % 7 in (2, 5):
            offer(profile, AREAS[n % len(AREAS)], coaching=n % 2 == 0)
        if n % 11 == 3:
            offer(profile, "questioning")


def oracle(params: dict, cap: int) -> tuple[int, list[int]]:
    """The matches counted up to cap + 1, and the ids of the first `cap` results in order."""
    search = DirectoryFilter(
        QueryDict(urlencode(params)) or None, queryset=ExpertProfile.objects.visible()
    )
    assert not search.is_bound or search.is_valid()
    query = search.form.cleaned_data.get("q", "") if search.is_bound else ""
    matches = set(search.qs.values_list("pk", flat=True))
    unsearched = set(search.without_text().values_list("pk", flat=True))
    profiles = {p.pk: p for p in ExpertProfile.objects.all()}
    offers = list(ProfileArea.objects.values_list("profile_id", "area_id"))
    by_name = sorted(matches, key=lambda pk: (profiles[pk].sort_name, pk))
    counted = min(len(matches), cap + 1)
    if not query:
        return counted, by_name[:cap]
    words = query.split()
    named = set(directory.named_areas(words))
    covering = set(directory.covering_areas(words))
    candidates = matches
    if len(matches) > cap:
        # Over the cap: the named areas' offerers (the first `cap` offers by name; a covering
        # area's offerers need only the filters, the others the text too), and unless they
        # fill the cap, the first `cap` matches by name.
        candidates = set()
        if named:
            areas, pool = (covering, unsearched) if covering else (named, matches)
            walk = sorted(
                (profiles[pk].sort_name, pk) for pk, area in offers if area in areas and pk in pool
            )
            candidates = set(dict.fromkeys(pk for _, pk in walk[:cap]))
        if len(candidates) < cap:
            candidates |= set(by_name[:cap])

    def rank(pk: int):
        profile = profiles[pk]
        offers_named = any(area in named for p, area in offers if p == pk)
        in_headline = any(word.lower() in profile.headline.lower() for word in words)
        return (not offers_named if named else 0, not in_headline, profile.sort_name, pk)

    return counted, sorted(candidates, key=rank)[:cap]


@pytest.mark.parametrize("cap", [1, 3, 7, 1000])
def test_each_search_shows_what_the_oracle_says(client, personas, community, monkeypatch, cap):
    monkeypatch.setattr(directory, "RESULTS_CAP", cap)
    client.force_login(personas.owner)
    for params in SEARCHES:
        response = client.get(URL, params)
        assert response.status_code == 200, params
        counted, ids = oracle(params, cap)
        shown = [p.pk for p in response.context["page"].object_list]
        assert shown == ids[:PAGE_SIZE], params
        assert response.context["page"].paginator.count == min(counted, cap), params
        assert response.context["capped"] == (counted > cap), params


def test_the_searches_reach_both_ways_of_finding_the_first_matches_by_name(community):
    """The oracle's searches include, over a cap of 3, one whose first three profiles by name
    all match (the walk in name order suffices) and one where they do not (every match read)."""
    first = list(ExpertProfile.objects.visible().order_by("sort_name", "pk")[:3])
    assert all("help" in p.headline for p in first)
    assert not all("marking" in p.bio.lower() for p in first)
    marking = DirectoryFilter(QueryDict("q=marking"), queryset=ExpertProfile.objects.visible())
    assert marking.is_valid()
    assert marking.qs.count() > 3

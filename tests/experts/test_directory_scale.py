"""The directory bounded at any size: capped counts, a bounded ranking, walks in name order,
the live check as plain conditions, cached filter choices."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from experts import directory
from experts.models import ExpertProfile, live_q, term_window_start
from hubs.models import Phase
from tests.factories import HubFactory, SchoolFactory, TermFactory, UserFactory

from .factories import ExpertProfileFactory, offer

pytestmark = pytest.mark.django_db
URL = reverse("experts:directory")


def names(response) -> list[str]:
    return [p.user.full_name for p in response.context["page"].object_list]


def expert(first: str, last: str, headline: str = "Happy to help", **kwargs) -> ExpertProfile:
    return ExpertProfileFactory(
        user=UserFactory(first_name=first, last_name=last), headline=headline, **kwargs
    )


@pytest.fixture
def many(personas):
    """Six people whose bios all mention questioning; only the last by name offers it."""
    people = [
        expert(first, last, bio="Good questioning matters.")
        for first, last in [
            ("Ann", "Adams"),
            ("Ben", "Brown"),
            ("Cat", "Clark"),
            ("Dan", "Dale"),
            ("Eve", "Evans"),
        ]
    ]
    zed = expert("Zoe", "Zed", bio="I coach questioning.")
    offer(zed, "questioning", coaching=True)
    return [*people, zed]


def test_a_broad_search_says_more_than_the_cap_and_still_ranks_the_named_area_first(
    client, personas, many, monkeypatch
):
    monkeypatch.setattr(directory, "RESULTS_CAP", 3)
    client.force_login(personas.owner)
    response = client.get(URL, {"q": "questioning"})
    # Zoe Zed is last by name, past the first 3 by name, but offers the area the search names.
    assert names(response) == ["Zoe Zed", "Ann Adams", "Ben Brown"]
    html = response.content.decode()
    assert "More than <strong>3</strong> colleagues" in html
    assert "Add a word or a filter to narrow the search." in html
    assert response.context["page"].paginator.count == 3


def test_under_the_cap_the_count_is_exact(client, personas, many):
    client.force_login(personas.owner)
    response = client.get(URL, {"q": "questioning"})
    assert response.context["page"].paginator.count == 6
    assert names(response)[0] == "Zoe Zed"
    assert "More than" not in response.content.decode()


def test_browsing_past_the_cap_stops_at_the_last_counted_page(client, personas, many, monkeypatch):
    monkeypatch.setattr(directory, "RESULTS_CAP", 4)
    client.force_login(personas.owner)
    response = client.get(URL, {"page": "99"})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 4
    assert names(response) == ["Ann Adams", "Ben Brown", "Cat Clark", "Dan Dale"]


def test_an_area_filter_walks_the_area_offers_in_name_order_with_the_other_filters(
    client, personas, many
):
    primary = Phase.objects.get(slug="primary")
    yan = expert("Yan", "Young")
    offer(yan, "questioning")
    yan.phases.add(primary)
    many[-1].phases.add(primary)
    hidden = expert("Al", "Aardvark", is_hidden=True)
    offer(hidden, "questioning")
    client.force_login(personas.owner)
    assert names(client.get(URL, {"area": "questioning"})) == ["Yan Young", "Zoe Zed"]
    both = client.get(URL, {"area": "questioning", "phase": "primary"})
    assert names(both) == ["Yan Young", "Zoe Zed"]
    many[-1].phases.remove(primary)
    assert names(client.get(URL, {"area": "questioning", "phase": "primary"})) == ["Yan Young"]


def test_a_renamed_person_moves_in_the_area_walk(client, personas, many):
    """The offer's copy of the sort name follows the person's name."""
    zed = many[-1]
    amy = expert("Amy", "Able")
    offer(amy, "questioning")
    client.force_login(personas.owner)
    assert names(client.get(URL, {"area": "questioning"})) == ["Amy Able", "Zoe Zed"]
    zed.user.last_name = "Aaron"
    zed.user.save()
    assert names(client.get(URL, {"area": "questioning"})) == ["Zoe Aaron", "Amy Able"]


def test_one_profile_is_checked_with_plain_conditions_not_a_list_of_every_visible_one(
    client, personas, many
):
    client.force_login(personas.owner)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(many[0].get_absolute_url()).status_code == 200
    profile_query = next(
        q["sql"] for q in queries if '"experts_expertprofile"."bio_html"' in q["sql"]
    )
    assert "IN (SELECT" not in profile_query


def test_the_live_window_follows_term_dates_as_they_are_saved(client, personas, many):
    """The live window is read from the term dates in the same query: a new term applies at once."""
    old = many[0]
    old.last_confirmed_at = timezone.now() - datetime.timedelta(days=400)
    old.save()
    client.force_login(personas.owner)
    assert client.get(old.get_absolute_url()).status_code == 200  # no terms: any confirmation
    today = timezone.localdate()
    TermFactory(name="This term", start=today - datetime.timedelta(days=20), end=today)
    assert term_window_start() == today - datetime.timedelta(days=20)
    assert client.get(old.get_absolute_url()).status_code == 404
    assert not ExpertProfile.objects.filter(live_q(), pk=old.pk).exists()
    # Their own page still opens for them.
    client.force_login(old.user)
    assert client.get(old.get_absolute_url()).status_code == 200


def test_the_cached_filter_choices_follow_a_new_hub_and_school(client, personas, many):
    client.force_login(personas.owner)
    assert client.get(URL, {"hub": "east"}).status_code == 400  # choices now cached
    east = HubFactory(name="East", slug="east")
    school = SchoolFactory(name="Eastfield Academy", hub=east)
    person = expert("Eli", "East")
    person.user.school = school
    person.user.save()
    response = client.get(URL, {"hub": "east"})
    assert response.status_code == 200
    assert names(response) == ["Eli East"]


def test_the_filter_choices_cost_no_query_once_cached(client, personas, many, count_queries):
    client.force_login(personas.owner)
    warm = count_queries(URL + "?hub=north")
    directory.forget_directory_choices()
    with CaptureQueriesContext(connection) as cold:
        client.get(URL + "?hub=north")
    # Areas, subjects, phases, hubs and schools: one UNION, only when the cache has none.
    assert len(cold) == warm + 1
    assert not any("UNION" in sql for sql in warm.sql)


def test_a_search_naming_an_area_in_part_checks_its_offerers_against_the_text(
    client, personas, many, monkeypatch
):
    """ "good questioning": no area holds both words, so the area's offerers must match the text."""
    monkeypatch.setattr(directory, "RESULTS_CAP", 3)
    quiet = expert("Aaron", "Aab")
    offer(quiet, "questioning")  # offers the area, but never writes "good"
    many[-1].bio = "Good questioning, and I coach it."
    many[-1].save()
    client.force_login(personas.owner)
    response = client.get(URL, {"q": "good questioning"})
    assert names(response)[0] == "Zoe Zed"
    assert "Aaron Aab" not in names(response)


def test_the_named_area_offerers_are_still_held_to_the_other_filters(
    client, personas, many, monkeypatch
):
    """Capped at 1, the offerers' walk (no text check) still applies the hub filter."""
    monkeypatch.setattr(directory, "RESULTS_CAP", 1)
    for first, last in [("Tim", "Bader"), ("Sue", "Adder")]:
        person = expert(first, last, bio="Questioning, mostly.")
        person.user.school = personas.other_school
        person.user.save()
    offer(ExpertProfile.objects.get(user__last_name="Bader"), "questioning")
    client.force_login(personas.owner)
    south = client.get(URL, {"q": "questioning", "hub": "south"})
    assert "More than <strong>1</strong> colleague" in south.content.decode()
    # Sue Adder is first by name but offers nothing; Zoe Zed offers it but is not in the hub.
    assert names(south) == ["Tim Bader"]

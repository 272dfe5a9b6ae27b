"""The directory's kept result pages (experts/directory.py, RankedPages): the same search by anyone
within a minute reads its count and ids from the shared cache, its cards fresh; any change to a
profile drops every kept page at once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from experts import services

from .factories import offer
from .test_directory_scale import expert, names

pytestmark = pytest.mark.django_db
URL = reverse("experts:directory")


@pytest.fixture
def many(personas):
    """Six people whose bios mention questioning; only the last by name offers it."""
    people = [
        expert(first, last, bio="Good questioning matters.")
        for first, last in [("Ann", "Adams"), ("Ben", "Brown"), ("Cat", "Clark")]
    ]
    zed = expert("Zoe", "Zed", bio="I coach questioning.")
    offer(zed, "questioning", coaching=True)
    return [*people, zed]


def searched(client, params) -> tuple[list[str], int]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(URL, params)
    assert response.status_code == 200
    return names(response), len(ctx)


@pytest.mark.parametrize("params", [{"q": "questioning"}, {"area": "questioning"}, {}])
def test_a_search_made_again_reads_its_count_and_ids_from_the_cache(client, personas, many, params):
    client.force_login(personas.owner)
    searched(client, {"q": "nothing like it"})  # the filter choices are cached (their own cache)
    first, cold = searched(client, params)
    again, warm = searched(client, params)
    assert again == first
    assert warm < cold  # the count and the page's ids were not queried again

    # Someone else, the same search: the same page from the same kept ids.
    client.force_login(personas.colleague)
    assert searched(client, params)[0] == first


def test_a_profile_hidden_leaves_the_kept_pages_at_once(client, personas, many):
    client.force_login(personas.owner)
    assert "Zoe Zed" in searched(client, {"q": "questioning"})[0]
    zed = many[-1]
    zed.is_hidden = True
    zed.save()
    assert "Zoe Zed" not in searched(client, {"q": "questioning"})[0]


def test_an_offer_added_shows_at_once(client, personas, many):
    client.force_login(personas.owner)
    assert searched(client, {"area": "questioning"})[0] == ["Zoe Zed"]
    services.profile_confirm(profile=many[0])  # any document refresh drops the kept pages
    offer(many[0], "questioning")
    assert searched(client, {"area": "questioning"})[0] == ["Ann Adams", "Zoe Zed"]


def test_the_parameters_order_does_not_matter_but_their_values_do(rf):
    from experts.directory import results_key  # noqa: PLC0415

    assert results_key(rf.get(URL, {"q": "a", "hub": "b"}).GET) == results_key(
        rf.get(URL + "?hub=b&q=a").GET
    )
    assert results_key(rf.get(URL, {"q": "a"}).GET) != results_key(rf.get(URL, {"q": "b"}).GET)
    # The page is not part of the key: each page is kept under its own part.
    assert results_key(rf.get(URL, {"q": "a", "page": "2"}).GET) == results_key(
        rf.get(URL, {"q": "a"}).GET
    )


def test_no_result_is_kept_when_the_setting_is_zero(client, personas, many, settings):
    settings.CPDHUB_DIRECTORY_CACHE_SECONDS = 0
    client.force_login(personas.owner)
    searched(client, {"q": "questioning"})  # the filter choices are cached (their own cache)
    _, second = searched(client, {"q": "questioning"})
    _, third = searched(client, {"q": "questioning"})
    assert third == second

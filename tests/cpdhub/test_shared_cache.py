"""What is the same for everyone is cached and forgotten when its rows change
(cpdhub/shared_cache.py): the community's counts, the terms, the sessions list's filter choices."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cpd_sessions.filters import filter_choices
from experts.models import ExpertiseArea
from hubs import selectors, term_dates
from hubs.models import Hub, Term
from tests.factories import SchoolFactory, TermFactory

pytestmark = pytest.mark.django_db


def queries(call):
    with CaptureQueriesContext(connection) as ctx:
        value = call()
    return value, len(ctx.captured_queries)


def test_community_counts_are_cached_until_a_school_is_added(personas):
    before, cold = queries(selectors.community_counts)
    assert cold == 4
    assert queries(selectors.community_counts) == (before, 0)
    SchoolFactory()
    after, cold_again = queries(selectors.community_counts)
    assert after["schools"] == before["schools"] + 1
    assert cold_again == 4


def test_a_sign_in_does_not_forget_the_counts(personas):
    selectors.community_counts()
    personas.owner.last_login = timezone.now()
    personas.owner.save(update_fields=["last_login"])
    assert queries(selectors.community_counts)[1] == 0
    personas.owner.is_active = False
    personas.owner.save()
    _counts, cost = queries(selectors.community_counts)
    assert cost == 4


def test_the_dashboard_shows_a_new_term_at_once(client, personas):
    client.force_login(personas.owner)
    today = timezone.localdate()
    assert "We are between terms" in client.get("/").content.decode()
    TermFactory(
        name="Spring term",
        start=today - datetime.timedelta(days=3),
        end=today + datetime.timedelta(days=60),
    )
    assert "Spring term" in client.get("/").content.decode()
    Term.objects.get(name="Spring term").delete()
    assert "We are between terms" in client.get("/").content.decode()


def test_term_dates_are_read_once():
    TermFactory(start=datetime.date(2026, 9, 2), end=datetime.date(2026, 12, 18))
    term_dates.all_terms()
    (current, nxt, starts), cost = queries(
        lambda: (
            term_dates.current_term(datetime.date(2026, 10, 1)),
            term_dates.next_term(datetime.date(2026, 8, 1)),
            term_dates.term_starts(datetime.date(2026, 10, 1)),
        )
    )
    assert cost == 0
    assert current.start == nxt.start == starts[0] == datetime.date(2026, 9, 2)


def test_session_filter_choices_follow_new_areas_and_hubs(client, personas):
    client.force_login(personas.owner)
    client.get("/sessions/")
    assert queries(filter_choices)[1] == 0
    ExpertiseArea.objects.create(name="Outdoor learning", slug="outdoor-learning")
    Hub.objects.create(name="Riverside", slug="riverside")
    page = client.get("/sessions/").content.decode()
    assert '<option value="outdoor-learning">Outdoor learning</option>' in page
    assert '<option value="riverside">Riverside</option>' in page
    # A choice is still checked against the database when submitted.
    assert client.get("/sessions/?area=no-such-area").status_code == 400
    assert client.get("/sessions/?area=outdoor-learning").status_code == 200

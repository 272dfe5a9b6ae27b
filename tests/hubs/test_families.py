"""
Families of schools: each school's most similar schools, ranked in SQL by a
documented weighted measure, on /schools/<urn>/ (top few) and /schools/<urn>/family/ with the
family's live experts by area.
"""

import datetime

import pytest
from django.utils import timezone

from hubs.families import FAMILY_WEIGHTS, family_of
from hubs.models import School
from tests.experts.factories import ExpertProfileFactory, offer
from tests.factories import HubFactory, SchoolFactory, TermFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_weights_add_up_to_a_hundred():
    assert sum(FAMILY_WEIGHTS.values()) == 100


def test_most_similar_school_first_by_phase_fsm_size_and_hub(personas):
    me = SchoolFactory(name="Me", hub=personas.school.hub, pupil_count=300, fsm_percent="20.0")
    twin = SchoolFactory(name="Twin", hub=me.hub, pupil_count=300, fsm_percent="20.0")
    far_twin = SchoolFactory(name="Far twin", hub=HubFactory(), pupil_count=300, fsm_percent="20")
    poorer = SchoolFactory(name="Poorer", hub=me.hub, pupil_count=300, fsm_percent="50.0")
    secondary = SchoolFactory(
        name="Secondary", hub=me.hub, phase=School.Phase.SECONDARY, pupil_count=300,
        fsm_percent="20.0",
    )  # fmt: skip
    family = list(family_of(me, limit=10))
    names = [s.name for s in family]
    assert names.index("Twin") < names.index("Far twin") < names.index("Poorer")
    assert names.index("Poorer") < names.index("Secondary")
    scores = {s.name: round(s.similarity) for s in family}
    assert scores["Twin"] == 100
    assert scores["Far twin"] == 100 - FAMILY_WEIGHTS["hub"]
    assert scores["Poorer"] == 100 - FAMILY_WEIGHTS["fsm"]  # 30 points apart: fully different
    assert scores["Secondary"] == 100 - FAMILY_WEIGHTS["phase"]
    assert me not in family
    assert {twin, far_twin, poorer, secondary} <= set(family)


def test_size_is_relative_and_unknown_figures_count_half(personas):
    me = SchoolFactory(hub=personas.school.hub, pupil_count=400, fsm_percent="10.0")
    half = SchoolFactory(hub=me.hub, pupil_count=200, fsm_percent="10.0")
    unknown = SchoolFactory(hub=me.hub, pupil_count=None, fsm_percent=None)
    scores = {s.pk: s.similarity for s in family_of(me, limit=20)}
    assert scores[half.pk] == pytest.approx(100 - 0.5 * FAMILY_WEIGHTS["size"])
    assert scores[unknown.pk] == pytest.approx(
        100 - 0.5 * FAMILY_WEIGHTS["size"] - 0.5 * FAMILY_WEIGHTS["fsm"]
    )
    blank = SchoolFactory(hub=None, pupil_count=None, fsm_percent=None)
    assert len(family_of(blank, limit=50)) == School.objects.count() - 1


def test_school_page_shows_its_closest_three_and_links_to_the_family(client, personas):
    for n in range(5):
        SchoolFactory(name=f"Neighbour {n}", hub=personas.school.hub)
    client.force_login(personas.outsider)
    page = client.get(personas.school.get_absolute_url()).content.decode()
    assert "Schools like this one" in page
    assert page.count("% similar") == 3
    assert f"/schools/{personas.school.urn}/family/" in page


def test_family_page_explains_the_measure_and_shows_the_familys_live_experts(client, personas):
    today = timezone.localdate()
    TermFactory(start=today - datetime.timedelta(days=10), end=today + datetime.timedelta(days=30))
    twin = SchoolFactory(name="Twin Primary", hub=personas.school.hub)
    live = ExpertProfileFactory(user=UserFactory(school=twin, first_name="Nadia"))
    offer(live, "questioning", coaching=True)
    stale = ExpertProfileFactory(
        user=UserFactory(school=twin, first_name="Stale"),
        last_confirmed_at=timezone.now() - datetime.timedelta(days=400),
    )
    offer(stale, "questioning")
    hidden = ExpertProfileFactory(
        user=UserFactory(school=twin, first_name="Hidden"), is_hidden=True
    )
    offer(hidden, "questioning")
    client.force_login(personas.owner)
    response = client.get(f"/schools/{personas.school.urn}/family/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "How similarity is measured" in page
    assert f"Phase ({FAMILY_WEIGHTS['phase']}%)" in page
    assert "Twin Primary" in page
    assert "Nadia" in page
    assert "1 live expert" in page
    assert "Stale" not in page
    assert "Hidden" not in page


def test_family_page_query_count_does_not_grow(client, personas, count_queries):
    today = timezone.localdate()
    TermFactory(start=today - datetime.timedelta(days=10), end=today + datetime.timedelta(days=30))
    client.force_login(personas.owner)
    url = f"/schools/{personas.school.urn}/family/"
    offer(ExpertProfileFactory(user=UserFactory(school=personas.other_school)), "questioning")
    few = count_queries(url)
    for n in range(8):
        school = SchoolFactory(name=f"Family {n}", hub=personas.school.hub)
        for slug in ("questioning", "feedback"):
            offer(ExpertProfileFactory(user=UserFactory(school=school)), slug)
    assert count_queries(url) == few
    assert count_queries(personas.school.get_absolute_url()) == count_queries(
        personas.school.get_absolute_url()
    )


def test_unknown_school_family_is_404_and_anonymous_must_sign_in(client, personas):
    assert client.get(f"/schools/{personas.school.urn}/family/").status_code == 302
    client.force_login(personas.owner)
    assert client.get("/schools/999999/family/").status_code == 404

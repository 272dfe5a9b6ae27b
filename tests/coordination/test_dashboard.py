"""The coordinator's dashboard and a CPD leader's slice of it: grouped figures, filters, CSV
downloads, who may see what."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.cache import cache

from cpd_sessions.models import Attendance, Feedback, ReleaseRequest
from experts.models import ExpertiseArea
from portfolios.models import Need
from tests.cpd_sessions.factories import SessionFactory, book
from tests.experts.factories import ExpertProfileFactory, offer
from tests.factories import HubFactory, SchoolFactory, UserFactory
from tests.portfolios.factories import EntryFactory, NeedFactory

pytestmark = pytest.mark.django_db


def activity(school, n: int = 1) -> None:
    """n people of the school: each booked, attended, gave feedback, logged CPD, has a need."""
    session = SessionFactory(capacity=None)
    for _ in range(n):
        person = UserFactory(school=school)
        booking = book(session, person)
        Attendance.objects.create(booking=booking, present=True)
        Feedback.objects.create(booking=booking, rating=4)
        ReleaseRequest.objects.create(
            booking=booking,
            supply_cost=Decimal("100.00"),
            travel_cost=Decimal("5.00"),
            cover_lessons=2,
            goal="Private goal words",
            decision="approved",
            decided_at=booking.created_at,
        )
        EntryFactory(owner=person, hours=Decimal("2.0"), learned="Secret reflection")
        NeedFactory(
            owner=person,
            area=ExpertiseArea.objects.get(slug="questioning"),
            description="Private need words",
        )


def test_the_coordinator_sees_participation_needs_release_and_impact(client, personas):
    activity(personas.school, 2)
    client.force_login(personas.coordinator)
    response = client.get("/coordinator/")
    assert response.status_code == 200
    dash = response.context["dash"]
    row = next(r for r in dash.schools if r.name == "Ashgrove Primary School")
    assert (row.booked, row.attended, row.logged, row.hours) == (2, 2, 2, Decimal("4.0"))
    (gap,) = dash.gaps
    assert (gap.area, gap.needs, gap.schools, gap.experts, gap.score) == ("Questioning", 2, 1, 0, 2)
    assert sum(r.cost for r in dash.release_terms) == Decimal("210.00")
    assert dict(dash.impact.ratings)[4] == 2
    page = response.content.decode()
    assert "No supply" in page
    assert "Thornbury High School" in page
    assert "Priya Shah" in page  # Ashgrove's CPD leader, on the page of schools
    for private in ["Private need words", "Secret reflection", "Private goal words"]:
        assert private not in page  # counts only


def test_the_hub_filter_narrows_every_figure(client, personas):
    activity(personas.school)
    activity(personas.other_school)
    client.force_login(personas.coordinator)
    dash = client.get("/coordinator/", {"hub": "south"}).context["dash"]
    assert [r.name for r in dash.schools] == ["Thornbury High School"]
    assert dash.total.booked == 1
    assert dash.gaps[0].needs == 1


@pytest.mark.parametrize(
    "params", [{"year": "abc"}, {"year": "1999", "term": "x"}, {"hub": "nowhere"}, {"page": "999"}]
)
def test_bad_filters_fall_back_instead_of_failing(client, personas, params):
    client.force_login(personas.coordinator)
    assert client.get("/coordinator/", params).status_code == 200


def test_the_schools_are_paginated_and_queries_do_not_grow(client, personas, count_queries):
    activity(personas.school)
    client.force_login(personas.coordinator)
    cache.clear()  # the supply counts are cached: count both times from cold
    few = count_queries("/coordinator/")
    hub = HubFactory()
    for _ in range(55):
        school = SchoolFactory(hub=hub)
        activity(school)
    cache.clear()
    assert count_queries("/coordinator/") == few
    assert few <= 25
    response = client.get("/coordinator/")
    assert len(response.context["page"].object_list) == 50
    assert "Page 1 of 2" in response.content.decode()


def test_csv_downloads_are_streamed_and_safe(client, personas):
    SchoolFactory(name="=HYPERLINK(1)")
    activity(personas.school)
    client.force_login(personas.coordinator)
    for part in ["participation", "hubs", "needs", "release", "impact"]:
        response = client.get(f"/coordinator/{part}.csv")
        assert response.status_code == 200, part
        assert response.streaming
        rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
        assert len(rows) > 1, part
    response = client.get("/coordinator/participation.csv")
    body = b"".join(response.streaming_content).decode()
    assert "'=HYPERLINK(1)" in body
    assert client.get("/coordinator/secrets.csv").status_code == 404


@pytest.mark.parametrize("who", ["owner", "leader", "outsider"])
@pytest.mark.parametrize("url", ["/coordinator/", "/coordinator/participation.csv"])
def test_only_coordinators_see_the_community(client, personas, who, url):
    client.force_login(getattr(personas, who))
    response = client.get(url)
    assert response.status_code == 403
    assert "for community coordinators" in response.content.decode()


def test_a_cpd_leader_sees_their_school_only(client, personas):
    activity(personas.school)
    activity(personas.other_school, 3)
    client.force_login(personas.leader)
    url = f"/schools/{personas.school.urn}/dashboard/"
    assert f'href="{url}"' in client.get("/").content.decode()  # linked from their dashboard
    response = client.get(url)
    assert response.status_code == 200
    dash = response.context["dash"]
    assert [r.name for r in dash.schools] == ["Ashgrove Primary School"]
    assert dash.total.booked == 1
    assert dash.gaps[0].needs == 1
    page = response.content.decode()
    assert "Thornbury High School" not in page
    assert "Private need words" not in page
    body = b"".join(client.get(url + "release.csv").streaming_content).decode()
    assert "Ashgrove" in body
    assert "Thornbury" not in body


@pytest.mark.parametrize("who", ["owner", "other_leader", "outsider"])
def test_a_school_slice_is_refused_to_everyone_else(client, personas, who):
    client.force_login(getattr(personas, who))
    url = f"/schools/{personas.school.urn}/dashboard/"
    for target in [url, url + "participation.csv"]:
        response = client.get(target)
        assert response.status_code == 403
        assert "CPD leaders and the community coordinator" in response.content.decode()


def test_the_coordinator_may_open_any_school_slice(client, personas):
    client.force_login(personas.coordinator)
    assert client.get(f"/schools/{personas.other_school.urn}/dashboard/").status_code == 200


def test_needs_page_suggests_experts_in_other_schools_same_phase_first(client, personas):
    NeedFactory(owner=personas.owner, description="Questions that make them think")
    offer(ExpertProfileFactory(user=personas.colleague), "questioning")  # same school: not
    offer(ExpertProfileFactory(user=personas.outsider), "questioning")
    client.force_login(personas.coordinator)
    response = client.get("/coordinator/needs/")
    (need,) = response.context["page"].object_list
    assert [m.name for m in need.matches] == ["Owen Bell"]
    assert "Questions that make them think" in response.content.decode()


def test_needs_page_suggests_the_newest_offers_of_each_area_in_one_query(
    client, personas, django_assert_num_queries
):
    """The newest few offers of each area of the page, ranked within their area in one query that
    Postgres and SQLite (the embedded demo) both run: it answered 500 on SQLite once, and then cost
    a query per area there."""
    from coordination.needs import CANDIDATES_PER_AREA, suggested_matches  # noqa: PLC0415

    questioning = NeedFactory(
        owner=personas.owner, area=ExpertiseArea.objects.get(slug="questioning")
    )
    feedback = NeedFactory(
        owner=personas.colleague, area=ExpertiseArea.objects.get(slug="feedback")
    )
    offer(ExpertProfileFactory(user=personas.other_leader), "feedback")
    oldest = ExpertProfileFactory(user=UserFactory(school=personas.other_school))
    offer(oldest, "questioning")
    for _ in range(CANDIDATES_PER_AREA):
        offer(ExpertProfileFactory(user=UserFactory(school=personas.other_school)), "questioning")
    needs = list(
        Need.objects.select_related("owner__school").filter(pk__in=[questioning.pk, feedback.pk])
    )
    with django_assert_num_queries(2):  # the terms (for "live"), then the offers of every area
        matches = suggested_matches(needs)
    assert [m.name for m in matches[feedback.pk]] == ["Ruth Kaur"]
    assert len(matches[questioning.pk]) == 3
    assert oldest.pk not in {m.profile_id for m in matches[questioning.pk]}
    client.force_login(personas.coordinator)
    response = client.get("/coordinator/needs/")
    assert response.status_code == 200
    shown = {n.area.slug: [m.name for m in n.matches] for n in response.context["page"]}
    assert shown["feedback"] == ["Ruth Kaur"]


def test_the_coordinator_marks_a_need_met_and_introduces_and_the_dashboard_counts_them(
    client, personas
):
    need = NeedFactory(owner=personas.owner)
    expert = ExpertProfileFactory(user=personas.outsider)
    offer(expert, "questioning")
    client.force_login(personas.coordinator)
    client.post(f"/coordinator/needs/{need.pk}/introduce/{expert.pk}/")
    client.post(f"/coordinator/needs/{need.pk}/introduce/{expert.pk}/")  # once per pair
    response = client.post(f"/coordinator/needs/{need.pk}/met/")
    assert response.status_code == 302
    need.refresh_from_db()
    assert (need.status, need.decided_by) == ("met", personas.coordinator)
    dash = client.get("/coordinator/").context["dash"]
    assert (dash.introductions, dash.needs_met) == (1, 1)
    client.force_login(personas.other_leader)  # the expert's school: the pair counts there too
    dash = client.get(f"/schools/{personas.other_school.urn}/dashboard/").context["dash"]
    assert (dash.introductions, dash.needs_met) == (1, 0)


@pytest.mark.parametrize("who", ["owner", "leader", "outsider"])
def test_outsiders_cannot_see_the_needs_page_or_mark_a_need_met(client, personas, who):
    need = NeedFactory(owner=personas.owner)
    client.force_login(getattr(personas, who))
    assert client.get("/coordinator/needs/").status_code == 403
    response = client.post(f"/coordinator/needs/{need.pk}/met/")
    assert response.status_code == 403
    need.refresh_from_db()
    assert (need.status, need.decided_by) == ("open", None)


def test_the_needs_page_costs_the_same_with_one_need_and_many(client, personas, count_queries):
    NeedFactory(owner=personas.owner)
    client.force_login(personas.coordinator)
    cache.clear()
    one = count_queries("/coordinator/needs/")
    for _ in range(25):
        person = UserFactory(school=SchoolFactory())
        NeedFactory(owner=person)
        offer(ExpertProfileFactory(user=UserFactory(school=SchoolFactory())), "questioning")
    cache.clear()
    assert count_queries("/coordinator/needs/") == one
    assert one <= 25

"""
Issue 15's remaining points on the coordinator's side: sessions, recordings and consenting
people as matches for a need; replying to a school about a need passed on; a hub leader's
slice of the dashboard; lone rangers on the dashboard. Forms as a browser submits them.
"""

import pytest
from django.core.cache import cache

from coordination import selectors
from experts.models import ExpertiseArea
from hubs.models import UserResponsibility
from portfolios.models import Need
from tests.cpd_sessions.factories import SessionFactory, london
from tests.factories import SchoolFactory, SubjectNetworkFactory, UserFactory
from tests.portfolios.factories import NeedFactory
from tests.webtest import form_for, text_of

pytestmark = pytest.mark.django_db


def _questioning():
    return ExpertiseArea.objects.get(slug="questioning")


def _session_in(area, *, days: int, recording: str = "", title: str = "") -> None:
    session = SessionFactory(
        title=title or f"Questioning {days}",
        start=london(days, 16, 0),
        recording_url=recording,
    )
    session.areas.add(area)


# --- Sessions, recordings and people as matches -----------------------------------------


def test_a_need_is_matched_with_sessions_recordings_and_people_who_agreed(app, personas):
    area = _questioning()
    need = NeedFactory(owner=personas.owner, area=area)
    _session_in(area, days=10, title="Hinge questions twilight")
    _session_in(area, days=-20, title="Cold calling, recorded", recording="https://v.test/1")
    _session_in(area, days=-30, title="Past, no recording")
    agreed = UserFactory(first_name="Nia", last_name="Roberts", school=personas.other_school)
    agreed.suggest_me = True
    agreed.save()
    NeedFactory(owner=agreed, area=area, description="Nia's own private words")
    silent = UserFactory(first_name="Tom", last_name="Quiet", school=SchoolFactory())
    NeedFactory(owner=silent, area=area)
    colleague = personas.colleague  # same school: not a match for Sam, even with consent
    colleague.suggest_me = True
    colleague.save()
    NeedFactory(owner=colleague, area=area)

    page = app.sign_in(personas.coordinator).get("/coordinator/needs/")
    item = page.html.select_one(f"#need-{need.pk}")
    said = text_of(item)
    assert "Hinge questions twilight" in said
    assert "Cold calling, recorded" in said
    assert "Past, no recording" not in said
    assert "Nia Roberts, Thornbury High School" in said
    assert "Tom Quiet" not in said  # did not agree to be suggested
    assert "Amelia Hughes" not in said  # in Sam's own school
    assert "Nia's own private words" not in said  # names and schools only


def test_peers_carry_names_and_schools_only():
    assert set(selectors.Peer.__dataclass_fields__) == {"name", "school"}


def test_the_consent_is_off_until_ticked_in_my_details(app, personas):
    assert personas.owner.suggest_me is False
    page = app.sign_in(personas.owner).get("/me/")
    form = form_for(page, "")
    assert form["suggest_me"].checked is False
    assert "Let the coordinator suggest me to colleagues in other schools" in page.text
    form["suggest_me"].checked = True
    form.submit().follow()
    personas.owner.refresh_from_db()
    assert personas.owner.suggest_me is True


def test_the_needs_page_costs_the_same_with_many_sessions_and_people(
    client, personas, count_queries
):
    area = _questioning()
    NeedFactory(owner=personas.owner, area=area)
    client.force_login(personas.coordinator)
    cache.clear()
    one = count_queries("/coordinator/needs/")
    for n in range(15):
        _session_in(area, days=5 + n)
        _session_in(area, days=-5 - n, recording=f"https://v.test/{n}")
        person = UserFactory(school=SchoolFactory(), suggest_me=True)
        NeedFactory(owner=person, area=area, status=Need.Status.PASSED)
        NeedFactory(owner=UserFactory(school=SchoolFactory()), area=ExpertiseArea.objects.all()[n])
    cache.clear()
    assert count_queries("/coordinator/needs/") == one
    assert one <= 25


# --- A hub leader's slice of the dashboard -----------------------------------------------


def test_a_hub_leader_sees_their_hub_only(client, personas):
    hub = personas.school.hub
    hub.leaders.add(personas.colleague)
    NeedFactory(owner=personas.owner)
    NeedFactory(owner=personas.outsider)
    client.force_login(personas.colleague)
    response = client.get("/coordinator/")
    assert response.status_code == 200
    dash = response.context["dash"]
    assert [r.name for r in dash.schools] == ["Ashgrove Primary School"]
    assert dash.gaps[0].needs == 1
    page = response.content.decode()
    assert "North: hub dashboard" in page
    assert "Thornbury High School" not in page
    assert "Nudge all" not in page
    assert "Setting up" not in page
    assert '<option value="">All hubs</option>' not in page
    assert client.get("/coordinator/participation.csv?hub=north").status_code == 200
    assert client.get(f"/hubs/{hub.slug}/").content.decode().count("/coordinator/?hub=north") == 1


@pytest.mark.parametrize("url", ["/coordinator/?hub=south", "/coordinator/hubs.csv?hub=south"])
def test_a_hub_leader_asking_for_another_hub_is_refused(client, personas, url):
    personas.school.hub.leaders.add(personas.colleague)
    client.force_login(personas.colleague)
    assert client.get(url).status_code == 403


def test_a_hub_leader_slice_costs_the_same_with_one_school_and_many(
    client, personas, count_queries
):
    hub = personas.school.hub
    hub.leaders.add(personas.colleague)
    NeedFactory(owner=personas.owner)
    client.force_login(personas.colleague)
    cache.clear()
    one = count_queries("/coordinator/")
    for _ in range(10):
        school = SchoolFactory(hub=hub)
        NeedFactory(owner=UserFactory(school=school))
    cache.clear()
    assert count_queries("/coordinator/") == one
    assert one <= 25


# --- Lone rangers on the dashboard -------------------------------------------------------


def test_the_dashboard_counts_lone_rangers_by_hub(client, personas):
    cache.clear()
    UserResponsibility.objects.create(user=personas.owner, responsibility="senco")
    UserResponsibility.objects.create(user=personas.outsider, responsibility="dsl")
    UserResponsibility.objects.create(user=personas.other_leader, responsibility="dsl")
    SubjectNetworkFactory(name="SENCos together", slug="sencos", responsibility="senco")
    from hubs import services  # noqa: PLC0415 -- only this test invites

    services.lone_rangers_invite(by=None, notify=False)
    client.force_login(personas.coordinator)
    response = client.get("/coordinator/")
    rows = {r.name: r for r in response.context["dash"].lone_rangers}
    assert rows["North"].by_responsibility == 1  # Sam, the only SENCo at Ashgrove
    assert rows["North"].invited == 1
    assert "South" not in rows or rows["South"].by_responsibility == 0  # two DSLs at Thornbury
    page = response.content.decode()
    assert 'href="/coordinator/lone-rangers/"' in page

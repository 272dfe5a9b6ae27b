"""
The dashboard by hub: a hub leader sees their hub's slice only (another hub is refused) at a cost
that does not grow with its schools; the coordinator's dashboard counts lone rangers by hub.
"""

import pytest
from django.core.cache import cache

from hubs.models import UserResponsibility
from tests.factories import SchoolFactory, SubjectNetworkFactory, UserFactory
from tests.portfolios.factories import NeedFactory

pytestmark = pytest.mark.django_db


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

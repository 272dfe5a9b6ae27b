import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone

from hubs.models import Phase, Subject, SubjectNetwork, User
from hubs.navigation import nav_for
from hubs.views import server_error
from tests.conftest import verified
from tests.factories import (
    HubFactory,
    SchoolFactory,
    SubjectNetworkFactory,
    TermFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_landing_page_tells_a_visitor_what_the_community_is(client, personas, community):
    page = client.get("/").content.decode()
    assert "Tyne Valley CPD Community" in page
    assert "find the colleague in any of our schools" in page
    assert "North" in page
    assert "South" in page
    assert reverse("account_login") in page
    assert reverse("account_signup") in page
    # Names of staff are for members only.
    assert personas.owner.last_name not in page


@pytest.mark.parametrize(
    "url",
    ["/hubs/", "/hubs/north/", "/schools/200000/", "/networks/x/", "/me/", "/coordinator/"],
)
def test_community_pages_are_for_members(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_dashboard_shows_my_school_hub_networks_and_term(client, personas):
    TermFactory(name="Autumn 2026", start="2026-09-02", end="2026-12-18")
    network = SubjectNetworkFactory(name="Primary geography network", hub=personas.school.hub)
    network.members.add(personas.owner, personas.colleague, personas.leader)
    client.force_login(personas.owner)
    page = client.get("/").content.decode()
    assert "3 members" in page
    assert "Welcome, Sam" in page
    assert "Ashgrove Primary School" in page
    assert "North" in page
    assert "Primary geography network" in page
    assert "Priya Shah" in page  # the school's CPD leader
    assert "Coordinator" not in page.split("<main")[0]  # no coordinator link for a teacher


def test_dashboard_suggests_networks_for_my_subjects(client, personas):
    personas.owner.subjects.add(Subject.objects.get(slug="geography"))
    SubjectNetworkFactory(name="Geography across the community")
    client.force_login(personas.owner)
    page = client.get("/").content.decode()
    assert "Networks for your subjects" in page
    assert "Geography across the community" in page


def test_navigation_shows_role_links_only_to_those_roles(client, personas):
    client.force_login(personas.owner)
    nav = client.get("/").content.decode().split("<main")[0]
    assert 'href="/hubs/"' in nav
    assert 'href="/coordinator/"' not in nav
    client.force_login(personas.coordinator)
    nav = client.get("/").content.decode().split("<main")[0]
    assert 'href="/coordinator/"' in nav


def test_dashboard_query_count_does_not_grow_with_the_community(client, personas, count_queries):
    client.force_login(personas.leader)
    few = count_queries("/")
    for _n in range(6):
        network = SubjectNetworkFactory(hub=personas.school.hub)
        network.members.add(personas.leader, *UserFactory.create_batch(3, school=personas.school))
    personas.other_school.cpd_leaders.add(personas.leader)
    many = count_queries("/")
    assert many <= few + 1  # the second led school adds nothing per row; one slack for the session
    # 20, and 4 for what waits for a CPD leader (cpd_sessions.leader_waiting, staff's needs)
    assert many <= 24


def test_hub_pages_query_counts_are_bounded(client, personas, count_queries):
    client.force_login(personas.owner)
    hub = personas.school.hub
    hub.leaders.add(personas.leader)
    SubjectNetworkFactory(hub=hub)
    one = (count_queries("/hubs/"), count_queries(hub.get_absolute_url()))
    for _n in range(5):
        HubFactory().leaders.add(UserFactory())
        school = SchoolFactory(hub=hub)
        school.cpd_leaders.add(UserFactory(school=school))
        SubjectNetworkFactory(hub=hub).leads.add(UserFactory())
    many = (count_queries("/hubs/"), count_queries(hub.get_absolute_url()))
    assert many == one


def test_school_page_query_count_is_bounded_for_its_leader(client, personas, count_queries):
    client.force_login(personas.leader)
    url = personas.school.get_absolute_url()
    few = count_queries(url)
    UserFactory.create_batch(25, school=personas.school)
    assert count_queries(url) == few


def test_network_page_query_count_is_bounded(client, personas, count_queries):
    network = SubjectNetworkFactory()
    network.members.add(UserFactory())  # one row, then many (an empty page costs no query)
    client.force_login(personas.owner)
    few = count_queries(network.get_absolute_url())
    network.members.add(*UserFactory.create_batch(80))
    network.leads.add(*UserFactory.create_batch(3))
    assert count_queries(network.get_absolute_url()) == few


def test_school_page_shows_facts_and_leaders_to_everyone_and_staff_list_to_its_leader(
    client, personas
):
    url = personas.school.get_absolute_url()
    client.force_login(personas.outsider)
    page = client.get(url).content.decode()
    assert str(personas.school.urn) in page
    assert "Priya Shah" in page
    assert personas.colleague.email not in page
    assert "Invite a member of staff" not in page

    client.force_login(personas.leader)
    page = client.get(url).content.decode()
    assert personas.colleague.email in page
    assert "Invite a member of staff" in page


def test_unknown_hub_school_network_are_404(client, personas):
    client.force_login(personas.owner)
    for url in ["/hubs/nowhere/", "/schools/999999/", "/networks/nothing/"]:
        response = client.get(url)
        assert response.status_code == 404
        assert "Page not found" in response.content.decode()


def test_joining_and_leaving_a_community_network(client, personas):
    network = SubjectNetworkFactory(name="Maths mastery network")
    client.force_login(personas.outsider)
    url = reverse("hubs:network_membership", args=[network.slug])
    response = client.post(url, {"action": "join"}, follow=True)
    assert "You have joined Maths mastery network" in response.content.decode()
    assert network.members.filter(pk=personas.outsider.pk).exists()
    client.post(url, {"action": "leave"})
    assert not network.members.exists()


def test_joining_with_htmx_swaps_the_membership_panel_only(client, personas):
    network = SubjectNetworkFactory()
    client.force_login(personas.owner)
    response = client.post(
        reverse("hubs:network_membership", args=[network.slug]),
        {"action": "join"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="membership"')
    assert "You are a member" in html
    assert "<main" not in html


def test_outsider_cannot_join_another_hubs_network(client, personas):
    network = SubjectNetworkFactory(name="North geography", hub=personas.school.hub)
    client.force_login(personas.outsider)
    page = client.get(network.get_absolute_url()).content.decode()
    assert "Join this network" not in page
    response = client.post(
        reverse("hubs:network_membership", args=[network.slug]), {"action": "join"}
    )
    assert response.status_code == 403
    assert "for staff of North schools" in response.content.decode()
    assert not network.members.exists()


def test_membership_change_is_post_only(client, personas):
    network = SubjectNetworkFactory()
    client.force_login(personas.owner)
    assert client.get(reverse("hubs:network_membership", args=[network.slug])).status_code == 405
    assert not network.members.exists()


def test_my_details_saves_subjects_and_phases_but_not_my_school(client, personas):
    client.force_login(personas.owner)
    geography = Subject.objects.get(slug="geography")
    primary = Phase.objects.get(slug="primary")
    response = client.post(
        reverse("hubs:my_details"),
        {
            "first_name": "Samuel",
            "last_name": "Whitfield",
            "job_role": User.JobRole.MIDDLE_LEADER,
            "subjects": [geography.pk],
            "phases": [primary.pk],
            "school": personas.other_school.pk,
        },
        follow=True,
    )
    assert "Your details have been saved" in response.content.decode()
    personas.owner.refresh_from_db()
    assert personas.owner.first_name == "Samuel"
    assert list(personas.owner.subjects.all()) == [geography]
    assert personas.owner.school == personas.school


def test_my_details_rejects_bad_input_with_a_message(client, personas):
    client.force_login(personas.owner)
    response = client.post(
        reverse("hubs:my_details"), {"first_name": "", "last_name": "W", "job_role": "wizard"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "This field is required" in page
    personas.owner.refresh_from_db()
    assert personas.owner.first_name == "Sam"


def test_coordinator_overview_shows_participation_and_what_to_set_up(
    client, personas, count_queries
):
    SubjectNetworkFactory(name="Leaderless network")
    client.force_login(personas.coordinator)
    page = client.get("/coordinator/").content.decode()
    assert "Ashgrove Primary School" in page
    assert "Thornbury High School" in page
    assert "Leaderless network" in page
    assert "No term covers today" in page
    for link in ["/coordinator/needs/", "/experts/stale/", "/admin/notifications/"]:
        assert link in page
    few = count_queries("/coordinator/")
    for _n in range(5):
        school = SchoolFactory()
        verified(UserFactory(school=school))
    assert count_queries("/coordinator/") == few


@pytest.mark.parametrize("who", ["owner", "leader"])
def test_coordinator_overview_is_for_coordinators_only(client, personas, who):
    client.force_login(getattr(personas, who))
    response = client.get("/coordinator/")
    assert response.status_code == 403
    assert "for community coordinators" in response.content.decode()


def test_server_error_page_is_friendly(client, personas, settings):
    response = server_error(None)
    assert response.status_code == 500
    assert b"Sorry, something went wrong" in response.content


def test_pages_use_uk_english_and_london_time(client, personas):
    TermFactory(name="Spring 2027", start="2027-01-05", end="2027-03-26")
    client.force_login(personas.owner)
    page = client.get("/").content.decode()
    assert "Tuesday 5 January 2027" in page
    assert 'lang="en-GB"' in page
    assert SubjectNetwork.objects.count() == 0


def test_school_page_counts_roles_in_plain_english(client, personas):
    UserFactory.create_batch(2, school=personas.school, job_role=User.JobRole.SUPPORT_STAFF)
    client.force_login(personas.outsider)
    page = client.get(personas.school.get_absolute_url()).content.decode()
    assert "2 teachers" in page
    assert "1 senior leader" in page
    assert "2 support staff" in page


def test_navigation_marks_one_current_item_the_most_specific(personas):
    leader = User.objects.get(pk=personas.leader.pk)  # the personas' CPD leader
    items = nav_for(leader, "/sessions/approvals/")
    assert [i["label"] for i in items if i["current"]] == ["Approvals"]
    assert [i["label"] for i in nav_for(leader, "/sessions/12/")] == [i["label"] for i in items]
    assert [i["label"] for i in nav_for(leader, "/sessions/12/") if i["current"]] == ["Sessions"]
    assert nav_for(AnonymousUser(), "/") == []


def test_long_lists_come_a_page_at_a_time(client, personas):
    """A network's members, a hub's schools, a school's staff (for its CPD leader): 50 a page,
    with links to the next page that keep the page's other lists where they were."""
    network = SubjectNetworkFactory()
    people = UserFactory.create_batch(55, school=personas.school)
    network.members.add(*people)
    client.force_login(personas.leader)

    first = client.get(network.get_absolute_url()).content.decode()
    assert "Members (55)" in first
    assert first.count('class="person"') == 50 + network.leads.count()
    assert "Page 1 of 2 (55 members)" in first
    assert 'href="?page=2"' in first
    second = client.get(network.get_absolute_url() + "?page=2").content.decode()
    assert "Page 2 of 2 (55 members)" in second
    # Nonsense or a page too far: the first or the last page, never an error.
    assert client.get(network.get_absolute_url() + "?page=abc").status_code == 200
    assert "Page 2 of 2" in client.get(network.get_absolute_url() + "?page=99").content.decode()

    staff = client.get(personas.school.get_absolute_url()).content.decode()
    assert "Page 1 of 2 (" in staff
    hub = client.get(personas.school.hub.get_absolute_url() + "?page=1&x=1").content.decode()
    assert "Ashgrove Primary School" in hub


def test_the_hub_list_pages_schools_outside_hubs_on_their_own(client, personas):
    SchoolFactory.create_batch(51, hub=None)
    client.force_login(personas.owner)
    page = client.get("/hubs/?networks_page=1").content.decode()
    assert "Page 1 of 2 (51 schools)" in page
    assert 'href="?networks_page=1&amp;schools_page=2"' in page


def test_a_coordinator_without_a_school_sees_no_school_panel(client, personas):
    """She coordinates the community: no "Your school this term" figures, no "not attached to a
    school" panel that tells her the coordinator can attach it."""
    today = timezone.localdate()
    TermFactory(
        name="This term",
        start=today - datetime.timedelta(days=10),
        end=today + datetime.timedelta(days=50),
    )
    client.force_login(personas.coordinator)
    page = client.get("/").content.decode()
    assert "You coordinate the community" in page
    assert "not attached to a school" not in page
    assert "can attach it" not in page
    assert "this term (This term)" not in page
    client.force_login(personas.leader)  # a CPD leader still sees her school's term
    assert "Your school this term (This term)" in client.get("/").content.decode()

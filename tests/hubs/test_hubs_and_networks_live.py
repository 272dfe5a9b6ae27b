"""
Hubs that live and networks that meet: the hub page's sessions,
recordings and experts, its leaders' description; a network's next and past meetings, the
lead's prompt (page and one email a term) and members' calendar feed.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from cpd_sessions.emails import network_prompt_email
from cpd_sessions.models import DevelopmentSession
from cpd_sessions.tasks import prompt_network_leads
from hubs import services
from hubs.models import Subject
from notifications.models import Delivery
from tests.cpd_sessions.factories import SessionFactory, london
from tests.experts.factories import ExpertProfileFactory, offer
from tests.factories import SchoolFactory, SubjectNetworkFactory, TermFactory, UserFactory

pytestmark = pytest.mark.django_db

HUB = DevelopmentSession.Scope.HUB
NETWORK = DevelopmentSession.Scope.NETWORK
PROMPT = "No meeting is planned for"


def past(days: int):
    start = london(-days, 16, 0, weekday=False)
    return {"start": start, "end": start + datetime.timedelta(hours=1)}


def test_hub_page_shows_its_sessions_recordings_and_live_experts(client, personas):
    hub = personas.school.hub
    today = timezone.localdate()
    TermFactory(start=today - datetime.timedelta(days=10), end=today + datetime.timedelta(days=30))
    network = SubjectNetworkFactory(hub=hub, name="North geography")
    SessionFactory(title="Hub twilight", scope=HUB, hub=hub)
    SessionFactory(title="Network meeting", scope=NETWORK, network=network)
    SessionFactory(title="South's own", scope=HUB, hub=personas.other_school.hub)
    SessionFactory(
        title="Recorded talk", scope=HUB, hub=hub, recording_url="https://video.test/1", **past(20)
    )
    expert = ExpertProfileFactory(user=UserFactory(school=personas.school, first_name="Nadia"))
    offer(expert, "questioning")
    client.force_login(personas.owner)
    page = client.get(hub.get_absolute_url()).content.decode()
    assert "Hub twilight" in page
    assert "Network meeting" in page
    assert "South&#x27;s own" not in page
    assert "Recorded talk" in page
    assert "https://video.test/1" in page
    assert "Nadia" in page
    assert "Edit the description" not in page


def test_hub_page_query_count_does_not_grow_with_sessions_and_experts(
    client, personas, count_queries
):
    hub = personas.school.hub
    client.force_login(personas.owner)
    SessionFactory(scope=HUB, hub=hub, leads=[UserFactory()])
    SessionFactory(scope=HUB, hub=hub, recording_url="https://video.test/0", **past(1))
    offer(ExpertProfileFactory(user=UserFactory(school=personas.school)), "questioning")
    few = count_queries(hub.get_absolute_url())
    for n in range(6):
        SessionFactory(scope=HUB, hub=hub, leads=[UserFactory()])
        SessionFactory(scope=HUB, hub=hub, recording_url=f"https://video.test/{n}", **past(n + 2))
        school = SchoolFactory(hub=hub)
        offer(ExpertProfileFactory(user=UserFactory(school=school)), "questioning")
        offer(ExpertProfileFactory(user=UserFactory(school=school)), "feedback")
    assert count_queries(hub.get_absolute_url()) == few


def test_a_hub_leader_edits_the_description_and_an_outsider_cannot(client, personas):
    hub = personas.school.hub
    hub.leaders.add(personas.colleague)
    client.force_login(personas.outsider)
    assert client.get(f"/hubs/{hub.slug}/edit/").status_code == 403
    assert client.post(f"/hubs/{hub.slug}/edit/", {"description": "Hacked"}).status_code == 403
    with pytest.raises(Exception, match="Only the leaders of North"):
        services.hub_update(hub=hub, by=personas.owner, description="Hacked")
    hub.refresh_from_db()
    assert hub.description == ""
    client.force_login(personas.colleague)
    response = client.post(f"/hubs/{hub.slug}/edit/", {"description": "x" * 2001})
    assert response.status_code == 200
    assert "at most 2000 characters" in response.content.decode()
    hub.refresh_from_db()
    assert hub.description == ""


def test_network_page_shows_next_and_past_meetings_with_recordings(client, personas):
    network = SubjectNetworkFactory(name="Geography everywhere")
    SessionFactory(title="Spring meeting", scope=NETWORK, network=network)
    SessionFactory(title="Later meeting", scope=NETWORK, network=network, start=london(40))
    SessionFactory(
        title="Summer meeting",
        scope=NETWORK,
        network=network,
        recording_url="https://video.test/summer",
        **past(30),
    )
    client.force_login(personas.owner)
    page = client.get(network.get_absolute_url()).content.decode()
    next_part, past_part = page.split("Past meetings")
    assert "Spring meeting" in next_part
    assert "Later meeting" not in page
    assert "Summer meeting" in past_part
    assert "watch the recording" in past_part


def test_the_lead_is_prompted_when_no_meeting_is_planned_this_year(client, personas):
    network = SubjectNetworkFactory(name="Geography everywhere")
    network.leads.add(personas.colleague)
    client.force_login(personas.colleague)
    page = client.get(network.get_absolute_url()).content.decode()
    assert PROMPT in page
    client.force_login(personas.owner)  # a member or visitor is not prompted
    assert (
        "No meeting is planned for" not in client.get(network.get_absolute_url()).content.decode()
    )
    SessionFactory(scope=NETWORK, network=network, status=DevelopmentSession.Status.PROPOSED)
    client.force_login(personas.colleague)
    assert (
        "No meeting is planned for" not in client.get(network.get_absolute_url()).content.decode()
    )


def test_network_page_query_count_does_not_grow_with_meetings(client, personas, count_queries):
    network = SubjectNetworkFactory()
    network.leads.add(personas.owner)
    client.force_login(personas.owner)
    SessionFactory(scope=NETWORK, network=network, leads=[UserFactory()], start=london(2))
    SessionFactory(scope=NETWORK, network=network, recording_url="https://v.t/", **past(1))
    few = count_queries(network.get_absolute_url())
    for n in range(6):
        SessionFactory(scope=NETWORK, network=network, leads=[UserFactory()], start=london(n + 3))
        SessionFactory(
            scope=NETWORK, network=network, recording_url="https://v.test/", **past(n + 2)
        )
    assert count_queries(network.get_absolute_url()) == few


def test_members_get_the_networks_next_meeting_in_their_calendar_feed(client, personas):
    network = SubjectNetworkFactory(name="Geography everywhere")
    network.members.add(personas.owner)
    SessionFactory(
        title="Network meeting", scope=NETWORK, network=network, join_link="https://meet.test/x"
    )
    SessionFactory(title="Not my network", scope=NETWORK, network=SubjectNetworkFactory())
    client.force_login(personas.owner)
    client.post(reverse("cpd_sessions:calendar_renew"))
    client.logout()
    feed = client.get(personas.owner.calendar_feed.get_absolute_url())
    calendar = Calendar.from_ical(feed.content)
    summaries = [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")]
    assert summaries == ["Network meeting"]
    assert b"meet.test" not in feed.content  # the join link is for people with a place


def test_network_leads_hear_once_a_term_while_no_meeting_is_planned(
    personas, mailoutbox, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    term = TermFactory(start=today - datetime.timedelta(days=5), end=today + datetime.timedelta(60))
    quiet = SubjectNetworkFactory(name="Quiet geography")
    quiet.leads.add(personas.colleague)
    busy = SubjectNetworkFactory(name="Busy history", subject=Subject.objects.get(slug="history"))
    busy.leads.add(personas.outsider)
    SessionFactory(scope=NETWORK, network=busy)
    SubjectNetworkFactory(name="Nobody leads me")
    with django_capture_on_commit_callbacks(execute=True):
        assert prompt_network_leads() == 1
    (mail,) = mailoutbox
    assert mail.to == [personas.colleague.email]
    assert "Quiet geography: no meeting planned for" in mail.subject
    assert "/sessions/new/" in mail.body
    assert "Plan a meeting" in mail.alternatives[0][0]
    with django_capture_on_commit_callbacks(execute=True):
        prompt_network_leads()  # the same term: nothing more
    assert len(mailoutbox) == 1
    assert Delivery.objects.filter(kind="network_prompt").count() == 1
    # Next term, still nothing planned: once more.
    term.end = today - datetime.timedelta(days=1)
    term.save()
    TermFactory(start=today, end=today + datetime.timedelta(days=60))
    with django_capture_on_commit_callbacks(execute=True):
        prompt_network_leads()
    assert len(mailoutbox) == 2


def test_no_prompt_outside_term_or_once_a_meeting_is_planned(personas, mailoutbox):
    quiet = SubjectNetworkFactory(name="Quiet geography")
    quiet.leads.add(personas.colleague)
    assert prompt_network_leads() == 0  # no term dates: nothing
    today = timezone.localdate()
    term = TermFactory(start=today - datetime.timedelta(days=5), end=today + datetime.timedelta(60))
    row = Delivery(
        kind="network_prompt",
        key=f"network_prompt:{quiet.pk}:{term.pk}",
        recipient=personas.colleague,
        email=personas.colleague.email,
    )
    assert network_prompt_email(row) is not None
    SessionFactory(scope=NETWORK, network=quiet, status=DevelopmentSession.Status.PROPOSED)
    assert network_prompt_email(row) is None
    assert prompt_network_leads() == 0

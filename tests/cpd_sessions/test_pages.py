import datetime

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from cpd_sessions.booking import booking_cancel
from cpd_sessions.models import Booking, DevelopmentSession
from experts.models import ExpertiseArea
from hubs.models import Phase, User
from tests.experts.factories import ExpertProfileFactory
from tests.factories import SubjectNetworkFactory, UserFactory

from .factories import SessionFactory, book, london

pytestmark = pytest.mark.django_db


def many_sessions(personas, n):
    area = ExpertiseArea.objects.get(slug="questioning")
    for i in range(n):
        session = SessionFactory(
            leads=[personas.colleague], venue_school=personas.school, capacity=5
        )
        session.areas.add(area)
        book(session, UserFactory(school=personas.school if i % 2 else personas.other_school))


def test_list_query_count_is_the_same_for_one_and_many(client, personas, count_queries):
    client.force_login(personas.owner)
    many_sessions(personas, 1)
    one = count_queries(reverse("cpd_sessions:list"))
    many_sessions(personas, 12)
    assert count_queries(reverse("cpd_sessions:list")) == one
    assert count_queries(reverse("cpd_sessions:list") + "?area=questioning&suits_me=on") <= one + 3


def test_detail_query_count_is_bounded(client, personas, django_assert_max_num_queries):
    session = SessionFactory(leads=[personas.owner], capacity=50, fee="300")
    for _ in range(25):
        book(session, UserFactory(school=personas.other_school))
    client.force_login(personas.owner)
    with django_assert_max_num_queries(30):
        assert client.get(session.get_absolute_url()).status_code == 200


def test_list_shows_upcoming_published_sessions_in_my_scope(client, personas):
    SessionFactory(title="Community twilight")
    SessionFactory(title="Not yet published", status=DevelopmentSession.Status.PROPOSED)
    SessionFactory(
        title="Other school only",
        scope=DevelopmentSession.Scope.SCHOOL,
        school=personas.other_school,
    )
    SessionFactory(
        title="Our hub only", scope=DevelopmentSession.Scope.HUB, hub=personas.school.hub
    )
    past = london(-10, 16, 0)
    SessionFactory(title="Long gone", start=past, end=past + datetime.timedelta(hours=1))
    client.force_login(personas.owner)
    page = client.get(reverse("cpd_sessions:list")).content.decode()
    assert "Community twilight" in page
    assert "Our hub only" in page
    for hidden in ("Not yet published", "Other school only", "Long gone"):
        assert hidden not in page


def test_filters_kind_format_area_and_date(client, personas):
    webinar = SessionFactory(title="Webinar on oracy", kind="webinar", format="online")
    webinar.areas.add(ExpertiseArea.objects.get(slug="oracy"))
    SessionFactory(title="Workshop on phonics", start=london(40, 16, 0), end=london(40, 17, 0))
    client.force_login(personas.owner)
    url = reverse("cpd_sessions:list")
    page = client.get(url, {"kind": "webinar"}).content.decode()
    assert "Webinar on oracy" in page
    assert "Workshop on phonics" not in page
    page = client.get(url, {"area": "oracy", "format": "online"}).content.decode()
    assert "Webinar on oracy" in page
    assert "Workshop on phonics" not in page
    later = (london(30)).date().isoformat()
    page = client.get(url, {"date_from": later}).content.decode()
    assert "Workshop on phonics" in page
    assert "Webinar on oracy" not in page
    assert client.get(url, {"kind": "nonsense"}).status_code == 400


def test_suits_me_filters_by_my_phase(client, personas):
    primary, secondary = Phase.objects.get(slug="primary"), Phase.objects.get(slug="secondary")
    personas.owner.phases.set([primary])
    SessionFactory(title="For primary").phases.add(primary)
    SessionFactory(title="For secondary").phases.add(secondary)
    SessionFactory(title="For everyone")
    client.force_login(personas.owner)
    page = client.get(reverse("cpd_sessions:list"), {"suits_me": "on"}).content.decode()
    assert "For primary" in page
    assert "For everyone" in page
    assert "For secondary" not in page


def test_suits_me_filters_by_my_job_role_on_every_database(client, personas):
    SessionFactory(title="For teachers", job_roles=[User.JobRole.TEACHER])
    SessionFactory(title="For teaching assistants", job_roles=[User.JobRole.TA])
    SessionFactory(title="For any role", job_roles=[])
    client.force_login(personas.owner)  # a teacher
    page = client.get(reverse("cpd_sessions:list"), {"suits_me": "on"}).content.decode()
    assert "For teachers" in page
    assert "For any role" in page
    assert "For teaching assistants" not in page


def test_hub_and_network_filters(client, personas):
    network = SubjectNetworkFactory(name="Geography network", slug="geo")
    SessionFactory(
        title="Network meeting", scope="network", network=network, kind="network_meeting"
    )
    SessionFactory(title="Elsewhere")
    client.force_login(personas.owner)
    page = client.get(reverse("cpd_sessions:list"), {"network": "geo"}).content.decode()
    assert "Network meeting" in page
    assert "Elsewhere" not in page
    page = client.get(reverse("cpd_sessions:list"), {"hub": personas.school.hub.slug}).content
    assert b"Elsewhere" not in page


def session_post(**overrides):
    day = london(20).date()
    data = {
        "title": "Hinge questions in maths",
        "description": "Quick checks that show who has understood.",
        "kind": "workshop",
        "scope": "community",
        "format": "in_person",
        "venue_school": "",
        "first_date": day.isoformat(),
        "start_time": "16:00",
        "end_time": "17:30",
        "meetings": "4",
        "weeks_apart": "1",
        "capacity": "12",
        "fee": "0",
        "cost_split": "attendees",
    }
    return data | overrides


def test_expert_proposes_a_series_and_coordinator_publishes(client, personas):
    ExpertProfileFactory(user=personas.owner)
    client.force_login(personas.owner)
    response = client.post(
        reverse("cpd_sessions:new"), session_post(venue_school=personas.school.pk), follow=True
    )
    assert "your session is proposed" in response.content.decode()
    session = DevelopmentSession.objects.get()
    assert session.status == DevelopmentSession.Status.PROPOSED
    assert session.dates.count() == 4
    assert list(session.leads.all()) == [personas.owner]
    # Not yet visible to colleagues, nor may they publish it.
    client.force_login(personas.colleague)
    assert client.get(session.get_absolute_url()).status_code == 404
    assert (
        client.post(reverse("cpd_sessions:publish", kwargs={"pk": session.pk})).status_code == 404
    )
    client.force_login(personas.owner)
    response = client.post(reverse("cpd_sessions:publish", kwargs={"pk": session.pk}))
    assert response.status_code == 403
    client.force_login(personas.coordinator)
    client.post(reverse("cpd_sessions:publish", kwargs={"pk": session.pk}))
    session.refresh_from_db()
    assert session.status == DevelopmentSession.Status.PUBLISHED


def test_hub_leader_publishes_for_their_hub_only(client, personas):
    personas.school.hub.leaders.add(personas.leader)
    mine = SessionFactory(status="proposed", scope="hub", hub=personas.school.hub)
    theirs = SessionFactory(status="proposed", scope="hub", hub=personas.other_school.hub)
    client.force_login(personas.leader)
    client.post(reverse("cpd_sessions:publish", kwargs={"pk": mine.pk}))
    client.post(reverse("cpd_sessions:publish", kwargs={"pk": theirs.pk}))
    assert DevelopmentSession.objects.get(pk=mine.pk).status == "published"
    assert DevelopmentSession.objects.get(pk=theirs.pk).status == "proposed"


def test_only_staff_with_an_expert_profile_offer_sessions(client, personas):
    client.force_login(personas.owner)
    assert client.get(reverse("cpd_sessions:new")).status_code == 403
    client.post(reverse("cpd_sessions:new"), session_post())
    assert not DevelopmentSession.objects.exists()


def test_offer_form_errors_are_clear(client, personas):
    ExpertProfileFactory(user=personas.owner)
    client.force_login(personas.owner)
    response = client.post(
        reverse("cpd_sessions:new"),
        session_post(end_time="15:00", format="online", scope="hub"),
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "must end after it starts" in page
    assert "needs a join link" in page
    assert "Choose the hub" in page
    assert not DevelopmentSession.objects.exists()


def test_attendee_list_is_for_leads_and_coordinators(client, personas):
    session = SessionFactory(leads=[personas.colleague])
    book(session, personas.outsider)
    client.force_login(personas.owner)
    assert "Owen Bell" not in client.get(session.get_absolute_url()).content.decode()
    for person in (personas.colleague, personas.coordinator):
        client.force_login(person)
        assert "Owen Bell" in client.get(session.get_absolute_url()).content.decode()


def test_join_link_only_for_confirmed_attendees_and_leads(client, personas):
    session = SessionFactory(
        format="online",
        join_link="https://meet.example.test/abc",
        capacity=1,
        leads=[personas.colleague],
    )
    book(session, personas.owner)
    book(session, personas.outsider)  # waitlisted
    for person, shown in (
        (personas.owner, True),
        (personas.colleague, True),
        (personas.outsider, False),
        (personas.leader, False),
    ):
        client.force_login(person)
        page = client.get(session.get_absolute_url()).content.decode()
        assert ("meet.example.test/abc" in page) is shown, person


def test_lead_changes_the_time_bumps_sequence_and_tells_everyone(
    client, personas, mailoutbox, django_capture_on_commit_callbacks
):
    session = SessionFactory(leads=[personas.colleague], venue_school=personas.school)
    book(session, personas.owner)
    client.force_login(personas.colleague)
    data = session_post(venue_school=personas.school.pk, meetings="1", title=session.title)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("cpd_sessions:edit", kwargs={"pk": session.pk}), data)
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.sequence == 1
    # (the booking's own confirmation, waiting on the ledger, goes out with it)
    changed = [m for m in mailoutbox if m.subject.startswith("Changed:")]
    assert [m.to for m in changed] == [[personas.owner.email]]
    client.force_login(personas.outsider)
    response = client.post(reverse("cpd_sessions:edit", kwargs={"pk": session.pk}), data)
    assert response.status_code == 403


def test_outsider_cannot_cancel_a_session(client, personas):
    session = SessionFactory(leads=[personas.colleague])
    client.force_login(personas.outsider)
    response = client.post(
        reverse("cpd_sessions:cancel", kwargs={"pk": session.pk}), {"reason": "x"}
    )
    assert response.status_code == 403
    assert DevelopmentSession.objects.get(pk=session.pk).status == "published"


def test_dashboard_shows_my_next_sessions(client, personas):
    session = SessionFactory(title="Retrieval twilight")
    book(session, personas.owner)
    SessionFactory(title="Something I lead", leads=[personas.owner])
    client.force_login(personas.owner)
    page = client.get("/").content.decode()
    assert "My next sessions" in page
    assert "Retrieval twilight" in page
    assert "Something I lead" in page
    assert Booking.objects.count() == 1


def test_a_session_links_its_lead_to_their_directory_profile(client, personas):
    profile = ExpertProfileFactory(user=personas.colleague)
    session = SessionFactory(leads=[personas.colleague, personas.outsider])  # Owen: no profile
    client.force_login(personas.owner)
    page = client.get(session.get_absolute_url()).content.decode()
    assert f'<a href="{profile.get_absolute_url()}">Amelia Hughes</a>' in page
    assert "Owen Bell" in page
    assert ">Owen Bell</a>" not in page


def test_the_register_shows_each_waitlisted_persons_place_in_the_queue(client, personas):
    """Stored positions are an ordering with gaps (a cancellation leaves one); the lead sees
    1, 2, 3… as the waitlisted person does on their own page."""
    session = SessionFactory(leads=[personas.colleague], capacity=1)
    book(session, personas.owner)
    waiting = [
        book(session, UserFactory(school=personas.other_school, last_name=name))
        for name in ("Adams", "Baker", "Clark")
    ]
    first = Booking.objects.get(pk=waiting[0].pk)
    booking_cancel(booking=first, by=first.user)
    positions = sorted(
        Booking.objects.filter(session=session, status=Booking.Status.WAITLISTED).values_list(
            "waitlist_position", flat=True
        )
    )
    assert positions == [2, 3]  # the gap the cancellation left

    client.force_login(personas.colleague)
    page = client.get(session.get_absolute_url()).content.decode()
    assert page.count("in the queue") == 2
    assert "(number 1 in the queue)" in page
    assert "(number 2 in the queue)" in page
    assert "(number 3 in the queue)" not in page
    assert page.index("Baker") < page.index("(number 1 in the queue)") < page.index("Clark")

    client.force_login(waiting[2].user)
    assert (
        "You are number 2 on the waitlist"
        in client.get(session.get_absolute_url()).content.decode()
    )


def test_session_cards_say_which_sessions_need_release_time(client, personas):
    """A session in the school day needs the CPD leader to approve release time: the card says
    so, the twilight's card does not (and someone with no school is never told)."""
    start = london(8, 10, 0)
    SessionFactory(title="Morning workshop", start=start, end=start + datetime.timedelta(hours=2))
    SessionFactory(title="Twilight")  # 16:30, after school
    client.force_login(personas.owner)
    page = client.get(reverse("cpd_sessions:list"))
    cards = {
        card.select_one("h3").get_text(strip=True): card.get_text(" ", strip=True)
        for card in BeautifulSoup(page.content, "html.parser").select("article.session-card")
    }
    assert "needs release time" in cards["Morning workshop"]
    assert "needs release time" not in cards["Twilight"]
    client.force_login(personas.coordinator)
    assert "needs release time" not in client.get(reverse("cpd_sessions:list")).content.decode()

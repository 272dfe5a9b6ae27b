"""The digest is built a batch at a time; it must choose exactly what one-at-a-time would."""

import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cpd_sessions import booking
from cpd_sessions.models import DevelopmentSession
from experts.models import ExpertiseArea
from notifications import services
from notifications.rendering import render_email
from termly import digest
from tests.cpd_sessions.factories import SessionFactory
from tests.experts.factories import ExpertProfileFactory, offer
from tests.factories import SubjectNetworkFactory, UserFactory
from tests.portfolios.factories import GoalFactory, NeedFactory

pytestmark = pytest.mark.django_db
Scope = DevelopmentSession.Scope
Status = DevelopmentSession.Status


@pytest.fixture
def sessions(personas):
    """Sessions of every scope and state, with leads, a proposer, hub and network leads."""
    local = SubjectNetworkFactory(hub=personas.school.hub)
    elsewhere = SubjectNetworkFactory(hub=personas.other_school.hub)
    everywhere = SubjectNetworkFactory(hub=None)
    elsewhere.members.add(personas.colleague)
    elsewhere.leads.add(personas.leader)
    personas.other_school.hub.leaders.add(personas.colleague)
    made = []
    for status, (scope, where) in itertools.product(
        [Status.PUBLISHED, Status.PROPOSED, Status.COMPLETED],
        [
            (Scope.COMMUNITY, {}),
            (Scope.SCHOOL, {"school": personas.school}),
            (Scope.SCHOOL, {"school": personas.other_school}),
            (Scope.HUB, {"hub": personas.school.hub}),
            (Scope.HUB, {"hub": personas.other_school.hub}),
            (Scope.NETWORK, {"network": local}),
            (Scope.NETWORK, {"network": elsewhere}),
            (Scope.NETWORK, {"network": everywhere}),
        ],
    ):
        made.append(SessionFactory(status=status, scope=scope, **where))
    made[3].leads.add(personas.outsider)
    made[12].proposed_by = personas.owner
    made[12].save()
    return made


def test_who_may_see_a_session_in_memory_agrees_with_the_database(personas, sessions):
    people = [
        personas.owner,
        personas.colleague,
        personas.leader,
        personas.outsider,
        personas.other_leader,
        personas.coordinator,
        UserFactory(school=None),
    ]
    batch = digest._people([p.pk for p in people])
    everything = DevelopmentSession.objects.prefetch_related("leads").select_related("network")
    for person in people:
        expected = set(DevelopmentSession.objects.visible_to(person).values_list("pk", flat=True))
        in_memory = {s.pk for s in everything if digest._may_see(batch[person.pk], s)}
        assert in_memory == expected, person


def test_a_batch_costs_the_same_queries_for_two_people_or_twelve(personas, sessions):
    key = "digest:autumn-2026"
    for person in [personas.owner, personas.colleague]:
        GoalFactory(owner=person)
    few = [personas.owner.pk, personas.colleague.pk]
    many = few + [UserFactory(school=personas.school).pk for _ in range(10)]
    with CaptureQueriesContext(connection) as small:
        digest.build_many(few, None)
    with CaptureQueriesContext(connection) as large:
        digest.build_many(many, None)
    assert len(large.captured_queries) == len(small.captured_queries) <= 20
    # Sending: the batch's reads, then a claim and a "sent" for each person.
    with CaptureQueriesContext(connection) as sent:
        services.batch_send(kind="digest", key=key, user_ids=many)
    assert len(sent.captured_queries) <= 30 + 2 * len(many)


def test_each_digest_in_a_batch_is_what_it_would_be_alone(personas, sessions):
    for n, user in enumerate([personas.colleague, personas.outsider, personas.other_leader]):
        profile = ExpertProfileFactory(user=user, headline=f"Expert {n}")
        offer(profile, ["questioning", "feedback", "oracy"][n])
    for _ in range(9):  # more experts in my hub than a digest shows
        offer(ExpertProfileFactory(user=UserFactory(school=personas.school)), "feedback")
    NeedFactory(owner=personas.owner)  # questioning: the outsider's area
    people = [personas.owner, personas.colleague, personas.leader, personas.outsider]
    together = digest.build_many([p.pk for p in people], None)

    def chosen(context):
        return (
            [item["profile"].pk for item in context["experts"]],
            [s.pk for s, _url in context["sessions"]],
            [s.pk for s in context["recordings"]],
            [g.pk for g in context["goals"]],
        )

    for person in people:
        alone = digest.build(person, None)
        assert chosen(together[person.pk]) == chosen(alone)
    # Nine newer experts in my hub: the digest shows the six newest of hub and areas together.
    assert len(chosen(together[personas.owner.pk])[0]) == digest.EXPERTS


def test_the_digest_never_offers_what_i_booked_and_links_experts_and_recordings(personas, settings):
    questioning = ExpertiseArea.objects.get(slug="questioning")
    GoalFactory(owner=personas.owner).areas.add(questioning)
    booked = SessionFactory(title="Booked already")
    booked.areas.add(questioning)
    free = SessionFactory(title="Still free")
    free.areas.add(questioning)
    booking.booking_create(session=booked, user=personas.owner)
    recorded = SessionFactory(title="Recorded", recording_url="https://video.example.test/r")
    offer(ExpertProfileFactory(user=UserFactory(school=personas.school)), "questioning")
    context = digest.build(personas.owner, None)
    titles = [s.title for s, _ in context["sessions"]]
    assert "Still free" in titles
    assert "Booked already" not in titles
    site = settings.SITE_URL.rstrip("/")
    assert recorded.pk in [s.pk for s in context["recordings"]]
    for session in context["recordings"]:
        assert session.digest_url == site + session.get_absolute_url()
    assert context["experts"]
    for item in context["experts"]:
        assert item["profile"].digest_url == site + item["profile"].get_absolute_url()
    _, text, html = render_email("digest", context | {"community_name": "Riverside"})
    assert f'href="{site}{recorded.get_absolute_url()}"' in html
    assert f"Recorded: {site}{recorded.get_absolute_url()}" in text

"""
The shared summary's own page (/sessions/<id>/evaluation/), the link in its email: reachable by
exactly the people it is sent to (the session's leads, the people who attended, their schools'
CPD leaders) and the coordinators, whether or not the session is in their scope; everyone else,
and everyone before it is shared, gets 404. It shows the summary only: never a comment its
writer kept to the leads, and nothing about fewer than 3 people.
"""

import pytest
from django.core import mail
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils.html import strip_tags
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from cpd_sessions import tasks
from cpd_sessions.models import Attendance, DevelopmentSession
from notifications.rendering import absolute_url
from tests.factories import SubjectNetworkFactory

from .test_evaluation import PRIVATE, SHARED, World, ended

pytestmark = pytest.mark.django_db


def _out_of_scope(world: World) -> None:
    """The session becomes one for a subject network of the other hub: the owner's school
    (hub North) no longer sees it, the other school (hub South) does."""
    network = SubjectNetworkFactory(hub=world.p.other_school.hub)
    DevelopmentSession.objects.filter(pk=world.session.pk).update(
        scope=DevelopmentSession.Scope.NETWORK, network=network
    )


def _get(user, url) -> tuple[int, str]:
    client = Client()
    client.force_login(user)
    response = client.get(url)
    return response.status_code, response.content.decode()


def _everyone(world: World) -> list:
    p = world.p
    people = [p.owner, p.colleague, p.leader, p.outsider, p.other_leader, p.coordinator]
    return [*people, world.lead, *world.extra, world.bystander]


def _may_read(world: World) -> set[int]:
    p = world.p
    return {u.pk for u in [world.lead, *world.attendees, p.leader, p.other_leader, p.coordinator]}


def test_the_emailed_link_opens_the_summary_for_a_leader_who_cannot_see_the_session(
    personas, mailoutbox, django_capture_on_commit_callbacks
):
    world = World(personas)
    world.answer(personas.owner, rating=5, comment=SHARED, share=True)
    world.answer(personas.outsider, rating=2, comment=PRIVATE)
    world.answer(world.extra[1], rating=4)
    _out_of_scope(world)
    url = reverse("cpd_sessions:evaluation", kwargs={"pk": world.session.pk})
    assert _get(personas.leader, url)[0] == 404  # not shared yet
    world.session = ended(world.session, 15)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.share_evaluations() == 1
    (message,) = [m for m in mailoutbox if m.to == [personas.leader.email]]
    assert f"Read the summary online: {absolute_url(url)}" in message.body
    assert f'href="{absolute_url(url)}"' in message.alternatives[0][0]
    # The session itself is out of the leader's scope; its summary is not.
    detail = reverse("cpd_sessions:detail", kwargs={"pk": world.session.pk})
    assert _get(personas.leader, detail)[0] == 404
    status, html = _get(personas.leader, url)
    assert status == 200
    assert "3 of the 5 people who attended gave feedback" in strip_tags(html)
    assert SHARED in html
    assert PRIVATE not in html
    assert detail not in html  # no link to a page they cannot open
    for person in world.attendees:
        assert person.last_name not in html.split('id="evaluation-heading"')[1]
    # Everyone it went to reads it; nobody else finds it.
    readers = _may_read(world)
    for who in _everyone(world):
        assert _get(who, url)[0] == (200 if who.pk in readers else 404), who.full_name


def test_a_cancelled_or_private_session_has_no_summary_page(
    personas, django_capture_on_commit_callbacks
):
    world = World(personas)
    world.session = ended(world.session, 15)
    with django_capture_on_commit_callbacks(execute=True):
        tasks.share_evaluations()
    url = reverse("cpd_sessions:evaluation", kwargs={"pk": world.session.pk})
    assert _get(personas.coordinator, url)[0] == 200
    for scope, status in (
        (DevelopmentSession.Scope.PRIVATE, DevelopmentSession.Status.PUBLISHED),
        (DevelopmentSession.Scope.COMMUNITY, DevelopmentSession.Status.CANCELLED),
    ):
        DevelopmentSession.objects.filter(pk=world.session.pk).update(scope=scope, status=status)
        for who in (personas.coordinator, world.lead, personas.owner, personas.leader):
            assert _get(who, url)[0] == 404
    client = Client()
    assert client.get(url).status_code == 302  # signed out: sign in first


def test_the_page_costs_the_same_queries_with_one_answer_and_many(
    personas, count_queries, client, django_capture_on_commit_callbacks
):
    world = World(personas)
    world.session = ended(world.session, 15)
    with django_capture_on_commit_callbacks(execute=True):
        tasks.share_evaluations()
    url = reverse("cpd_sessions:evaluation", kwargs={"pk": world.session.pk})
    world.answer(personas.owner, comment=SHARED, share=True)
    counts = {}
    for who in (personas.owner, personas.leader, world.lead):
        client.force_login(who)
        counts[who.pk] = count_queries(url)
    for person in world.attendees[1:]:
        world.answer(person, comment=f"Shared by {person.first_name}", share=True)
    for who in (personas.owner, personas.leader, world.lead):
        client.force_login(who)
        assert count_queries(url) == counts[who.pk]
        assert counts[who.pk] <= 20


# --- As a property: who reaches it, and no unshared comment ever on it ----------------------

ANSWER = st.fixed_dictionaries(
    {
        "rating": st.integers(min_value=1, max_value=5),
        "share": st.booleans(),
        "answers": st.booleans(),
        "present": st.booleans(),
    }
)


@settings(
    max_examples=6,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(plan=st.lists(ANSWER, min_size=5, max_size=5), out_of_scope=st.booleans())
def test_exactly_those_involved_reach_it_and_no_unshared_comment_is_on_it(
    personas, plan, out_of_scope, django_capture_on_commit_callbacks
):
    with transaction.atomic():
        mail.outbox = []
        world = World(personas)
        if out_of_scope:
            _out_of_scope(world)
        shared, private = [], []
        present = []
        for index, (person, step) in enumerate(zip(world.attendees, plan, strict=True)):
            if not step["present"]:
                Attendance.objects.create(booking=world.booking(person), present=False)
                continue
            present.append(person)
            if step["answers"]:
                words = f"Comment number {index} qz"
                world.answer(person, rating=step["rating"], comment=words, share=step["share"])
                (shared if step["share"] else private).append(words)
        answered = len(shared) + len(private)
        world.session = ended(world.session, 15)
        url = reverse("cpd_sessions:evaluation", kwargs={"pk": world.session.pk})
        with django_capture_on_commit_callbacks(execute=True):
            tasks.share_evaluations()
        p = world.p
        # The people it is sent to: the lead, those present, their schools' CPD leaders.
        leaders = {p.leader.pk: p.school.pk, p.other_leader.pk: p.other_school.pk}
        schools = {u.school_id for u in present}
        readers = {world.lead.pk, p.coordinator.pk, *(u.pk for u in present)}
        readers |= {pk for pk, school in leaders.items() if school in schools}
        emailed = {m.to[0] for m in mail.outbox if "What people thought" in m.subject}
        assert emailed == {u.email for u in _everyone(world) if u.pk in readers} - {
            p.coordinator.email
        }
        for who in _everyone(world):
            status, html = _get(who, url)
            assert status == (200 if who.pk in readers else 404), who.full_name
            if status != 200:
                continue
            for words in private:
                assert words not in html, "an unshared comment on the page"
            for words in shared:
                assert (words in html) == (answered >= 3), "a comment about too few people"
        transaction.set_rollback(True)

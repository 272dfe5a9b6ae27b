"""
What is written in coaching is for the relationship's members only, as a property: after any
sequence of observations, meetings, steps moving on, shares and withdrawals, no page, CSV,
export or admin page open to the teacher's CPD leader, the coach's, the head, the hub lead, the
coordinator, a colleague nothing was shared with, or a superuser in the admin shows a word of
it; the members see it all, and a colleague sees exactly what is shared with them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from coaching import services
from coaching.models import ActionStep, Meeting, Observation, Relationship
from hubs.models import User
from privacy.collect import personal_data
from tests.factories import HubFactory, SchoolFactory, UserFactory
from tests.hubs.test_admin import with_totp

from .factories import days, pair

pytestmark = pytest.mark.django_db


@dataclass
class World:
    coach: User
    teacher: User
    onlookers: dict[str, User]
    friend: User  # a colleague the teacher may share with
    school_urn: int


@pytest.fixture
def world(personas) -> World:
    hub_lead = UserFactory(school=SchoolFactory(hub=personas.school.hub))
    personas.school.hub.leaders.add(hub_lead)
    head = UserFactory(school=personas.school, job_role=User.JobRole.SENIOR_LEADER)
    admin = with_totp(UserFactory(school=None, is_staff=True, is_superuser=True))
    return World(
        coach=personas.outsider,
        teacher=personas.owner,
        friend=UserFactory(school=SchoolFactory(hub=HubFactory())),
        school_urn=personas.school.urn,
        onlookers={
            "teacher's CPD leader": personas.leader,
            "coach's CPD leader": personas.other_leader,
            "head": head,
            "hub lead": hub_lead,
            "coordinator": with_totp(personas.coordinator),
            "colleague": personas.colleague,
            "admin": admin,
        },
    )


ACTIONS = st.lists(
    st.one_of(
        st.tuples(st.just("observe"), st.sampled_from(["coaching", "drop_in", "peer"])),
        st.tuples(st.just("meet"), st.booleans()),
        st.tuples(st.just("move"), st.sampled_from(["practising", "embedded", "closed"])),
        st.tuples(st.just("share"), st.sampled_from(["observation", "meeting", "step"])),
        st.tuples(st.just("withdraw"), st.just("")),
    ),
    min_size=1,
    max_size=6,
)


def _play(world: World, relationship: Relationship, actions, secret: str) -> dict[str, str]:
    """Run the actions; returns {secret words: 'shared' or 'private'} as they stand."""
    shared = {}
    for n, (action, arg) in enumerate(actions, 1):
        if action == "observe":
            services.observation_record(
                relationship=relationship, by=world.coach, teacher=world.teacher, kind=arg,
                date=days(-1), focus=f"{secret} focus {n}", notes=f"{secret} notes {n}",
            )  # fmt: skip
        elif action == "meet":
            services.meeting_record(
                relationship=relationship, by=world.coach, teacher=world.teacher, date=days(0),
                praise=f"{secret} praise {n}", notes=f"{secret} meeting {n}", rehearsed=arg,
                action=f"{secret} step {n}", success_criteria=f"{secret} criteria {n}",
                check_back=days(3),
            )  # fmt: skip
        elif action == "move":
            step = relationship.steps.filter(status__in=["set", "practising"]).first()
            if step is not None and (arg != "practising" or step.status == "set"):
                services.step_move(step=step, by=world.teacher, status=arg)
        elif action == "share":
            model = {"observation": Observation, "meeting": Meeting, "step": ActionStep}[arg]
            item = model.objects.filter(relationship=relationship).first()
            if item is not None:
                services.share_create(by=world.teacher, item=item, colleague=world.friend)
        elif action == "withdraw":
            share = world.teacher.coaching_shares_made.first()
            if share is not None:
                services.share_withdraw(share=share, by=world.teacher)
    for share in world.teacher.coaching_shares_made.all():
        item = share.item
        for text in (
            getattr(item, "notes", ""),
            getattr(item, "praise", ""),
            getattr(item, "action", ""),
        ):
            if text:
                shared[text] = "shared"
    return shared


def _urls(world: World, relationship: Relationship) -> list[str]:
    urls = [
        "/", "/coaching/", "/coaching/shared/", "/coaching/steps/", "/portfolio/",
        relationship.get_absolute_url(),
        reverse("coaching:observe", kwargs={"pk": relationship.pk}),
        reverse("coaching:meet", kwargs={"pk": relationship.pk}),
        "/coordinator/", "/coordinator/participation.csv", "/coordinator/needs/",
        f"/schools/{world.school_urn}/", f"/schools/{world.school_urn}/dashboard/",
        "/admin/coaching/relationship/",
        f"/admin/coaching/relationship/{relationship.pk}/change/",
    ]  # fmt: skip
    for model, what in ((Observation, "observation"), (Meeting, "meeting"), (ActionStep, "step")):
        for pk in model.objects.filter(relationship=relationship).values_list("pk", flat=True):
            urls.append(
                reverse(
                    "coaching:share", kwargs={"pk": relationship.pk, "what": what, "item_pk": pk}
                )
            )
    for pk in relationship.steps.values_list("pk", flat=True):
        urls.append(reverse("coaching:portfolio", kwargs={"pk": relationship.pk, "step_pk": pk}))
    return urls


def _seen_by(user: User, urls: list[str]) -> str:
    client = Client()
    client.force_login(user)
    pages = [client.get(url) for url in urls]
    assert all(p.status_code < 500 for p in pages)
    text = "\n".join(
        (b"".join(p.streaming_content) if p.streaming else p.content).decode(errors="replace")
        for p in pages
    )
    return text + json.dumps(personal_data(user), default=str)


@settings(
    max_examples=4,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # a failure prints its actions
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(actions=ACTIONS)
def test_nobody_outside_the_relationship_reads_a_word_of_it(world, actions):
    secret = "Zq7 confidential"
    with transaction.atomic():
        relationship = pair(world.coach, world.teacher, by=world.onlookers["teacher's CPD leader"])
        shared = _play(world, relationship, actions, secret)
        urls = _urls(world, relationship)
        for who, user in world.onlookers.items():
            assert secret not in _seen_by(user, urls), f"the {who} can read coaching words"
        friend = _seen_by(world.friend, urls)
        assert set(shared) <= {line for line in shared if line in friend}
        written = relationship.observations.count() + relationship.meetings.count()
        if not shared:
            assert secret not in friend
        for member in (world.coach, world.teacher):
            seen = _seen_by(member, urls)
            if written:
                assert secret in seen, "a member cannot read their own coaching"
        transaction.set_rollback(True)


def test_the_admin_shows_counts_only(client, world):
    relationship = pair(world.coach, world.teacher, by=world.onlookers["teacher's CPD leader"])
    services.observation_record(
        relationship=relationship, by=world.coach, teacher=world.teacher, kind="drop_in",
        date=days(-1), notes="Admin must not show this",
    )  # fmt: skip
    client.force_login(world.onlookers["admin"])
    page = client.get("/admin/coaching/relationship/").content.decode()
    assert "Admin must not show this" not in page
    assert ">1<" in page  # one observation, counted
    assert client.get(f"/admin/coaching/relationship/{relationship.pk}/change/").status_code == 200
    for model in ("observation", "meeting", "actionstep", "share", "membership"):
        assert client.get(f"/admin/coaching/{model}/").status_code == 404


def test_a_share_is_one_item_and_is_withdrawn(client, world):
    relationship = pair(world.coach, world.teacher, by=world.onlookers["teacher's CPD leader"])
    kept = services.observation_record(
        relationship=relationship, by=world.coach, teacher=world.teacher, kind="coaching",
        date=days(-2), notes="Shown to my friend",
    )  # fmt: skip
    services.observation_record(
        relationship=relationship, by=world.coach, teacher=world.teacher, kind="coaching",
        date=days(-1), notes="Not shown to anyone",
    )  # fmt: skip
    share = services.share_create(by=world.teacher, item=kept, colleague=world.friend)
    client.force_login(world.friend)
    page = client.get("/coaching/shared/").content.decode()
    assert "Shown to my friend" in page
    assert "Not shown to anyone" not in page
    assert client.get(relationship.get_absolute_url()).status_code == 404
    services.share_withdraw(share=share, by=world.teacher)
    assert "Shown to my friend" not in client.get("/coaching/shared/").content.decode()


def test_text_boxes_say_not_to_write_pupils_names_and_nothing_is_graded(client, world):
    relationship = pair(world.coach, world.teacher, by=world.onlookers["teacher's CPD leader"])
    client.force_login(world.coach)
    for name in ("coaching:observe", "coaching:meet"):
        page = client.get(reverse(name, kwargs={"pk": relationship.pk})).content.decode()
        assert "Do not write pupils&#x27; names." in page or "Do not write pupils' names." in page
        for word in ("grade", "score", "rating", "appraisal"):
            assert f'name="{word}' not in page

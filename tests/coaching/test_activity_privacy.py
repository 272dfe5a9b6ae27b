"""
The leaders' coaching pages show activity, never content, as a property: whatever coaching
happens (pairs in one school or across two, peers, paused and ended relationships, observations,
meetings, steps moved on), the teacher's CPD leader, the coach's CPD leader and the coordinator
read no word written inside it on the activity pages or in any of their CSVs, and cannot open
the relationship's page (403 or 404, the words absent).
"""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coaching import services
from coaching.activity import CSV_PARTS
from coaching.models import Meeting, Observation, Relationship
from tests.factories import UserFactory

from .factories import days

pytestmark = pytest.mark.django_db

MARK = "Kx9marker"

ONE = st.fixed_dictionaries(
    {
        "coach_elsewhere": st.booleans(),
        "teachers": st.integers(min_value=1, max_value=3),
        "observed": st.booleans(),
        "met": st.booleans(),
        "rehearsed": st.booleans(),
        "move": st.sampled_from(["", "practising", "embedded", "closed"]),
        "then": st.sampled_from(["", "pause", "end"]),
    }
)


def _play(personas, plan: dict, n: int) -> Relationship:
    coach_school = personas.other_school if plan["coach_elsewhere"] else personas.school
    coach = UserFactory(school=coach_school)
    teachers = [UserFactory(school=personas.school) for _ in range(plan["teachers"])]
    relationship = services.relationship_create(
        by=personas.coordinator, coaches=[coach], teachers=teachers, started_on=days(-20)
    )
    Relationship.objects.filter(pk=relationship.pk).update(request_message=f"{MARK} request {n}")
    relationship = Relationship.objects.prefetch_related("memberships").get(pk=relationship.pk)
    for t, teacher in enumerate(teachers):
        observation = None
        if plan["observed"]:
            observation = services.observation_record(
                relationship=relationship, by=coach, teacher=teacher, kind="coaching",
                date=days(-3), focus=f"{MARK} focus {n}.{t}", notes=f"{MARK} notes {n}.{t}",
            )  # fmt: skip
        if plan["met"]:
            meeting = services.meeting_record(
                relationship=relationship, by=coach, teacher=teacher, date=days(-1),
                praise=f"{MARK} praise {n}.{t}", notes=f"{MARK} meeting {n}.{t}",
                rehearsed=plan["rehearsed"], observation=observation,
                action=f"{MARK} step {n}.{t}", success_criteria=f"{MARK} criteria {n}.{t}",
                check_back=days(-1 if n % 2 else 5),
            )  # fmt: skip
            if plan["move"]:
                services.step_move(step=meeting.steps.get(), by=teacher, status=plan["move"])
    if plan["then"] == "pause":
        services.relationship_pause(relationship=relationship, by=teachers[0], paused=True)
    elif plan["then"] == "end":
        services.relationship_end(relationship=relationship, by=coach)
    return relationship


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(plans=st.lists(ONE, min_size=1, max_size=4))
def test_leaders_read_counts_and_never_a_word(personas, plans):
    with transaction.atomic():
        relationships = [_play(personas, plan, n) for n, plan in enumerate(plans)]
        # The words are there to be found (the test would prove nothing otherwise).
        written = Observation.objects.filter(notes__contains=MARK).count()
        written += Meeting.objects.filter(praise__contains=MARK).count()
        assert written == sum(p["teachers"] * (p["observed"] + p["met"]) for p in plans)
        school, other = personas.school.urn, personas.other_school.urn
        pages = {
            personas.leader: [f"/schools/{school}/coaching/"]
            + [f"/schools/{school}/coaching/{part}.csv" for part in CSV_PARTS],
            personas.other_leader: [f"/schools/{other}/coaching/"]
            + [f"/schools/{other}/coaching/{part}.csv" for part in CSV_PARTS],
            personas.coordinator: ["/coordinator/coaching/", f"/schools/{school}/coaching/"]
            + [f"/coordinator/coaching/{part}.csv" for part in CSV_PARTS],
        }
        for who, urls in pages.items():
            client = Client()
            client.force_login(who)
            for url in urls:
                response = client.get(url)
                assert response.status_code == 200, (who, url)
                body = (
                    b"".join(response.streaming_content) if response.streaming else response.content
                ).decode()
                assert MARK not in body, f"{who} reads coaching words at {url}"
            for relationship in relationships:
                response = client.get(relationship.get_absolute_url())
                assert response.status_code in (403, 404), (who, relationship)
                assert MARK not in response.content.decode()
        transaction.set_rollback(True)

"""Coaching as personal data: in both members' download; on erasure of either, the words go
and the counts stay; the retention period after a relationship ends does the same."""

import datetime
import json

import pytest
from django.utils import timezone

from coaching import retention, services
from coaching.models import ActionStep, Meeting, Observation, Relationship, Share
from coaching.tasks import apply_retention
from hubs.services import user_delete
from privacy.collect import personal_data

from .factories import SECRET_NOTE, SECRET_PRAISE, SECRET_STEP, full_cycle, pair

pytestmark = pytest.mark.django_db


def _counts(relationship):
    return (
        relationship.observations.count(),
        relationship.meetings.count(),
        relationship.steps.count(),
        relationship.meetings.filter(rehearsed=True).count(),
    )


def _words(relationship) -> str:
    return json.dumps(
        [
            list(Observation.objects.filter(relationship=relationship).values("focus", "notes")),
            list(Meeting.objects.filter(relationship=relationship).values("praise", "notes")),
            list(ActionStep.objects.filter(relationship=relationship).values("action")),
        ]
    )


def test_both_members_download_has_the_coaching_and_the_leader_s_has_no_words(personas):
    relationship = pair(personas.outsider, personas.owner, by=personas.leader)
    full_cycle(relationship, personas.outsider, personas.owner)
    for member in (personas.owner, personas.outsider):
        mine = json.dumps(personal_data(member)["coaching"], default=str)
        for secret in (SECRET_NOTE, SECRET_PRAISE, SECRET_STEP):
            assert secret in mine
    leader = personal_data(personas.leader)["coaching"]
    assert [r["id"] for r in leader["relationships_you_set_up"]] == [relationship.pk]
    assert SECRET_NOTE not in json.dumps(personal_data(personas.leader), default=str)


@pytest.mark.parametrize("erased", ["teacher", "coach"])
def test_erasing_either_member_removes_the_words_and_keeps_the_counts(personas, erased):
    relationship = pair(personas.outsider, personas.owner, by=personas.leader)
    _, _, step = full_cycle(relationship, personas.outsider, personas.owner)
    services.share_create(by=personas.owner, item=step, colleague=personas.colleague)
    before = _counts(relationship)
    person = personas.owner if erased == "teacher" else personas.outsider
    user_delete(user=person, by=person)
    relationship.refresh_from_db()
    assert _counts(relationship) == before
    words = _words(relationship)
    for secret in (SECRET_NOTE, SECRET_PRAISE, SECRET_STEP):
        assert secret not in words
    assert relationship.content_removed_at is not None
    assert not Share.objects.exists()
    assert relationship.memberships.count() == 1


def test_retention_removes_words_two_academic_years_after_the_end(personas, settings):
    assert settings.CPDHUB_RETENTION_COACHING_YEARS == 2
    ended = pair(personas.outsider, personas.owner, by=personas.leader)
    full_cycle(ended, personas.outsider, personas.owner)
    services.relationship_end(relationship=ended, by=personas.owner)
    going = pair(personas.outsider, personas.colleague, by=personas.leader)
    full_cycle(going, personas.outsider, personas.colleague)
    # Ended in March 2027 (year 2026/27): kept through 2027/28 and 2028/29.
    Relationship.objects.filter(pk=ended.pk).update(
        ended_at=datetime.datetime(2027, 3, 1, 12, tzinfo=timezone.get_default_timezone())
    )
    before = _counts(ended)
    assert retention.content_expire(today=datetime.date(2029, 7, 31)) == 0
    assert SECRET_NOTE in _words(ended)
    assert retention.content_expire(today=datetime.date(2029, 8, 1)) == 1
    ended.refresh_from_db()
    assert SECRET_NOTE not in _words(ended)
    assert _counts(ended) == before
    assert SECRET_NOTE in _words(going)  # still open: kept
    # The beat task is the same job, and a second run has nothing left to do.
    assert apply_retention() == 0


def test_retention_is_switched_off_at_zero(personas, settings):
    settings.CPDHUB_RETENTION_COACHING_YEARS = 0
    ended = pair(personas.outsider, personas.owner, by=personas.leader)
    full_cycle(ended, personas.outsider, personas.owner)
    services.relationship_end(relationship=ended, by=personas.owner)
    assert retention.content_expire(today=datetime.date(2040, 1, 1)) == 0
    assert SECRET_NOTE in _words(ended)

"""The cycle: set up, observe, meet, a step moving on with its history; who may do each."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from coaching import services
from coaching.models import ActionStep, Membership, Observation, Relationship
from tests.factories import UserFactory

from .factories import SECRET_STEP, community_step, days, full_cycle, pair

pytestmark = pytest.mark.django_db


def test_a_cpd_leader_pairs_their_teacher_with_a_coach_in_another_school(personas):
    relationship = pair(personas.outsider, personas.owner, by=personas.leader)
    assert relationship.kind == Relationship.Kind.PAIR
    assert relationship.rhythm_days == 14
    roles = {m.user: (m.role, m.school_id) for m in relationship.memberships.all()}
    assert roles[personas.outsider] == ("coach", personas.other_school.pk)
    assert roles[personas.owner] == ("teacher", personas.school.pk)


def test_a_cpd_leader_cannot_set_up_coaching_for_another_school_s_staff(personas):
    with pytest.raises(PermissionDenied):
        pair(personas.owner, personas.outsider, by=personas.leader)
    with pytest.raises(PermissionDenied):
        pair(personas.colleague, personas.owner, by=personas.outsider)
    assert not Relationship.objects.exists()


def test_the_coordinator_sets_up_a_peer_triad_across_schools(personas):
    relationship = services.relationship_create(
        by=personas.coordinator,
        coaches=[],
        teachers=[personas.owner, personas.outsider, personas.colleague],
        peer=True,
    )
    assert relationship.kind == Relationship.Kind.TRIAD
    assert set(relationship.memberships.values_list("role", flat=True)) == {"peer"}


def test_the_cycle_records_a_step_and_its_history(personas):
    relationship = pair(personas.outsider, personas.owner, by=personas.leader)
    observation, meeting, step = full_cycle(relationship, personas.outsider, personas.owner)
    assert meeting.observation == observation
    assert meeting.rehearsed
    assert step.action == SECRET_STEP
    assert step.status == ActionStep.Status.SET
    services.step_move(step=step, by=personas.owner, status="practising")
    services.step_move(step=step, by=personas.outsider, status="embedded")
    step.refresh_from_db()
    assert step.status == "embedded"
    assert step.embedded_at is not None
    history = [(e.status, e.by) for e in step.events.order_by("at", "pk")]
    assert history == [
        ("set", personas.outsider),
        ("practising", personas.owner),
        ("embedded", personas.outsider),
    ]
    with pytest.raises(ValidationError):
        services.step_move(step=step, by=personas.owner, status="practising")


def test_a_step_from_the_library_is_copied_into_the_meeting(personas):
    chosen = community_step(personas.coordinator)
    relationship = pair(personas.outsider, personas.owner, by=personas.leader)
    meeting = services.meeting_record(
        relationship=relationship,
        by=personas.outsider,
        teacher=personas.owner,
        date=days(0),
        library_step=chosen,
        check_back=days(7),
    )
    step = meeting.steps.get()
    assert (step.action, step.model_link, step.library_step) == (
        chosen.action,
        chosen.model_link,
        chosen,
    )


def test_only_the_coach_records_and_nobody_outside_moves_a_step(personas):
    relationship = pair(personas.outsider, personas.owner, by=personas.leader)
    _, _, step = full_cycle(relationship, personas.outsider, personas.owner)
    for who in (personas.owner, personas.leader, personas.coordinator, personas.colleague):
        with pytest.raises(PermissionDenied):
            services.observation_record(
                relationship=relationship,
                by=who,
                teacher=personas.owner,
                kind="drop_in",
                date=days(0),
            )
    for who in (personas.leader, personas.coordinator, personas.colleague):
        with pytest.raises(PermissionDenied):
            services.step_move(step=step, by=who, status="closed")
    assert Observation.objects.count() == 1
    step.refresh_from_db()
    assert step.status == "set"


def test_the_teacher_pauses_and_resumes_the_coach_cannot(personas):
    relationship = pair(personas.outsider, personas.owner, by=personas.leader)
    with pytest.raises(PermissionDenied):
        services.relationship_pause(relationship=relationship, by=personas.outsider, paused=True)
    services.relationship_pause(relationship=relationship, by=personas.owner, paused=True)
    relationship.refresh_from_db()
    assert relationship.status == "paused"
    services.relationship_pause(relationship=relationship, by=personas.owner, paused=False)
    relationship.refresh_from_db()
    assert relationship.status == "active"
    services.relationship_end(relationship=relationship, by=personas.outsider)
    relationship.refresh_from_db()
    assert relationship.status == "ended"
    assert relationship.ended_at is not None
    with pytest.raises(PermissionDenied):  # ended: nothing more is recorded
        full_cycle(relationship, personas.outsider, personas.owner)


def test_a_meeting_must_set_a_step_for_someone_coached_in_it(personas):
    relationship = pair(personas.outsider, personas.owner, by=personas.leader)
    stranger = UserFactory(school=personas.school)
    with pytest.raises(ValidationError):
        services.meeting_record(
            relationship=relationship,
            by=personas.outsider,
            teacher=stranger,
            date=days(0),
            action="Something",
        )
    with pytest.raises(ValidationError):
        services.meeting_record(
            relationship=relationship,
            by=personas.outsider,
            teacher=personas.owner,
            date=days(0),
            action="Something",
            check_back=days(-3),
        )
    assert not relationship.meetings.exists()


def test_a_group_has_at_most_six_people(personas):
    teachers = [UserFactory(school=personas.school) for _ in range(6)]
    with pytest.raises(ValidationError):
        services.relationship_create(
            by=personas.leader, coaches=[personas.outsider], teachers=teachers
        )
    assert not Membership.objects.exists()


def test_a_long_relationship_shows_ten_of_its_history_at_a_time(client, personas):
    """A year of weekly cycles: the page shows the current step and the latest ten meetings,
    observations and finished steps, with a link to the ten before, and so on back."""
    relationship = pair(personas.outsider, personas.owner, by=personas.leader)
    for week in range(25):
        _, _, step = full_cycle(
            relationship, personas.outsider, personas.owner, met=-7 * (25 - week), check_back=3
        )
        if week < 24:
            services.step_move(step=step, by=personas.owner, status="embedded")
    client.force_login(personas.owner)
    url = relationship.get_absolute_url()

    def meetings_on(html: str) -> int:
        return html.count('aria-label="Meeting on')

    latest = client.get(url).content.decode()
    assert meetings_on(latest) == 10
    assert latest.count('aria-label="Step for') == 11  # the current one and ten finished
    assert 'href="?earlier=1"' in latest
    assert days(-7).strftime("%-d %B %Y") in latest  # the latest meeting
    assert "Back to the latest" not in latest

    second = client.get(url + "?earlier=1").content.decode()
    assert meetings_on(second) == 10
    assert second.count('aria-label="Step for') == 10  # no current step repeated
    assert "Earlier steps" in second
    assert days(-7 * 11).strftime("%-d %B %Y") in second
    assert 'href="?earlier=2"' in second

    last = client.get(url + "?earlier=2").content.decode()
    assert meetings_on(last) == 5
    assert "?earlier=3" not in last
    assert f'href="{url}"' in last

    for odd in ("?earlier=x", "?earlier=-4"):
        assert meetings_on(client.get(url + odd).content.decode()) == 10
    assert "No meeting earlier" in client.get(url + "?earlier=100").content.decode()

"""Write-ups: published only when every current member agrees to the words as they stand (an
edit clears the agreements); the library searches and filters them, names the authors (an erased
one as "a former member"); each member may add one to their portfolio, linked to their own goal."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from enquiry import selectors, services, writeups
from enquiry.models import FORMER_MEMBER, WriteUp
from hubs.models import Phase, Subject
from hubs.services import user_delete
from portfolios.models import Entry
from tests.portfolios.factories import GoalFactory

from .factories import SECRET_DRAFT, group, publish

pytestmark = pytest.mark.django_db


def _draft(made, by, happened=SECRET_DRAFT):
    return writeups.write_up_save(
        group=made, by=by, question=made.question, tried="Bar models", happened=happened
    )


def test_published_only_once_every_member_agrees_and_an_edit_clears_agreements(personas):
    made = group(personas.owner, personas.outsider, personas.other_leader)
    _draft(made, personas.owner)
    assert writeups.write_up_agree(group=made, by=personas.owner) is False
    assert writeups.write_up_agree(group=made, by=personas.outsider) is False
    _draft(made, personas.other_leader, happened="Edited by Ruth")  # everyone agrees again
    assert not made.write_up.agreements.exists()
    for person in (personas.owner, personas.outsider):
        assert writeups.write_up_agree(group=made, by=person) is False
    assert writeups.write_up_agree(group=made, by=personas.other_leader) is True
    write_up = WriteUp.objects.get(group=made)
    assert write_up.is_published
    assert write_up.published_at is not None
    with pytest.raises(PermissionDenied):  # no edits once published
        _draft(made, personas.owner, happened="Changed afterwards")
    assert WriteUp.objects.get(group=made).happened == "Edited by Ruth"


def test_a_member_leaving_counts_the_rest_and_outsiders_cannot_agree(personas):
    made = group(personas.owner, personas.outsider)
    _draft(made, personas.owner)
    writeups.write_up_agree(group=made, by=personas.owner)
    for person in (personas.colleague, personas.leader, personas.coordinator):
        with pytest.raises(PermissionDenied):
            writeups.write_up_agree(group=made, by=person)
        with pytest.raises(PermissionDenied):
            _draft(made, person)
    services.group_leave(group=made, by=personas.outsider)
    assert WriteUp.objects.get(group=made).is_published  # everyone still in it agreed


def test_the_library_finds_by_words_and_filters_and_names_authors(personas):
    made = group(personas.owner, personas.outsider, slug="questioning")
    made.phases.set(Phase.objects.filter(slug="primary"))
    made.subjects.set(Subject.objects.filter(slug="mathematics"))
    publish(made, personas.owner, personas.outsider, tried="Cold call with wait time")
    other = group(personas.colleague, slug="feedback")
    publish(other, personas.colleague, tried="Whole-class feedback")
    draft = group(personas.leader)
    _draft(draft, personas.leader, happened="Never published words")

    def found(**filters):
        return [w.group_id for w in selectors.library(**filters)]

    assert sorted(found()) == sorted([made.pk, other.pk])
    assert found(q="cold WAIT") == [made.pk]
    assert found(q="never published") == []
    assert found(area=made.areas.get()) == [made.pk]
    assert found(phase=Phase.objects.get(slug="primary")) == [made.pk]
    assert found(subject=Subject.objects.get(slug="mathematics")) == [made.pk]
    assert found(kind="enquiry") == []
    write_up = selectors.published_write_up(made.write_up.pk)
    assert selectors.authors(write_up) == [personas.owner.full_name, personas.outsider.full_name]
    user_delete(user=personas.outsider, by=personas.coordinator)
    write_up = selectors.published_write_up(made.write_up.pk)
    assert selectors.authors(write_up) == [personas.owner.full_name, FORMER_MEMBER]


def test_a_member_adds_it_to_their_portfolio_linked_to_their_own_goal_once(personas):
    made = group(personas.owner, personas.outsider)
    write_up = publish(made, personas.owner, personas.outsider)
    goal = GoalFactory(owner=personas.owner)
    entry = writeups.write_up_to_portfolio(write_up=write_up, by=personas.owner, goal=goal)
    assert entry.kind == Entry.Kind.ENQUIRY
    assert list(entry.goals.all()) == [goal]
    assert SECRET_DRAFT in entry.impact_pupils
    again = writeups.write_up_to_portfolio(write_up=write_up, by=personas.owner, goal=goal)
    assert again == entry
    assert Entry.objects.filter(owner=personas.owner).count() == 1
    with pytest.raises(ValidationError):  # someone else's goal
        writeups.write_up_to_portfolio(write_up=write_up, by=personas.outsider, goal=goal)
    with pytest.raises(PermissionDenied):  # not in the group
        writeups.write_up_to_portfolio(
            write_up=write_up, by=personas.colleague, goal=GoalFactory(owner=personas.colleague)
        )
    assert not Entry.objects.filter(owner__in=[personas.outsider, personas.colleague]).exists()

"""An embedded step goes into the teacher's portfolio only when the teacher chooses, with their
own reflection, linked to one of their goals."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from coaching import services
from portfolios.models import Entry
from tests.portfolios.factories import GoalFactory

from .factories import SECRET_STEP, full_cycle, pair

pytestmark = pytest.mark.django_db


def test_nothing_goes_to_the_portfolio_until_the_teacher_copies_an_embedded_step(personas):
    relationship = pair(personas.outsider, personas.owner, by=personas.leader)
    _, _, step = full_cycle(relationship, personas.outsider, personas.owner)
    goal = GoalFactory(owner=personas.owner)
    with pytest.raises(PermissionDenied):  # not embedded yet
        services.step_copy_to_portfolio(step=step, by=personas.owner, reflection="x", goal=goal)
    services.step_move(step=step, by=personas.outsider, status="embedded")
    step.refresh_from_db()
    assert not Entry.objects.exists()  # embedding alone copies nothing
    with pytest.raises(PermissionDenied):  # the coach cannot put it in her portfolio
        services.step_copy_to_portfolio(step=step, by=personas.outsider, reflection="x")
    entry = services.step_copy_to_portfolio(
        step=step, by=personas.owner, reflection="Pupils wait now.", goal=goal, hours=Decimal("2")
    )
    assert entry.owner == personas.owner
    assert entry.kind == Entry.Kind.COACHING_RECEIVED
    assert SECRET_STEP in entry.title
    assert entry.learned == "Pupils wait now."
    assert list(entry.goals.all()) == [goal]
    step.refresh_from_db()
    assert step.portfolio_entry == entry
    with pytest.raises(PermissionDenied):  # once
        services.step_copy_to_portfolio(step=step, by=personas.owner, reflection="again")
    assert Entry.objects.count() == 1

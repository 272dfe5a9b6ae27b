import pytest

from .factories import full_cycle, pair


@pytest.fixture
def cross_school(personas):
    """The outsider (Thornbury) coaches the owner (Ashgrove), set up by Ashgrove's leader, with
    an observation, a meeting and a step written (their secret words in each)."""
    relationship = pair(personas.outsider, personas.owner, by=personas.leader)
    full_cycle(relationship, personas.outsider, personas.owner)
    return relationship

"""The step library: search and filters; community steps curated by the coordinator, a
school's by its CPD leaders; anyone coaching proposes."""

import pytest
from django.core.exceptions import PermissionDenied

from coaching import library, selectors
from coaching.models import Step
from hubs.models import Phase

from .factories import community_step, pair

pytestmark = pytest.mark.django_db


def _propose(by, school=None, title="Show-me boards"):
    return library.step_propose(
        by=by,
        title=title,
        action="Everyone writes, then shows on the count of three.",
        success_criteria="Every board is up at once.",
        category="checking",
        school=school,
    )


def test_curators_publish_at_once_others_propose(personas):
    assert community_step(personas.coordinator).status == Step.Status.PUBLISHED
    assert _propose(personas.leader, personas.school).status == Step.Status.PUBLISHED
    with pytest.raises(PermissionDenied):  # not coaching anyone, not a curator
        _propose(personas.owner)
    pair(personas.owner, personas.colleague, by=personas.leader)
    proposal = _propose(personas.owner, title="Mine")
    assert proposal.status == Step.Status.PROPOSED
    assert proposal not in selectors.library(personas.colleague)
    with pytest.raises(PermissionDenied):  # the community's: the coordinator decides
        library.step_decide(step=proposal, by=personas.leader, publish=True)
    library.step_decide(step=proposal, by=personas.coordinator, publish=True)
    proposal.refresh_from_db()
    assert proposal.status == Step.Status.PUBLISHED
    assert proposal in selectors.library(personas.colleague)


def test_a_school_s_steps_are_its_own(personas):
    ours = _propose(personas.leader, personas.school, title="Our routine")
    assert ours in selectors.library(personas.owner)
    assert ours not in selectors.library(personas.outsider)
    assert list(selectors.library(personas.owner, scope="school")) == [ours]


def test_search_and_filters(client, personas):
    questioning = community_step(personas.coordinator, title="Cold call")
    checking = community_step(personas.coordinator, title="Exit question", category="checking")
    primary = Phase.objects.order_by("pk").first()
    checking.phases.set([primary])
    other_phase = Phase.objects.exclude(pk=primary.pk).first()
    assert list(selectors.library(personas.owner, category="questioning")) == [questioning]
    assert list(selectors.library(personas.owner, q="exit")) == [checking]
    assert checking not in selectors.library(personas.owner, phase=other_phase)
    assert questioning in selectors.library(personas.owner, phase=other_phase)  # any phase
    client.force_login(personas.owner)
    html = client.get("/coaching/steps/?category=checking").content.decode()
    assert "Exit question" in html
    assert "Cold call" not in html
    html = client.get("/coaching/steps/?q=zzzz").content.decode()
    assert "No step matches" in html

"""The step library: search and filters; community steps curated by the coordinator, a
school's by its CPD leaders; anyone coaching proposes."""

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from coaching import library, selectors, services
from coaching.models import Step
from coaching.starter_steps import STARTER_STEPS, WRITTEN_MODELS
from hubs.models import Phase

from .factories import community_step, days, pair

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


def test_every_starter_step_has_a_written_model():
    titles = [title for _, title, _, _ in STARTER_STEPS]
    assert len(titles) == len(set(titles)) >= 40
    assert set(WRITTEN_MODELS) == set(titles)
    for title, model in WRITTEN_MODELS.items():
        assert 60 <= len(model) <= Step._meta.get_field("model_example").max_length, title


def test_a_real_community_loads_the_starter_library_once_and_keeps_its_own_edits(personas):
    out = io.StringIO()
    call_command("load_starter_steps", stdout=out)
    assert "42 starter steps added" in out.getvalue()
    steps = Step.objects.filter(school=None, status=Step.Status.PUBLISHED)
    assert steps.count() == 42
    assert not steps.filter(model_example="").exists()
    edited = steps.get(title="No opt out")
    edited.action = "Our trust's own wording."
    edited.save()
    out = io.StringIO()
    call_command("load_starter_steps", stdout=out)
    assert "0 starter steps added" in out.getvalue()
    assert Step.objects.get(pk=edited.pk).action == "Our trust's own wording."
    assert Step.objects.filter(school=None).count() == 42


def test_a_step_s_written_model_is_shown_with_it_and_with_the_step_set_from_it(client, personas):
    step = library.step_propose(
        by=personas.coordinator,
        title="Wait, then name",
        action="Ask the question, wait three seconds, then name who answers.",
        success_criteria="Every pupil is thinking during the pause.",
        category="questioning",
        model_example='"Why is the sky blue? Everyone think… Kai."',
    )
    client.force_login(personas.owner)
    assert (
        "Why is the sky blue? Everyone think… Kai."
        in client.get(f"/coaching/steps/{step.pk}/").content.decode()
    )
    assert "What it sounds like" in client.get("/coaching/steps/").content.decode()
    relationship = pair(personas.outsider, personas.owner, by=personas.leader)
    services.meeting_record(
        relationship=relationship,
        by=personas.outsider,
        teacher=personas.owner,
        date=days(-1),
        praise="Clear routines.",
        notes="",
        rehearsed=True,
        library_step=step,
        check_back=days(6),
    )
    for page in ("/coaching/", relationship.get_absolute_url()):
        html = client.get(page).content.decode()
        assert "What it sounds like" in html
        assert "Why is the sky blue? Everyone think… Kai." in html

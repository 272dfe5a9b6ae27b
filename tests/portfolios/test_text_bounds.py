"""Every text a person types in the portfolio has a limit a person
would write to, said in words on the form, and held by the database whatever the path."""

import pytest
from django.db import IntegrityError, transaction

from cpdhub.academic_year import current_academic_year
from experts.models import ExpertiseArea
from portfolios.models import (
    ENTRY_TEXT_MAX,
    GOAL_TEXT_MAX,
    NEED_TEXT_MAX,
    STATEMENT_MAX,
    Entry,
    Goal,
    GoalReview,
    ImpactFollowUp,
    Need,
    Statement,
)

from .factories import EntryFactory, GoalFactory, NeedFactory, follow_up_for
from .test_forms import entry_post, goal_post

pytestmark = pytest.mark.django_db


def too_long(limit: int) -> tuple[str, str]:
    """A text one over the limit (with a thousand more) and the sentence the form says."""
    n = limit + 1012
    return "a" * n, f"Keep this to {limit:,} characters or fewer (it has {n:,})."


@pytest.mark.parametrize("field", ["description", "success_criteria"])
def test_a_goal_text_over_its_limit_is_refused_in_words(client, personas, field):
    text, sentence = too_long(GOAL_TEXT_MAX)
    client.force_login(personas.owner)
    response = client.post("/portfolio/goals/new/", goal_post(**{field: text}))
    assert response.status_code == 400
    assert sentence in response.content.decode()
    assert not Goal.objects.exists()


def test_the_goal_form_tells_the_browser_and_the_person_the_limit(client, personas):
    client.force_login(personas.owner)
    page = client.get("/portfolio/goals/new/").content.decode()
    assert f'maxlength="{GOAL_TEXT_MAX}"' in page
    assert "Up to 2,000 characters." in page


@pytest.mark.parametrize(
    "field", ["learned", "will_try", "impact_practice", "impact_pupils", "evidence"]
)
def test_an_entry_text_over_its_limit_is_refused_in_words(client, personas, field):
    text, sentence = too_long(ENTRY_TEXT_MAX)
    client.force_login(personas.owner)
    response = client.post("/portfolio/log/new/", entry_post(**{field: text}))
    assert response.status_code == 400
    assert sentence in response.content.decode()
    assert not Entry.objects.exists()


def test_a_long_review_note_is_refused_and_not_saved(client, personas):
    goal = GoalFactory(owner=personas.owner)
    client.force_login(personas.owner)
    client.post(f"/portfolio/goals/{goal.pk}/review/", {"note": "a" * (GOAL_TEXT_MAX + 1)})
    assert not GoalReview.objects.exists()


def test_a_need_over_its_limit_is_refused_in_words(client, personas):
    text, sentence = too_long(NEED_TEXT_MAX)
    client.force_login(personas.owner)
    response = client.post(
        "/portfolio/needs/",
        {"area": ExpertiseArea.objects.first().pk, "description": text, "priority": "high"},
    )
    assert response.status_code == 400
    assert sentence in response.content.decode()
    assert not Need.objects.exists()


def test_a_follow_up_answer_over_its_limit_is_refused_in_words(client, personas):
    follow_up = follow_up_for(
        EntryFactory(owner=personas.owner, will_try="Whiteboards"), days_ago=2
    )
    text, sentence = too_long(ENTRY_TEXT_MAX)
    client.force_login(personas.owner)
    response = client.post(
        follow_up.get_absolute_url(), {"tried": "yes", "level": "pupils", "what_happened": text}
    )
    assert response.status_code == 400
    assert sentence in response.content.decode()
    assert ImpactFollowUp.objects.get().answered_at is None


def test_a_statement_over_its_limit_is_refused_in_words(client, personas):
    text, sentence = too_long(STATEMENT_MAX)
    client.force_login(personas.owner)
    response = client.post(f"/portfolio/statement/{current_academic_year()}/", {"text": text})
    assert response.status_code == 400
    assert sentence in response.content.decode()
    assert not Statement.objects.exists()


@pytest.mark.parametrize(
    ("make", "field", "limit"),
    [
        (lambda p: GoalFactory(owner=p), "description", GOAL_TEXT_MAX),
        (lambda p: GoalFactory(owner=p), "success_criteria", GOAL_TEXT_MAX),
        (lambda p: EntryFactory(owner=p), "learned", ENTRY_TEXT_MAX),
        (lambda p: EntryFactory(owner=p), "evidence", ENTRY_TEXT_MAX),
        (lambda p: NeedFactory(owner=p), "description", NEED_TEXT_MAX),
    ],
)
def test_the_database_refuses_an_over_long_text_whatever_the_path(personas, make, field, limit):
    item = make(personas.owner)
    before = getattr(item, field)
    with pytest.raises(IntegrityError), transaction.atomic():
        type(item).objects.filter(pk=item.pk).update(**{field: "a" * (limit + 1)})
    item.refresh_from_db()
    assert getattr(item, field) == before

"""
The staff survey's anonymity as properties: nothing (table, admin, export, erasure, email
ledger, page) can put an answer beside a person; results hidden below 5 answers, shown from 5;
the coordinator never reads a school's words unless the school shares its report.
"""

import json

import pytest
from django.contrib import admin
from django.core import mail
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hubs.models import User
from hubs.services import user_delete
from notifications.models import Delivery
from privacy.collect import personal_data
from quality import selectors, survey
from quality.models import SurveyAnswer, SurveyInvite, SurveyResponse

from .factories import SECRET_COMMENT, answer, open_survey, rate_all, review_of, staff

pytestmark = pytest.mark.django_db


def test_the_answers_tables_hold_nothing_that_points_at_a_person_or_a_token():
    for model in (SurveyResponse, SurveyAnswer):
        targets = {
            f.related_model for f in model._meta.get_fields() if f.is_relation and f.concrete
        }
        assert User not in targets
        assert SurveyInvite not in targets
        columns = {f.column for f in model._meta.concrete_fields}
        assert not any("user" in c or "token" in c or "invite" in c for c in columns), columns
        # No time finer than the day, and a random key: no order of answering to read.
        kinds = {f.get_internal_type() for f in model._meta.concrete_fields}
        assert "DateTimeField" not in kinds
        assert model._meta.pk.get_internal_type() == "UUIDField"
    # Nothing points from the invites to the answers either.
    assert SurveyResponse not in {
        f.related_model for f in SurveyInvite._meta.get_fields() if f.is_relation and f.concrete
    }


def test_the_admin_has_no_page_for_answers_or_invites():
    registered = set(admin.site._registry)
    assert not {SurveyResponse, SurveyAnswer, SurveyInvite} & registered


def _surveyed(personas, n: int):
    team = staff(personas.school, max(0, 5 - 3))
    review = review_of(personas)
    found = open_survey(review, personas.leader)
    people = [personas.owner, personas.colleague, personas.leader, *team]
    for person in people[:n]:
        answer(found, person, score=4)
    return review, found, people


def test_export_says_a_survey_was_sent_never_the_answers(personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    _review, _found, _people = _surveyed(personas, 5)
    data = personal_data(personas.owner)
    section = data["quality_reviews"]["staff_surveys_you_were_sent"]
    assert len(section) == 1
    assert section[0]["answered"] is True
    assert "token_hash" not in section[0]
    text = json.dumps(data, default=str)
    for response in SurveyResponse.objects.all():
        assert str(response.pk) not in text
    for row in SurveyAnswer.objects.all():
        assert str(row.pk) not in text
    assert "score" not in text


def test_erasure_leaves_the_answers_whole_and_pointing_at_nobody(personas):
    _review, found, _people = _surveyed(personas, 5)
    before = sorted(SurveyAnswer.objects.values_list("pk", "part_id", "score", "response_id"))
    user_delete(user=personas.owner, by=personas.owner)
    assert not SurveyInvite.objects.filter(user_id=personas.owner.pk).exists()
    after = sorted(SurveyAnswer.objects.values_list("pk", "part_id", "score", "response_id"))
    assert after == before
    assert found.responses.count() == 5


def test_the_ledger_row_and_the_email_carry_no_answer(personas, django_capture_on_commit_callbacks):
    staff(personas.school, 2)
    review = review_of(personas)
    with django_capture_on_commit_callbacks(execute=True):
        found = open_survey(review, personas.leader)
    answer(found, personas.owner, score=1)
    row = Delivery.objects.get(kind="quality_survey", recipient=personas.owner)
    values = {f.name: getattr(row, f.name) for f in Delivery._meta.concrete_fields}
    assert row.key == f"quality_survey:{found.pk}"
    assert not any("score" in str(v) or "answer" in str(v).lower() for v in values.values())
    for message in mail.outbox:
        assert "score" not in message.body


def _page(client, review) -> str:
    return client.get(review.get_absolute_url()).content.decode()


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(n=st.integers(min_value=0, max_value=7))
def test_results_hidden_below_five_answers_and_shown_from_five(personas, n):
    with transaction.atomic():
        team = staff(personas.school, 4)
        review = review_of(personas)
        found = open_survey(review, personas.leader)
        people = [personas.owner, personas.colleague, personas.leader, *team]
        for person in people[:n]:
            answer(found, person, score=4)
        client = Client()
        client.force_login(personas.leader)
        body = _page(client, review)
        assert f"{n} of 7 staff have answered" in body
        if n >= 5:
            assert 'id="survey-results"' in body
            assert "survey-hidden" not in body
        else:
            assert 'id="survey-results"' not in body
            assert "hidden until 5 or more" in body
        transaction.set_rollback(True)


def test_hidden_at_four_shown_at_five(personas, client):
    review, found, people = _surveyed(personas, 4)
    client.force_login(personas.leader)
    assert 'id="survey-results"' not in _page(client, review)
    answer(found, people[4], score=4)
    body = _page(client, review)
    assert 'id="survey-results"' in body
    assert "Leading" in body


def test_the_coordinator_sees_levels_never_words_unless_shared(personas, client):
    from quality import services  # noqa: PLC0415 -- only here

    review = review_of(personas)
    rate_all(review, personas.leader)
    client.force_login(personas.coordinator)
    for url in (f"/schools/{personas.school.urn}/review/", "/coordinator/quality/"):
        body = client.get(url).content.decode()
        assert SECRET_COMMENT not in body
        assert "Embedded" in body
    assert client.get(review.get_absolute_url()).status_code == 404
    services.review_share(review=review, by=personas.leader, shared=True)
    assert SECRET_COMMENT in _page(client, review).replace("&#x27;", "'")
    # Another school's leader never reads it.
    client.force_login(personas.other_leader)
    assert client.get(review.get_absolute_url()).status_code == 404
    assert selectors.stage(review) == "Self-review under way"


def test_survey_link_answers_once_without_sign_in(personas):
    staff(personas.school, 2)
    review = review_of(personas)
    found = open_survey(review, personas.leader)
    token = survey.token_for(found.pk, personas.owner.pk)
    anonymous = Client()
    page = anonymous.get(f"/survey/{token}/")
    assert page.status_code == 200
    parts = list(review.framework.parts.all())
    done = anonymous.post(f"/survey/{token}/", {f"part_{p.pk}": "3" for p in parts})
    assert done.status_code == 200
    assert "Thank you" in done.content.decode()
    assert SurveyResponse.objects.count() == 1
    again = anonymous.post(f"/survey/{token}/", {f"part_{p.pk}": "1" for p in parts})
    assert "Thank you" in again.content.decode()
    assert SurveyAnswer.objects.filter(score=1).count() == 0
    assert anonymous.get("/survey/not-a-token/").status_code == 404

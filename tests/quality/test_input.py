"""Bad input to the pages the fuzz crawl does not reach (the survey link and the peer
reviewer's forms): never a 500, nothing written by a refusal."""

from urllib.parse import quote

import pytest
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quality import survey
from quality.models import Finding, SurveyResponse
from quality.peer import reviewer_invite

from .factories import open_survey, review_of, staff

pytestmark = pytest.mark.django_db

HOSTILE = st.one_of(
    st.text(max_size=50),
    st.sampled_from(["\x00", "x" * 10_000, "-1", "9" * 30, "<script>", "2026-13-45", "²"]),
)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(value=HOSTILE, field_name=st.sampled_from(["part", "level", "text", "date", "end_time"]))
def test_hostile_answers_and_findings_are_refused_whole(personas, value, field_name):
    with transaction.atomic():
        _try(personas, value, field_name)
        transaction.set_rollback(True)


def _try(personas, value, field_name):
    staff(personas.school, 2)
    review = review_of(personas)
    found = open_survey(review, personas.leader)
    peer = reviewer_invite(review=review, by=personas.leader, reviewer=personas.other_leader)
    parts = list(review.framework.parts.all())
    anonymous = Client()
    token = survey.token_for(found.pk, personas.owner.pk)
    data = {f"part_{p.pk}": value for p in parts}
    response = anonymous.post(f"/survey/{token}/", data)
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert SurveyResponse.objects.count() == 0
    wrong = quote(f"{value[:80]}x", safe="")
    assert anonymous.post(f"/survey/{wrong}/", data).status_code == 404
    reviewer = Client()
    reviewer.force_login(personas.other_leader)
    base = review.get_absolute_url()
    findings = {f"{field_name}_{p.pk}": value for p in parts} | {"text_1": value}
    response = reviewer.post(base + "peer/findings/", findings)
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        assert not Finding.objects.filter(peer_review=peer).exclude(text="").exists()
    visit = {"date": value, "start_time": value, "end_time": value, field_name: value}
    assert reviewer.post(base + "peer/visit/", visit).status_code in (302, 400)

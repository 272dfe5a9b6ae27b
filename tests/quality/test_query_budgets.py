"""The review's pages and the coordinator's cost the same number of queries with one row as
with many (criteria rated, actions, survey answers, schools and their reviews)."""

import pytest
from django.urls import reverse

from cpdhub.academic_year import current_academic_year
from quality import peer, services
from tests.factories import SchoolFactory, UserFactory

from .factories import answer, open_survey, rate_all, review_of, staff

pytestmark = pytest.mark.django_db

BUDGET = 40
COMMUNITY_BUDGET = 15
INVITE_BUDGET = 12


def _grow(personas, review, n: int) -> None:
    part = review.framework.parts.first()
    for i in range(n):
        services.action_add(review=review, by=personas.leader, part=part, text=f"Action {i}")


def test_review_page_same_with_one_row_and_many(client, personas, count_queries):
    staff(personas.school, 3)
    review = review_of(personas)
    rate_all(review, personas.leader)
    found = open_survey(review, personas.leader)
    peer.reviewer_invite(review=review, by=personas.leader, reviewer=personas.other_leader)
    _grow(personas, review, 1)
    answer(found, personas.owner)
    client.force_login(personas.leader)
    url = review.get_absolute_url()
    few = count_queries(url)
    _grow(personas, review, 10)
    for person in [*staff(personas.school, 0), personas.colleague, personas.leader]:
        answer(found, person)
    many = count_queries(url)
    assert few == many
    assert many <= BUDGET


def test_coordinator_page_same_with_one_school_and_many(client, personas, count_queries):
    year = current_academic_year()
    review = review_of(personas)
    rate_all(review, personas.leader)
    client.force_login(personas.coordinator)
    few = count_queries("/coordinator/quality/")
    for _ in range(30):
        school = SchoolFactory()
        leader = UserFactory(school=school)
        school.cpd_leaders.add(leader)
        other = services.review_start(school=school, year=year, by=leader)
        rate_all(other, leader, rank=2)
        services.action_add(
            review=other, by=leader, part=other.framework.parts.first(), text="An action"
        )
    many = count_queries("/coordinator/quality/")
    assert few == many
    assert many <= COMMUNITY_BUDGET


def test_invite_page_same_with_one_reviewer_to_suggest_and_many(client, personas, count_queries):
    review = review_of(personas)
    client.force_login(personas.coordinator)
    url = reverse(
        "quality:reviewer_invite", kwargs={"urn": personas.school.urn, "year": review.year}
    )
    few = count_queries(url)
    for _ in range(15):
        school = SchoolFactory()
        school.cpd_leaders.add(UserFactory(school=school))
    peer.reviewer_invite(review=review, by=personas.coordinator, reviewer=personas.other_leader)
    many = count_queries(url)
    assert few == many
    assert many <= INVITE_BUDGET

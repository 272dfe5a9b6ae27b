"""The training pages cost the same number of queries with one row as with many: my training,
the requirements, a school's matrix (and its printable page and CSV), a person's page and the
community's summary."""

import pytest

from hubs.models import Responsibility, UserResponsibility
from tests.factories import SchoolFactory, UserFactory

from .factories import done, expiring_in, requirement

pytestmark = pytest.mark.django_db

BUDGET = 15


def _pages(personas):
    urn = personas.school.urn
    return [
        ("owner", "/training/"),
        ("leader", "/training/requirements/"),
        ("leader", f"/schools/{urn}/training/"),
        ("leader", f"/schools/{urn}/training/?status=overdue"),
        ("leader", f"/schools/{urn}/training/print/"),
        ("leader", f"/schools/{urn}/training/people/{personas.owner.pk}/"),
        ("coordinator", "/coordinator/training/"),
        ("coordinator", "/training/requirements/"),
    ]


def _counts(client, personas, count_queries) -> dict:
    out = {}
    for role, url in _pages(personas):
        client.force_login(getattr(personas, role))
        out[url, role] = count_queries(url)
    return out


def test_training_pages_fit_the_budget_with_one_row_and_with_many(client, personas, count_queries):
    safeguarding = requirement()
    done(safeguarding, personas.owner, days_ago=400)
    requirement("First aid", school=personas.school)
    one = _counts(client, personas, count_queries)
    for i in range(6):
        extra = requirement(f"Extra {i}", school=personas.school, job_roles=["teacher"],
                            responsibilities=[Responsibility.DSL])  # fmt: skip
        done(extra, personas.owner, days_ago=10 * i)
        school = SchoolFactory()
        requirement(f"Theirs {i}", school=school)
        for _ in range(3):
            person = UserFactory(school=personas.school if i % 2 else school)
            UserResponsibility.objects.create(user=person, responsibility=Responsibility.DSL)
            done(safeguarding, person, days_ago=40 * i)
            expiring_in(extra, person, 5 * i - 10)
        done(safeguarding, personas.owner, days_ago=3 * i)
    many = _counts(client, personas, count_queries)
    for key in one:
        assert many[key] == one[key], key
        assert many[key] <= BUDGET, many[key]

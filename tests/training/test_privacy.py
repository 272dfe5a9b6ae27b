"""The community's summary is counts only: a figure about fewer than 5 people reads "fewer
than 5" (cpdhub/small_numbers.py), whatever the numbers, on the page as in the selector."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cpdhub.small_numbers import FEWER_THAN_FIVE
from tests.factories import UserFactory
from training import selectors
from training.models import Completion, Requirement

from .factories import done, expiring_in, requirement

pytestmark = pytest.mark.django_db


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    in_date=st.integers(0, 7),
    overdue=st.integers(0, 7),
    due=st.integers(0, 3),
)
def test_no_figure_below_five_is_shown(personas, in_date, overdue, due):
    Completion.objects.all().delete()
    Requirement.objects.all().delete()
    safeguarding = requirement()
    people = [UserFactory(school=personas.school) for _ in range(in_date + overdue + due)]
    for person in people[:in_date]:
        done(safeguarding, person, days_ago=10)
    for person in people[in_date : in_date + overdue]:
        done(safeguarding, person, days_ago=4 * 365)
    for person in people[in_date + overdue :]:
        expiring_in(safeguarding, person, 3)
    raw = selectors.community_summary(protected=False)
    shown = selectors.community_summary()
    for raw_row, shown_row in zip(raw, shown, strict=True):
        for (_, counts), (_, figures) in zip(raw_row.counts, shown_row.counts, strict=True):
            for status, count in counts.items():
                expected = FEWER_THAN_FIVE if 0 < count < 5 else count
                assert figures[status] == expected
    mine = next(r for r in raw if r.school == personas.school)
    (_, counts) = mine.counts[0]
    assert counts["in_date"] == in_date
    assert counts["overdue"] == overdue
    assert counts["due"] == due


def test_the_coordinator_s_page_shows_fewer_than_5(client, personas):
    done(requirement(), personas.owner, days_ago=4 * 365)
    client.force_login(personas.coordinator)
    page = client.get("/coordinator/training/").content.decode()
    assert FEWER_THAN_FIVE in page
    assert personas.owner.full_name not in page


@pytest.mark.postgres
def test_postgres_counts_the_same_as_the_plain_fallback(personas):
    """The summary's one statement on Postgres and the SQLite fallback give the same counts:
    roles, responsibilities, renewals, training that never expires, another school's own."""
    from django.utils import timezone  # noqa: PLC0415 -- this test only

    from hubs.models import Responsibility, UserResponsibility  # noqa: PLC0415 -- idem

    everyone = requirement()
    teachers = requirement("Phonics", job_roles=["teacher"], responsibilities=["dsl"])
    once = requirement("Induction", months=None)
    theirs = requirement("Their own", school=personas.other_school)
    UserResponsibility.objects.create(user=personas.leader, responsibility=Responsibility.DSL)
    for n, person in enumerate([personas.owner, personas.colleague, personas.leader,
                                personas.outsider, personas.other_leader]):  # fmt: skip
        done(everyone, person, days_ago=300 * n)
        expiring_in(teachers, person, 20 * n - 30)
        if n % 2:
            done(once, person, days_ago=3000)
            done(theirs, person, days_ago=10)
    done(everyone, personas.leader, days_ago=1)  # renewed
    today = timezone.localdate()
    active = list(Requirement.objects.filter(active=True))
    assert selectors._counts_in_database(today) == selectors._counts_in_python(active, today)

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

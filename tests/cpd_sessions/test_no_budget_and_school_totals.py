"""
Approving against no budget is warned of, before the decision (the approvals page) and after
it (the confirmation); a school's totals are the whole school's, whatever the page filters.
"""

from decimal import Decimal

import pytest
from django.urls import reverse

from cpd_sessions.approvals import release_decide
from cpd_sessions.budget import budget_set, pairs_with_budget, school_totals, spent_in_year
from cpd_sessions.models import CpdBudget, ReleaseRequest
from cpdhub.academic_year import year_label

from .factories import SessionFactory, book, london, release_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def school_hours(personas):
    """A session at 10:00 on a weekday: inside every school's day."""
    return SessionFactory(capacity=5, start=london(10, 10, 0), end=london(10, 12, 0))


def _cell(page: str, start: str, end: str = "</td>") -> str:
    at = page.index(start)
    return page[at : page.index(end, at)]


def test_the_approvals_page_warns_before_approving_against_no_budget(
    client, personas, school_hours
):
    book(school_hours, personas.owner, release=release_data())
    client.force_login(personas.leader)
    page = client.get(reverse("cpd_sessions:approvals")).content.decode()
    year = school_hours.academic_year
    assert f"No budget set for {year_label(year)}:</strong> approving charges" in page
    assert "£192.50" in _cell(page, "No budget set for")
    # With a budget set there is nothing to warn about.
    budget_set(user=personas.owner, academic_year=year, allocated=Decimal(500), by=personas.leader)
    page = client.get(reverse("cpd_sessions:approvals")).content.decode()
    assert "No budget set for" not in page


def test_the_decision_warns_when_it_approved_against_no_budget(client, personas, school_hours):
    booking = book(school_hours, personas.owner, release=release_data())
    client.force_login(personas.leader)
    url = reverse("cpd_sessions:release_decide", args=[booking.release.pk])
    page = client.post(url, {"decision": "approve"}, follow=True).content.decode()
    assert "Approved: Sam Whitfield is booked on." in page
    assert f"Sam Whitfield has no CPD budget set for {school_hours.year_label}" in page
    # With a budget, the confirmation says nothing of the kind.
    other = book(school_hours, personas.colleague, release=release_data())
    budget_set(
        user=personas.colleague,
        academic_year=school_hours.academic_year,
        allocated=Decimal(500),
        by=personas.leader,
    )
    url = reverse("cpd_sessions:release_decide", args=[other.release.pk])
    page = client.post(url, {"decision": "approve"}, follow=True).content.decode()
    assert "Approved: Amelia Hughes is booked on." in page
    assert "no CPD budget set" not in page


def test_bulk_approval_names_those_approved_against_no_budget(client, personas, school_hours):
    book(school_hours, personas.owner, release=release_data())
    book(school_hours, personas.colleague, release=release_data())
    budget_set(
        user=personas.colleague,
        academic_year=school_hours.academic_year,
        allocated=Decimal(500),
        by=personas.leader,
    )
    client.force_login(personas.leader)
    ids = ReleaseRequest.objects.values_list("pk", flat=True)
    page = client.post(
        reverse("cpd_sessions:approvals_bulk"), {"release": list(ids)}, follow=True
    ).content.decode()
    assert "Approved 2 requests." in page
    assert "Approved with no CPD budget set for the year: Sam Whitfield." in page


def test_school_totals_are_the_schools_whatever_the_filter(client, personas, school_hours):
    for person in (personas.owner, personas.colleague):
        booking = book(school_hours, person, release=release_data())
        release_decide(release=booking.release, by=personas.leader, approve=True)
    budget_set(
        user=personas.colleague,
        academic_year=school_hours.academic_year,
        allocated=Decimal(1000),
        by=personas.leader,
    )
    client.force_login(personas.leader)
    url = reverse("cpd_sessions:approvals")
    for query in ({"show": "all"}, {"show": "all", "q": "Whitfield"}, {"show": "all", "q": "Hu"}):
        page = client.get(url, query).content.decode()
        totals = _cell(page, "<caption>School budgets", "</table>")
        assert "Ashgrove Primary School" in totals
        assert "£1,000.00" in totals  # allocated: the colleague's budget
        assert "£385.00" in totals  # spent: both people, whoever the search shows
        assert "£192.50 of it with no budget set" in totals  # the owner's
        assert "£615.00" in totals  # remaining


def test_the_budgets_page_totals_each_school_on_every_page(client, personas, school_hours):
    booking = book(school_hours, personas.owner, release=release_data())
    release_decide(release=booking.release, by=personas.leader, approve=True)
    client.force_login(personas.leader)
    page = client.get(
        reverse("cpd_sessions:budgets"), {"year": school_hours.year_label}
    ).content.decode()
    totals = _cell(page, "<caption>School totals", "</table>")
    assert 'data-label="Spent with no budget set">£192.50</td>' in totals
    # the owner, the colleague and the leader herself: the whole school's staff
    assert 'data-label="Staff with no budget">3</td>' in totals
    # and the person's own row says the spend had no budget to check it against
    assert '£192.50<br><span class="badge badge-warn">with no budget set</span>' in page


def test_school_totals_cost_the_same_with_one_school_and_many_people(
    personas, school_hours, django_assert_num_queries
):
    from tests.factories import UserFactory  # noqa: PLC0415 -- only here

    year = school_hours.academic_year
    with django_assert_num_queries(5):
        school_totals([personas.school.pk], year)
    for _ in range(4):
        person = UserFactory(school=personas.school)
        booking = book(school_hours, person, release=release_data())
        release_decide(release=booking.release, by=personas.leader, approve=True)
    with django_assert_num_queries(5):
        (total,) = school_totals([personas.school.pk], year)
    assert total.spent == total.spent_unbudgeted == Decimal("770.00")
    assert spent_in_year(person.pk, year) == Decimal("192.50")


def test_which_people_have_a_budget_is_one_query_however_many(personas, django_assert_num_queries):
    year = 2026
    CpdBudget.objects.create(user=personas.owner, academic_year=year, set_by=personas.leader)
    CpdBudget.objects.create(user=personas.colleague, academic_year=year, allocated=0)  # not set
    pairs = [(personas.owner.pk, year), (personas.colleague.pk, year), (personas.leader.pk, year)]
    with django_assert_num_queries(1):
        found = pairs_with_budget(pairs)
    assert found == {(personas.owner.pk, year)}
    with django_assert_num_queries(0):
        assert pairs_with_budget([]) == set()

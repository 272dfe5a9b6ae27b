"""The CPD leader's staff: every budget on one page, set for many at once, and each person's
CPD record (sessions only), printable and as CSV. Outsiders refused, nothing changed."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from cpd_sessions import approvals, attendance, staff_record
from cpd_sessions.booking import booking_cancel
from cpd_sessions.budget import budget_if_set, budget_set, budgets_set_many, spent_in_year
from cpd_sessions.models import Booking, CpdBudget, DevelopmentSession
from cpdhub.academic_year import current_academic_year, year_label
from tests.factories import UserFactory

from .factories import SessionFactory, book, london, release_data

pytestmark = pytest.mark.django_db

YEAR = current_academic_year()
URL = reverse("cpd_sessions:budgets")


def session_year_of(session) -> int:
    return session.academic_year


def test_page_lists_every_member_of_staff_with_allocation_spent_remaining_committed(
    client, personas
):
    session = SessionFactory(capacity=5, start=london(10, 10, 0), end=london(10, 12, 0))
    year = session.academic_year
    budget_set(
        user=personas.owner, academic_year=year, allocated=Decimal("500"), by=personas.leader
    )
    approved = book(session, personas.owner, release=release_data())
    approvals.release_decide(release=approved.release, by=personas.leader, approve=True)
    book(session, personas.colleague, release=release_data(supply_cost="100.00"))
    client.force_login(personas.leader)
    page = client.get(URL, {"year": year_label(year)})
    assert page.status_code == 200
    rows = {p.pk: p for p, _ in page.context["rows"]}
    assert set(rows) == {personas.owner.pk, personas.colleague.pk}  # never the leader, never others
    owner, colleague = rows[personas.owner.pk], rows[personas.colleague.pk]
    assert (owner.allocated, owner.spent, owner.remaining) == (
        Decimal("500.00"),
        Decimal("192.50"),
        Decimal("307.50"),
    )
    assert owner.committed == Decimal("0.00")
    assert not colleague.budget_set
    assert colleague.committed == Decimal("112.50")  # waiting for a decision
    assert "Not set" in page.content.decode()


def test_setting_budgets_leaves_the_ledger_as_it_was(personas):
    session = SessionFactory(capacity=5, start=london(10, 10, 0), end=london(10, 12, 0))
    year = session.academic_year
    booking = book(session, personas.owner, release=release_data())
    approvals.release_decide(release=booking.release, by=personas.leader, approve=True)
    before = spent_in_year(personas.owner.pk, year)
    budgets_set_many(
        allocations={personas.owner: Decimal("100"), personas.colleague: Decimal("100")},
        academic_year=year,
        by=personas.leader,
    )
    assert spent_in_year(personas.owner.pk, year) == before == Decimal("192.50")
    assert budget_if_set(personas.owner, year).remaining == Decimal("-92.50")


def test_budgets_set_many_is_all_or_nothing(personas):
    with pytest.raises(PermissionDenied):
        budgets_set_many(
            allocations={personas.owner: Decimal("100"), personas.outsider: Decimal("100")},
            academic_year=YEAR,
            by=personas.leader,
        )
    assert not CpdBudget.objects.exists()


def test_outsiders_are_refused_and_nothing_changes(client, personas):
    client.force_login(personas.owner)  # a teacher: no budgets page
    assert client.get(URL).status_code == 403
    assert client.post(URL, {f"budget-{personas.colleague.pk}": "100"}).status_code == 403
    all_url = reverse("cpd_sessions:budgets_all")
    assert client.post(all_url, {"allocated": "100", "who": "all"}).status_code == 403
    client.force_login(personas.other_leader)  # another school's leader: their staff only
    client.post(URL, {f"budget-{personas.owner.pk}": "100"})
    client.post(all_url, {"allocated": "100", "who": "all"})
    assert not CpdBudget.objects.filter(user__school=personas.school).exists()
    record = reverse("cpd_sessions:record", args=[personas.owner.pk])
    assert client.get(record).status_code == 404
    assert client.get(record.replace("/", "/", 1) + "record.csv").status_code == 404
    client.force_login(personas.owner)
    assert client.get(record).status_code == 403


def test_budgets_page_queries_are_the_same_for_one_and_many(client, personas, count_queries):
    client.force_login(personas.leader)
    one = count_queries(URL)
    for _ in range(8):
        person = UserFactory(school=personas.school)
        budget_set(user=person, academic_year=YEAR, allocated=Decimal("100"), by=personas.leader)
    assert count_queries(URL) == one


def _attended(session, user, lead):
    booking = book(session, user)
    start = timezone.now() - datetime.timedelta(days=1)
    DevelopmentSession.objects.filter(pk=session.pk).update(
        start=start, end=start + datetime.timedelta(hours=2)
    )
    session.dates.update(start=start, end=start + datetime.timedelta(hours=2))
    attendance.attendance_mark(
        session=DevelopmentSession.objects.get(pk=session.pk), by=lead, present_ids=[booking.pk]
    )
    return booking


def test_record_counts_booked_attended_hours_and_release_costs(client, personas):
    lead = personas.coordinator
    _attended(SessionFactory(leads=[lead]), personas.owner, lead)
    paid = SessionFactory(capacity=5, start=london(10, 10, 0), end=london(10, 12, 0))
    booking = book(paid, personas.owner, release=release_data())
    approvals.release_decide(release=booking.release, by=personas.leader, approve=True)
    cancelled = book(SessionFactory(), personas.owner)
    booking_cancel(booking=cancelled, by=personas.owner)
    record = staff_record.cpd_record(personas.owner, YEAR)
    if paid.academic_year == YEAR:
        assert (record.booked, record.attended, record.hours) == (2, 1, Decimal("2.0"))
        assert record.release_costs == Decimal("192.50")
        assert len(record.rows) == 3
    client.force_login(personas.leader)
    page = client.get(reverse("cpd_sessions:record", args=[personas.owner.pk]))
    assert page.status_code == 200
    assert "Sam Whitfield" in page.content.decode()
    csv_page = client.get(reverse("cpd_sessions:record_csv", args=[personas.owner.pk]))
    assert csv_page["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(csv_page.content.decode())))
    assert ["Sessions attended", "1"] in rows
    assert ["Hours attended", "2.0"] in rows


def test_record_csv_cells_never_run_as_formulas(client, personas):
    SessionFactory(title='=HYPERLINK("http://evil")')
    session = DevelopmentSession.objects.get(title__startswith="=")
    book(session, personas.owner)
    client.force_login(personas.leader)
    body = client.get(reverse("cpd_sessions:record_csv", args=[personas.owner.pk])).content
    assert b"'=HYPERLINK" in body


def test_record_queries_are_the_same_for_one_and_many(client, personas, count_queries):
    client.force_login(personas.leader)
    url = reverse("cpd_sessions:record", args=[personas.owner.pk])
    book(SessionFactory(), personas.owner)
    one = count_queries(url)
    for _ in range(6):
        book(SessionFactory(dates=None), personas.owner)
    assert count_queries(url) == one
    assert Booking.objects.filter(user=personas.owner).count() == 7


def test_a_bad_year_falls_back_to_this_year_with_a_message(client, personas):
    client.force_login(personas.leader)
    page = client.get(URL, {"year": "2026/99"})
    assert page.status_code == 200
    assert page.context["year"] == year_label(YEAR)
    assert "Write the academic year as schools do" in page.content.decode()


# --- What waits for the leader on the dashboard ---


def test_dashboard_tells_the_leader_what_waits_oldest_first(client, personas):
    session = SessionFactory(capacity=5, start=london(10, 10, 0), end=london(10, 12, 0))
    book(session, personas.owner, release=release_data())  # the owner asked first
    book(session, personas.colleague, release=release_data())
    client.force_login(personas.leader)
    page = client.get("/")
    waits = page.context["waits"]
    assert waits.pending == 2
    assert [r.booking.user for r in waits.oldest] == [personas.owner, personas.colleague]
    assert waits.without_budget == 2
    html = page.content.decode()
    assert "2</strong> release requests waiting" in html
    assert reverse("cpd_sessions:budgets") in html


def test_a_teacher_is_not_told_about_approvals(client, personas):
    client.force_login(personas.owner)
    page = client.get("/")
    assert page.context["waits"] is None
    assert "Waiting for you" not in page.content.decode()


def test_leader_dashboard_queries_do_not_grow_with_requests(client, personas, count_queries):
    client.force_login(personas.leader)
    session = SessionFactory(capacity=50, start=london(10, 10, 0), end=london(10, 12, 0))
    book(session, personas.owner, release=release_data())
    one = count_queries("/")
    for _ in range(6):
        book(session, UserFactory(school=personas.school), release=release_data())
    assert count_queries("/") == one


def test_dashboard_tells_the_leader_of_their_staffs_open_needs(client, personas):
    from tests.portfolios.factories import NeedFactory  # noqa: PLC0415 -- this test only

    NeedFactory(owner=personas.owner)
    NeedFactory(owner=personas.outsider)  # another school's
    client.force_login(personas.leader)
    html = client.get("/").content.decode()
    assert "<strong>1</strong> open CPD need from your staff" in html
    client.force_login(personas.owner)
    assert "open CPD need" not in client.get("/").content.decode()

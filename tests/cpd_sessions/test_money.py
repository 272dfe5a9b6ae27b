"""
The CPD budget as a ledger and nobody deciding their own
request: charges, refunds, the over-budget confirmation, bounds, one format.
"""

import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.template import Context, Template
from django.urls import reverse

from cpd_sessions import session_changes
from cpd_sessions.approvals import OverBudget, release_decide
from cpd_sessions.booking import booking_cancel
from cpd_sessions.budget import budget_if_set, budget_set, spent_in_year
from cpd_sessions.models import Booking, BudgetEntry, CpdBudget, DevelopmentSession, ReleaseRequest
from cpd_sessions.money import format_money
from cpdhub.academic_year import year_label
from hubs.models import User

from .factories import SessionFactory, book, london, release_data

pytestmark = pytest.mark.django_db

S = Booking.Status


@pytest.fixture
def school_hours(personas):
    """A session at 10:00 on a weekday: inside every school's day."""
    return SessionFactory(capacity=2, start=london(10, 10, 0), end=london(10, 12, 0))


def ledger(user) -> list[tuple[str, Decimal]]:
    return list(BudgetEntry.objects.filter(user=user).values_list("kind", "amount"))


def spent(user, session) -> Decimal:
    return spent_in_year(user.pk, session.academic_year)


def approve(booking, by, **kwargs):
    release = ReleaseRequest.objects.get(booking=booking)
    return release_decide(release=release, by=by, approve=True, **kwargs)


def set_budget(personas, person, session, amount):
    return budget_set(
        user=person,
        academic_year=session.academic_year,
        allocated=Decimal(amount),
        by=personas.leader if person.school == personas.school else personas.other_leader,
    )


# --- One money format ------------------------------------------------------------------------


def test_money_is_written_one_way_from_decimal():
    assert format_money(Decimal("1234.5")) == "£1,234.50"
    assert format_money(Decimal("278.40000000000000")) == "£278.40"
    assert format_money(Decimal("5000290.9")) == "£5,000,290.90"
    assert format_money(None) == "£0.00"
    assert format_money(Decimal("-12")) == "-£12.00"
    with pytest.raises(TypeError):
        format_money(278.4)
    page = Template("{% load money %}{{ x|money }}").render(Context({"x": Decimal("98.4")}))
    assert page == "£98.40"


def test_approvals_totals_are_pounds_and_pence(client, personas):
    """The totals read "£278.40000000000000": summed as Decimal in the database now."""
    for person, cost in ((personas.owner, "90.10"), (personas.colleague, "188.30")):
        session = SessionFactory(capacity=5, start=london(10, 10, 0), end=london(10, 12, 0))
        book(session, person, release=release_data(supply_cost=cost, travel_cost="0.00"))
    client.force_login(personas.leader)
    page = client.get(reverse("cpd_sessions:approvals")).content.decode()
    assert "<strong>£278.40</strong> in costs" in page
    assert not re.search(r"£[\d,]+\.\d{3}", page), "every amount has exactly two decimals"


# --- The ledger: charge when confirmed and approved, refund when that stops being true ---------


def test_approval_charges_one_row_and_a_cancelled_booking_is_refunded(personas, school_hours):
    booking = book(school_hours, personas.owner, release=release_data())
    assert ledger(personas.owner) == []  # nothing charged while it waits for a decision
    approve(booking, personas.leader)
    assert ledger(personas.owner) == [("charge", Decimal("192.50"))]
    entry = BudgetEntry.objects.get()
    assert entry.release.booking == booking
    assert entry.created_by == personas.leader
    assert entry.academic_year == school_hours.academic_year
    booking_cancel(booking=booking, by=personas.owner)
    booking_cancel(booking=booking, by=personas.owner)  # a second click: nothing more
    assert ledger(personas.owner) == [("charge", Decimal("192.50")), ("refund", Decimal("-192.50"))]
    assert spent(personas.owner, school_hours) == 0


def test_withdrawing_an_approval_refunds_and_frees_the_seat(personas, school_hours):
    DevelopmentSession.objects.filter(pk=school_hours.pk).update(capacity=1)
    booking = book(school_hours, personas.owner, release=release_data())
    waiting = book(school_hours, personas.colleague, release=release_data())
    approve(booking, personas.leader)
    promoted = release_decide(
        release=booking.release, by=personas.leader, approve=False, reason="Ofsted is coming."
    )
    assert Booking.objects.get(pk=booking.pk).status == S.DECLINED
    assert [b.pk for b in promoted] == [waiting.pk]  # promoted, waiting for its own decision
    assert spent(personas.owner, school_hours) == 0


@pytest.mark.parametrize("how", ["cancel", "minimum_not_met"])
def test_a_cancelled_session_refunds_everyone_charged(personas, school_hours, how):
    booking = book(school_hours, personas.owner, release=release_data())
    approve(booking, personas.leader)
    lead = personas.coordinator
    if how == "cancel":
        session_changes.session_cancel(session=school_hours, by=lead, reason="The trainer is ill.")
    else:
        DevelopmentSession.objects.filter(pk=school_hours.pk).update(min_places=2)
        assert session_changes.session_check_minimum(session=school_hours) is True
    assert ledger(personas.owner) == [("charge", Decimal("192.50")), ("refund", Decimal("-192.50"))]
    assert spent(personas.owner, school_hours) == 0


def test_a_waitlisted_place_is_charged_only_when_it_is_confirmed(personas, school_hours):
    DevelopmentSession.objects.filter(pk=school_hours.pk).update(capacity=1)
    first = book(school_hours, personas.colleague, release=release_data())
    waiting = book(school_hours, personas.owner, release=release_data())
    assert waiting.status == S.WAITLISTED
    approve(waiting, personas.leader)  # decided while waiting: recorded, not charged
    waiting.refresh_from_db()
    assert waiting.status == S.WAITLISTED
    assert waiting.release.decision == "approved"
    assert ledger(personas.owner) == []
    booking_cancel(booking=first, by=personas.colleague)
    assert Booking.objects.get(pk=waiting.pk).status == S.CONFIRMED
    assert ledger(personas.owner) == [("charge", Decimal("192.50"))]


def test_fewer_places_move_the_latest_back_to_the_waitlist_and_refund_them(personas, school_hours):
    first = book(school_hours, personas.colleague, release=release_data())
    second = book(school_hours, personas.owner, release=release_data())
    approve(second, personas.leader)
    lead = personas.coordinator
    session_changes.session_update(session=school_hours, by=lead, capacity=1)
    assert Booking.objects.get(pk=first.pk).status == S.PENDING  # keeps its seat
    second.refresh_from_db()
    assert (second.status, second.waitlist_position) == (S.WAITLISTED, 1)
    assert spent(personas.owner, school_hours) == 0
    session_changes.session_update(session=school_hours, by=lead, capacity=2)
    assert Booking.objects.get(pk=second.pk).status == S.CONFIRMED
    assert spent(personas.owner, school_hours) == Decimal("192.50")


def test_the_ledger_refuses_a_charge_with_the_wrong_sign(personas):
    with pytest.raises(IntegrityError), transaction.atomic():
        BudgetEntry.objects.create(
            user=personas.owner, academic_year=2026, kind="refund", amount=10, reason="x"
        )


# --- The leader sees the effect, and going over needs a confirmation -------------------------


def test_an_over_budget_approval_is_refused_without_confirmation(personas, school_hours):
    set_budget(personas, personas.owner, school_hours, "100.00")
    booking = book(school_hours, personas.owner, release=release_data())
    with pytest.raises(OverBudget, match=r"over their CPD budget by £92\.50"):
        approve(booking, personas.leader)
    assert Booking.objects.get(pk=booking.pk).status == S.PENDING
    assert ReleaseRequest.objects.get().decision == "pending"
    assert ledger(personas.owner) == []
    approve(booking, personas.leader, allow_over_budget=True)
    assert budget_if_set(personas.owner, school_hours.academic_year).remaining == Decimal("-92.50")


def test_the_approvals_page_shows_the_effect_and_asks_to_confirm(client, personas, school_hours):
    set_budget(personas, personas.owner, school_hours, "100.00")
    booking = book(school_hours, personas.owner, release=release_data())
    client.force_login(personas.leader)
    page = client.get(reverse("cpd_sessions:approvals")).content.decode()
    assert "<dt>Remaining</dt><dd>£100.00</dd>" in page
    assert "After this approval</dt><dd>-£92.50" in page
    assert "Approve anyway, over budget by £92.50" in page
    assert "Ashgrove Primary School" in page  # the school's totals
    url = reverse("cpd_sessions:release_decide", kwargs={"pk": booking.release.pk})
    page = client.post(url, {"decision": "approve"}, follow=True).content.decode()
    assert "over their CPD budget by £92.50" in page
    assert Booking.objects.get(pk=booking.pk).status == S.PENDING
    client.post(url, {"decision": "approve", "over_budget": "on"})
    assert Booking.objects.get(pk=booking.pk).status == S.CONFIRMED


def test_bulk_approval_leaves_over_budget_requests_waiting_and_says_which(
    client, personas, school_hours
):
    set_budget(personas, personas.owner, school_hours, "100.00")
    over = book(school_hours, personas.owner, release=release_data())
    within = book(school_hours, personas.colleague, release=release_data())
    client.force_login(personas.leader)
    ids = {"release": [over.release.pk, within.release.pk]}
    page = client.post(reverse("cpd_sessions:approvals_bulk"), ids, follow=True).content.decode()
    assert "Approved 1 request." in page
    assert "would go over budget: Sam Whitfield" in page
    assert Booking.objects.get(pk=over.pk).status == S.PENDING
    assert Booking.objects.get(pk=within.pk).status == S.CONFIRMED
    client.post(reverse("cpd_sessions:approvals_bulk"), ids | {"over_budget": "on"})
    assert Booking.objects.get(pk=over.pk).status == S.CONFIRMED


def test_bulk_approval_works_as_a_browser_submits_it_with_csrf(django_app, personas, school_hours):
    """The bulk form carried no CSRF token: a browser got 403. Submitted as rendered, checked."""
    booking = book(school_hours, personas.owner, release=release_data())
    page = django_app.get(reverse("cpd_sessions:approvals"), user=personas.leader)
    form = page.forms["bulk-form"]
    assert form["csrfmiddlewaretoken"].value
    response = django_app.post(
        reverse("cpd_sessions:approvals_bulk"),
        {"csrfmiddlewaretoken": form["csrfmiddlewaretoken"].value, "release": booking.release.pk},
        user=personas.leader,
    )
    assert response.status_code == 302
    assert Booking.objects.get(pk=booking.pk).status == S.CONFIRMED


# --- Nobody decides their own request ---------------------------------------------------


@pytest.fixture
def leaders_own_request(personas, school_hours):
    return book(school_hours, personas.leader, release=release_data())


def test_a_leader_cannot_decide_their_own_request(client, personas, leaders_own_request):
    booking = leaders_own_request
    with pytest.raises(PermissionDenied, match="Nobody decides their own release time"):
        approve(booking, personas.leader)
    client.force_login(personas.leader)
    url = reverse("cpd_sessions:release_decide", kwargs={"pk": booking.release.pk})
    assert client.post(url, {"decision": "approve"}).status_code == 404
    assert "Priya Shah" not in client.get(reverse("cpd_sessions:approvals")).content.decode()
    assert Booking.objects.get(pk=booking.pk).status == S.PENDING
    assert ReleaseRequest.objects.get().decision == "pending"
    assert ledger(personas.leader) == []


def test_a_leaders_request_goes_to_the_coordinator_when_they_are_the_only_leader(
    client, personas, school_hours, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        booking = book(school_hours, personas.leader, release=release_data())
    assert [m.to for m in mailoutbox] == [[personas.coordinator.email]]
    client.force_login(personas.coordinator)
    assert "Priya Shah" in client.get(reverse("cpd_sessions:approvals")).content.decode()
    url = reverse("cpd_sessions:release_decide", kwargs={"pk": booking.release.pk})
    client.post(url, {"decision": "approve"})
    assert Booking.objects.get(pk=booking.pk).status == S.CONFIRMED


def test_a_leaders_request_goes_to_another_leader_of_the_school(
    client, personas, school_hours, mailoutbox, django_capture_on_commit_callbacks
):
    personas.school.cpd_leaders.add(personas.colleague)
    with django_capture_on_commit_callbacks(execute=True):
        booking = book(school_hours, personas.leader, release=release_data())
    assert [m.to for m in mailoutbox] == [[personas.colleague.email]]
    # Not the coordinator's to decide while the school has another leader.
    with pytest.raises(PermissionDenied):
        approve(booking, personas.coordinator)
    approve(booking, User.objects.get(pk=personas.colleague.pk))
    assert Booking.objects.get(pk=booking.pk).status == S.CONFIRMED


def test_a_leader_cannot_set_their_own_budget(client, personas, school_hours):
    year = school_hours.academic_year
    with pytest.raises(PermissionDenied, match="Nobody sets their own CPD budget"):
        budget_set(
            user=personas.leader, academic_year=year, allocated=Decimal(900), by=personas.leader
        )
    client.force_login(personas.leader)
    url = reverse("cpd_sessions:budget_set", kwargs={"user_id": personas.leader.pk})
    assert (
        client.post(url, {"allocated": "900", "academic_year": year_label(year)}).status_code == 404
    )
    assert not CpdBudget.objects.exists()
    client.force_login(personas.coordinator)
    client.post(url, {"allocated": "900", "academic_year": year_label(year)})
    assert CpdBudget.objects.get(user=personas.leader).allocated == Decimal(900)


# --- Bounds ---------------------------------------------------------------------------------


def test_a_release_form_refuses_absurd_costs_and_goals_with_a_sentence(
    client, personas, school_hours
):
    client.force_login(personas.owner)
    url = reverse("cpd_sessions:book", kwargs={"pk": school_hours.pk})
    data = {"cover_lessons": "3", "supply_cost": "5000000", "travel_cost": "0", "fee_share": "0"}
    response = client.post(url, data | {"goal": "x" * 2001})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Supply cover is at most £1,000.00 for each day the session meets" in page
    assert "at most 2000 characters" in page
    assert "At most £1,000.00 for each day" in page  # the help text names the bound
    assert not Booking.objects.exists()
    # The fee share counts towards the bound: here it is the whole fee (the first to book).
    DevelopmentSession.objects.filter(pk=school_hours.pk).update(fee=Decimal("4500"))
    response = client.post(url, data | {"supply_cost": "900", "goal": "Maths"})
    assert "one release is at most £5,000.00" in response.content.decode()
    assert not Booking.objects.exists()
    DevelopmentSession.objects.filter(pk=school_hours.pk).update(fee=Decimal("0"))
    # A typed fee share is not the product's split: it is ignored, not added.
    response = client.post(
        url, data | {"supply_cost": "900", "travel_cost": "999", "fee_share": "4500", "goal": "x"}
    )
    assert response.status_code == 302
    assert Booking.objects.get().release.total_cost == Decimal("1899.00")


def test_a_budget_above_the_bound_is_refused(client, personas, school_hours):
    client.force_login(personas.leader)
    url = reverse("cpd_sessions:budget_set", kwargs={"user_id": personas.owner.pk})
    year = school_hours.year_label
    page = client.post(url, {"allocated": "20000.01", "academic_year": year}, follow=True)
    assert "from £0 to £20,000" in page.content.decode()
    assert not CpdBudget.objects.exists()


@pytest.mark.parametrize(
    "year", ["2026/28", "26/27", "\uff12\uff10\uff12\uff16/27", "0001/02", "2026-27", ""]
)
def test_a_budget_for_a_year_not_written_yyyy_yy_is_refused(client, personas, year):
    client.force_login(personas.leader)
    url = reverse("cpd_sessions:budget_set", kwargs={"user_id": personas.owner.pk})
    page = client.post(url, {"allocated": "300", "academic_year": year}, follow=True)
    assert "for example 2026/27" in page.content.decode().replace("e.g.", "for example")
    assert not CpdBudget.objects.exists()


@pytest.mark.parametrize("year", [1, 1989, 2101])
def test_the_database_refuses_a_budget_for_a_year_out_of_range(personas, year):
    with pytest.raises(IntegrityError), transaction.atomic():
        budget_set(
            user=personas.owner, academic_year=year, allocated=Decimal(1), by=personas.leader
        )
    assert not CpdBudget.objects.exists()


def test_the_database_refuses_an_unbounded_release(personas, school_hours):
    booking = book(school_hours, personas.owner, release=release_data())
    with pytest.raises(IntegrityError), transaction.atomic():
        ReleaseRequest.objects.filter(booking=booking).update(
            supply_cost=Decimal("4999.99"), fee_share=Decimal("100")
        )

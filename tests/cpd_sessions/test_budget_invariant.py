"""
The budget invariant as a property: after any sequence of bookings, release
requests, approvals (over budget with confirmation too), declines after approval, cancellations,
session cancellations, capacity changes and promotions, and requests to attend an external
course on one day or several (courses: a release request on a private session, approved,
declined or cancelled by the person), for every person and year: allocated - Σ(ledger) == the
remaining the pages show, and
Σ(ledger) == Σ(approved releases of confirmed bookings of sessions not cancelled); a cancelled
approved course request is refunded exactly once.
"""

import contextlib
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from courses.models import CourseRequest
from courses.services import course_request_cancel
from cpd_sessions import session_changes
from cpd_sessions.approvals import DecisionRefused, release_decide
from cpd_sessions.booking import BookingRefused, booking_cancel, booking_create
from cpd_sessions.budget import approval_effects, budget_if_set, budget_set
from cpd_sessions.models import Booking, BudgetEntry, CpdBudget, DevelopmentSession, ReleaseRequest
from tests.courses.factories import make_course, make_request
from tests.portfolios.factories import GoalFactory

from .factories import SessionFactory, london, release_data

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

REFUSED = (BookingRefused, DecisionRefused, PermissionDenied)
COSTS = st.sampled_from(["0.00", "45.10", "90.00", "180.30", "999.99"])
# The days of a course request, as days from now: one day, or three not in a row.
COURSE_DAYS = [(10,), (10, 12, 17)]


def test_budget_ledger_always_adds_up(personas):
    people = [personas.owner, personas.colleague, personas.outsider, personas.leader]
    decider = {
        personas.owner.pk: personas.leader,
        personas.colleague.pk: personas.leader,
        personas.outsider.pk: personas.other_leader,
        personas.leader.pk: personas.coordinator,  # the school's only leader: the coordinator
    }
    setters = decider

    class Budgets(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self.atomic = transaction.atomic()
            self.atomic.__enter__()
            self.sessions = [
                SessionFactory(capacity=2, start=london(10 + i, 10, 0), end=london(10 + i, 12, 0))
                for i in range(2)
            ]
            self.year = self.sessions[0].academic_year
            self.course = make_course(personas.coordinator)
            self.goals = [GoalFactory(owner=person) for person in people]

        def teardown(self):
            transaction.set_rollback(True)
            self.atomic.__exit__(None, None, None)

        def _session(self, i):
            return DevelopmentSession.objects.get(pk=self.sessions[i].pk)

        def _booking(self, p, s):
            return Booking.objects.filter(user=people[p], session=self.sessions[s]).first()

        @rule(p=st.integers(0, 3), s=st.integers(0, 1), supply=COSTS, travel=COSTS)
        def book(self, p, s, supply, travel):
            release = release_data(supply_cost=supply, travel_cost=travel)
            with contextlib.suppress(REFUSED):
                booking_create(session=self._session(s), user=people[p], release=release)

        @rule(p=st.integers(0, 3), s=st.integers(0, 1), over=st.booleans())
        def approve(self, p, s, over):
            booking = self._booking(p, s)
            release = ReleaseRequest.objects.filter(booking=booking).first()
            if release is None:
                return
            with contextlib.suppress(REFUSED):
                release_decide(
                    release=release, by=decider[people[p].pk], approve=True, allow_over_budget=over
                )

        @rule(p=st.integers(0, 3), s=st.integers(0, 1), own=st.booleans())
        def decline(self, p, s, own):
            """Declines (before or after approval); ``own``: the person tries it themselves."""
            release = ReleaseRequest.objects.filter(booking=self._booking(p, s)).first()
            if release is None:
                return
            if own:  # nobody decides their own request
                with pytest.raises(PermissionDenied):
                    release_decide(release=release, by=people[p], approve=False, reason="No.")
                return
            with contextlib.suppress(REFUSED):
                release_decide(
                    release=release, by=decider[people[p].pk], approve=False, reason="No cover."
                )

        def _course_request(self, p):
            return (
                CourseRequest.objects.filter(requester=people[p])
                .select_related("booking__release")
                .order_by("-pk")
                .first()
            )

        @rule(p=st.integers(0, 3), fee=COSTS, supply=COSTS, days=st.sampled_from(COURSE_DAYS))
        def request_course(self, p, fee, supply, days):
            """An external course (the fee is the person's alone, whatever the hours), on one
            day or several (three days, not in a row: one charge, one refund, as for one)."""
            make_request(
                people[p], self.course, self.goals[p], dates=days, fee=Decimal(fee),
                supply_cost=min(Decimal(supply) * len(days), Decimal("1000") * len(days)),
                travel_cost=Decimal("12.50"),
            )  # fmt: skip

        @rule(p=st.integers(0, 3), approve=st.booleans(), over=st.booleans())
        def decide_course(self, p, approve, over):
            request = self._course_request(p)
            if request is None:
                return
            with contextlib.suppress(REFUSED):
                release_decide(
                    release=request.booking.release, by=decider[people[p].pk], approve=approve,
                    reason="" if approve else "Not this term.", allow_over_budget=over,
                )  # fmt: skip

        @rule(p=st.integers(0, 3), twice=st.booleans())
        def cancel_course_request(self, p, twice):
            request = self._course_request(p)
            if request is None:
                return
            for _ in range(2 if twice else 1):
                course_request_cancel(request=request, by=people[p])

        @rule(p=st.integers(0, 3), s=st.integers(0, 1))
        def cancel_booking(self, p, s):
            booking = self._booking(p, s)
            if booking is not None:
                booking_cancel(booking=booking, by=people[p])

        @rule(s=st.integers(0, 1))
        def cancel_session(self, s):
            session_changes.session_cancel(
                session=self._session(s), by=personas.coordinator, reason="Trainer ill."
            )

        @rule(s=st.integers(0, 1), places=st.integers(1, 4))
        def change_places(self, s, places):
            session = self._session(s)
            # (a minimum above the places is refused by the form and the database alike)
            if session.status == DevelopmentSession.Status.PUBLISHED and places >= (
                session.min_places or 0
            ):
                session_changes.session_update(
                    session=session, by=personas.coordinator, capacity=places
                )

        @rule(s=st.integers(0, 1), minimum=st.integers(1, 4))
        def minimum_check(self, s, minimum):
            session = self._session(s)
            minimum = min(minimum, session.capacity or minimum)
            DevelopmentSession.objects.filter(pk=session.pk).update(min_places=minimum)
            session_changes.session_check_minimum(session=self._session(s))

        @rule(p=st.integers(0, 3), amount=st.sampled_from(["0", "100", "250.50", "2000"]))
        def set_budget(self, p, amount):
            budget_set(
                user=people[p],
                academic_year=self.year,
                allocated=Decimal(amount),
                by=setters[people[p].pk],
            )

        @invariant()
        def ledger_adds_up(self):
            for person in people:
                total = sum(
                    BudgetEntry.objects.filter(user=person, academic_year=self.year).values_list(
                        "amount", flat=True
                    ),
                    Decimal(0),
                )
                owed = sum(
                    (
                        r.total_cost
                        for r in ReleaseRequest.objects.filter(
                            booking__user=person,
                            decision="approved",
                            booking__status=Booking.Status.CONFIRMED,
                        ).exclude(booking__session__status=DevelopmentSession.Status.CANCELLED)
                    ),
                    Decimal(0),
                )
                assert total == owed, (person, total, owed)
                budget = CpdBudget.objects.filter(user=person, academic_year=self.year).first()
                shown = budget_if_set(person, self.year)  # /portfolio/
                if shown is not None:
                    assert shown.remaining == budget.allocated - total
                releases = list(
                    ReleaseRequest.objects.filter(booking__user=person).select_related(
                        "booking__session"
                    )
                )
                approval_effects(releases)  # /approvals/
                for release in releases:
                    if budget is not None and release.booking.session.academic_year == self.year:
                        assert release.budget.remaining == budget.allocated - total
                # A cancelled course request that was approved is refunded once, to nothing.
                for request in CourseRequest.objects.filter(
                    requester=person, booking__status=Booking.Status.CANCELLED
                ).select_related("booking__release"):
                    entries = request.booking.release.budget_entries.all()
                    assert sum((e.amount for e in entries), Decimal(0)) == 0
                    assert len([e for e in entries if e.kind == BudgetEntry.Kind.REFUND]) <= 1
                    if request.booking.release.decision == ReleaseRequest.Decision.APPROVED:
                        assert len([e for e in entries if e.kind == "charge"]) == 1
                # An approved course request, on one day or several, is one charge of its total.
                for request in CourseRequest.objects.filter(
                    requester=person,
                    booking__status=Booking.Status.CONFIRMED,
                    booking__release__decision=ReleaseRequest.Decision.APPROVED,
                ).select_related("booking__release"):
                    release = request.booking.release
                    entries = list(release.budget_entries.all())
                    assert [e.kind for e in entries] == ["charge"]
                    assert entries[0].amount == release.total_cost
                # Refunds never exceed charges for any release.
                for release in ReleaseRequest.objects.filter(booking__user=person):
                    net = sum(release.budget_entries.values_list("amount", flat=True), Decimal(0))
                    assert Decimal(0) <= net <= release.total_cost

    Budgets.TestCase.settings = settings(
        max_examples=25,
        stateful_step_count=20,
        derandomize=True,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    Budgets.TestCase().runTest()

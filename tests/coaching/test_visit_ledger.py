"""
Coaching visits and the budget ledger, as a property: after any sequence of visits planned,
booked with release time (any costs), approved (over budget too), declined (before or after
approval), booked places given back and visits called off, the coach's ledger sums to the
approved releases of confirmed bookings of visits still on, nobody else is charged, and the
pages the coach's CPD leader decides from never name the teacher nor show a word of the
coaching (tests/cpd_sessions/test_budget_invariant.py is the same property for every session).
"""

import contextlib
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from coaching import visits
from coaching.models import Visit
from cpd_sessions.approvals import DecisionRefused, release_decide
from cpd_sessions.booking import BookingRefused, booking_cancel, booking_create
from cpd_sessions.budget import budget_set
from cpd_sessions.lifecycle import SessionRefused
from cpd_sessions.models import Booking, BudgetEntry, DevelopmentSession, ReleaseRequest
from cpdhub.academic_year import academic_year_of

from .factories import SECRET_NOTE, SECRET_PRAISE, SECRET_STEP, days, full_cycle, pair

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

REFUSED = (BookingRefused, DecisionRefused, PermissionDenied, SessionRefused, ValidationError)
COSTS = st.sampled_from(["0.00", "45.10", "90.00", "180.30", "999.99"])
PRIVATE_WORDS = ("Sam Whitfield", "Whitfield", SECRET_NOTE, SECRET_PRAISE, SECRET_STEP)


def test_visits_charge_the_coachs_budget_and_nothing_else(personas):
    coach, teacher, decider = personas.outsider, personas.owner, personas.other_leader
    year = academic_year_of(days(40))
    seen = {"charged": 0, "refunded": 0, "shown": 0}  # the run did reach each path

    class Visits(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self.atomic = transaction.atomic()
            self.atomic.__enter__()
            self.relationship = pair(coach, teacher, by=personas.leader)
            full_cycle(self.relationship, coach, teacher)
            self.visits: list[Visit] = []
            self.leader = Client()
            self.leader.force_login(decider)

        def teardown(self):
            transaction.set_rollback(True)
            self.atomic.__exit__(None, None, None)

        def _visit(self, i):
            if not self.visits:
                return None
            return Visit.objects.select_related("session").get(
                pk=self.visits[i % len(self.visits)].pk
            )

        def _release(self, i):
            visit = self._visit(i)
            if visit is None:
                return None
            return ReleaseRequest.objects.filter(
                booking__session=visit.session, booking__user=coach
            ).first()

        @initialize(supply=st.sampled_from(["45.10", "90.00"]), travel=COSTS)
        def an_approved_visit(self, supply, travel):
            """Every run starts from a visit booked and approved: something is charged."""
            self.plan(25, 9, then_book=True, supply=supply, travel=travel, decision="approve")

        @rule(
            day=st.integers(20, 60),
            hour=st.sampled_from([9, 13, 17]),
            then_book=st.booleans(),
            supply=COSTS,
            travel=COSTS,
            decision=st.sampled_from([None, "approve", "approve over budget", "decline"]),
        )
        def plan(self, day, hour, then_book, supply, travel, decision):
            """Plan a visit and, as the page leads the coach to, book it at once; the leader
            may decide at once too (later decisions are the rules below)."""
            when = days(day)
            while when.weekday() >= 5:
                when += datetime.timedelta(days=1)
            self.visits.append(
                visits.visit_plan(
                    relationship=self.relationship,
                    by=coach,
                    school=personas.school,
                    date=when,
                    start_time=datetime.time(hour, 0),
                    end_time=datetime.time(hour + 1, 30),
                    purpose=Visit.Purpose.BOTH,
                )
            )
            if then_book:
                self.book(len(self.visits) - 1, supply, travel)
                if decision is not None:
                    self.decide(
                        len(self.visits) - 1, decision != "decline", decision.endswith("budget")
                    )

        @rule(i=st.integers(0, 5), supply=COSTS, travel=COSTS)
        def book_again(self, i, supply, travel):
            self.book(i, supply, travel)

        def book(self, i, supply, travel):
            visit = self._visit(i)
            if visit is None:
                return
            release = {
                "cover_lessons": 2,
                "cover_notes": "Periods 1 and 2",
                "supply_cost": Decimal(supply),
                "travel_cost": Decimal(travel),
                "goal": "Coaching across our schools",
            }
            with contextlib.suppress(REFUSED):
                booking_create(session=visit.session, user=coach, release=release)

        @precondition(lambda self: bool(self.visits))
        @rule(i=st.integers(0, 5), approve=st.booleans(), over=st.booleans())
        def decide(self, i, approve, over):
            release = self._release(i)
            if release is None:
                return
            with contextlib.suppress(REFUSED):
                release_decide(
                    release=release,
                    by=decider,
                    approve=approve,
                    allow_over_budget=over,
                    reason="" if approve else "No cover that day.",
                )

        @rule(i=st.integers(0, 5))
        def give_back_the_place(self, i):
            visit = self._visit(i)
            booking = visit and Booking.objects.filter(session=visit.session, user=coach).first()
            if booking is not None:
                with contextlib.suppress(REFUSED):
                    booking_cancel(booking=booking, by=coach)

        @rule(i=st.integers(0, 5))
        def call_off(self, i):
            visit = self._visit(i)
            if visit is not None:
                with contextlib.suppress(REFUSED):
                    visits.visit_cancel(visit=visit, by=coach)

        @rule(amount=st.sampled_from(["0", "100", "250.50", "2000"]))
        def set_budget(self, amount):
            budget_set(user=coach, academic_year=year, allocated=Decimal(amount), by=decider)

        @invariant()
        def ledger_adds_up(self):
            charged = sum(
                BudgetEntry.objects.filter(user=coach).values_list("amount", flat=True),
                Decimal(0),
            )
            owed = sum(
                (
                    r.total_cost
                    for r in ReleaseRequest.objects.filter(
                        booking__user=coach,
                        decision="approved",
                        booking__status=Booking.Status.CONFIRMED,
                    ).exclude(booking__session__status=DevelopmentSession.Status.CANCELLED)
                ),
                Decimal(0),
            )
            assert charged == owed
            entries = BudgetEntry.objects.filter(user=coach)
            seen["charged"] += entries.filter(amount__gt=0).exists()
            seen["refunded"] += entries.filter(amount__lt=0).exists()
            assert not BudgetEntry.objects.exclude(user=coach).exists()
            for release in ReleaseRequest.objects.filter(booking__user=coach):
                net = sum(release.budget_entries.values_list("amount", flat=True), Decimal(0))
                assert Decimal(0) <= net <= release.total_cost

        @invariant()
        def the_leader_reads_no_coaching(self):
            if not self.visits:
                return
            page = self.leader.get("/sessions/approvals/", {"show": "all"})
            assert page.status_code == 200
            text = page.content.decode()
            for words in PRIVATE_WORDS:
                assert words not in text, words
            seen["shown"] += "Coaching visit to Ashgrove Primary School" in text

    Visits.TestCase.settings = settings(
        max_examples=15,
        stateful_step_count=15,
        derandomize=True,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    Visits.TestCase().runTest()
    assert all(seen.values()), seen

from decimal import Decimal

import pytest
from django.core.management import call_command

from cpd_sessions.budget import budget_if_set
from cpd_sessions.models import (
    Apology,
    Booking,
    BudgetEntry,
    DevelopmentSession,
    Feedback,
    ReleaseRequest,
)

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        DevelopmentSession.objects.count(),
        sorted(Booking.objects.values_list("session_id", "user_id", "status")),
        ReleaseRequest.objects.count(),
        Feedback.objects.count(),
        sorted(DevelopmentSession.objects.values_list("title", "join_link")),
        sorted(Apology.objects.values_list("booking_id", "date_id")),
    )


def test_seed_demo_adds_sessions_of_every_kind_and_is_idempotent():
    call_command("seed_demo")
    first = snapshot()
    call_command("seed_demo")
    assert snapshot() == first
    kinds = set(DevelopmentSession.objects.values_list("kind", flat=True))
    assert kinds == set(DevelopmentSession.Kind.values)
    assert DevelopmentSession.objects.filter(status="completed").exclude(recording_url="").exists()
    assert Booking.objects.filter(status="waitlisted").exists()
    # The teacher's requests wait for leader@demo.test (a session, and an external course,
    # courses/demo.py); the expert's (a coaching visit to another school, coaching/demo.py)
    # for her own school's leader.
    pending = set(
        ReleaseRequest.objects.filter(decision="pending").values_list(
            "booking__user__email", "booking__session__kind"
        )
    )
    assert pending == {
        ("teacher@demo.test", "lesson_study"),
        ("teacher@demo.test", "external_course"),
        ("expert@demo.test", "coaching_visit"),
    }
    assert ReleaseRequest.objects.filter(
        decision="approved", decided_by__email="leader@demo.test"
    ).exists()
    assert Feedback.objects.exists()
    # A colleague sends apologies for one meeting of the maths twilights, place kept.
    [apology] = Apology.objects.select_related("booking__session")
    assert apology.booking.session.title == "Maths mastery twilights: bar modelling"
    assert apology.booking.status == "confirmed"
    assert DevelopmentSession.objects.filter(status="proposed").exists()  # for the queue


def test_the_demo_ledger_charges_only_confirmed_places():
    """The seeded teacher was charged for a release on a session where she only waited."""
    call_command("seed_demo")
    call_command("seed_demo")  # loading again charges nothing twice
    approved = ReleaseRequest.objects.get(
        decision="approved", booking__user__email="teacher@demo.test"
    )
    assert approved.booking.status == Booking.Status.CONFIRMED
    teacher = approved.booking.user
    year = approved.booking.session.academic_year
    assert list(BudgetEntry.objects.filter(user=teacher).values_list("kind", "amount")) == [
        ("charge", approved.total_cost)
    ]
    budget = budget_if_set(teacher, year)
    assert budget.spent == approved.total_cost == Decimal("98.40")
    assert budget.remaining == Decimal("301.60")

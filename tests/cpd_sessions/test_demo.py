import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command

from cpd_sessions.budget import budget_if_set
from cpd_sessions.demo import EVALUATED, EVALUATED_COMMENTS, WILL_CHANGE
from cpd_sessions.models import (
    Apology,
    Booking,
    BudgetEntry,
    DevelopmentSession,
    Feedback,
    ReleaseRequest,
)
from hubs.models import User
from portfolios import demo as portfolios_demo

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
    # The external course runs on three days, not in a row: one request, one release.
    course = DevelopmentSession.objects.get(
        kind="external_course", bookings__user__email="teacher@demo.test"
    )
    days = [d.start.date() for d in course.dates.all()]
    assert len(days) == 3
    assert days[1] - days[0] != datetime.timedelta(days=1)
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


def test_the_demo_teacher_reads_an_evaluation_shared_back(
    client, django_capture_on_commit_callbacks
):
    """The demo has a session whose summary went out: shared comments (never the one kept to
    the lead), what the lead will change, and the six-week follow-up levels."""
    # As the command runs it: the register's signals (the portfolio entries and their
    # follow-ups) fire when the sessions' seed commits, before the portfolio's seed answers them.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo")
    portfolios_demo.seed()
    session = DevelopmentSession.objects.get(title=EVALUATED)
    assert session.evaluation_shared_at is not None
    client.force_login(User.objects.get(email="teacher@demo.test"))
    html = client.get(session.get_absolute_url()).content.decode()
    assert "What people thought" in html
    for comment, shared in EVALUATED_COMMENTS.values():
        assert (comment in html) == shared or comment == EVALUATED_COMMENTS[0][0]
    assert WILL_CHANGE.replace("'", "&#x27;") in html
    assert "What people said six weeks later (4 answers)" in html

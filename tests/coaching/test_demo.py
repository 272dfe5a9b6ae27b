"""The demo shows coaching: the starter library, the demo teacher coached across schools with
a step due soon and an earlier one embedded (shown to her CPD leader), the demo expert's
caseload with one teacher overdue and a request to answer, a step proposed for the library, and
a visit the expert planned to the teacher's school with release time waiting. Idempotent."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from coaching import selectors
from coaching.models import Category, Relationship, Step, Visit
from cpd_sessions.models import Booking, DevelopmentSession, ReleaseRequest
from hubs.models import User

pytestmark = pytest.mark.django_db


def test_the_demo_shows_coaching_and_is_idempotent(client):
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)
    library = Step.objects.filter(status="published", school__isnull=True)
    assert library.count() >= 40
    assert library.values("category").distinct().count() >= 8
    assert set(library.values_list("category", flat=True)) <= set(Category.values)
    assert not library.filter(model_example="", model_link="").exists()  # each has a model
    teacher = User.objects.get(email="teacher@demo.test")
    expert = User.objects.get(email="expert@demo.test")
    assert Relationship.objects.filter(memberships__user=teacher).count() == 1
    mine = selectors.my_coaching(teacher)
    (step,) = mine.current_steps
    relationship = step.relationship
    assert relationship.observations.count() == 2
    assert relationship.meetings.count() == 2
    embedded = relationship.steps.get(status="embedded")
    assert embedded.shares.get().colleague.email == "leader@demo.test"
    coach = relationship.memberships.get(role="coach").user
    assert coach == expert
    assert coach.school_id != teacher.school_id
    caseload = selectors.my_coaching(expert).caseload
    assert len(caseload) == 2
    assert [r.timing.overdue for r in caseload] == [True, False]
    assert caseload[1].teacher == teacher
    assert caseload[1].timing.due
    assert (
        Relationship.objects.filter(
            status="requested", memberships__user=expert, memberships__role="coach"
        ).count()
        == 1
    )
    assert Step.objects.filter(status="proposed", proposed_by=expert).count() == 1
    client.force_login(teacher)
    assert step.action in client.get("/coaching/").content.decode()
    client.force_login(User.objects.get(email="leader@demo.test"))
    assert "Shared with you (1)" in client.get("/coaching/").content.decode()


def test_the_demo_expert_has_planned_a_visit_waiting_for_her_own_leader(client):
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)
    teacher = User.objects.get(email="teacher@demo.test")
    expert = User.objects.get(email="expert@demo.test")
    (visit,) = Visit.objects.all()
    session = visit.session
    assert visit.planned_by == expert
    assert session.scope == DevelopmentSession.Scope.PRIVATE
    assert session.venue_school == teacher.school
    assert session.title == f"Coaching visit to {teacher.school.name}"
    assert session.start > timezone.now()
    booking = Booking.objects.get(session=session)
    assert (booking.user, booking.status) == (expert, Booking.Status.PENDING)
    assert ReleaseRequest.objects.get(booking=booking).decision == "pending"
    # Her page shows it; the teacher's shows the date; the session stays out of the list.
    client.force_login(expert)
    page = client.get(visit.relationship.get_absolute_url()).content.decode()
    assert "Release time: Waiting for release approval" in page
    assert session.title not in client.get("/sessions/").content.decode()
    client.force_login(teacher)
    assert client.get(session.get_absolute_url()).status_code == 404
    assert "Release time" not in client.get(visit.relationship.get_absolute_url()).content.decode()

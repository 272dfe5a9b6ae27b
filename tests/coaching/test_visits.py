"""
A coach's visit to a teacher's school, with release time through the usual approval: planned on
the relationship's page, booked on the session's own form, decided in the coach's own CPD
leader's queue, charged to the coach's budget through the ledger, called off the usual way.
Nothing that reaches the leader names the teacher or carries a word of the coaching.

Personas: the outsider (Thornbury) coaches the owner (Ashgrove), set up by Ashgrove's leader;
the other leader is Thornbury's CPD leader, who decides the outsider's release time.
"""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from coaching.models import Visit
from cpd_sessions.models import Booking, DevelopmentSession
from privacy.collect import personal_data
from tests.webtest import text_of

from .factories import pair, plan_visit, visit_day

pytestmark = pytest.mark.django_db


def test_the_teacher_sees_the_date_not_the_coachs_release(app, personas, cross_school):
    visit = plan_visit(cross_school, personas.outsider, personas.school)
    Booking.objects.create(session=visit.session, user=personas.outsider, status="pending")
    page = app.sign_in(personas.owner).get(cross_school.get_absolute_url())
    text = text_of(page)
    day = timezone.localtime(visit.session.start)
    assert f"{day:%A} {day.day} {day:%B %Y}, 09:00 to 11:30" in text
    assert "To observe, then meet at Ashgrove Primary School" in text
    assert "Release time" not in text
    assert "Plan a visit" not in text
    assert "Call off this visit" not in text
    # ...nor the session's page, which is the coach's.
    app.get(visit.session.get_absolute_url(), status=404)


def test_nobody_else_plans_a_visit(app, client, personas, cross_school):
    url = reverse("coaching:visit_plan", kwargs={"pk": cross_school.pk})
    data = {
        "school": personas.school.pk,
        "date": visit_day().isoformat(),
        "start_time": "09:00",
        "end_time": "10:00",
        "purpose": "both",
    }
    # The teacher is a member, not the coach: refused.
    client.force_login(personas.owner)
    assert client.get(url).status_code == 403
    assert client.post(url, data).status_code == 403
    # Anyone outside the relationship cannot tell it exists, leaders and coordinator included.
    for person in [
        personas.colleague,
        personas.leader,
        personas.other_leader,
        personas.coordinator,
    ]:
        client.force_login(person)
        assert client.get(url).status_code == 404, person
        assert client.post(url, data).status_code == 404, person
    assert not Visit.objects.exists()
    assert not DevelopmentSession.objects.exists()


def test_a_coach_in_the_teachers_own_school_has_no_visit_to_plan(app, personas):
    same = pair(personas.colleague, personas.owner, by=personas.leader)
    page = app.sign_in(personas.colleague).get(same.get_absolute_url())
    assert "Plan a visit" not in page.text
    app.get(reverse("coaching:visit_plan", kwargs={"pk": same.pk}), status=403)
    with pytest.raises(PermissionDenied):
        plan_visit(same, personas.colleague, personas.school)
    assert not Visit.objects.exists()


def test_only_the_teachers_school_may_be_visited(personas, cross_school):
    with pytest.raises(ValidationError) as refused:
        plan_visit(cross_school, personas.outsider, personas.other_school)
    assert "school" in refused.value.error_dict
    assert not DevelopmentSession.objects.exists()


def test_nobody_else_calls_off_a_visit(client, personas, cross_school):
    visit = plan_visit(cross_school, personas.outsider, personas.school)
    url = reverse("coaching:visit_cancel", kwargs={"pk": cross_school.pk, "visit_pk": visit.pk})
    client.force_login(personas.owner)
    assert client.post(url).status_code == 403
    for person in [personas.colleague, personas.other_leader]:
        client.force_login(person)
        assert client.post(url).status_code == 404
    visit.session.refresh_from_db()
    assert visit.session.status == DevelopmentSession.Status.PUBLISHED


def test_the_visit_is_in_both_members_download(personas, cross_school):
    visit = plan_visit(cross_school, personas.outsider, personas.school)
    for member in (personas.owner, personas.outsider):
        rows = personal_data(member)["coaching"]["visits"]
        assert [r["id"] for r in rows] == [visit.pk]
    assert personal_data(personas.leader)["coaching"]["visits"] == []

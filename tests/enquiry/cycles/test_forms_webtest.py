"""A lesson-study cycle's forms, as a browser renders and submits them (tests/webtest.py):
two members from two schools run a cycle from its case pupils to its discussion."""

import datetime

import pytest
from django.utils import timezone

from cpd_sessions.models import DevelopmentSession, ReleaseRequest
from enquiry import cycles
from enquiry.models import (
    CasePupil,
    Cycle,
    InterviewNote,
    Observation,
    ObserverRelease,
    Prediction,
)
from tests.coaching.factories import visit_day
from tests.webtest import form_for, messages_on

from ..factories import group

pytestmark = pytest.mark.django_db


def test_members_run_a_cycle_from_case_pupils_to_the_discussion(app, personas):
    made = group(personas.owner, personas.outsider)
    page = app.sign_in(personas.owner).get(made.get_absolute_url())
    done = form_for(page, "enquiry:cycle_new", pk=made.pk).submit().follow()
    assert "Cycle 1 is started" in messages_on(done)
    cycle = Cycle.objects.get(group=made)
    where = {"pk": made.pk, "number": 1}
    assert "Never write a pupil" in done.text

    form = form_for(done, "enquiry:cycle_pupil", **where)
    form["code"], form["description"] = "Amelia", "Working below expected in place value"
    refused = form.submit(expect_errors=True)  # a name, not a code: refused, nothing saved
    assert refused.status_code == 400
    assert "never a pupil" in refused.text
    assert not CasePupil.objects.exists()
    form = form_for(refused, "enquiry:cycle_pupil", **where)
    form["code"] = "a"
    page = form.submit().follow()
    assert CasePupil.objects.get().code == "A"

    form = form_for(page, "enquiry:cycle_entry", kind="prediction", **where)
    form["prediction-case_pupil"] = str(CasePupil.objects.get().pk)
    form["prediction-text"] = "She will reach for the bar model"
    page = form.submit().follow()
    assert Prediction.objects.get().by == personas.owner

    form = form_for(page, "enquiry:cycle_plan", **where)
    form["plan"] = "Fractions on a number line, starting from halves"
    form["lesson_date"] = "2026-03-03"
    form["lesson_start"] = "10:40"
    form["lesson_end"] = "10:00"
    assert "must end after it starts" in form.submit(expect_errors=True).text
    form = form_for(page, "enquiry:cycle_plan", **where)
    form["plan"] = "Fractions on a number line, starting from halves"
    form["lesson_date"] = "2026-03-03"
    form["lesson_start"] = "10:40"
    form["lesson_end"] = "11:40"
    form["host_school"] = str(personas.owner.school_id)
    page = form.submit().follow()
    cycle.refresh_from_db()
    assert cycle.host_school == personas.owner.school
    assert (cycle.lesson_start, cycle.lesson_end) == (datetime.time(10, 40), datetime.time(11, 40))
    assert "Tuesday 3 March 2026, 10:40 to 11:40" in page.text

    member = app.sign_in(personas.outsider).get(cycle.get_absolute_url())
    for kind, text in (("observation", "She drew a bar model"), ("interview", "Halves first")):
        form = form_for(member, "enquiry:cycle_entry", kind=kind, **where)
        form[f"{kind}-case_pupil"] = str(CasePupil.objects.get().pk)
        form[f"{kind}-text"] = text
        member = form.submit().follow()
    assert Observation.objects.get().observer == personas.outsider
    assert InterviewNote.objects.get().text == "Halves first"

    form = form_for(member, "enquiry:cycle_discussion", **where)
    form["discussion"] = ""
    assert form.submit(expect_errors=True).status_code == 400
    form["discussion"] = "The predictions underestimated how she used the bar model"
    page = form.submit().follow()
    assert "the next cycle may start" in messages_on(page)
    cycle.refresh_from_db()
    assert cycle.status == Cycle.Status.DISCUSSED
    text = page.text
    assert text.index("She will reach for the bar model") < text.index("underestimated")
    assert text.index("She drew a bar model") < text.index("underestimated")


def test_an_observer_from_another_school_books_release_through_the_usual_approval(
    app, personas, mailoutbox, django_capture_on_commit_callbacks
):
    made = group(personas.owner, personas.outsider)
    cycle = cycles.cycle_create(group=made, by=personas.owner)
    cycles.case_pupil_add(cycle=cycle, by=personas.owner, code="A", description="Zq8 secret")
    day = visit_day()
    cycles.cycle_plan_save(
        cycle=cycle, by=personas.owner, plan="Zq8 plan", lesson_date=day,
        host_school=personas.owner.school,
    )  # fmt: skip
    where = {"pk": made.pk, "number": 1}
    # No times yet: nobody books release for a guessed school day.
    page = app.sign_in(personas.outsider).get(cycle.get_absolute_url())
    assert "Book release time to observe" not in page.text
    cycles.cycle_plan_save(
        cycle=cycle, by=personas.owner, plan="Zq8 plan", lesson_date=day,
        host_school=personas.owner.school, lesson_start=datetime.time(13, 15),
        lesson_end=datetime.time(14, 20),
    )  # fmt: skip
    # The host school's own member has no release to ask for.
    host = app.sign_in(personas.owner).get(cycle.get_absolute_url())
    assert "Book release time to observe" not in host.text
    page = app.sign_in(personas.outsider).get(cycle.get_absolute_url())
    booking_page = form_for(page, "enquiry:cycle_release", **where).submit().follow()
    assert "asks your CPD leader for release time" in messages_on(booking_page)
    session = DevelopmentSession.objects.get()
    assert session.title == f"Lesson study research lesson at {personas.owner.school.name}"
    assert (session.kind, session.scope, session.venue_school) == (
        DevelopmentSession.Kind.LESSON_STUDY,
        DevelopmentSession.Scope.PRIVATE,
        personas.owner.school,
    )
    assert booking_page.request.path == session.get_absolute_url()
    local = timezone.localtime
    assert (local(session.start).time(), local(session.end).time()) == (
        datetime.time(13, 15),
        datetime.time(14, 20),
    )
    assert local(session.start).date() == day
    # A second click uses the same session.
    again = app.get(cycle.get_absolute_url())
    form_for(again, "enquiry:cycle_release", **where).submit().follow()
    assert ObserverRelease.objects.get().session == session

    form = form_for(booking_page, "cpd_sessions:book", pk=session.pk)
    form["cover_lessons"] = "2"
    form["goal"] = "Lesson study"
    with django_capture_on_commit_callbacks(execute=True):
        done = form.submit().follow()
    assert "Your place is held while your CPD leader decides" in messages_on(done)
    release = ReleaseRequest.objects.get()
    assert release.booking.user == personas.outsider
    (mail,) = [m for m in mailoutbox if personas.other_leader.email in m.to]
    for text in (mail.subject, mail.body, mail.alternatives[0][0]):
        assert "Zq8" not in text
    queue = app.sign_in(personas.other_leader).get("/sessions/approvals/")
    assert "Lesson study research lesson at" in queue.text
    assert "Zq8" not in queue.text

"""
Peer visits as a browser submits them (WebTest): the outsider (Thornbury) asks to visit
Ashgrove; Ashgrove's CPD leader accepts, naming the colleague as host; the outsider books the
visit with release time, which goes to Thornbury's CPD leader (the other leader), who approves
it against the outsider's budget; then notes (private) and a thank-you (counted on the host's
profile). A declined request and a form with mistakes too.
"""

from decimal import Decimal

import pytest

from cpd_sessions.budget import budget_set
from cpd_sessions.models import Booking, BudgetEntry, ReleaseRequest
from cpdhub.academic_year import academic_year_of
from enquiry.models import PeerVisit
from experts.models import ExpertProfile
from tests.experts.factories import ExpertProfileFactory
from tests.webtest import form_for, messages_on, text_of

from .visit_factories import SECRET_THANKS, SECRET_VISIT_NOTES, SECRET_WHY, ask, visit_day

pytestmark = pytest.mark.django_db


def test_a_visit_asked_accepted_booked_with_release_noted_and_thanked(
    app, personas, mailoutbox, django_capture_on_commit_callbacks
):
    profile = ExpertProfileFactory(user=personas.colleague)
    budget_set(
        user=personas.outsider,
        academic_year=academic_year_of(visit_day()),
        allocated=Decimal("500"),
        by=personas.other_leader,
    )
    # The visitor asks.
    page = app.sign_in(personas.outsider).get("/visits/")
    form = form_for(page, "")
    form["host_school"] = str(personas.school.pk)
    form["focus"] = "Questioning in Year 9 maths"
    form["dates"] = "Any Tuesday next half term"
    form["why"] = SECRET_WHY
    with django_capture_on_commit_callbacks(execute=True):
        done = form.submit().follow()
    assert "Your request is sent. Ashgrove" in messages_on(done)
    assert f"CPD leader ({personas.leader.full_name}) decides your request" in messages_on(done)
    visit = PeerVisit.objects.get()
    assert [m.to for m in mailoutbox] == [[personas.leader.email]]

    # The host school's leader accepts, naming a host and the day.
    page = app.sign_in(personas.leader).get("/visits/")
    assert "Questioning in Year 9 maths" in text_of(page)
    page = app.get(visit.get_absolute_url())
    form = form_for(page, "visits:accept", pk=visit.pk)
    form["host"] = str(personas.colleague.pk)
    form["date"] = visit_day().isoformat()
    form["start_time"] = "09:00"
    form["end_time"] = "12:00"
    with django_capture_on_commit_callbacks(execute=True):
        done = form.submit().follow()
    assert "Accepted" in messages_on(done)
    visit.refresh_from_db()
    assert mailoutbox[-1].to == [personas.outsider.email]

    # The visitor books it with release time: Thornbury's leader decides, not Ashgrove's.
    page = app.sign_in(personas.outsider).get(visit.get_absolute_url())
    booking_page = page.click(description="Book the visit to ask for release time")
    form = form_for(booking_page, "cpd_sessions:book", pk=visit.session.pk)
    form["cover_lessons"] = "3"
    form["cover_notes"] = "Periods 1 to 3"
    form["supply_cost"] = "180.00"
    form["travel_cost"] = "8.40"
    form["goal"] = "Better questioning"
    with django_capture_on_commit_callbacks(execute=True):
        form.submit().follow()
    release = ReleaseRequest.objects.get()
    assert release.booking.user == personas.outsider
    assert "Visit to Ashgrove" not in app.sign_in(personas.leader).get("/sessions/approvals/")
    queue = app.sign_in(personas.other_leader).get("/sessions/approvals/")
    assert "Visit to Ashgrove Primary School" in queue.text
    assert SECRET_WHY not in queue.text
    form = form_for(queue, "cpd_sessions:release_decide", pk=release.pk, index=0)
    with django_capture_on_commit_callbacks(execute=True):
        form.submit().follow()
    assert Booking.objects.get(pk=release.booking.pk).status == Booking.Status.CONFIRMED
    assert sum(e.amount for e in BudgetEntry.objects.filter(user=personas.outsider)) == Decimal(
        "188.40"
    )
    assert not BudgetEntry.objects.exclude(user=personas.outsider).exists()

    # Notes (private) and a thank-you (counted on the host's profile).
    page = app.sign_in(personas.outsider).get(visit.get_absolute_url())
    form = form_for(page, "visits:notes", pk=visit.pk)
    form["notes"] = SECRET_VISIT_NOTES
    done = form.submit().follow()
    assert "Your notes are saved." in messages_on(done)
    form = form_for(done, "visits:thank", pk=visit.pk)
    form["thanks"] = SECRET_THANKS
    done = form.submit().follow()
    assert "counts on their profile" in messages_on(done)
    assert ExpertProfile.objects.get(pk=profile.pk).helped_count == 1
    host_page = text_of(app.sign_in(personas.colleague).get(visit.get_absolute_url()))
    assert SECRET_THANKS in host_page
    assert SECRET_VISIT_NOTES not in host_page


def test_a_request_with_mistakes_is_shown_again_and_a_decline_is_a_button(app, personas):
    page = app.sign_in(personas.outsider).get("/visits/")
    form = form_for(page, "")
    form["focus"] = ""
    shown = form.submit(status=400)
    assert "There is a problem" in text_of(shown)
    assert not PeerVisit.objects.exists()

    visit = ask(personas)
    page = app.sign_in(personas.leader).get(visit.get_absolute_url())
    form = form_for(page, "visits:accept", pk=visit.pk)
    form["host"] = str(personas.colleague.pk)
    form["date"] = visit_day().isoformat()
    form["start_time"] = "12:00"
    form["end_time"] = "09:00"
    shown = form.submit(status=400)
    assert "The visit must end after it starts." in text_of(shown)
    visit.refresh_from_db()
    assert visit.status == "asked"
    done = form_for(shown, "visits:decline", pk=visit.pk).submit().follow()
    assert "Declined" in messages_on(done)
    visit.refresh_from_db()
    assert visit.status == "declined"
    assert visit.session is None

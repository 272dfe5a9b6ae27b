"""
Every sessions form, submitted as a browser submits it (WebTest: the rendered form, its CSRF
token, its fields by name, its own action). See tests/webtest.py for why.
"""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from cpd_sessions.attendance import attendance_mark
from cpd_sessions.budget import budget_set
from cpd_sessions.models import (
    Attendance,
    Booking,
    CalendarFeed,
    CpdBudget,
    DevelopmentSession,
    Feedback,
    ReleaseRequest,
)
from cpdhub.academic_year import current_academic_year
from tests.experts.factories import ExpertProfileFactory
from tests.webtest import form_for, messages_on, text_of

from .factories import SessionFactory, book, london, release_data

pytestmark = pytest.mark.django_db

S = Booking.Status
THIS_YEAR = current_academic_year()


@pytest.fixture
def school_hours(personas):
    """A session at 10:00 on a weekday: inside every school's day, so it needs release."""
    return SessionFactory(capacity=5, start=london(10, 10, 0), end=london(10, 12, 0))


@pytest.fixture
def finished(personas):
    """A session that ran yesterday, led by the colleague, with the owner and outsider booked."""
    session = SessionFactory(leads=[personas.colleague], capacity=10)
    book(session, personas.owner)
    book(session, personas.outsider)
    start = timezone.now() - datetime.timedelta(days=1)
    DevelopmentSession.objects.filter(pk=session.pk).update(
        start=start, end=start + datetime.timedelta(hours=1)
    )
    session.dates.update(start=start, end=start + datetime.timedelta(hours=1))
    return DevelopmentSession.objects.get(pk=session.pk)


# --- Approvals (a CPD leader) ---


def test_bulk_approve_the_ticked_requests(app, personas, school_hours):
    """The bulk form had no CSRF token: every leader got 403 in a browser."""
    mine = book(school_hours, personas.owner, release=release_data())
    colleague = book(school_hours, personas.colleague, release=release_data())
    page = app.sign_in(personas.leader).get("/sessions/approvals/")
    form = page.forms["bulk-form"]
    assert form.action == reverse("cpd_sessions:approvals_bulk")
    form["release"] = [str(mine.release.pk)]  # tick one of the two
    done = form.submit("").follow()
    assert "Approved 1 request." in messages_on(done)
    assert Booking.objects.get(pk=mine.pk).status == S.CONFIRMED
    assert Booking.objects.get(pk=colleague.pk).status == S.PENDING


def test_bulk_approve_with_nothing_ticked_says_so(app, personas, school_hours):
    mine = book(school_hours, personas.owner, release=release_data())
    page = app.sign_in(personas.leader).get("/sessions/approvals/")
    done = page.forms["bulk-form"].submit().follow()
    assert "Tick the requests you want to approve." in messages_on(done)
    assert Booking.objects.get(pk=mine.pk).status == S.PENDING


def test_approve_one_request(app, personas, school_hours):
    booking = book(school_hours, personas.owner, release=release_data())
    page = app.sign_in(personas.leader).get("/sessions/approvals/")
    form = form_for(page, "cpd_sessions:release_decide", pk=booking.release.pk, index=0)
    assert form["decision"].value == "approve"
    done = form.submit().follow()
    assert "Approved: Sam Whitfield is booked on." in messages_on(done)
    assert Booking.objects.get(pk=booking.pk).status == S.CONFIRMED
    assert ReleaseRequest.objects.get().decided_by == personas.leader


def test_decline_one_request_with_a_reason(app, personas, school_hours):
    booking = book(school_hours, personas.owner, release=release_data())
    page = app.sign_in(personas.leader).get("/sessions/approvals/")
    form = form_for(page, "cpd_sessions:release_decide", pk=booking.release.pk, index=1)
    assert form["decision"].value == "decline"
    form["reason"] = "Ofsted week: no cover."
    done = form.submit().follow()
    assert "Declined: Sam Whitfield is told why." in messages_on(done)
    assert Booking.objects.get(pk=booking.pk).status == S.DECLINED
    assert ReleaseRequest.objects.get().reason == "Ofsted week: no cover."


def test_set_a_budget_from_the_approvals_page(app, personas, school_hours):
    book(school_hours, personas.owner, release=release_data())
    page = app.sign_in(personas.leader).get("/sessions/approvals/")
    form = form_for(page, "cpd_sessions:budget_set", user_id=personas.owner.pk)
    form["allocated"] = "400"
    done = form.submit().follow()
    assert "Sam Whitfield's CPD budget" in messages_on(done)
    budget = CpdBudget.objects.get(user=personas.owner)
    assert budget.allocated == Decimal(400)
    assert budget.academic_year == school_hours.academic_year


def test_the_approvals_page_is_refused_to_a_teacher(app, personas, school_hours):
    book(school_hours, personas.owner, release=release_data())
    response = app.sign_in(personas.owner).get("/sessions/approvals/", status=403)
    assert not response.forms or "bulk-form" not in response.forms


def test_another_schools_leader_sees_no_form_for_my_request(app, personas, school_hours):
    booking = book(school_hours, personas.owner, release=release_data())
    page = app.sign_in(personas.other_leader).get("/sessions/approvals/")
    assert "Sam Whitfield" not in text_of(page)
    with pytest.raises(AssertionError, match="No form posting"):
        form_for(page, "cpd_sessions:release_decide", pk=booking.release.pk)
    assert Booking.objects.get(pk=booking.pk).status == S.PENDING


# --- Booking, cancelling, release request ---


def test_book_a_place_then_cancel_it(app, personas):
    session = SessionFactory(capacity=3)
    page = app.sign_in(personas.owner).get(session.get_absolute_url())
    done = form_for(page, "cpd_sessions:book", pk=session.pk).submit().follow()
    assert "You are booked on" in messages_on(done)
    assert Booking.objects.get().status == S.CONFIRMED
    confirm = done.click(href=reverse("cpd_sessions:cancel_booking", args=[session.pk]))
    assert "Cancel your booking?" in text_of(confirm)
    assert Booking.objects.get().status == S.CONFIRMED  # nothing cancelled by opening the page
    done = form_for(confirm, "").submit().follow()
    assert "Your booking is cancelled." in messages_on(done)
    assert Booking.objects.get().status == S.CANCELLED


def test_cancelling_a_series_says_it_cancels_every_meeting(app, personas):
    first = london(7, 16, 30)
    dates = [
        (first + datetime.timedelta(weeks=n), first + datetime.timedelta(weeks=n, hours=1))
        for n in range(3)
    ]
    session = SessionFactory(dates=dates)
    book(session, personas.owner)
    mine = app.sign_in(personas.owner).get(reverse("cpd_sessions:mine"))
    confirm = mine.click(href=reverse("cpd_sessions:cancel_booking", args=[session.pk]))
    assert "all 3 meetings of the series" in text_of(confirm)
    assert len(confirm.html.select("main time")) == 3
    done = form_for(confirm, "").submit().follow()
    assert "Your booking is cancelled." in messages_on(done)
    assert Booking.objects.get().status == S.CANCELLED


def test_ask_for_release_and_book(app, personas, school_hours):
    page = app.sign_in(personas.owner).get(school_hours.get_absolute_url())
    form = form_for(page, "cpd_sessions:book", pk=school_hours.pk)
    form["cover_lessons"] = "3"
    form["cover_notes"] = "Year 4, periods 3 to 5"
    form["supply_cost"] = "180.00"
    form["travel_cost"] = "12.50"
    form["goal"] = "Better questioning in maths"
    done = form.submit().follow()
    assert "Your place is held while your CPD leader decides" in messages_on(done)
    release = ReleaseRequest.objects.get()
    assert release.booking.status == S.PENDING
    assert release.cover_lessons == 3
    assert release.goal == "Better questioning in maths"


def test_release_request_left_empty_is_explained_on_the_form(app, personas, school_hours):
    page = app.sign_in(personas.owner).get(school_hours.get_absolute_url())
    form = form_for(page, "cpd_sessions:book", pk=school_hours.pk)
    form["cover_lessons"] = ""
    form["supply_cost"] = ""
    response = form.submit(status=400)
    assert "There is a problem" in text_of(response)
    assert not Booking.objects.exists()


# --- After the session: register and feedback ---


def test_lead_keeps_the_register(app, personas, finished):
    owner_booking = Booking.objects.get(user=personas.owner)
    page = app.sign_in(personas.colleague).get(finished.get_absolute_url())
    form = form_for(page, "cpd_sessions:attendance", pk=finished.pk)
    form.get("present", index=0).checked = False
    form.get("present", index=1).checked = False
    for index in range(2):
        field = form.get("present", index=index)
        if field._value == str(owner_booking.pk):
            field.checked = True
    done = form.submit().follow()
    assert "The register is saved." in messages_on(done)
    assert Attendance.objects.get(booking=owner_booking).present
    assert not Attendance.objects.get(booking__user=personas.outsider).present


def test_give_feedback(app, personas, finished):
    page = app.sign_in(personas.owner).get(finished.get_absolute_url())
    form = form_for(page, "cpd_sessions:feedback", pk=finished.pk)
    form["rating"] = "4"
    form["most_useful"] = "Hinge questions"
    form["will_try"] = "Exit tickets"
    form["anonymous"] = True
    done = form.submit().follow()
    assert "Thank you for your feedback." in messages_on(done)
    feedback = Feedback.objects.get()
    assert feedback.rating == 4
    assert feedback.anonymous
    assert feedback.will_try == "Exit tickets"


def test_give_feedback_and_agree_to_share_the_comment(app, personas, finished):
    page = app.sign_in(personas.owner).get(finished.get_absolute_url())
    form = form_for(page, "cpd_sessions:feedback", pk=finished.pk)
    assert not form["share_comment"].checked  # no, unless the person says yes
    form["rating"] = "5"
    form["comment"] = "Seeing it modelled helped"
    form["share_comment"] = True
    form.submit().follow()
    feedback = Feedback.objects.get()
    assert feedback.share_comment
    assert feedback.comment == "Seeing it modelled helped"


def test_the_lead_says_what_will_change(app, personas, finished):
    page = app.sign_in(personas.colleague).get(finished.get_absolute_url())
    assert "Feedback closes on" in text_of(page)
    form = form_for(page, "cpd_sessions:will_change", pk=finished.pk)
    form["will_change"] = "x" * 2001
    shown_again = form.submit(status=400)
    assert "Keep this to 2,000 characters or fewer" in text_of(shown_again)
    form = form_for(shown_again, "cpd_sessions:will_change", pk=finished.pk)
    form["will_change"] = "More practice time, fewer slides."
    done = form.submit().follow()
    assert "Saved: what you will change goes in the summary" in messages_on(done)
    assert DevelopmentSession.objects.get(pk=finished.pk).will_change == (
        "More practice time, fewer slides."
    )
    refreshed = form_for(done, "cpd_sessions:will_change", pk=finished.pk)
    assert refreshed["will_change"].value == "More practice time, fewer slides."


# --- Offering, editing, publishing, cancelling a session ---


def fill_session(form, **values):
    day = london(20).date()
    defaults = {
        "title": "Hinge questions in maths",
        "description": "Quick checks that show who has understood.",
        "kind": "workshop",
        "scope": "community",
        "format": "in_person",
        "first_date": day.isoformat(),
        "start_time": "16:00",
        "end_time": "17:30",
        "meetings": "4",
        "weeks_apart": "1",
        "capacity": "12",
    }
    for name, value in (defaults | values).items():
        form[name] = value
    return form


def test_offer_a_session(app, personas):
    ExpertProfileFactory(user=personas.owner)
    page = app.sign_in(personas.owner).get("/sessions/new/")
    form = fill_session(form_for(page, ""), venue_school=str(personas.school.pk))
    done = form.submit().follow()
    assert "your session is proposed" in messages_on(done)
    session = DevelopmentSession.objects.get()
    assert session.title == "Hinge questions in maths"
    assert session.status == DevelopmentSession.Status.PROPOSED
    assert session.dates.count() == 4
    assert list(session.leads.all()) == [personas.owner]


def test_offer_form_errors_show_on_the_form(app, personas):
    ExpertProfileFactory(user=personas.owner)
    page = app.sign_in(personas.owner).get("/sessions/new/")
    form = fill_session(form_for(page, ""), end_time="15:00", format="online")
    response = form.submit(status=400)
    assert "The session must end after it starts." in text_of(response)
    assert "An online session needs a join link." in text_of(response)
    assert not DevelopmentSession.objects.exists()


def test_coordinator_publishes_a_proposed_session(app, personas):
    session = SessionFactory(status=DevelopmentSession.Status.PROPOSED, leads=[personas.owner])
    page = app.sign_in(personas.coordinator).get(session.get_absolute_url())
    done = form_for(page, "cpd_sessions:publish", pk=session.pk).submit().follow()
    assert "Published: colleagues can book it now." in messages_on(done)
    assert DevelopmentSession.objects.get(pk=session.pk).status == "published"


def test_lead_edits_a_session_and_adds_a_recording(app, personas):
    session = SessionFactory(leads=[personas.owner], venue_school=personas.school)
    page = app.sign_in(personas.owner).get(f"/sessions/{session.pk}/edit/")
    form = form_for(page, "")
    assert form["title"].value == session.title
    form["title"] = "Hinge questions, second run"
    form["recording_url"] = "https://video.example.org/hinge"
    done = form.submit().follow()
    assert "Saved." in messages_on(done)
    session.refresh_from_db()
    assert session.title == "Hinge questions, second run"
    assert session.recording_url == "https://video.example.org/hinge"
    assert session.dates.count() == 1


def test_lead_cancels_the_session_with_a_reason(app, personas):
    session = SessionFactory(leads=[personas.owner], venue_school=personas.school)
    book(session, personas.colleague)
    page = app.sign_in(personas.owner).get(session.get_absolute_url())
    form = form_for(page, "cpd_sessions:cancel", pk=session.pk)
    form["reason"] = "The presenter is ill."
    done = form.submit().follow()
    assert "The session is cancelled" in messages_on(done)
    session.refresh_from_db()
    assert session.status == DevelopmentSession.Status.CANCELLED
    assert session.cancel_reason == "The presenter is ill."


def test_a_colleague_sees_no_form_to_change_someone_elses_session(app, personas):
    session = SessionFactory(leads=[personas.owner], venue_school=personas.school)
    page = app.sign_in(personas.colleague).get(session.get_absolute_url())
    for name in ("cpd_sessions:cancel", "cpd_sessions:attendance", "cpd_sessions:publish"):
        with pytest.raises(AssertionError, match="No form posting"):
            form_for(page, name, pk=session.pk)
    app.get(f"/sessions/{session.pk}/edit/", status=403)


# --- Calendar feed and recordings ---


def test_make_and_switch_off_my_calendar_address(app, personas):
    page = app.sign_in(personas.owner).get("/sessions/calendar/")
    done = form_for(page, "cpd_sessions:calendar_renew").submit().follow()
    assert "Your calendar address is ready." in messages_on(done)
    assert CalendarFeed.objects.filter(user=personas.owner).exists()
    done = form_for(done, "cpd_sessions:calendar_revoke").submit().follow()
    assert "switched off" in messages_on(done)
    assert not CalendarFeed.objects.filter(user=personas.owner).exists()


def test_search_the_recordings(app, personas):
    past = london(-10, 16, 0)
    for title in ("Oracy in the early years", "Fractions on a number line"):
        SessionFactory(
            title=title,
            start=past,
            end=past + datetime.timedelta(hours=1),
            recording_url="https://video.example.org/x",
        )
    page = app.sign_in(personas.owner).get("/sessions/recordings/")
    form = page.forms[next(i for i, f in page.forms.items() if f.method.lower() == "get")]
    form["q"] = "oracy"
    results = text_of(form.submit())
    assert "Oracy in the early years" in results
    assert "Fractions on a number line" not in results


# --- Staff budgets (a CPD leader) ---


def test_one_figure_for_those_with_no_budget_leaves_set_budgets(app, personas):
    budget_set(
        user=personas.owner,
        academic_year=THIS_YEAR,
        allocated=Decimal("500"),
        by=personas.leader,
    )
    page = app.sign_in(personas.leader).get(reverse("cpd_sessions:budgets"))
    form = form_for(page, "cpd_sessions:budgets_all")
    form["allocated"] = "250"
    form["who"] = "unset"
    done = form.submit().follow()
    assert "Set £250.00 for 1 person" in messages_on(done)
    assert CpdBudget.objects.get(user=personas.owner, academic_year=THIS_YEAR).allocated == 500
    colleague = CpdBudget.objects.get(user=personas.colleague, academic_year=THIS_YEAR)
    assert (colleague.allocated, colleague.set_by) == (Decimal("250.00"), personas.leader)


def test_one_figure_for_everyone_replaces_every_budget(app, personas):
    budget_set(
        user=personas.owner,
        academic_year=THIS_YEAR,
        allocated=Decimal("500"),
        by=personas.leader,
    )
    page = app.sign_in(personas.leader).get(reverse("cpd_sessions:budgets"))
    form = form_for(page, "cpd_sessions:budgets_all")
    form["allocated"] = "300"
    form["who"] = "all"
    form.submit().follow()
    assert set(
        CpdBudget.objects.filter(academic_year=THIS_YEAR).values_list("user_id", "allocated")
    ) == {(personas.owner.pk, Decimal("300.00")), (personas.colleague.pk, Decimal("300.00"))}


def test_one_figure_too_large_is_refused_with_the_field_named(app, personas):
    page = app.sign_in(personas.leader).get(reverse("cpd_sessions:budgets"))
    form = form_for(page, "cpd_sessions:budgets_all")
    form["allocated"] = "25000"
    done = form.submit().follow()
    assert "Budget for each person (£): A CPD budget is at most £20,000" in messages_on(done)
    assert not CpdBudget.objects.exists()


def test_per_person_figures_saved_at_once_blank_left_alone(app, personas):
    budget_set(
        user=personas.owner,
        academic_year=THIS_YEAR,
        allocated=Decimal("500"),
        by=personas.leader,
    )
    page = app.sign_in(personas.leader).get(reverse("cpd_sessions:budgets"))
    form = form_for(page, "")
    assert form[f"budget-{personas.owner.pk}"].value == "500.00"
    form[f"budget-{personas.owner.pk}"] = "650"
    form[f"budget-{personas.colleague.pk}"] = "400.50"
    done = form.submit().follow()
    assert "Saved 2 budgets" in messages_on(done)
    assert dict(CpdBudget.objects.values_list("user_id", "allocated")) == {
        personas.owner.pk: Decimal("650.00"),
        personas.colleague.pk: Decimal("400.50"),
    }


def test_one_bad_figure_saves_nothing_and_names_the_person(app, personas):
    page = app.sign_in(personas.leader).get(reverse("cpd_sessions:budgets"))
    form = form_for(page, "")
    form[f"budget-{personas.owner.pk}"] = "650"
    form[f"budget-{personas.colleague.pk}"] = "-5"
    page = form.submit(status=400)
    assert "Budget for Amelia Hughes (£)" in page.html.select_one(".error-summary").get_text()
    assert not CpdBudget.objects.exists()


def test_after_an_error_the_approvals_page_keeps_its_filter(app, personas, school_hours):
    booking = book(school_hours, personas.owner, release=release_data())
    page = app.sign_in(personas.leader).get("/sessions/approvals/?show=all&q=Whitfield")
    form = form_for(page, "cpd_sessions:release_decide", pk=booking.release.pk, index=1)
    form["reason"] = ""  # a decline needs a reason
    back = form.submit()
    assert back.location.endswith("/sessions/approvals/?show=all&q=Whitfield")
    assert "reason" in messages_on(back.follow()).lower()
    assert Booking.objects.get(pk=booking.pk).status == S.PENDING


def test_a_long_goal_is_clamped_with_show_more(app, personas, school_hours):
    book(school_hours, personas.owner, release=release_data(goal="Questioning " * 160))
    page = app.sign_in(personas.leader).get("/sessions/approvals/")
    clamp = page.html.select_one("td[data-label=Goal] .clamp")
    assert clamp.select_one("summary").get_text(" ").startswith("Show more")
    assert len(clamp.select_one(".clamp-short").get_text()) <= 200


# --- The session lead ---


def test_lead_emails_everyone_booked_once_even_if_sent_twice(
    app, personas, django_capture_on_commit_callbacks
):
    from notifications.models import Delivery  # noqa: PLC0415 -- only this test reads the ledger

    session = SessionFactory(leads=[personas.colleague], capacity=5)
    book(session, personas.owner)
    book(session, personas.outsider)
    detail = app.sign_in(personas.colleague).get(session.get_absolute_url())
    page = detail.click(href=reverse("cpd_sessions:message", args=[session.pk]))
    form = form_for(page, "")
    form["subject"] = "Bring a lesson plan"
    form["body"] = "Please bring a plan you would like to improve."
    with django_capture_on_commit_callbacks(execute=True):
        done = form.submit().follow()
    assert "on its way to 2 people" in messages_on(done)
    again = form.submit().follow()  # the same form sent again (a double click, a back button)
    assert "already sent" in messages_on(again)
    assert Delivery.objects.filter(kind="session_message").count() == 2


def test_lead_message_without_a_subject_names_the_field(app, personas):
    session = SessionFactory(leads=[personas.colleague], capacity=5)
    page = app.sign_in(personas.colleague).get(reverse("cpd_sessions:message", args=[session.pk]))
    form = form_for(page, "")
    form["body"] = "Hello"
    page = form.submit(status=400)
    assert "Subject: This field is required." in text_of(page.html.select_one(".error-summary"))


# --- Apologies for one meeting, certificates for everyone present, the fee share, no budget ---


def test_send_then_withdraw_apologies_for_one_meeting_of_a_series(
    app, personas, mailoutbox, django_capture_on_commit_callbacks
):
    from cpd_sessions.models import Apology  # noqa: PLC0415 -- only these tests

    dates = [(london(7 * n + 7, 16, 0), london(7 * n + 7, 17, 0)) for n in range(3)]
    series = SessionFactory(leads=[personas.colleague], dates=dates)
    book(series, personas.owner)
    second = list(series.dates.order_by("start"))[1]
    page = app.sign_in(personas.owner).get(series.get_absolute_url())
    form = form_for(page, "cpd_sessions:apology", pk=series.pk, index=1)
    assert form["date"].value == str(second.pk)
    with django_capture_on_commit_callbacks(execute=True):
        done = form.submit().follow()
    assert "the session's lead is told, and you keep your place" in messages_on(done)
    assert Apology.objects.get().date == second
    assert Booking.objects.get(user=personas.owner).status == S.CONFIRMED
    assert [m.to for m in mailoutbox] == [[personas.colleague.email]]
    withdraw = form_for(done, "cpd_sessions:apology", pk=series.pk, index=1)
    assert withdraw["action"].value == "withdraw"
    back = withdraw.submit().follow()
    assert "are withdrawn: you are expected" in messages_on(back)
    assert not Apology.objects.exists()


def test_lead_emails_certificates_to_everyone_present_once(
    app, personas, finished, mailoutbox, django_capture_on_commit_callbacks
):
    owner = Booking.objects.get(user=personas.owner)
    attendance_mark(session=finished, by=personas.colleague, present_ids=[owner.pk])
    page = app.sign_in(personas.colleague).get(finished.get_absolute_url())
    form = form_for(page, "cpd_sessions:certificates_send", pk=finished.pk)
    with django_capture_on_commit_callbacks(execute=True):
        done = form.submit().follow()
    assert "on their way to 1 person" in messages_on(done)
    assert [m.to for m in mailoutbox] == [[personas.owner.email]]
    again = form_for(done, "cpd_sessions:certificates_send", pk=finished.pk).submit().follow()
    assert "already been emailed their certificate" in messages_on(again)
    assert len(mailoutbox) == 1
    assert "emailed" in text_of(again.html.select_one(".register-marks"))


def test_ask_for_release_shows_the_fee_share_and_cannot_change_it(app, personas, school_hours):
    DevelopmentSession.objects.filter(pk=school_hours.pk).update(fee=Decimal("300"))
    page = app.sign_in(personas.owner).get(school_hours.get_absolute_url())
    form = form_for(page, "cpd_sessions:book", pk=school_hours.pk)
    share = page.html.select_one("input[name=fee_share]")
    assert share.has_attr("disabled")
    assert share["value"] == "300.00"
    form["cover_lessons"] = "1"
    form["supply_cost"] = "100"
    form["travel_cost"] = "0"
    form["goal"] = "Questioning"
    form.submit().follow()
    assert ReleaseRequest.objects.get().fee_share == Decimal("300.00")


def test_approve_against_no_budget_is_warned_before_and_after(app, personas, school_hours):
    booking = book(school_hours, personas.owner, release=release_data())
    page = app.sign_in(personas.leader).get(reverse("cpd_sessions:approvals"))
    warning = page.html.select_one(f"#no-budget-{booking.release.pk}")
    assert "No budget set for" in text_of(warning)
    form = form_for(page, "cpd_sessions:release_decide", pk=booking.release.pk)
    assert form["decision"].value == "approve"
    done = form.submit().follow()
    assert "Approved: Sam Whitfield is booked on." in messages_on(done)
    assert "has no CPD budget set" in messages_on(done)

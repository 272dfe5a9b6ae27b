"""
The courses app's forms as a browser submits them (WebTest): a teacher adds a course she went
on; another teacher asks to attend it with cover, her CPD leader approves it on the usual
approvals page (seeing the cost against the budget and the colleague who offers the same), and
after the day she reviews it, which logs it in her portfolio; a cancelled approval is refunded
once; the coordinator hides a course and lists it again; a request with mistakes is refused.
"""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from courses.models import Course, CourseRequest, Review
from cpd_sessions.budget import budget_set
from cpd_sessions.models import Booking, BudgetEntry, DevelopmentSession, ReleaseRequest
from cpdhub.academic_year import academic_year_of
from experts.models import ExpertiseArea
from portfolios.models import Entry, ImpactFollowUp
from tests.cpd_sessions.factories import london
from tests.experts.factories import ExpertProfileFactory, offer
from tests.factories import UserFactory
from tests.portfolios.factories import GoalFactory
from tests.webtest import form_for, messages_on, text_of

from .factories import make_course, make_request

pytestmark = pytest.mark.django_db


def day(days=14) -> datetime.date:
    return timezone.localdate(london(days, 9, 0))


def test_a_teacher_adds_a_course_she_attended(app, personas):
    page = app.sign_in(personas.colleague).get("/courses/new/")
    form = form_for(page, "")
    form["title"] = "Hinge questions in KS2"
    form["provider_name"] = "Northern Teaching Institute"
    form["format"] = "in_person"
    form["cost"] = "195.00"
    form["starts_on"] = day(40).isoformat()
    form["link"] = "https://example.org/hinge"
    questioning = ExpertiseArea.objects.get(slug="questioning")
    form.get(
        "areas", index=list(ExpertiseArea.objects.order_by("name")).index(questioning)
    ).checked = True
    # Without ticking that she attended it: refused, nothing saved.
    refused = form.submit(status=400)
    assert "This field is required." in text_of(refused)
    assert not Course.objects.exists()
    form = form_for(refused, "")
    form["attended"] = True
    done = form.submit().follow()
    assert "The course is in the list." in messages_on(done)
    course = Course.objects.get()
    assert (course.added_by, course.provider.name) == (
        personas.colleague,
        "Northern Teaching Institute",
    )
    assert list(course.areas.all()) == [questioning]


def test_request_with_cover_approved_by_the_leader_then_reviewed_and_logged(
    app, personas, mailoutbox, django_capture_on_commit_callbacks
):
    grace = ExpertProfileFactory(
        user=UserFactory(first_name="Grace", last_name="Adeyemi", school=personas.other_school)
    )
    offer(grace, "questioning")
    course = make_course(personas.coordinator)
    goal = GoalFactory(owner=personas.owner, title="Better questioning")
    budget_set(
        user=personas.owner,
        academic_year=academic_year_of(london(14)),
        allocated=Decimal("600"),
        by=personas.leader,
    )
    page = app.sign_in(personas.owner).get(course.get_absolute_url())
    assert "Grace Adeyemi at Thornbury High School" in text_of(page)  # ask her first?
    page = page.click("Ask to attend")
    form = form_for(page, "")
    assert form["fee"].value == "195.00"  # the course's cost, to start from
    form["date"] = day().isoformat()
    form["start_time"] = "09:00"
    form["end_time"] = "15:30"
    form["supply_cost"] = "180.00"
    form["travel_cost"] = "24.00"
    form["cover_lessons"] = "5"
    form["cover_notes"] = "Year 4, all day"
    form["goal"] = str(goal.pk)
    form["why"] = "Hinge questions for my Year 4 class."
    with django_capture_on_commit_callbacks(execute=True):
        done = form.submit().follow()
    assert "Your request has gone to your CPD leader." in messages_on(done)
    assert "Waiting for a decision" in text_of(done)
    request = CourseRequest.objects.get()
    assert [m.to for m in mailoutbox] == [[personas.leader.email]]

    # The leader sees the cost against the budget and the colleague who offers the same.
    page = app.sign_in(personas.leader).get("/sessions/approvals/")
    text = text_of(page)
    assert "External course: fee £195.00" in text
    assert "£399.00" in text  # fee, supply and travel
    assert "After this approval £201.00" in text
    assert "In the community: Grace Adeyemi at Thornbury High School offers questioning" in text
    form = form_for(page, "cpd_sessions:release_decide", pk=request.booking.release.pk)
    with django_capture_on_commit_callbacks(execute=True):
        form.submit().follow()
    assert ReleaseRequest.objects.get().decision == ReleaseRequest.Decision.APPROVED
    assert BudgetEntry.objects.get().amount == Decimal("399.00")
    assert mailoutbox[-1].to == [personas.owner.email]

    # After the day: her review, and the course in her portfolio with a follow-up.
    past = timezone.now() - datetime.timedelta(days=1)
    DevelopmentSession.objects.filter(pk=request.booking.session_id).update(
        start=past, end=past + datetime.timedelta(hours=6)
    )
    page = app.sign_in(personas.owner).get("/courses/requests/")
    page = page.click("Review it and log it in my portfolio")
    form = form_for(page, "")
    form["attended_on"] = timezone.localdate(past).isoformat()
    form["rating"] = "5"
    form["recommend"] = True
    form["for_whom"] = "KS2 teachers"
    form["comment"] = "Hinge questions that work."
    form["will_try"] = "One hinge question a lesson"
    done = form.submit().follow()
    assert "The course is logged in your portfolio." in messages_on(done)
    assert "Sam Whitfield, Ashgrove Primary School" in text_of(done)
    assert Review.objects.get().recommend
    entry = Entry.objects.get(owner=personas.owner)
    assert ImpactFollowUp.objects.filter(entry=entry).exists()


def test_a_request_with_mistakes_is_refused_and_nothing_is_saved(app, personas):
    course = make_course(personas.coordinator)
    goal = GoalFactory(owner=personas.owner)
    page = app.sign_in(personas.owner).get(f"/courses/{course.pk}/request/")
    form = form_for(page, "")
    form["date"] = day(-5).isoformat()
    form["start_time"] = "09:00"
    form["end_time"] = "15:30"
    form["fee"] = "4000"
    form["supply_cost"] = "900"
    form["travel_cost"] = "900"
    form["goal"] = str(goal.pk)
    form["why"] = "Because"
    refused = form.submit(status=400)
    assert "one request is at most £5,000.00" in text_of(refused)
    form = form_for(refused, "")
    form["fee"] = "100"
    refused = form.submit(status=400)
    assert "A meeting cannot be in the past" in text_of(refused)
    assert not CourseRequest.objects.exists()
    assert not DevelopmentSession.objects.exists()


def test_cancelling_an_approved_request_refunds_once(app, personas):
    course = make_course(personas.coordinator)
    request = make_request(personas.owner, course, GoalFactory(owner=personas.owner))
    from cpd_sessions.approvals import release_decide  # noqa: PLC0415 -- this test only

    release_decide(release=request.booking.release, by=personas.leader, approve=True)
    page = app.sign_in(personas.owner).get("/courses/requests/")
    form = form_for(page, "courses:request_cancel", pk=request.pk)
    done = form.submit().follow()
    assert "Your request is cancelled" in messages_on(done)
    assert Booking.objects.get().status == Booking.Status.CANCELLED
    assert sum(e.amount for e in BudgetEntry.objects.all()) == 0
    assert BudgetEntry.objects.filter(kind="refund").count() == 1
    assert "Cancelled" in text_of(done)


def test_the_coordinator_hides_a_course_and_lists_it_again(app, personas):
    course = make_course(personas.coordinator)
    page = app.sign_in(personas.coordinator).get(course.get_absolute_url())
    done = form_for(page, "courses:hide", pk=course.pk).submit().follow()
    assert "The course is hidden" in messages_on(done)
    assert Course.objects.get().is_hidden
    done = form_for(done, "courses:hide", pk=course.pk).submit().follow()
    assert "The course is listed again." in messages_on(done)
    assert not Course.objects.get().is_hidden

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

from courses.models import Course, CourseRequest, OutsideNetwork, Review
from cpd_sessions.budget import budget_set
from cpd_sessions.models import Booking, BudgetEntry, DevelopmentSession, ReleaseRequest
from cpdhub.academic_year import academic_year_of
from experts.models import ExpertiseArea
from hubs.models import School
from portfolios.models import Entry, ImpactFollowUp
from tests.cpd_sessions.factories import london
from tests.experts.factories import ExpertProfileFactory, offer
from tests.factories import UserFactory
from tests.portfolios.factories import GoalFactory
from tests.webtest import form_for, messages_on, text_of

from .factories import make_course, make_network, make_request

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
        allocated=Decimal("1000"),
        by=personas.leader,
    )
    page = app.sign_in(personas.owner).get(course.get_absolute_url())
    assert "Grace Adeyemi at Thornbury High School" in text_of(page)  # ask her first?
    page = page.click("Ask to attend")
    form = form_for(page, "")
    assert form["fee"].value == "195.00"  # the course's cost, to start from
    # Three days, not in a row (the first is the course's next date, to start from).
    assert form["day-0-date"].value == course.starts_on.isoformat()
    for n, offset in enumerate((14, 21, 35)):
        form[f"day-{n}-date"] = day(offset).isoformat()
        form[f"day-{n}-start_time"] = "09:00"
        form[f"day-{n}-end_time"] = "15:30"
    form["supply_cost"] = "540.00"
    form["travel_cost"] = "24.00"
    form["cover_lessons"] = "5"
    form["cover_notes"] = "Year 4, all day"
    form["goal"] = str(goal.pk)
    form["why"] = "Hinge questions for my Year 4 class."
    with django_capture_on_commit_callbacks(execute=True):
        done = form.submit().follow()
    assert "Your request has gone to your CPD leader." in messages_on(done)
    assert "Waiting for a decision" in text_of(done)
    assert "supply £540.00 over 3 days" in text_of(done)  # my requests: every day, the total
    assert f"{day(35):%A} {day(35).day} {day(35):%B %Y}, 09:00 to 15:30" in text_of(done)
    request = CourseRequest.objects.get()
    assert [m.to for m in mailoutbox] == [[personas.leader.email]]
    session = request.booking.session
    assert [timezone.localdate(d.start) for d in session.dates.all()] == [
        day(14),
        day(21),
        day(35),
    ]
    assert (session.start, session.end) == (
        session.dates.first().start,
        session.dates.last().end,
    )
    assert "supply £540.00 over 3 days" in mailoutbox[0].body

    # The leader sees every day, the cost against the budget and the colleague who offers the
    # same.
    page = app.sign_in(personas.leader).get("/sessions/approvals/")
    text = text_of(page)
    assert "External course: fee £195.00" in text
    assert "3 days:" in text
    for offset in (14, 21, 35):
        assert f"{day(offset):%A} {day(offset).day} {day(offset):%B %Y}, 09:00" in text
    assert "supply £540.00 over 3 days" in text
    assert "£759.00" in text  # fee, supply and travel
    assert "After this approval £241.00" in text
    assert "In the community: Grace Adeyemi at Thornbury High School offers questioning" in text
    form = form_for(page, "cpd_sessions:release_decide", pk=request.booking.release.pk)
    with django_capture_on_commit_callbacks(execute=True):
        form.submit().follow()
    assert ReleaseRequest.objects.get().decision == ReleaseRequest.Decision.APPROVED
    assert BudgetEntry.objects.get().amount == Decimal("759.00")
    assert mailoutbox[-1].to == [personas.owner.email]
    assert mailoutbox[-1].subject.startswith("Request to attend approved: Questioning in depth")
    assert "over 3 days" in mailoutbox[-1].body

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
    form["day-0-date"] = day(-5).isoformat()
    form["day-0-start_time"] = "09:00"
    form["day-0-end_time"] = "15:30"
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
    assert "Day 1, date: This day is in the past: choose a later date." in text_of(refused)
    assert not CourseRequest.objects.exists()
    assert not DevelopmentSession.objects.exists()


def test_a_request_on_several_days_says_what_is_wrong_with_each_day(app, personas):
    """The same day twice, a day that ends before it starts, a day in the past: a message for
    each, the days kept as typed, nothing saved; then the days put right are saved together."""
    course = make_course(personas.coordinator)
    goal = GoalFactory(owner=personas.owner)
    page = app.sign_in(personas.owner).get(f"/courses/{course.pk}/request/")
    form = form_for(page, "")
    rows = [(day(14), "09:00", "15:30"), (day(14), "09:00", "15:30"), (day(21), "15:00", "09:00")]
    rows.append((day(-5), "09:00", "12:00"))
    for n, (date, start, end) in enumerate(rows):
        form[f"day-{n}-date"] = date.isoformat()
        form[f"day-{n}-start_time"] = start
        form[f"day-{n}-end_time"] = end
    form["supply_cost"] = "3500"  # more than £1,000 a day over three days
    form["goal"] = str(goal.pk)
    form["why"] = "Because"
    refused = form.submit(status=400)
    text = text_of(refused)
    assert "Day 3, ends at: The course must end after it starts on this day." in text
    assert "Day 4, date: This day is in the past: choose a later date." in text
    assert refused.html.find("details", class_="more-days").has_attr("open")
    assert not DevelopmentSession.objects.exists()
    form = form_for(refused, "")
    form["day-2-end_time"] = "15:30"
    form["day-3-date"] = ""
    form["day-3-start_time"] = ""
    form["day-3-end_time"] = ""
    refused = form.submit(status=400)
    assert "Day 2, date: The same date as day 1: give each day once." in text_of(refused)
    form = form_for(refused, "")
    form["day-1-date"] = day(28).isoformat()
    refused = form.submit(status=400)
    assert "Cover is at most £1,000.00 a day: £3,000.00 over 3 days." in text_of(refused)
    assert not DevelopmentSession.objects.exists()
    assert not CourseRequest.objects.exists()
    form = form_for(refused, "")
    form["supply_cost"] = "540"
    form.submit().follow()
    request = CourseRequest.objects.get()
    assert [timezone.localdate(d.start) for d in request.booking.session.dates.all()] == [
        day(14),
        day(21),
        day(28),
    ]
    assert request.booking.release.supply_cost == Decimal("540.00")


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


def test_the_coordinator_adds_changes_and_removes_a_network(app, personas):
    """In the product, not the admin: an empty list says so, the coordinator adds a network
    (a name twice is refused), changes it, and removes it after being asked."""
    page = app.sign_in(personas.coordinator).get("/outside-networks/")
    assert "No outside network is listed yet." in text_of(page)
    page = page.click("Add an outside network")
    form = form_for(page, "")
    form["name"] = "Northgate Maths Hub"
    form["kind"] = "maths_hub"
    form["link"] = "not a link"
    form["contact"] = "hub@northgate.example"
    schools = list(School.objects.order_by("name"))
    form.get("schools", index=schools.index(personas.school)).checked = True
    refused = form.submit(status=400)
    assert "Link: Enter a valid URL." in text_of(refused)
    assert not OutsideNetwork.objects.exists()
    form = form_for(refused, "")
    form["link"] = "https://northgate.example"
    done = form.submit().follow()
    assert "“Northgate Maths Hub” is on the list." in messages_on(done)
    network = OutsideNetwork.objects.get()
    assert list(network.schools.all()) == [personas.school]
    assert (network.kind, network.contact) == ("maths_hub", "hub@northgate.example")

    # A second network of the same name (whatever the case) is refused.
    form = form_for(app.get("/outside-networks/new/"), "")
    form["name"] = "northgate maths hub"
    form["kind"] = "other"
    refused = form.submit(status=400)
    assert "A network of that name is listed already." in text_of(refused)
    assert OutsideNetwork.objects.count() == 1

    page = done.click("Change", href=f"/outside-networks/{network.pk}/edit/")
    form = form_for(page, "")
    assert form["name"].value == "Northgate Maths Hub"
    form["name"] = "Northgate and Riverside Maths Hub"
    questioning = ExpertiseArea.objects.get(slug="questioning")
    form.get(
        "areas", index=list(ExpertiseArea.objects.order_by("name")).index(questioning)
    ).checked = True
    done = form.submit().follow()
    assert "“Northgate and Riverside Maths Hub” is changed." in messages_on(done)
    network.refresh_from_db()
    assert list(network.areas.all()) == [questioning]
    assert "Northgate and Riverside Maths Hub" in text_of(
        app.get(f"/schools/{personas.school.urn}/")
    )

    page = done.click("Remove", href=f"/outside-networks/{network.pk}/remove/")
    assert "Remove Northgate and Riverside Maths Hub?" in text_of(page)
    assert OutsideNetwork.objects.exists()  # asking removes nothing
    done = form_for(page, "").submit().follow()
    assert "is removed from the list" in messages_on(done)
    assert not OutsideNetwork.objects.exists()
    assert "No outside network is listed yet." in text_of(done)


def test_everyone_else_reads_networks_but_cannot_keep_them(app, personas):
    network = make_network(schools=[personas.school])
    for person in (personas.owner, personas.leader, personas.other_leader):
        signed_in = app.sign_in(person)
        page = signed_in.get(network.get_absolute_url())
        assert "Northgate Maths Hub" in text_of(page)
        assert f"/outside-networks/{network.pk}/edit/" not in page.text
        assert "Add an outside network" not in text_of(signed_in.get("/outside-networks/"))
        for url in ("/outside-networks/new/", f"/outside-networks/{network.pk}/edit/"):
            signed_in.get(url, status=403)
        signed_in.get(f"/outside-networks/{network.pk}/remove/", status=403)
    # A write posted by hand, with the CSRF token of another page: refused, nothing changed.
    page = app.sign_in(personas.leader).get("/courses/new/")
    token = form_for(page, "")["csrfmiddlewaretoken"].value
    app.post(f"/outside-networks/{network.pk}/remove/", {"csrfmiddlewaretoken": token}, status=403)
    app.post(
        f"/outside-networks/{network.pk}/edit/",
        {"csrfmiddlewaretoken": token, "name": "Taken over", "kind": "other"},
        status=403,
    )
    network.refresh_from_db()
    assert network.name == "Northgate Maths Hub"

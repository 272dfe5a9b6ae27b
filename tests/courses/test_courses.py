"""
External courses: the catalogue (search, filters, order by colleagues' recommendations,
moderation), reviews, a request to attend as a release request in the CPD leader's usual queue
and ledger (the in-community alternative beside it), cancelling with one refund, the portfolio
entry with its six-week follow-up, the directory's "Courses" block and the outside networks.
"""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from courses import selectors, services
from courses.models import Course, Review
from cpd_sessions.approvals import approvals_search, release_decide
from cpd_sessions.budget import budget_set
from cpd_sessions.models import Booking, BudgetEntry, DevelopmentSession, ReleaseRequest
from cpdhub.academic_year import academic_year_of
from experts.models import ExpertiseArea
from hubs.models import Phase
from hubs.services import user_delete
from portfolios.models import Entry, ImpactFollowUp
from tests.experts.factories import ExpertProfileFactory, offer
from tests.factories import UserFactory
from tests.portfolios.factories import GoalFactory

from .factories import area, course_days, make_course, make_network, make_request, review

pytestmark = pytest.mark.django_db


def ledger(user) -> Decimal:
    return sum((e.amount for e in BudgetEntry.objects.filter(user=user)), Decimal(0))


# --- The catalogue ---


def test_colleagues_recommendations_order_the_list_and_search_finds_provider_and_area(personas):
    quiet = make_course(personas.coordinator, title="Assessment basics", provider="Acme Training")
    loved = make_course(
        personas.coordinator, title="Hinge questions", provider="Northern Institute"
    )
    review(personas.colleague, loved)
    review(personas.outsider, loved, rating=4)
    review(personas.colleague, quiet, rating=2, recommend=False)
    loved.refresh_from_db()
    assert (loved.recommended_by, loved.review_count, loved.rating) == (2, 2, Decimal("4.5"))
    found = list(selectors.course_list(personas.owner))
    assert found == [loved, quiet]
    assert list(selectors.course_list(personas.owner, q="northern")) == [loved]
    assert list(selectors.course_list(personas.owner, q="QUESTIONING hinge")) == [loved]
    assert list(selectors.course_list(personas.owner, sort="cost")) == [quiet, loved]


def test_filters_by_area_phase_format_and_cost_band(personas):
    primary = Phase.objects.get(slug="primary")
    cheap = make_course(
        personas.coordinator,
        title="Free oracy",
        cost=Decimal(0),
        format=Course.Format.ONLINE,
        on_demand=True,
        starts_on=None,
        areas=[area("oracy")],
        phases=[primary],
    )
    dear = make_course(personas.coordinator, title="Leading maths", cost=Decimal("450"))
    assert list(selectors.course_list(personas.owner, area=area("oracy"))) == [cheap]
    assert list(selectors.course_list(personas.owner, phase=primary)) == [cheap]
    assert list(selectors.course_list(personas.owner, format="online")) == [cheap]
    assert list(selectors.course_list(personas.owner, cost="free")) == [cheap]
    assert list(selectors.course_list(personas.owner, cost="over-250")) == [dear]
    assert list(selectors.course_list(personas.owner, cost="100-250")) == []


def test_a_hidden_course_is_the_coordinators_alone(client, personas):
    course = make_course(personas.coordinator)
    with pytest.raises(PermissionDenied):
        services.course_hide(course=course, by=personas.leader, hidden=True)
    services.course_hide(course=course, by=personas.coordinator, hidden=True)
    client.force_login(personas.owner)
    assert client.get(course.get_absolute_url()).status_code == 404
    assert course.title not in client.get("/courses/").content.decode()
    client.force_login(personas.coordinator)
    assert "only the coordinator sees it" in client.get(course.get_absolute_url()).content.decode()


def test_staff_add_only_courses_they_attended_the_coordinator_any(personas):
    with pytest.raises(ValidationError) as refused:
        make_course(personas.owner)
    assert "attended" in refused.value.message_dict
    course = make_course(personas.owner, attended=True, provider="  northern   institute ")
    assert course.added_by == personas.owner
    again = make_course(personas.coordinator, title="Another", provider="Northern Institute")
    assert again.provider == course.provider  # one provider, found by name
    with pytest.raises(ValidationError):
        make_course(personas.coordinator, title="Undated", starts_on=None)


def test_reviews_show_name_and_school_and_a_second_review_rewrites_the_first(client, personas):
    course = make_course(personas.coordinator)
    review(personas.outsider, course, for_whom="new teachers", comment="Hinge questions")
    review(personas.outsider, course, rating=2, recommend=False)
    course.refresh_from_db()
    assert (Review.objects.count(), course.recommended_by, course.rating) == (1, 0, 2)
    with pytest.raises(ValidationError):
        review(personas.owner, course, days_ago=-3)  # not attended yet
    client.force_login(personas.owner)
    page = client.get(course.get_absolute_url()).content.decode()
    assert "Owen Bell, Thornbury High School" in page


# --- The directory's block ---


def test_the_directory_search_finds_courses_too(client, personas):
    course = make_course(personas.coordinator, title="Questioning that sticks")
    review(personas.outsider, course)
    for n in range(4):
        make_course(personas.coordinator, title=f"Questioning {n}")
    client.force_login(personas.owner)
    page = client.get("/experts/?q=questioning").content.decode()
    assert '<h2 id="extra-1">Courses</h2>' in page
    assert "Questioning that sticks" in page
    assert "recommended by 1 colleague" in page
    assert "/courses/?q=questioning" in page
    assert len(re.findall(r'href="/courses/\d+/"', page)) == 3  # three at most
    assert "Courses</h2>" not in client.get("/experts/?q=zzzznothing").content.decode()


# --- Requests to attend: the usual queue, ledger and emails ---


def test_a_request_waits_in_the_leaders_queue_with_its_costs_and_the_community_alternative(
    client, personas, mailoutbox, django_capture_on_commit_callbacks
):
    grace = ExpertProfileFactory(user=UserFactory(first_name="Grace", school=personas.other_school))
    offer(grace, "questioning")
    course = make_course(personas.coordinator)
    goal = GoalFactory(owner=personas.owner, title="Better questioning")
    with django_capture_on_commit_callbacks(execute=True):
        request = make_request(personas.owner, course, goal)
    release = request.booking.release
    assert request.booking.session.kind == DevelopmentSession.Kind.EXTERNAL_COURSE
    assert request.booking.session.scope == DevelopmentSession.Scope.PRIVATE
    assert (release.fee_share, release.supply_cost, release.travel_cost) == (
        Decimal("195.00"),
        Decimal("180.00"),
        Decimal("20.00"),
    )
    assert release.goal.startswith("Better questioning: ")
    assert list(approvals_search(personas.leader, show="pending")) == [release]
    assert [m.to for m in mailoutbox] == [[personas.leader.email]]
    text, html = mailoutbox[0].body, mailoutbox[0].alternatives[0][0]
    for body in (text, html):
        assert "asks to attend an external course" in body
        assert "total £395.00" in body
    client.force_login(personas.leader)
    page = client.get("/sessions/approvals/").content.decode()
    assert "External course: fee £195.00" in page
    assert "In the community:" in page
    assert "Grace" in page
    assert "Thornbury High School" in page
    # The course isn't listed among sessions, even for the coordinator.
    assert not DevelopmentSession.objects.listed().filter(pk=request.booking.session_id).exists()


def test_approving_charges_the_budget_and_cancelling_refunds_once(
    personas, mailoutbox, django_capture_on_commit_callbacks
):
    course = make_course(personas.coordinator)
    request = make_request(personas.owner, course, GoalFactory(owner=personas.owner))
    year = academic_year_of(request.booking.session.start)
    budget_set(
        user=personas.owner, academic_year=year, allocated=Decimal("500"), by=personas.leader
    )
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        release_decide(release=request.booking.release, by=personas.leader, approve=True)
    assert ledger(personas.owner) == Decimal("395.00")
    assert [m.to for m in mailoutbox] == [[personas.owner.email]]
    assert "approved" in mailoutbox[0].body
    with pytest.raises(PermissionDenied):
        services.course_request_cancel(request=request, by=personas.colleague)
    services.course_request_cancel(request=request, by=personas.owner)
    services.course_request_cancel(request=request, by=personas.owner)  # a second click
    assert ledger(personas.owner) == 0
    assert BudgetEntry.objects.filter(kind=BudgetEntry.Kind.REFUND).count() == 1
    request.booking.refresh_from_db()
    assert request.booking.status == Booking.Status.CANCELLED


def test_a_request_needs_my_own_goal_a_future_date_and_a_school(personas):
    course = make_course(personas.coordinator)
    with pytest.raises(ValidationError) as refused:
        make_request(personas.owner, course, GoalFactory(owner=personas.colleague))
    assert "goal" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        make_request(personas.owner, course, GoalFactory(owner=personas.owner), days=-3)
    assert "days" in refused.value.message_dict
    with pytest.raises(PermissionDenied):
        make_request(personas.coordinator, course, GoalFactory(owner=personas.coordinator))
    assert not ReleaseRequest.objects.exists()
    assert not DevelopmentSession.objects.exists()


def test_an_evening_course_still_asks_the_leader(personas):
    """Its fee is the school's money, whatever the hours."""
    course = make_course(personas.coordinator)
    request = make_request(
        personas.owner,
        course,
        GoalFactory(owner=personas.owner),
        days=course_days(14, start=datetime.time(18, 0), end=datetime.time(20, 0)),
    )
    assert request.booking.status == Booking.Status.PENDING
    assert request.booking.release.decision == ReleaseRequest.Decision.PENDING


def test_after_the_course_my_review_logs_it_with_a_six_week_follow_up(personas):
    course = make_course(personas.coordinator)
    request = make_request(personas.owner, course, GoalFactory(owner=personas.owner))
    release_decide(release=request.booking.release, by=personas.leader, approve=True)
    session = request.booking.session
    past = timezone.now() - datetime.timedelta(days=2)
    DevelopmentSession.objects.filter(pk=session.pk).update(
        start=past, end=past + datetime.timedelta(hours=6)
    )
    session.dates.update(start=past, end=past + datetime.timedelta(hours=6))
    review(personas.owner, course, days_ago=2, comment="Hinge questions", will_try="Hinge Qs")
    review(personas.owner, course, days_ago=2, will_try="Again")  # logged once
    entry = Entry.objects.get(owner=personas.owner)
    assert entry.title == f"External course: {course.title}"
    assert (entry.hours, entry.will_try) == (Decimal("6.00"), "Hinge Qs")
    follow_up = ImpactFollowUp.objects.get(entry=entry)
    assert follow_up.due_on == entry.date + datetime.timedelta(weeks=6)


# --- Outside networks ---


def test_outside_networks_on_the_school_page_the_network_list_and_a_goal_page(client, personas):
    serving = make_network(schools=[personas.school], areas=[area("maths-mastery")])
    make_network("Elsewhere Research School", schools=[personas.other_school], areas=[area()])
    client.force_login(personas.owner)
    page = client.get(f"/schools/{personas.school.urn}/").content.decode()
    assert "Northgate Maths Hub" in page
    assert "Elsewhere Research School" not in page
    listing = client.get("/outside-networks/").content.decode()
    assert "Northgate Maths Hub" in listing
    assert "Ashgrove Primary School" in listing
    assert "Ashgrove Primary School" in client.get(serving.get_absolute_url()).content.decode()
    goal = GoalFactory(owner=personas.owner)
    goal.areas.set([ExpertiseArea.objects.get(slug="maths-mastery")])
    page = client.get(goal.get_absolute_url()).content.decode()
    assert "Outside networks" in page
    assert "Northgate Maths Hub" in page


# --- Erasure and export ---


def test_erasing_a_reviewer_takes_their_review_and_recounts(personas):
    course = make_course(personas.coordinator)
    review(personas.outsider, course)
    review(personas.colleague, course)
    user_delete(user=personas.outsider, by=personas.outsider)
    course.refresh_from_db()
    assert (course.review_count, course.recommended_by) == (1, 1)
    assert not Review.objects.filter(reviewer__last_name="Bell").exists()

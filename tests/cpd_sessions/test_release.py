import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from cpd_sessions import selectors, services
from cpd_sessions.models import Booking, CpdBudget, ReleaseRequest
from tests.factories import UserFactory

from .factories import SessionFactory, book, london, release_data

pytestmark = pytest.mark.django_db

S = Booking.Status


@pytest.fixture
def school_hours(personas):
    """A session at 10:00 on a weekday: inside every school's day."""
    return SessionFactory(capacity=2, start=london(10, 10, 0), end=london(10, 12, 0))


def release_post(**overrides) -> dict:
    data = {
        "cover_lessons": "3",
        "cover_notes": "Year 4",
        "supply_cost": "180.00",
        "travel_cost": "12.50",
        "fee_share": "0",
        "goal": "Better questioning in maths",
    }
    return data | overrides


def test_booking_in_school_hours_needs_the_release_form(client, personas, school_hours):
    client.force_login(personas.owner)
    page = client.get(school_hours.get_absolute_url()).content.decode()
    assert "during your school day" in page
    assert "Lessons needing cover" in page
    response = client.post(reverse("cpd_sessions:book", kwargs={"pk": school_hours.pk}), {})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    assert not Booking.objects.exists()
    with pytest.raises(services.ReleaseNeeded):
        book(school_hours, personas.owner)


def test_a_twilight_after_the_school_day_needs_no_release(personas):
    session = SessionFactory(start=london(10, 15, 30), end=london(10, 16, 30))
    personas.school.day_end = datetime.time(15, 15)
    personas.school.save()
    assert not selectors.session_needs_release(session, personas.owner)
    assert book(session, personas.owner).status == S.CONFIRMED


def test_a_weekend_session_needs_no_release(personas):
    saturday = london(10, 10, 0)
    while saturday.weekday() != 5:
        saturday += datetime.timedelta(days=1)
    session = SessionFactory(start=saturday, end=saturday + datetime.timedelta(hours=2))
    assert not selectors.session_needs_release(session, personas.owner)


def test_request_emails_own_school_leaders_and_holds_a_seat(
    client, personas, school_hours, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(personas.owner)
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(
            reverse("cpd_sessions:book", kwargs={"pk": school_hours.pk}),
            release_post(),
            follow=True,
        ).content.decode()
    assert "Your place is held while your CPD leader decides" in page
    booking = Booking.objects.get()
    assert booking.status == S.PENDING
    assert booking.release.cover_lessons == 3
    assert [m.to for m in mailoutbox] == [[personas.leader.email]]
    message = mailoutbox[0]
    assert "Sam Whitfield" in message.subject
    assert "Better questioning in maths" in message.body
    assert "£192.50" in message.body
    assert "Better questioning in maths" in message.alternatives[0][0]


def test_leader_approves_confirms_and_charges_the_budget(
    client, personas, school_hours, mailoutbox, django_capture_on_commit_callbacks
):
    booking = book(school_hours, personas.owner, release=release_data())
    CpdBudget.objects.create(
        user=personas.owner, academic_year=school_hours.academic_year, allocated=Decimal(500)
    )
    client.force_login(personas.leader)
    page = client.get(reverse("cpd_sessions:approvals")).content.decode()
    assert "Sam Whitfield" in page
    assert "After this approval</dt><dd>£307.50" in page
    assert "<strong>3</strong> lessons of cover" in page
    assert "£192.50" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("cpd_sessions:release_decide", kwargs={"pk": booking.release.pk}),
            {"decision": "approve"},
        )
    booking.refresh_from_db()
    release = ReleaseRequest.objects.get()
    assert booking.status == S.CONFIRMED
    assert release.decision == "approved"
    assert release.decided_by == personas.leader
    assert release.decided_at is not None
    budget = selectors.budget_of(personas.owner, school_hours.academic_year)
    assert budget.spent == Decimal("192.50")
    assert budget.remaining == Decimal("307.50")
    assert mailoutbox[-1].to == [personas.owner.email]
    assert "Release approved" in mailoutbox[-1].subject


def test_decline_needs_a_reason_frees_the_seat_and_moves_the_waitlist(
    client, personas, school_hours, mailoutbox, django_capture_on_commit_callbacks
):
    SessionFactory._meta.model.objects.filter(pk=school_hours.pk).update(capacity=1)
    pending = book(school_hours, personas.owner, release=release_data())
    waiting = book(school_hours, personas.outsider, release=release_data())
    assert waiting.status == S.WAITLISTED
    client.force_login(personas.leader)
    url = reverse("cpd_sessions:release_decide", kwargs={"pk": pending.release.pk})
    page = client.post(url, {"decision": "decline", "reason": ""}, follow=True).content.decode()
    assert "Give a reason when you decline" in page
    assert Booking.objects.get(pk=pending.pk).status == S.PENDING
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"decision": "decline", "reason": "Ofsted week: no cover."})
    assert Booking.objects.get(pk=pending.pk).status == S.DECLINED
    assert ReleaseRequest.objects.get(pk=pending.release.pk).reason == "Ofsted week: no cover."
    # The outsider moves up, and needs their own leader's approval now.
    assert Booking.objects.get(pk=waiting.pk).status == S.PENDING
    subjects = {m.subject for m in mailoutbox}
    assert any("Release declined" in s for s in subjects)
    assert any("A place has come free" in s for s in subjects)
    assert [personas.other_leader.email] in [m.to for m in mailoutbox]


def test_only_the_bookers_own_school_leader_decides(client, personas, school_hours):
    booking = book(school_hours, personas.owner, release=release_data())
    url = reverse("cpd_sessions:release_decide", kwargs={"pk": booking.release.pk})
    for person in (personas.other_leader, personas.coordinator, personas.colleague):
        client.force_login(person)
        response = client.post(url, {"decision": "approve"})
        assert response.status_code in {403, 404}, person
    assert Booking.objects.get(pk=booking.pk).status == S.PENDING
    client.force_login(personas.other_leader)
    assert "Sam Whitfield" not in client.get(reverse("cpd_sessions:approvals")).content.decode()
    client.force_login(personas.owner)
    assert client.get(reverse("cpd_sessions:approvals")).status_code == 403
    with pytest.raises(PermissionDenied):
        services.release_decide(release=booking.release, by=personas.other_leader, approve=True)


def test_bulk_approve_only_touches_my_schools_requests(client, personas, school_hours):
    mine = book(school_hours, personas.owner, release=release_data())
    theirs = book(school_hours, personas.outsider, release=release_data())
    client.force_login(personas.leader)
    client.post(
        reverse("cpd_sessions:approvals_bulk"),
        {"release": [mine.release.pk, theirs.release.pk]},
    )
    assert Booking.objects.get(pk=mine.pk).status == S.CONFIRMED
    assert Booking.objects.get(pk=theirs.pk).status == S.PENDING


def test_a_decision_is_made_once(personas, school_hours):
    booking = book(school_hours, personas.owner, release=release_data())
    services.release_decide(release=booking.release, by=personas.leader, approve=True)
    with pytest.raises(services.DecisionRefused, match="already been dealt with"):
        services.release_decide(
            release=ReleaseRequest.objects.get(), by=personas.leader, approve=True
        )
    services.release_decide(
        release=ReleaseRequest.objects.get(), by=personas.leader, approve=False, reason="No"
    )
    with pytest.raises(services.DecisionRefused, match="already been dealt with"):
        services.release_decide(
            release=ReleaseRequest.objects.get(), by=personas.leader, approve=False, reason="No"
        )


def test_leader_sets_a_budget_for_own_staff_only(client, personas):
    client.force_login(personas.leader)
    url = reverse("cpd_sessions:budget_set", kwargs={"user_id": personas.owner.pk})
    client.post(url, {"allocated": "400", "academic_year": "2026/27"})
    assert CpdBudget.objects.get(user=personas.owner).allocated == Decimal(400)
    client.force_login(personas.other_leader)
    response = client.post(url, {"allocated": "9999", "academic_year": "2026/27"})
    assert response.status_code == 404
    assert CpdBudget.objects.get(user=personas.owner).allocated == Decimal(400)


def test_database_requires_a_reason_to_decline(personas, school_hours):
    booking = book(school_hours, personas.owner, release=release_data())
    with pytest.raises(IntegrityError), transaction.atomic():
        ReleaseRequest.objects.filter(pk=booking.release.pk).update(
            decision="declined", reason="", decided_at=timezone.now()
        )


def test_the_approvals_queue_comes_a_page_at_a_time_at_the_same_cost(
    client, personas, count_queries
):
    def requests(n):
        for _ in range(n):
            session = SessionFactory(capacity=5, start=london(10, 10, 0), end=london(10, 12, 0))
            book(session, UserFactory(school=personas.school), release=release_data())

    requests(1)
    client.force_login(personas.leader)
    one = count_queries(reverse("cpd_sessions:approvals"))
    requests(54)
    assert count_queries(reverse("cpd_sessions:approvals")) == one
    page = client.get(reverse("cpd_sessions:approvals")).content.decode()
    assert "Page 1 of 2 (55 requests)" in page
    assert page.count('name="release" value=') == 50
    second = client.get(reverse("cpd_sessions:approvals") + "?page=2").content.decode()
    assert second.count('name="release" value=') == 5

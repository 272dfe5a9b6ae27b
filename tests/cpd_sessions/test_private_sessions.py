"""
A private session (a visit that needs release time, e.g. a coach going to another school) is
seen only by whoever proposed or leads it, the people booked on it and the coordinators; it is
never listed, suggested, put in anyone else's calendar or matched in the digest. Its release
time goes through the usual approval.

Personas: the outsider (Thornbury) plans a visit to Ashgrove (the owner's school). The
colleague and the leader work at Ashgrove; the other leader is the outsider's CPD leader.
"""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from cpd_sessions import listing, permissions, session_changes
from cpd_sessions.booking import booking_create
from cpd_sessions.calendar import feed_items
from cpd_sessions.forms import SessionForm
from cpd_sessions.models import Booking, DevelopmentSession, ReleaseRequest
from cpd_sessions.tasks import request_feedback
from experts.models import ExpertiseArea
from portfolios import suggestions
from termly import digest
from tests.factories import UserFactory
from tests.portfolios.factories import GoalFactory, NeedFactory

from .factories import SessionFactory, london, release_data

pytestmark = pytest.mark.django_db
Scope = DevelopmentSession.Scope
TITLE = "Coaching visit to Ashgrove Primary School"


def private_visit(personas, *, days: int = 10) -> DevelopmentSession:
    start = london(days, 9, 0)
    return session_changes.private_session_create(
        by=personas.outsider,
        title=TITLE,
        kind=DevelopmentSession.Kind.COACHING_VISIT,
        venue_school=personas.school,
        start=start,
        end=start + datetime.timedelta(hours=2),
    )


@pytest.fixture
def visit(personas):
    session = private_visit(personas)
    # A matching area, so any suggestion by area would find it if it were not private.
    session.areas.add(ExpertiseArea.objects.get(slug="questioning"))
    booking_create(session=session, user=personas.outsider, release=release_data())
    return session


def test_a_private_session_is_made_as_planned(personas, visit):
    assert visit.scope == Scope.PRIVATE
    assert visit.kind == DevelopmentSession.Kind.COACHING_VISIT
    assert visit.status == DevelopmentSession.Status.PUBLISHED
    assert (visit.capacity, visit.venue_school, visit.proposed_by) == (
        1,
        personas.school,
        personas.outsider,
    )
    assert visit.description == ""
    assert not visit.leads.exists()
    assert [(d.start, d.end) for d in visit.dates.all()] == [(visit.start, visit.end)]
    # In the outsider's school day: a pending release request for their own CPD leader.
    booking = Booking.objects.get(session=visit)
    assert booking.status == Booking.Status.PENDING
    assert ReleaseRequest.objects.filter(booking=booking).exists()


def test_nobody_else_sees_it_on_any_page(client, personas, visit):
    stranger = UserFactory(school=None)
    for person in [personas.owner, personas.colleague, personas.leader, personas.other_leader]:
        client.force_login(person)
        assert client.get(visit.get_absolute_url()).status_code == 404, person
        assert client.get(f"/sessions/{visit.pk}/calendar.ics").status_code == 404, person
        for url in ["/sessions/", "/sessions/?q=Coaching", "/sessions/mine/", "/"]:
            page = client.get(url).content.decode()
            assert visit.get_absolute_url() not in page, (person, url)
            if person != personas.other_leader:  # the coach's leader: the request waiting
                assert TITLE not in page, (person, url)
    client.force_login(stranger)
    assert client.get(visit.get_absolute_url()).status_code == 404


def test_its_own_people_and_the_coordinator_open_it_but_it_is_never_listed(client, personas, visit):
    for person in [personas.outsider, personas.coordinator]:
        client.force_login(person)
        assert client.get(visit.get_absolute_url()).status_code == 200, person
        assert TITLE not in client.get("/sessions/").content.decode(), person
    # The coach has it in their bookings and on their dashboard.
    client.force_login(personas.outsider)
    assert TITLE in client.get("/sessions/mine/").content.decode()
    assert visit in listing.my_next_sessions(personas.outsider)


def test_someone_booked_on_a_private_session_sees_it_whoever_proposed_it(personas):
    session = private_visit(personas)
    DevelopmentSession.objects.filter(pk=session.pk).update(proposed_by=personas.coordinator)
    assert not DevelopmentSession.objects.visible_to(personas.outsider).filter(pk=session.pk)
    booking_create(session=session, user=personas.outsider, release=release_data())
    assert DevelopmentSession.objects.visible_to(personas.outsider).filter(pk=session.pk)


def test_only_the_people_booked_have_it_in_their_calendar_feed(personas, visit):
    assert visit in [s for s, _ in feed_items(personas.outsider)]
    for person in [personas.owner, personas.colleague, personas.leader, personas.other_leader]:
        assert visit not in [s for s, _ in feed_items(person)], person


def test_goal_suggestions_never_offer_it(client, personas, visit):
    questioning = ExpertiseArea.objects.get(slug="questioning")
    for person in [personas.owner, personas.colleague, personas.coordinator]:
        goal = GoalFactory(owner=person)
        goal.areas.set([questioning])
        found = suggestions.suggest_sessions(person, {"goal": {questioning.pk}})
        assert visit not in found["goal"].sessions, person
        client.force_login(person)
        assert TITLE not in client.get(goal.get_absolute_url()).content.decode(), person


def test_the_digest_never_matches_it(personas, visit):
    upcoming, recorded = listing.upcoming_and_recorded(timezone.now() - datetime.timedelta(days=90))
    assert visit not in upcoming
    assert visit not in recorded


def test_in_memory_visibility_agrees_with_the_database_for_private_sessions(personas, visit):
    proposed_only = private_visit(personas, days=12)  # nobody booked yet
    other = SessionFactory(scope=Scope.PRIVATE, proposed_by=personas.colleague)
    people = [
        personas.owner,
        personas.colleague,
        personas.leader,
        personas.outsider,
        personas.other_leader,
        personas.coordinator,
        UserFactory(school=None),
    ]
    batch = digest._people([p.pk for p in people])
    sessions = list(
        DevelopmentSession.objects.filter(pk__in=[visit.pk, proposed_only.pk, other.pk])
        .prefetch_related("leads")
        .select_related("network")
    )
    for person in people:
        expected = set(
            DevelopmentSession.objects.visible_to(person)
            .filter(pk__in=[s.pk for s in sessions])
            .values_list("pk", flat=True)
        )
        in_memory = {s.pk for s in sessions if digest._may_see(batch[person.pk], s)}
        assert in_memory == expected, person
    assert digest._may_see(batch[personas.outsider.pk], visit)
    assert not digest._may_see(batch[personas.owner.pk], visit)


def test_a_private_session_has_no_audience_to_name(personas):
    with pytest.raises(IntegrityError), transaction.atomic():
        SessionFactory(scope=Scope.PRIVATE, school=personas.school)


def test_the_offer_form_never_offers_private_or_a_coaching_visit(personas, visit):
    form = SessionForm()
    assert Scope.PRIVATE not in dict(form.fields["scope"].choices)
    assert "coaching_visit" not in dict(form.fields["kind"].choices)
    # A coordinator changing a private session keeps its own scope and kind.
    kept = SessionForm(instance=visit)
    assert Scope.PRIVATE in dict(kept.fields["scope"].choices)
    assert "coaching_visit" in dict(kept.fields["kind"].choices)


def test_the_proposer_cancels_it_and_nobody_else_but_the_coordinator(personas, visit):
    for person in [personas.owner, personas.other_leader, personas.leader]:
        with pytest.raises(PermissionDenied):
            session_changes.session_cancel(session=visit, by=person, reason="No.")
    session_changes.session_cancel(session=visit, by=personas.outsider, reason="Called off.")
    visit.refresh_from_db()
    assert visit.status == DevelopmentSession.Status.CANCELLED


def test_the_leader_decides_without_a_link_to_a_page_they_cannot_open(client, personas, visit):
    client.force_login(personas.other_leader)
    page = client.get("/sessions/approvals/").content.decode()
    assert TITLE in page
    assert visit.get_absolute_url() not in page
    assert "09:00 to 11:00" in page


def test_the_coordinators_needs_page_never_counts_it_as_supply(client, personas, visit):
    """The visit has an area here (a real one has none): still nobody's supply."""
    questioning = ExpertiseArea.objects.get(slug="questioning")
    NeedFactory(owner=personas.colleague, area=questioning)
    client.force_login(personas.coordinator)
    response = client.get("/coordinator/needs/")
    assert response.status_code == 200
    (gap,) = [g for g in response.context["gaps"] if g.slug == questioning.slug]
    assert gap.sessions == 0
    assert TITLE not in response.content.decode()


def test_nobody_is_asked_for_feedback_on_a_visit(client, personas, mailoutbox):
    """A coaching visit is no one's session to rate: no request after it, no "Give feedback"."""
    session = private_visit(personas)
    made = booking_create(session=session, user=personas.outsider, release=release_data())
    booking = made.booking
    past = timezone.now() - datetime.timedelta(days=2)
    DevelopmentSession.objects.filter(pk=session.pk).update(
        start=past, end=past + datetime.timedelta(hours=2)
    )
    session.dates.update(start=past, end=past + datetime.timedelta(hours=2))
    Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.CONFIRMED)
    booking.refresh_from_db()
    assert request_feedback() == 0
    assert not permissions.can_give_feedback(personas.outsider, booking)
    client.force_login(personas.outsider)
    html = client.get("/sessions/mine/").content.decode()
    assert TITLE in html
    assert "Give feedback" not in html

"""
Peer visits: the visitor withdraws a waiting request or calls off an accepted visit (its
session cancelled the usual way, the release given back), those who decide for the host school
emailed once; a school with no CPD leader has its requests decided by the coordinators, and the
visitor is told so; /visits/ lists a page at a time, at the same cost with one visit or many.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from cpd_sessions.approvals import release_decide
from cpd_sessions.models import BudgetEntry, DevelopmentSession, ReleaseRequest
from enquiry import visits
from enquiry.models import PeerVisit
from tests.cpd_sessions.factories import book, release_data
from tests.factories import SchoolFactory, UserFactory
from tests.webtest import form_for, messages_on

from .visit_factories import SECRET_WHY, accept, ask, visit_day

pytestmark = pytest.mark.django_db


def _state(visit):
    visit = PeerVisit.objects.select_related("session").get(pk=visit.pk)
    return visit.status, visit.session.status if visit.session else None


def test_the_visitor_withdraws_a_waiting_request_and_the_leader_is_told_once(
    app, personas, mailoutbox, django_capture_on_commit_callbacks
):
    visit = ask(personas)
    page = app.sign_in(personas.outsider).get(visit.get_absolute_url())
    assert f"CPD leader ({personas.leader.full_name}) decides your request" in page.text
    form = form_for(page, "visits:withdraw", pk=visit.pk)
    with django_capture_on_commit_callbacks(execute=True):
        done = form.submit().follow()
    assert "Your request is withdrawn" in messages_on(done)
    assert _state(visit) == ("withdrawn", None)
    assert "Withdraw my request" not in done.text
    (mail,) = mailoutbox
    assert mail.to == [personas.leader.email]
    assert "withdrawn" in mail.subject
    for body in (mail.body, mail.alternatives[0][0]):
        assert "withdrawn their request" in body
        assert visit.get_absolute_url() in body
        assert SECRET_WHY not in body
    with pytest.raises(PermissionDenied):  # once
        visits.visit_withdraw(visit=visit, by=personas.outsider)
    with pytest.raises(PermissionDenied):  # and the leader no longer answers it
        visits.visit_decline(visit=visit, by=personas.leader)


def test_calling_off_an_accepted_visit_cancels_its_session_and_gives_the_release_back(
    app, personas, mailoutbox, django_capture_on_commit_callbacks
):
    visit = accept(ask(personas), personas)
    booking = book(visit.session, personas.outsider, release=release_data())
    release_decide(
        release=ReleaseRequest.objects.get(booking=booking), by=personas.other_leader,
        approve=True, allow_over_budget=True,
    )  # fmt: skip
    charged = BudgetEntry.objects.filter(user=personas.outsider)
    assert sum(e.amount for e in charged) != 0
    mailoutbox.clear()
    page = app.sign_in(personas.outsider).get(visit.get_absolute_url())
    assert "Call off the visit" in page.text
    with django_capture_on_commit_callbacks(execute=True):
        done = form_for(page, "visits:withdraw", pk=visit.pk).submit().follow()
    assert "The visit is called off" in messages_on(done)
    assert _state(visit) == ("withdrawn", DevelopmentSession.Status.CANCELLED)
    assert sum(e.amount for e in BudgetEntry.objects.filter(user=personas.outsider)) == 0
    told = [m for m in mailoutbox if m.subject.startswith("A visit to")]
    # One email each to the leader and the host.
    assert sorted(m.to[0] for m in told) == sorted(
        [personas.leader.email, personas.colleague.email]
    )
    for mail in told:
        assert "is called off" in mail.subject
        for body in (mail.body, mail.alternatives[0][0]):
            assert "Its session is cancelled" in body


@pytest.mark.parametrize("who", ["leader", "colleague", "owner", "other_leader", "coordinator"])
def test_only_the_visitor_withdraws_and_nothing_changes_for_anyone_else(personas, who):
    waiting, accepted = ask(personas), accept(ask(personas), personas)
    for visit in (waiting, accepted):
        before = _state(visit)
        with pytest.raises(PermissionDenied):
            visits.visit_withdraw(visit=visit, by=getattr(personas, who))
        assert _state(visit) == before


def test_no_calling_off_once_thanked_or_once_started(personas):
    thanked = accept(ask(personas), personas)
    visits.visit_thank(visit=thanked, by=personas.outsider, thanks="Thank you")
    started = accept(ask(personas), personas)
    DevelopmentSession.objects.filter(pk=started.session_id).update(
        start=datetime.datetime(2020, 1, 1, 9, tzinfo=datetime.UTC)
    )
    for visit in (thanked, started):
        with pytest.raises(PermissionDenied):
            visits.visit_withdraw(visit=PeerVisit.objects.get(pk=visit.pk), by=personas.outsider)


def test_a_school_with_no_cpd_leader_the_coordinator_decides(
    app, personas, mailoutbox, django_capture_on_commit_callbacks
):
    leaderless = SchoolFactory(hub=personas.school.hub)
    host = UserFactory(school=leaderless)
    page = app.sign_in(personas.outsider).get("/visits/")
    form = form_for(page, "")
    form["host_school"] = str(leaderless.pk)
    form["focus"] = "Phonics in Reception"
    form["dates"] = "Any Thursday"
    form["why"] = "We are starting a new scheme"
    with django_capture_on_commit_callbacks(execute=True):
        done = form.submit().follow()
    told = "has no CPD leader signed up here, so the community coordinator decides"
    assert told in messages_on(done)
    assert told in done.text
    (mail,) = mailoutbox
    assert mail.to == [personas.coordinator.email]
    visit = PeerVisit.objects.get(host_school=leaderless)
    # Another school's leader cannot open it; the coordinator answers it.
    other = Client()
    other.force_login(personas.leader)
    assert other.get(visit.get_absolute_url()).status_code == 404
    listing = app.sign_in(personas.coordinator).get("/visits/")
    assert "Phonics in Reception" in listing.text
    decide = app.get(visit.get_absolute_url())
    form = form_for(decide, "visits:accept", pk=visit.pk)
    form["host"] = str(host.pk)
    form["date"] = visit_day().isoformat()
    form["start_time"] = "09:00"
    form["end_time"] = "11:00"
    form.submit().follow()
    visit.refresh_from_db()
    assert (visit.status, visit.host, visit.decided_by) == ("accepted", host, personas.coordinator)
    # Once the school has a CPD leader, it is theirs to decide again.
    second = ask(personas, host_school=leaderless)
    leaderless.cpd_leaders.add(host)
    with pytest.raises(PermissionDenied):
        visits.visit_decline(visit=second, by=personas.coordinator)


def test_visits_lists_are_paged_at_the_same_cost_with_one_or_many(client, personas, count_queries):
    ask(personas)
    leader_url = "/visits/"

    def cost():
        found = {}
        for person in (personas.outsider, personas.leader, personas.coordinator):
            client.force_login(person)
            found[person.pk] = count_queries(leader_url)
        return found

    one = cost()
    for _ in range(visits.LIST_PAGE + 5):
        ask(personas, focus="Many of them")
    many = cost()
    assert many == one
    assert max(many.values()) <= 12
    client.force_login(personas.outsider)
    first = client.get("/visits/").content.decode()
    assert first.count("Many of them") == visits.LIST_PAGE
    assert f"Page 1 of 2 ({visits.LIST_PAGE + 6} visits)" in first
    second = client.get("/visits/?made=2").content.decode()
    assert second.count("Many of them") == 5

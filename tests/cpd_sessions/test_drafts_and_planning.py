"""
Editing a session's dates and its decision date together; what saving a draft says; hub and
network leads planning their meetings without a directory profile. Forms as a browser submits
them (WebTest).
"""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from cpd_sessions import permissions
from cpd_sessions.models import DevelopmentSession
from tests.factories import HubFactory, SubjectNetworkFactory
from tests.webtest import form_for, messages_on, text_of

from .factories import SessionFactory, london
from .test_forms_webtest import fill_session

pytestmark = pytest.mark.django_db


def _edit_form(app, user, session):
    page = app.sign_in(user).get(f"/sessions/{session.pk}/edit/")
    return form_for(page, "")


def test_a_decision_date_is_checked_against_the_new_first_meeting(app, personas):
    """First meeting moved from day 10 to day 30; a decision on day 20 is before it: saved."""
    session = SessionFactory(
        leads=[personas.owner], venue_school=personas.school, start=london(10), end=london(10, 17)
    )
    new_first = london(30)
    decision = (london(10) + datetime.timedelta(days=10)).date()
    form = _edit_form(app, personas.owner, session)
    form["first_date"] = new_first.date().isoformat()
    form["decision_date"] = decision.isoformat()
    form["min_places"] = "2"
    done = form.submit().follow()
    assert "Saved." in messages_on(done)
    session.refresh_from_db()
    assert session.decision_date == decision
    assert timezone_date(session.start) == new_first.date()


def test_a_decision_date_after_the_new_first_meeting_is_refused(app, personas):
    """First meeting moved earlier, from day 30 to day 10; a decision on day 20 is too late."""
    session = SessionFactory(
        leads=[personas.owner], venue_school=personas.school, start=london(30), end=london(30, 17)
    )
    decision = (london(10) + datetime.timedelta(days=10)).date()
    form = _edit_form(app, personas.owner, session)
    form["first_date"] = london(10).date().isoformat()
    form["decision_date"] = decision.isoformat()
    response = form.submit(status=400)
    assert "The decision date must be before the day of the first meeting" in text_of(response)
    session.refresh_from_db()
    assert session.decision_date is None
    assert timezone_date(session.start) == london(30).date()


def timezone_date(moment):
    from django.utils import timezone  # noqa: PLC0415 -- a one-line helper

    return timezone.localdate(moment)


def test_saving_a_draft_does_not_say_everyone_booked_was_told(app, personas):
    session = SessionFactory(
        status=DevelopmentSession.Status.PROPOSED,
        leads=[personas.owner],
        venue_school=personas.school,
    )
    form = _edit_form(app, personas.owner, session)
    form["room"] = "The library"  # a change of place: a published session would tell people
    done = form.submit().follow()
    said = messages_on(done)
    assert "Everyone booked has been told" not in said
    assert "still a draft" in said


def test_saving_a_moved_published_session_still_says_everyone_was_told(app, personas):
    session = SessionFactory(leads=[personas.owner], venue_school=personas.school)
    form = _edit_form(app, personas.owner, session)
    form["room"] = "The library"
    assert "Everyone booked has been told" in messages_on(form.submit().follow())


# --- Hub and network leads plan meetings without a directory profile ---


@pytest.fixture
def network(personas):
    network = SubjectNetworkFactory(hub=personas.school.hub)
    network.leads.add(personas.colleague)
    return network


def test_a_network_lead_without_a_profile_plans_and_publishes_a_meeting(app, personas, network):
    assert not hasattr(personas.colleague, "expert_profile")
    page = app.sign_in(personas.colleague).get("/sessions/new/")
    form = fill_session(
        form_for(page, ""),
        kind="network_meeting",
        scope="network",
        network=str(network.pk),
        venue_school=str(personas.school.pk),
        meetings="1",
    )
    done = form.submit().follow()
    assert "Your session is published" in messages_on(done)
    session = DevelopmentSession.objects.get()
    assert (session.status, session.network) == ("published", network)
    assert list(session.leads.all()) == [personas.colleague]


def test_a_hub_lead_without_a_profile_plans_and_publishes_a_meeting(app, personas):
    hub = personas.school.hub
    hub.leaders.add(personas.colleague)
    page = app.sign_in(personas.colleague).get("/sessions/new/")
    form = fill_session(
        form_for(page, ""),
        kind="hub_meeting",
        scope="hub",
        hub=str(hub.pk),
        venue_school=str(personas.school.pk),
        meetings="1",
    )
    done = form.submit().follow()
    assert "Your session is published" in messages_on(done)
    assert DevelopmentSession.objects.get().hub == hub


def test_a_network_lead_sees_plan_a_meeting_as_a_link_that_works(app, personas, network):
    page = app.sign_in(personas.colleague).get(f"/networks/{network.slug}/")
    target = page.click("Plan a meeting")
    assert target.status_code == 200
    assert "first add a profile" not in target.text
    form = form_for(target, "")  # it starts with the network as who it is for
    assert (form["kind"].value, form["scope"].value) == ("network_meeting", "network")
    assert form["network"].value == str(network.pk)
    form = fill_session(
        form, venue_school=str(personas.school.pk), meetings="1", kind="network_meeting"
    )
    form["scope"], form["network"] = "network", str(network.pk)
    assert "Your session is published" in messages_on(form.submit().follow())


def test_staff_with_no_profile_and_no_hub_or_network_are_still_refused(app, personas):
    other_hub = HubFactory()
    assert not other_hub.leaders.filter(pk=personas.outsider.pk).exists()
    response = app.sign_in(personas.outsider).get("/sessions/new/", status=403)
    assert "first add a profile to the directory" in response.text
    with pytest.raises(PermissionDenied):
        permissions.require_can_propose(personas.outsider)
    assert not DevelopmentSession.objects.exists()


def test_an_outsider_posting_the_plan_form_is_refused_and_nothing_is_made(app, personas, network):
    page = app.sign_in(personas.colleague).get("/sessions/new/")
    form = fill_session(
        form_for(page, ""),
        scope="network",
        network=str(network.pk),
        venue_school=str(personas.school.pk),
    )
    app.sign_in(personas.outsider)
    form.submit(status=403)
    assert not DevelopmentSession.objects.exists()

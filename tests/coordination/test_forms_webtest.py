"""The coordinator's forms, submitted as a browser submits them (see tests/webtest.py)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cpd_sessions.models import DevelopmentSession
from notifications.models import Delivery
from portfolios.models import Need
from tests.experts.factories import ExpertProfileFactory, offer
from tests.factories import TermFactory
from tests.portfolios.factories import NeedFactory
from tests.webtest import form_for, messages_on

pytestmark = pytest.mark.django_db


def test_the_coordinator_marks_a_need_met_from_the_needs_page(app, personas):
    need = NeedFactory(owner=personas.owner)
    page = app.sign_in(personas.coordinator).get("/coordinator/needs/")
    done = form_for(page, "coordination:need_met", pk=need.pk).submit().follow()
    assert "is marked met" in messages_on(done)
    assert Need.objects.get(pk=need.pk).status == Need.Status.MET
    assert "No open needs here." in done.text


def test_a_leader_posting_the_form_is_refused_and_nothing_changes(app, personas):
    need = NeedFactory(owner=personas.owner)
    page = app.sign_in(personas.coordinator).get("/coordinator/needs/")
    form = form_for(page, "coordination:need_met", pk=need.pk)
    app.sign_in(personas.leader)
    response = form.submit(status=403)
    assert "for community coordinators" in response.text
    assert Need.objects.get(pk=need.pk).status == Need.Status.OPEN


def test_the_coordinator_introduces_a_person_to_an_expert_once(app, personas):
    need = NeedFactory(owner=personas.owner)
    expert = ExpertProfileFactory(user=personas.outsider)
    offer(expert, need.area.slug)
    page = app.sign_in(personas.coordinator).get("/coordinator/needs/")
    form = form_for(page, "coordination:need_introduce", pk=need.pk, profile=expert.pk)
    done = form.submit().follow()
    assert "have been introduced by email" in messages_on(done)
    deliveries = Delivery.objects.filter(kind="need_introduction")
    assert sorted(deliveries.values_list("email", flat=True)) == sorted(
        [personas.owner.email, personas.outsider.email]
    )
    # Pressed again: no second email to either.
    again = form_for(done, "coordination:need_introduce", pk=need.pk, profile=expert.pk)
    assert "were introduced before" in messages_on(again.submit().follow())
    assert deliveries.count() == 2


def test_an_introduction_posted_by_a_leader_is_refused_and_sends_nothing(app, personas):
    need = NeedFactory(owner=personas.owner)
    expert = ExpertProfileFactory(user=personas.outsider)
    offer(expert, need.area.slug)
    page = app.sign_in(personas.coordinator).get("/coordinator/needs/")
    form = form_for(page, "coordination:need_introduce", pk=need.pk, profile=expert.pk)
    app.sign_in(personas.leader)
    assert "for community coordinators" in form.submit(status=403).text
    assert not Delivery.objects.filter(kind="need_introduction").exists()


def test_the_coordinator_commissions_a_consultant_where_there_is_no_supply(app, personas):
    need = NeedFactory(owner=personas.owner, description="Nobody offers this")
    NeedFactory(owner=personas.outsider, area=need.area)
    page = app.sign_in(personas.coordinator).get("/coordinator/needs/")
    edit = form_for(page, "coordination:commission", area=need.area.slug).submit().follow()
    assert "draft" in messages_on(edit)
    session = DevelopmentSession.objects.get()
    assert edit.request.path == f"/sessions/{session.pk}/edit/"
    assert (session.status, session.kind, session.cost_split) == (
        "proposed",
        "consultant_led",
        "equal",
    )
    assert list(session.areas.all()) == [need.area]
    assert "Ashgrove Primary School" in session.description
    assert "Thornbury High School" in session.description
    assert "Nobody offers this" not in session.description  # names of schools, not words


def test_commissioning_posted_by_a_leader_is_refused_and_makes_nothing(app, personas):
    need = NeedFactory(owner=personas.owner)
    page = app.sign_in(personas.coordinator).get("/coordinator/needs/")
    form = form_for(page, "coordination:commission", area=need.area.slug)
    app.sign_in(personas.leader)
    assert "for community coordinators" in form.submit(status=403).text
    assert not DevelopmentSession.objects.exists()


def test_nudge_all_asks_each_stale_profile_once_a_term(app, personas):
    today = timezone.localdate()
    TermFactory(name="This term", start=today - timedelta(days=30), end=today + timedelta(days=30))
    ExpertProfileFactory(user=personas.outsider, last_confirmed_at=None)
    page = app.sign_in(personas.coordinator).get("/coordinator/")
    done = form_for(page, "coordination:nudge_stale").submit().follow()
    assert "1 person asked to confirm" in messages_on(done)
    nudges = Delivery.objects.filter(kind="audit_profile")
    assert list(nudges.values_list("email", flat=True)) == [personas.outsider.email]
    again = form_for(done, "coordination:nudge_stale").submit().follow()
    assert "asked this term already" in messages_on(again)
    assert nudges.count() == 1


def test_nudge_all_posted_by_a_leader_is_refused_and_sends_nothing(app, personas):
    today = timezone.localdate()
    TermFactory(name="This term", start=today - timedelta(days=30), end=today + timedelta(days=30))
    ExpertProfileFactory(user=personas.outsider, last_confirmed_at=None)
    page = app.sign_in(personas.coordinator).get("/coordinator/")
    form = form_for(page, "coordination:nudge_stale")
    app.sign_in(personas.leader)
    assert "for community coordinators" in form.submit(status=403).text
    assert not Delivery.objects.filter(kind="audit_profile").exists()

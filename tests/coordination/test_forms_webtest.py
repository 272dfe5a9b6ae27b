"""The coordinator's forms, submitted as a browser submits them (see tests/webtest.py)."""

import pytest

from portfolios.models import Need
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

"""
A commissioned draft: published only with a description of its own, and when it is, each person
whose need it was commissioned for is told once, through the ledger.
"""

import pytest
from django.core import mail

from cpd_sessions import session_changes
from cpd_sessions.models import Consultant, DevelopmentSession
from notifications.models import Delivery
from tests.portfolios.factories import NeedFactory
from tests.webtest import form_for, messages_on

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(app, personas):
    """The coordinator commissions a consultant for the owner's and the outsider's need."""
    need = NeedFactory(owner=personas.owner)
    NeedFactory(owner=personas.outsider, area=need.area)
    NeedFactory(owner=personas.outsider, area=need.area)  # two needs, one person: one email
    page = app.sign_in(personas.coordinator).get("/coordinator/needs/")
    form_for(page, "coordination:commission", area=need.area.slug).submit()
    return DevelopmentSession.objects.get()


def _finish(app, personas, draft, *, description=None):
    consultant = Consultant.objects.create(name="Dr Ada Reyes")
    page = app.get(f"/sessions/{draft.pk}/edit/")
    form = form_for(page, "")
    if description is not None:
        form["description"] = description
    form["consultant"] = str(consultant.pk)
    form["fee"] = "900.00"
    form["venue_school"] = str(personas.school.pk)
    return form.submit().follow()


def test_a_commissioned_draft_is_not_published_with_its_placeholder(app, personas, draft):
    _finish(app, personas, draft)
    page = app.get(draft.get_absolute_url())
    done = form_for(page, "cpd_sessions:publish", pk=draft.pk).submit().follow()
    assert "Write the session's own description before publishing" in messages_on(done)
    assert DevelopmentSession.objects.get(pk=draft.pk).status == "proposed"
    assert not Delivery.objects.filter(kind="commissioned_session").exists()


def test_a_commissioned_draft_is_not_published_with_no_description(app, personas, draft):
    _finish(app, personas, draft, description="")
    page = app.get(draft.get_absolute_url())
    done = form_for(page, "cpd_sessions:publish", pk=draft.pk).submit().follow()
    assert "Write the session's own description" in messages_on(done)
    assert DevelopmentSession.objects.get(pk=draft.pk).status == "proposed"


def test_publishing_tells_each_person_with_the_need_once(
    app, personas, draft, django_capture_on_commit_callbacks
):
    _finish(app, personas, draft, description="Adaptive teaching with Dr Reyes: a practical day.")
    page = app.get(draft.get_absolute_url())
    with django_capture_on_commit_callbacks(execute=True):
        done = form_for(page, "cpd_sessions:publish", pk=draft.pk).submit().follow()
    assert "Published" in messages_on(done)
    told = Delivery.objects.filter(kind="commissioned_session")
    assert sorted(told.values_list("email", flat=True)) == sorted(
        [personas.owner.email, personas.outsider.email]
    )
    sent = [m for m in mail.outbox if "A session for your CPD need" in m.subject]
    assert sorted(m.to[0] for m in sent) == sorted([personas.owner.email, personas.outsider.email])
    message = sent[0]
    assert draft.title in message.body
    assert draft.title in message.alternatives[0][0]
    # Published again (a second click, a retried request): nobody is told twice.
    session_changes.session_publish(session=draft, by=personas.coordinator)
    assert told.count() == 2


def test_an_ordinary_proposal_publishes_without_the_commission_rules(app, personas):
    from tests.cpd_sessions.factories import SessionFactory  # noqa: PLC0415 -- one test

    session = SessionFactory(status="proposed", description="", leads=[personas.owner])
    session_changes.session_publish(session=session, by=personas.coordinator)
    assert DevelopmentSession.objects.get(pk=session.pk).status == "published"
    assert not Delivery.objects.filter(kind="commissioned_session").exists()

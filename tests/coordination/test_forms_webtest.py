"""The coordinator's forms, submitted as a browser submits them (see tests/webtest.py)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from coordination.models import NeedReply
from cpd_sessions.models import DevelopmentSession
from notifications.models import Delivery
from notifications.services import send_templated_mail
from portfolios.models import Need
from tests.experts.factories import ExpertProfileFactory, offer
from tests.factories import TermFactory
from tests.portfolios.factories import NeedFactory
from tests.webtest import form_for, messages_on, text_of

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


# --- Reply to a school ------------------------------------------------------------------


def _passed(personas) -> Need:
    return NeedFactory(owner=personas.owner, status=Need.Status.PASSED)


def test_the_coordinator_replies_to_a_school_once_per_message(
    app, personas, django_capture_on_commit_callbacks
):
    need = _passed(personas)
    page = app.sign_in(personas.coordinator).get("/coordinator/needs/")
    form = form_for(page, "coordination:need_reply", pk=need.pk)
    form["body"] = "Ruth at Thornbury runs this in March: I have asked her to save places."
    with django_capture_on_commit_callbacks(execute=True):
        done = form.submit().follow()
    assert "emailed to the CPD leaders of Ashgrove Primary School" in messages_on(done)
    shown = text_of(done.html.select_one(f"#need-{need.pk}"))
    assert "Ruth at Thornbury runs this in March" in shown
    reply = NeedReply.objects.get()
    assert reply.need == need
    assert reply.author == personas.coordinator
    sent = Delivery.objects.filter(kind="need_reply")
    assert list(sent.values_list("email", flat=True)) == [personas.leader.email]
    assert sent.get().key == f"need_reply:{reply.pk}"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [personas.leader.email]
    assert "Ruth at Thornbury runs this in March" in message.body
    assert "Ruth at Thornbury runs this in March" in message.alternatives[0][0]
    assert "CPD Hub" not in message.body
    # The ledger sends each message once, however often the worker is asked.
    send_templated_mail("need_reply", to=[personas.leader.email], key=f"need_reply:{reply.pk}")
    assert sent.count() == 1


def test_an_empty_reply_is_refused_with_a_message(app, personas):
    need = _passed(personas)
    page = app.sign_in(personas.coordinator).get("/coordinator/needs/")
    form = form_for(page, "coordination:need_reply", pk=need.pk)
    form["body"] = "   "
    done = form.submit().follow()
    assert "Write a message to the school first." in messages_on(done)
    assert not NeedReply.objects.exists()
    assert not Delivery.objects.filter(kind="need_reply").exists()


def test_a_school_with_no_cpd_leader_cannot_be_replied_to(app, personas):
    personas.school.cpd_leaders.clear()
    need = _passed(personas)
    page = app.sign_in(personas.coordinator).get("/coordinator/needs/")
    form = form_for(page, "coordination:need_reply", pk=need.pk)
    form["body"] = "Hello"
    assert "no CPD leader to reply to" in messages_on(form.submit().follow())
    assert not NeedReply.objects.exists()


def test_only_needs_passed_on_can_be_replied_to(app, personas):
    need = NeedFactory(owner=personas.owner)  # open, not passed on
    page = app.sign_in(personas.coordinator).get("/coordinator/needs/")
    assert not page.html.select(f'form[action="/coordinator/needs/{need.pk}/reply/"]')
    app.post(f"/coordinator/needs/{need.pk}/reply/", {"body": "Hi"}, status=403)  # no token
    assert not NeedReply.objects.exists()


@pytest.mark.parametrize("who", ["owner", "leader", "outsider"])
def test_a_reply_posted_by_anyone_else_is_refused_and_sends_nothing(app, personas, who):
    need = _passed(personas)
    page = app.sign_in(personas.coordinator).get("/coordinator/needs/")
    form = form_for(page, "coordination:need_reply", pk=need.pk)
    form["body"] = "Not from the coordinator"
    app.sign_in(getattr(personas, who))
    response = form.submit(status=403)
    assert "for community coordinators" in response.text
    assert not NeedReply.objects.exists()
    assert not Delivery.objects.filter(kind="need_reply").exists()

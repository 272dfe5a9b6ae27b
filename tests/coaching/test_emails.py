"""Coaching's email, through the ledger: the step after each meeting (once per meeting), the
check-back reminder the day before (once per step and date), a coach's weekly summary only
when something is due (a preference, with one-click unsubscribe), the expert's answer."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from coaching import emails, services
from coaching.emails import step_key
from coaching.models import Meeting
from notifications.models import Delivery
from notifications.services import preference_set
from tests.experts.factories import ExpertProfileFactory, offer

from .factories import SECRET_MESSAGE, SECRET_STEP, days, full_cycle, pair

pytestmark = pytest.mark.django_db


def test_the_teacher_gets_the_step_after_the_meeting_once(
    personas, mailoutbox, django_capture_on_commit_callbacks
):
    relationship = pair(personas.outsider, personas.owner, by=personas.leader)
    with django_capture_on_commit_callbacks(execute=True):
        _, meeting, _ = full_cycle(relationship, personas.outsider, personas.owner)
    (mail,) = mailoutbox
    assert mail.to == [personas.owner.email]
    assert SECRET_STEP in mail.body
    assert SECRET_STEP in mail.alternatives[0][0]
    assert mail.reply_to == [personas.outsider.email]
    with django_capture_on_commit_callbacks(execute=True):
        emails.mail_step_set(meeting)
    assert len(mailoutbox) == 1
    assert Delivery.objects.filter(key=step_key(meeting.pk)).count() == 1


def test_a_rolled_back_meeting_sends_nothing(personas, mailoutbox):
    relationship = pair(personas.outsider, personas.owner, by=personas.leader)

    def meet_then_fail():
        with transaction.atomic():
            full_cycle(relationship, personas.outsider, personas.owner)
            raise RuntimeError

    with pytest.raises(RuntimeError):
        meet_then_fail()
    assert not Meeting.objects.exists()
    assert not Delivery.objects.exists()
    assert not mailoutbox


def test_the_check_back_reminder_goes_once_to_teacher_and_coach(
    personas, mailoutbox, django_capture_on_commit_callbacks
):
    relationship = pair(personas.outsider, personas.owner, by=personas.leader)
    with django_capture_on_commit_callbacks(execute=True):
        full_cycle(relationship, personas.outsider, personas.owner, check_back=1)
    mailoutbox.clear()
    for _ in range(2):  # beat runs twice the same day
        with django_capture_on_commit_callbacks(execute=True):
            services.check_back_remind()
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [personas.owner.email, personas.outsider.email]
    )
    to_teacher = next(m for m in mailoutbox if m.to == [personas.owner.email])
    assert to_teacher.subject == "Tomorrow you check back on your step"
    assert SECRET_STEP in to_teacher.body
    # Another day's run: nothing (the check-back is not tomorrow any more).
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.check_back_remind(today=timezone.localdate() + datetime.timedelta(days=1))
    assert mailoutbox == []


def test_the_weekly_summary_only_when_something_is_due_and_can_be_turned_off(
    personas, mailoutbox, django_capture_on_commit_callbacks
):
    relationship = pair(personas.outsider, personas.owner, by=personas.leader)
    with django_capture_on_commit_callbacks(execute=True):
        full_cycle(relationship, personas.outsider, personas.owner, met=-1, check_back=10)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.caseload_summaries_send() == 0  # nothing due
    assert mailoutbox == []
    with django_capture_on_commit_callbacks(execute=True):
        full_cycle(relationship, personas.outsider, personas.owner, met=-1, check_back=-1)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.caseload_summaries_send() == 1
        services.caseload_summaries_send()  # the same week: once
    (mail,) = mailoutbox
    assert mail.to == [personas.outsider.email]
    assert "1 overdue" in mail.subject
    assert "List-Unsubscribe" in mail.extra_headers
    assert personas.owner.full_name in mail.body
    # Turned off: recorded as skipped, not sent.
    preference_set(user=personas.outsider, category="reminders", enabled=False)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.caseload_summaries_send(today=timezone.localdate() + datetime.timedelta(days=7))
    assert mailoutbox == []


def test_asking_an_expert_then_the_answer_goes_to_the_teacher(
    client, personas, mailoutbox, django_capture_on_commit_callbacks
):
    profile = ExpertProfileFactory(user=personas.outsider)
    offer(profile, "questioning", coaching=True)
    with django_capture_on_commit_callbacks(execute=True):
        relationship = services.relationship_request(
            by=personas.owner, profile=profile, message=SECRET_MESSAGE
        )
    (request,) = mailoutbox
    assert request.to == [personas.outsider.email]
    assert SECRET_MESSAGE in request.body
    assert relationship.status == "requested"
    # Nothing is due and nothing is recorded until it is accepted.
    with pytest.raises(PermissionDenied):  # not open yet
        full_cycle(relationship, personas.outsider, personas.owner)
    with django_capture_on_commit_callbacks(execute=True):
        services.relationship_answer(relationship=relationship, by=personas.outsider, accept=True)
    answer = mailoutbox[-1]
    assert answer.to == [personas.owner.email]
    assert answer.subject == f"{personas.outsider.full_name} will coach you"
    relationship.refresh_from_db()
    assert relationship.status == "active"
    assert relationship.started_on == days(0)


def test_the_expert_must_offer_coaching(personas):
    profile = ExpertProfileFactory(user=personas.outsider)
    offer(profile, "questioning")  # advice only
    with pytest.raises(PermissionDenied):
        services.relationship_request(by=personas.owner, profile=profile)

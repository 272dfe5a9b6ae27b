"""The impact loop: six weeks on, one email, one answer at a level."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from portfolios import emails, selectors, services, visibility
from portfolios.models import Entry, ImpactFollowUp
from portfolios.tasks import ask_impact_follow_ups
from tests.cpd_sessions.factories import SessionFactory

from .factories import EntryFactory, follow_up_for

pytestmark = pytest.mark.django_db


def test_an_entry_with_something_to_try_gets_a_follow_up_six_weeks_on(personas):
    day = timezone.localdate() - datetime.timedelta(days=3)
    entry = services.entry_create(
        owner=personas.owner,
        date=day,
        kind=Entry.Kind.READING,
        title="Reading",
        hours=Decimal(1),
        will_try="Cold calling",
    )
    assert entry.follow_up.due_on == day + datetime.timedelta(days=42)
    nothing_to_try = services.entry_create(
        owner=personas.owner, date=day, kind=Entry.Kind.READING, title="More", hours=Decimal(1)
    )
    assert not ImpactFollowUp.objects.filter(entry=nothing_to_try).exists()
    services.entry_update(entry=entry, will_try="")
    assert not ImpactFollowUp.objects.filter(entry=entry).exists()


def test_due_follow_ups_are_only_the_unanswered_ones_whose_time_has_come(personas):
    due = follow_up_for(EntryFactory(owner=personas.owner), days_ago=1)
    follow_up_for(EntryFactory(owner=personas.owner), days_ago=-5)  # not yet
    answered = follow_up_for(EntryFactory(owner=personas.owner), days_ago=10)
    ImpactFollowUp.objects.filter(pk=answered.pk).update(answered_at=timezone.now(), level="use")
    assert list(selectors.due_follow_ups()) == [due]
    assert list(selectors.due_follow_ups(user=personas.colleague)) == []


def test_the_task_emails_each_due_follow_up_once(personas, mailoutbox):
    entry = EntryFactory(owner=personas.owner, title="Hinge questions", will_try="Mini-whiteboards")
    follow_up = follow_up_for(entry, days_ago=0)
    follow_up_for(EntryFactory(owner=personas.colleague), days_ago=-1)  # due tomorrow

    assert ask_impact_follow_ups.delay().get() == 1
    assert ask_impact_follow_ups.delay().get() == 0
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [personas.owner.email]
    assert "Hinge questions" in message.subject
    assert "Mini-whiteboards" in message.body
    assert f"/portfolio/follow-ups/{follow_up.pk}/" in message.body
    html = message.alternatives[0][0]
    assert "Mini-whiteboards" in html
    assert f"/portfolio/follow-ups/{follow_up.pk}/" in html
    follow_up.refresh_from_db()
    assert follow_up.asked_at is not None


def test_a_failed_send_is_tried_again_next_time(personas, mailoutbox, monkeypatch):
    follow_up_for(EntryFactory(owner=personas.owner, will_try="x"), days_ago=0)

    def refuse(*args, **kwargs):
        raise OSError("SMTP down")

    monkeypatch.setattr(emails, "send_templated_mail", refuse)
    assert ask_impact_follow_ups() == 0
    assert ImpactFollowUp.objects.get().asked_at is None
    monkeypatch.undo()
    assert ask_impact_follow_ups() == 1
    assert len(mailoutbox) == 1


def test_the_follow_up_is_on_my_portfolio_and_I_answer_it(client, personas):
    entry = EntryFactory(owner=personas.owner, title="Hinge questions", will_try="Whiteboards")
    follow_up = follow_up_for(entry, days_ago=2)
    client.force_login(personas.owner)
    assert "Six weeks on: did you try it?" in client.get("/portfolio/").content.decode()
    assert "Hinge questions" in client.get("/").content.decode()  # the dashboard panel

    bad = client.post(follow_up.get_absolute_url(), {"tried": "yes", "what_happened": "x"})
    assert bad.status_code == 400
    assert ImpactFollowUp.objects.get().answered_at is None

    response = client.post(
        follow_up.get_absolute_url(),
        {"tried": "yes", "level": "pupils", "what_happened": "Quiz scores rose"},
    )
    assert response.status_code == 302
    follow_up.refresh_from_db()
    assert follow_up.answered_at is not None
    assert follow_up.level == ImpactFollowUp.Level.PUPILS
    assert follow_up.tried is True
    assert "Six weeks on: did you try it?" not in client.get("/portfolio/").content.decode()
    assert "Quiz scores rose" in client.get(entry.get_absolute_url()).content.decode()


def test_attendance_makes_one_entry_whatever_the_number_of_calls(personas):
    session = SessionFactory()

    day = timezone.localdate()
    first = services.entry_create_from_attendance(
        user=personas.owner,
        title="Twilight: questioning",
        date=day,
        hours=Decimal("1.5"),
        learned="Wait time",
        will_try="Three seconds' wait",
        session=session,
    )
    again = services.entry_create_from_attendance(
        user=personas.owner,
        title="Twilight: questioning",
        date=day,
        hours=Decimal("1.5"),
        session=session,
    )
    assert first.pk == again.pk
    assert first.kind == Entry.Kind.SESSION_ATTENDED
    assert first.learned == "Wait time"
    assert first.follow_up.due_on == day + datetime.timedelta(days=42)
    assert first.session == session
    assert Entry.objects.count() == 1
    # Private like any other entry.
    assert not visibility.entries_visible_to(personas.leader).exists()


def test_the_beat_schedule_asks_daily(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "portfolios.ask_impact_follow_ups" in tasks

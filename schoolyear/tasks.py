"""The school year's Celery task: beat runs it; it calls a service (nothing else imports it)."""

from __future__ import annotations

from celery import shared_task

from . import meetings


@shared_task(name="schoolyear.send_focus_reminders", acks_late=True)
def send_focus_reminders() -> int:
    """Daily: team leaders whose meeting in two days has no focus (once per meeting: the key)."""
    return meetings.focus_remind()

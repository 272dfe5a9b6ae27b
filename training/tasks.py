"""Required training's Celery task: beat runs it daily; it calls the reminder job."""

from __future__ import annotations

from celery import shared_task

from . import reminders


@shared_task(name="training.send_reminders", acks_late=True)
def send_reminders() -> int:
    """Daily: 30 days before each expiry and on the day (the ledger key makes a second run
    send nothing more)."""
    return reminders.reminders_send()

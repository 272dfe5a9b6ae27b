"""Coaching's Celery tasks: beat runs them; each calls a service (nothing else imports them)."""

from __future__ import annotations

from celery import shared_task

from . import activity, retention, services


@shared_task(name="coaching.send_check_back_reminders", acks_late=True)
def send_check_back_reminders() -> int:
    """Daily: tomorrow's check-backs (the ledger key makes a second run send nothing more)."""
    return services.check_back_remind()


@shared_task(name="coaching.send_caseload_summaries", acks_late=True)
def send_caseload_summaries() -> int:
    """Weekly: each coach with something due gets one summary (once per week: the key)."""
    return services.caseload_summaries_send()


@shared_task(name="coaching.apply_retention", acks_late=True)
def apply_retention() -> int:
    """Nightly: the words of relationships past the retention period go; the counts stay."""
    return retention.content_expire()


@shared_task(name="coaching.count_figures", acks_late=True)
def count_figures(school_ids: list[int] | None) -> None:
    """When coaching has changed: the leaders' figures for these schools counted again (a
    leader's page shows the last count meanwhile, and when it was made)."""
    activity.count(school_ids)

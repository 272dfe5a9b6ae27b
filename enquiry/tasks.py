"""Enquiry's Celery tasks: beat runs them; each calls a service (nothing else imports them)."""

from __future__ import annotations

from celery import shared_task

from . import retention


@shared_task(name="enquiry.apply_retention", acks_late=True)
def apply_retention() -> int:
    """Nightly: the words and files of groups finished longer ago than the retention period
    go; the counts and published write-ups stay."""
    return retention.content_expire()

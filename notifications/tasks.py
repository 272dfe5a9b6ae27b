"""
Thin tasks: they take ids (or a kind and key), load fresh rows and call the services.
Idempotent (the ledger makes a repeat a no-op), so acks_late is safe: a worker killed
mid-task has the message redelivered and the rerun sends only what has not gone.
"""

from __future__ import annotations

import datetime
import logging

from celery import shared_task
from django.utils import timezone

from . import planning, reminders, services

logger = logging.getLogger(__name__)


@shared_task(
    name="notifications.deliver",
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
)
def deliver(delivery_id: int) -> bool:
    return services.deliver_one(delivery_id=delivery_id)


@shared_task(name="notifications.sweep_pending", acks_late=True)
def sweep_pending(older_than_seconds: float | None = None) -> int:
    """Every minute (beat), and at once after the broker comes back (``older_than_seconds=0``):
    send what waits on the ledger."""
    if older_than_seconds is None:
        return services.sweep_pending()
    return services.sweep_pending(older_than=datetime.timedelta(seconds=older_than_seconds))


@shared_task(name="notifications.send_batch", bind=True, acks_late=True, max_retries=8)
def send_batch(self, kind: str, key: str, user_ids: list[int]) -> int:
    result = services.batch_send(kind=kind, key=key, user_ids=user_ids)
    if result.transient_error is not None:
        # The rows not yet sent stay pending; try the batch again later, with backoff.
        raise self.retry(
            exc=result.transient_error, countdown=min(600, 30 * 2**self.request.retries)
        )
    return result.sent


def plan(*, kind: str, key: str, people) -> int:
    """Enqueue batches for everyone in ``people`` still without a settled row for the key."""
    enqueued = 0
    for ids in planning.batches(planning.still_to_send(people, kind=kind, key=key)):
        send_batch.delay(kind, key, ids)
        enqueued += len(ids)
    return enqueued


@shared_task(name="notifications.plan_termly_digest")
def plan_termly_digest(force: bool = False) -> int:
    """Daily: on and after the digest day of the term, send it to whoever has not had it."""
    from hubs.models import Term

    term = Term.objects.current() if force else planning.digest_term_due()
    if term is None:
        return 0
    return plan(kind="digest", key=planning.digest_key(term), people=planning.digest_recipients())


@shared_task(name="notifications.plan_term_start_reminders")
def plan_term_start_reminders() -> int:
    """Daily: in a term's first school week, the profile, portfolio and needs-audit reminders."""
    term = planning.audit_term_due()
    if term is None:
        return 0
    key = planning.audit_key(term)
    return (
        plan(kind="audit_profile", key=key, people=reminders.experts())
        + plan(kind="audit_portfolio", key=key, people=reminders.staff())
        + plan(kind="audit_needs", key=key, people=reminders.cpd_leaders())
    )


@shared_task(name="notifications.nudge_release_requests")
def nudge_release_requests() -> int:
    """Each school day: CPD leaders with release requests waiting more than two school days."""
    today = timezone.localdate()
    if today.weekday() >= 5:
        return 0
    return plan(
        kind="release_nudge",
        key=f"release_nudge:{today.isoformat()}",
        people=reminders.leaders_with_overdue_releases(today),
    )

"""
The ledger's tasks: send one delivery, a batch of one kind, or whatever waits (the sweep).
Thin: they take ids (or a kind and key), load fresh rows and call the services.
Idempotent (the ledger makes a repeat a no-op), so acks_late is safe: a worker killed
mid-task has the message redelivered and the rerun sends only what has not gone.
"""

from __future__ import annotations

import datetime
import logging

from celery import shared_task

from . import services
from .services import MAIL_TASK_OPTIONS

logger = logging.getLogger(__name__)


@shared_task(name="notifications.deliver", **MAIL_TASK_OPTIONS)
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

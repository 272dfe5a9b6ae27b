"""Background work for the directory: Celery tasks that take ids and call a service. What
the app sends is in ``emails.py``."""

from celery import shared_task

from notifications.services import MAIL_TASK_OPTIONS, send_now

from . import search
from .emails import mail_contact_request


@shared_task(name="experts.send_contact_request", **MAIL_TASK_OPTIONS)
def send_contact_request(contact_request_id: int) -> None:
    """Record and send at once (tasks queued before the ledger became the outbox)."""
    send_now(mail_contact_request(contact_request_id, enqueue=False))


@shared_task(name="experts.rebuild_vocabulary")
def rebuild_vocabulary() -> int:
    """Nightly: the spelling vocabulary exactly as the live profiles make it (profiles that went
    stale at a term change leave it without a save)."""
    return search.rebuild_vocabulary()

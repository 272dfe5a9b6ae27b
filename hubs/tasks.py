"""Background work for the community's structure: Celery tasks that take ids and call a
service. What the app sends is in ``emails.py``."""

from celery import shared_task
from django.contrib.sessions.models import Session
from django.utils import timezone

from notifications.services import MAIL_TASK_OPTIONS, send_now

from .emails import mail_invitation
from .services import lone_rangers_invite


@shared_task(name="hubs.send_invitation", **MAIL_TASK_OPTIONS)
def send_invitation(invitation_id: int) -> None:
    """Record and send at once (tasks queued before the ledger became the outbox)."""
    send_now(mail_invitation(invitation_id, enqueue=False))


@shared_task(name="hubs.clear_expired_sessions")
def clear_expired_sessions() -> int:
    """Sessions live in the database; drop the expired ones nightly."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


@shared_task(name="hubs.invite_lone_rangers", **MAIL_TASK_OPTIONS)
def invite_lone_rangers() -> int:
    """Nightly: invite lone rangers found since yesterday (each person once per network)."""
    return lone_rangers_invite(by=None)

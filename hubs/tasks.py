"""Background work for the community's structure. Tasks take ids and load fresh rows."""

from celery import shared_task
from django.contrib.sessions.models import Session
from django.utils import timezone

from cpdhub.mail import absolute_url, send_templated_mail

from .models import Invitation


@shared_task(
    name="hubs.send_invitation",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
    acks_late=True,  # idempotent: the ledger's key makes a second run send nothing
)
def send_invitation(invitation_id: int) -> None:
    invitation = (
        Invitation.objects.select_related("school", "invited_by").filter(pk=invitation_id).first()
    )
    if invitation is None or not invitation.is_open:
        return  # withdrawn or used before the worker got to it: nothing to send
    send_templated_mail(
        "invitation",
        to=[invitation.email],
        key=f"invitation:{invitation.pk}",
        context={
            "invitation": invitation,
            "accept_url": absolute_url(invitation.get_absolute_url()),
        },
        reply_to=[invitation.invited_by.email] if invitation.invited_by else None,
    )


@shared_task(name="hubs.clear_expired_sessions")
def clear_expired_sessions() -> int:
    """Sessions live in the database; drop the expired ones nightly."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted

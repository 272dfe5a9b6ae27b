from celery import shared_task

from cpdhub.mail import absolute_url, send_templated_mail

from . import search
from .models import ContactRequest


@shared_task(
    name="experts.send_contact_request",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
    acks_late=True,  # idempotent: the ledger's key makes a second run send nothing
)
def send_contact_request(contact_request_id: int) -> None:
    request = (
        ContactRequest.objects.select_related("profile__user", "sender__school", "area")
        .filter(pk=contact_request_id)
        .first()
    )
    if request is None:
        return
    send_templated_mail(
        "contact_request",
        to=[request.profile.user.email],
        key=f"contact_request:{request.pk}",
        reply_to=[request.sender.email],
        context={
            "request": request,
            "profile_url": absolute_url(request.profile.get_absolute_url()),
            "requests_url": absolute_url("/experts/me/"),
        },
    )


@shared_task(name="experts.rebuild_vocabulary")
def rebuild_vocabulary() -> int:
    """Nightly: the spelling vocabulary exactly as the live profiles make it (profiles that went
    stale at a term change leave it without a save)."""
    return search.rebuild_vocabulary()

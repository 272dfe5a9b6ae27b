"""The directory's email: a colleague's contact request to an expert, recorded on the ledger
in the write's transaction and built when sent (registered in ``ExpertsConfig.ready()``)."""

from notifications import registry
from notifications.categories import Category
from notifications.rendering import absolute_url
from notifications.services import send_templated_mail

from .models import ContactRequest


def mail_contact_request(contact_request_id: int, *, enqueue: bool = True) -> list:
    """Record the email to the expert (call inside the transaction that made the request)."""
    email = (
        ContactRequest.objects.filter(pk=contact_request_id)
        .values_list("profile__user__email", flat=True)
        .first()
    )
    if email is None:
        return []
    return send_templated_mail(
        "contact_request",
        to=[email],
        key=f"contact_request:{contact_request_id}",
        enqueue=enqueue,
    )


def contact_request_email(delivery) -> registry.Email | None:
    request = (
        ContactRequest.objects.select_related("profile__user", "sender__school", "area")
        .filter(pk=int(delivery.key.split(":")[1]))
        .first()
    )
    if request is None:
        return None
    return registry.Email(
        context={
            "request": request,
            "profile_url": absolute_url(request.profile.get_absolute_url()),
            "requests_url": absolute_url("/experts/me/"),
        },
        # The sender asked for an answer by email (the form says "They reply to your email"),
        # so their own address is given to the expert they wrote to, whatever their profile.
        reply_to=[request.sender.email],
    )


def register_emails() -> None:
    registry.register("contact_request", category=Category.ESSENTIAL, build=contact_request_email)

"""The portfolio's email: the six-week follow-up ("did it make a difference?"), recorded on
the ledger and built when sent (registered in ``PortfoliosConfig.ready()``)."""

from notifications import registry
from notifications.categories import Category
from notifications.rendering import absolute_url
from notifications.services import send_now, send_templated_mail

from .models import ImpactFollowUp


def send_impact_follow_up(follow_up_id: int) -> None:
    """Record the follow-up's email on the ledger and send it now (raises OSError if it fails:
    the row stays pending, and the sweep sends it if this task does not get to it first)."""
    follow_up = (
        ImpactFollowUp.objects.select_related("entry__owner").filter(pk=follow_up_id).first()
    )
    if follow_up is None or follow_up.answered_at is not None:
        return
    send_now(
        send_templated_mail(
            "impact_follow_up",
            to=[follow_up.entry.owner.email],
            key=f"follow_up:{follow_up.pk}",
            enqueue=False,
        )
    )


def impact_follow_up_email(delivery) -> registry.Email | None:
    follow_up = (
        ImpactFollowUp.objects.select_related("entry__owner")
        .filter(pk=int(delivery.key.split(":")[1]))
        .first()
    )
    if follow_up is None or follow_up.answered_at is not None:
        return None
    return registry.Email(
        context={
            "follow_up": follow_up,
            "entry": follow_up.entry,
            "person": follow_up.entry.owner,
            "answer_url": absolute_url(follow_up.get_absolute_url()),
        }
    )


def register_emails() -> None:
    registry.register("impact_follow_up", category=Category.REMINDERS, build=impact_follow_up_email)

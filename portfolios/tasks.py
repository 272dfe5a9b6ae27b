"""Background work for the portfolio. Tasks take ids and load fresh rows."""

import logging

from celery import shared_task

from notifications import registry
from notifications.kinds import Category
from notifications.rendering import absolute_url
from notifications.services import send_now, send_templated_mail

from . import selectors, services
from .models import ImpactFollowUp

logger = logging.getLogger(__name__)


@shared_task(name="portfolios.ask_impact_follow_ups", acks_late=True)
def ask_impact_follow_ups() -> int:
    """
    Email each follow-up that has come due, once. Each is claimed (marked asked) before its
    email goes, so two runs at once, or a second run the same day, never ask twice; a failed
    send gives the claim back for the next run. Returns how many were asked.
    """
    asked = 0
    for follow_up_id in list(selectors.follow_ups_to_ask().values_list("pk", flat=True)[:1000]):
        if not services.follow_up_claim(follow_up_id=follow_up_id):
            continue
        try:
            send_impact_follow_up(follow_up_id)
        except OSError:
            logger.warning("Could not email follow-up %s; will try again", follow_up_id)
            services.follow_up_unclaim(follow_up_id=follow_up_id)
        else:
            asked += 1
    return asked


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

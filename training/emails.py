"""
What required training sends, through the ledger (registered in TrainingConfig.ready()); both
are reminders (a person may turn reminders off; their CPD leader's matrix still shows it):

- ``training_due``: 30 days before a completion expires, to the person
  (``training_due:<person>:<requirement>:<expiry date>``): once per person, requirement and
  expiry date, however often the job runs.
- ``training_expired``: on the day it expires (or the job's first run after it, within a week),
  to the person (``training_expired:<person>:<requirement>:<expiry date>``).

Each builder reads the rows afresh when the email goes: training renewed since (a later expiry)
or no longer required of them sends nothing.
"""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from hubs.models import User
from notifications import registry
from notifications.categories import Category
from notifications.rendering import absolute_url
from notifications.services import send_templated_mail_many

from .models import Completion, Requirement

DUE = "training_due"
EXPIRED = "training_expired"


def reminder_key(kind: str, user_id: int, requirement_id: int, expires_on: datetime.date) -> str:
    return f"{kind}:{user_id}:{requirement_id}:{expires_on.isoformat()}"


def mail_reminders(kind: str, messages: list[tuple[str, str]], *, enqueue: bool = True) -> int:
    """(address, key) pairs, recorded on the ledger at once; the pending rows' count."""
    return len(send_templated_mail_many(kind, messages=messages, enqueue=enqueue))


def _reminder(delivery, *, expired: bool) -> registry.Email | None:
    _, user_id, requirement_id, day = delivery.key.split(":")
    expires_on = datetime.date.fromisoformat(day)
    person = User.objects.filter(pk=int(user_id), is_active=True).first()
    requirement = Requirement.objects.filter(pk=int(requirement_id), active=True).first()
    if person is None or requirement is None:
        return None
    latest = (
        Completion.objects.filter(user=person, requirement=requirement)
        .order_by("-completed_on", "-pk")
        .first()
    )
    if latest is None or latest.expires_on != expires_on:
        return None  # renewed since (or the record was corrected)
    return registry.Email(
        context={
            "reader": person,
            "requirement": requirement,
            "expires_on": expires_on,
            "days_left": (expires_on - timezone.localdate()).days,
            "expired": expired,
            "training_url": absolute_url(reverse("training:home")),
        }
    )


def due_email(delivery) -> registry.Email | None:
    return _reminder(delivery, expired=False)


def expired_email(delivery) -> registry.Email | None:
    return _reminder(delivery, expired=True)


def register_emails() -> None:
    registry.register(DUE, category=Category.REMINDERS, build=due_email)
    registry.register(EXPIRED, category=Category.REMINDERS, build=expired_email)

"""
The reminder job (beat, daily): each person whose latest completion of a requirement expires
within 30 days is told once (``training_due``), and again on the day it expires
(``training_expired``; a run missed for up to a week catches up). The ledger's key (person,
requirement, expiry date) makes every further run a no-op, so the job is idempotent however
often it runs; a renewal moves the expiry date, so the next expiry is reminded afresh.

Three reads and one bulk insert per kind, whatever the size of the community: the completions
expiring in the window that no later completion replaces, their people's responsibilities, the
ledger rows (notifications.services.send_templated_mail_many).
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from .emails import DUE, EXPIRED, mail_reminders, reminder_key
from .models import DUE_WITHIN_DAYS, Completion, applies
from .selectors import held_by_people

CATCH_UP_DAYS = 7


def _expiring(today: datetime.date):
    later = Completion.objects.filter(
        user_id=OuterRef("user_id"), requirement_id=OuterRef("requirement_id")
    ).filter(Q(expires_on__gt=OuterRef("expires_on")) | Q(expires_on__isnull=True))
    return (
        Completion.objects.filter(
            expires_on__gt=today - datetime.timedelta(days=CATCH_UP_DAYS),
            expires_on__lte=today + datetime.timedelta(days=DUE_WITHIN_DAYS),
            user__is_active=True,
            user__school__isnull=False,
            requirement__active=True,
        )
        .exclude(Exists(later))
        .values_list(
            "user_id",
            "user__email",
            "user__school_id",
            "user__job_role",
            "requirement_id",
            "requirement__school_id",
            "requirement__job_roles",
            "requirement__responsibilities",
            "expires_on",
        )
        .distinct()
    )


@transaction.atomic
def reminders_send(*, today: datetime.date | None = None, enqueue: bool = True) -> int:
    """Record today's reminders on the ledger (sent by its workers after commit). Returns how
    many rows are pending. ``enqueue=False`` leaves them for the ledger's sweep."""
    today = today or timezone.localdate()
    rows = list(_expiring(today))
    held = held_by_people({row[0] for row in rows})
    due, expired = [], []
    for user_id, email, school_id, role, req_id, req_school, roles, duties, expires in rows:
        if not applies(
            (req_school, roles, duties), school_id=school_id, job_role=role, held=held[user_id]
        ):
            continue
        if expires <= today:
            expired.append((email, reminder_key(EXPIRED, user_id, req_id, expires)))
        else:
            due.append((email, reminder_key(DUE, user_id, req_id, expires)))
    return mail_reminders(DUE, due, enqueue=enqueue) + mail_reminders(
        EXPIRED, expired, enqueue=enqueue
    )

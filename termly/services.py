"""
The termly mail's writes. ``plan`` hands the ledger what is due, in batches (the beat tasks,
``send_termly_digest`` and the coordinator's "nudge stale profiles" call it).
``experts_ask_to_refresh`` is the admin's "ask stale experts to refresh their profile" action,
and is meant for any other "nudge them all" button too: it decides who is stale and keeps it to
one email each per term.
"""

from __future__ import annotations

from django.db.models import QuerySet

from experts import selectors as expert_selectors
from experts.models import ExpertProfile
from hubs import permissions as hub_permissions
from hubs.models import User
from notifications.models import Delivery
from notifications.services import batch_enqueue

from . import emails, planning


def plan(*, kind: str, key: str, people: QuerySet[User]) -> int:
    """Hand the ledger batches of everyone in ``people`` still without a settled row for the
    key (each batch is sent by a worker: ``notifications.send_batch``). Returns how many."""
    enqueued = 0
    for ids in planning.batches(planning.still_to_send(people, kind=kind, key=key)):
        batch_enqueue(kind=kind, key=key, user_ids=ids)
        enqueued += len(ids)
    return enqueued


def experts_ask_to_refresh(
    *, by: User, profiles: QuerySet[ExpertProfile] | None = None
) -> tuple[int, int]:
    """
    Email each stale expert (of ``profiles``; every stale one when None) to confirm or update
    their profile: once per term, through the ledger, so a second press the same term sends
    nothing (and someone who opted out of reminders is skipped). Profiles that are up to date
    are left alone. Returns (asked now, already asked this term).
    """
    hub_permissions.require_coordinator(by)
    stale = expert_selectors.stale_profiles()
    if profiles is not None:
        stale = stale.filter(pk__in=profiles.values("pk"))
    addresses = list(stale.values_list("user__email", flat=True))
    key = emails.refresh_key()
    already = set(
        Delivery.objects.filter(kind=emails.REFRESH_KIND, key=key, email__in=addresses).values_list(
            "email", flat=True
        )
    )
    emails.mail_ask_to_refresh([email for email in addresses if email not in already], key)
    return len(addresses) - len(already & set(addresses)), len(already & set(addresses))

"""
The termly mail's beat tasks: each runs daily, decides for itself whether anything is due,
and hands batches to the ledger (``termly.services.plan``). Their names are kept from
when they lived in the notifications app, so the beat schedule and queued messages still
find them.
"""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from hubs.models import Term

from . import planning, reminders
from .services import plan


@shared_task(name="notifications.plan_termly_digest")
def plan_termly_digest(force: bool = False) -> int:
    """Daily: on and after the digest day of the term, send it to whoever has not had it."""
    term = Term.objects.current() if force else planning.digest_term_due()
    if term is None:
        return 0
    return plan(kind="digest", key=planning.digest_key(term), people=planning.digest_recipients())


@shared_task(name="notifications.plan_term_start_reminders")
def plan_term_start_reminders() -> int:
    """Daily: in a term's first school week, the profile, portfolio and needs-audit reminders."""
    term = planning.audit_term_due()
    if term is None:
        return 0
    key = planning.audit_key(term)
    return (
        plan(kind="audit_profile", key=key, people=reminders.experts())
        + plan(kind="audit_portfolio", key=key, people=reminders.staff())
        + plan(kind="audit_needs", key=key, people=reminders.cpd_leaders())
    )


@shared_task(name="notifications.nudge_release_requests")
def nudge_release_requests() -> int:
    """Each school day: CPD leaders with release requests waiting more than two school days."""
    today = timezone.localdate()
    if today.weekday() >= 5:
        return 0
    return plan(
        kind="release_nudge",
        key=f"release_nudge:{today.isoformat()}",
        people=reminders.leaders_with_overdue_releases(today),
    )

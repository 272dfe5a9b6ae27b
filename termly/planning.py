"""
When the termly mail is due, and to whom it still has to go. Reads only; the tasks enqueue.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.text import slugify

from hubs.models import Term, User
from notifications.models import Delivery
from notifications.services import sending_stale_after

BATCH_SIZE = 200


def add_school_days(day: datetime.date, n: int) -> datetime.date:
    """The weekday ``n`` school days (Monday to Friday) after ``day``."""
    while day.weekday() >= 5:  # a term starting at a weekend starts on the Monday
        day += datetime.timedelta(days=1)
    while n > 0:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


def subtract_school_days(day: datetime.date, n: int) -> datetime.date:
    while n > 0:
        day -= datetime.timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


def term_slug(term: Term) -> str:
    return slugify(term.name) or str(term.pk)


def digest_key(term: Term) -> str:
    return f"digest:{term_slug(term)}"


def audit_key(term: Term) -> str:
    return f"audit:{term_slug(term)}"


def digest_day(term: Term) -> datetime.date:
    return add_school_days(term.start, settings.DIGEST_SCHOOL_DAYS_AFTER_TERM_START)


def digest_term_due(today: datetime.date | None = None) -> Term | None:
    """
    The term whose digest should be going out today: from its digest day to the end of the
    term. Each day after the first only picks up whoever has not had it (new staff, a batch
    that failed), so a day the beat missed is caught up and nobody gets it twice.
    """
    today = today or timezone.localdate()
    term = Term.objects.current(today)
    if term is None or today < digest_day(term):
        return None
    return term


def audit_term_due(today: datetime.date | None = None) -> Term | None:
    """Term-start reminders go out in the first school week of a term."""
    today = today or timezone.localdate()
    term = Term.objects.current(today)
    if term is None or today > add_school_days(term.start, 4):
        return None
    return term


def still_to_send(people: QuerySet[User], *, kind: str, key: str) -> QuerySet[User]:
    """Those of ``people`` with no settled row (sent, skipped, failed, being sent) for the key."""
    stale = timezone.now() - sending_stale_after()
    settled = (
        Delivery.objects.filter(kind=kind, key=key, recipient_id__isnull=False)
        .exclude(Q(status=Delivery.Status.PENDING))
        .exclude(Q(status=Delivery.Status.SENDING, claimed_at__lt=stale))
        .values("recipient_id")
    )
    return people.filter(is_active=True).exclude(email="").exclude(pk__in=settled)


def digest_recipients() -> QuerySet[User]:
    return User.objects.filter(is_active=True)


def batches(people: QuerySet[User], size: int = BATCH_SIZE) -> Iterator[list[int]]:
    """Ids in batches, read with a server-side cursor so 100,000 people cost little memory."""
    batch: list[int] = []
    for pk in people.order_by("pk").values_list("pk", flat=True).iterator(chunk_size=2000):
        batch.append(pk)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch

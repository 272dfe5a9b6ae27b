"""
Removing coaching words and keeping the counts: the retention period after a relationship
ends, and an erasure of either member. The rows (observations, meetings, steps, their dates,
kinds, statuses and whether a step was rehearsed) stay, so the activity figures do not change;
the words (notes, praise, focus, steps' text and links, a request's message) are blanked.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from cpdhub.academic_year import academic_year_of, year_dates

from .models import ActionStep, Meeting, Observation, Relationship, Share

REMOVED = ""


def _blank(relationships: QuerySet[Relationship], now: datetime.datetime) -> int:
    ids = list(relationships.values_list("pk", flat=True))
    if not ids:
        return 0
    Observation.objects.filter(relationship_id__in=ids).update(focus=REMOVED, notes=REMOVED)
    Meeting.objects.filter(relationship_id__in=ids).update(praise=REMOVED, notes=REMOVED)
    ActionStep.objects.filter(relationship_id__in=ids).update(
        action=REMOVED, success_criteria=REMOVED, model_link=REMOVED
    )
    # Shares go with the words they showed.
    Share.objects.filter(observation__relationship_id__in=ids).delete()
    Share.objects.filter(meeting__relationship_id__in=ids).delete()
    Share.objects.filter(step__relationship_id__in=ids).delete()
    Relationship.objects.filter(pk__in=ids).update(request_message=REMOVED, content_removed_at=now)
    return len(ids)


def retention_cutoff(today: datetime.date | None = None) -> datetime.datetime | None:
    """Relationships that ended before this moment have passed the retention period: the end
    of the academic year they ended in, plus ``CPDHUB_RETENTION_COACHING_YEARS`` years."""
    years = settings.CPDHUB_RETENTION_COACHING_YEARS
    if not years:
        return None
    today = today or timezone.localdate()
    # Ended in year Y: kept through the end of year Y + years. So today's year minus years
    # (exclusive) is the last year whose endings are now past it.
    first_kept_year = academic_year_of(today) - years
    start, _ = year_dates(first_kept_year)
    return timezone.make_aware(datetime.datetime.combine(start, datetime.time.min))


@transaction.atomic
def content_expire(*, today: datetime.date | None = None) -> int:
    """The retention job: the words of relationships ended before the cut-off go; returns how
    many relationships were cleared."""
    cutoff = retention_cutoff(today)
    if cutoff is None:
        return 0
    due = Relationship.objects.filter(
        status__in=[Relationship.Status.ENDED, Relationship.Status.DECLINED],
        ended_at__lt=cutoff,
        content_removed_at__isnull=True,
    )
    return _blank(due, timezone.now())


def content_forget_for(*, user) -> int:
    """Part of every erasure: the words of every relationship the person was in go (they are
    both members' personal data), and everything they shared or was shared with them."""
    Share.objects.filter(owner=user).delete()
    Share.objects.filter(colleague=user).delete()
    return _blank(Relationship.objects.filter(memberships__user=user), timezone.now())

"""
What happens to a group's work once it is finished: its members keep it for the retention
period (``CPDHUB_RETENTION_ENQUIRY_YEARS`` whole academic years after the one it finished in,
like coaching's), then the words and files go and the counts stay. Removed: the shared log and
its files, the reading list, the case pupils with every prediction, observation and interview
note, the cycles' plans and discussions, and a draft write-up never published (with its
agreements). Kept: the group (its question, areas, dates, status), its memberships and schools
(the leaders' and coordinator's counts), its cycles' numbers, dates and states, and a published
write-up, which is the community's library, published with every member's agreement.

A group that is only closed to new members keeps everything: it is still at work. A group
reopened before the cut-off starts its period again when it is next finished.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from cpdhub.academic_year import academic_year_of, year_dates

from .models import CasePupil, Cycle, Group, LogEntry, ReadingItem, WriteUp
from .services import _delete_files

REMOVED = ""


def retention_cutoff(today: datetime.date | None = None) -> datetime.datetime | None:
    """Groups finished before this moment have passed the retention period: the end of the
    academic year they finished in, plus ``CPDHUB_RETENTION_ENQUIRY_YEARS`` years."""
    years = settings.CPDHUB_RETENTION_ENQUIRY_YEARS
    if not years:
        return None
    today = today or timezone.localdate()
    start, _ = year_dates(academic_year_of(today) - years)
    return timezone.make_aware(datetime.datetime.combine(start, datetime.time.min))


def _remove(groups: QuerySet[Group], now: datetime.datetime) -> int:
    ids = list(groups.values_list("pk", flat=True))
    if not ids:
        return 0
    log = LogEntry.objects.filter(group_id__in=ids)
    _delete_files([e.file.name for e in log.exclude(file="")], LogEntry.file.field.storage)
    log.delete()
    ReadingItem.objects.filter(group_id__in=ids).delete()
    CasePupil.objects.filter(cycle__group_id__in=ids).delete()  # and what was written on them
    Cycle.objects.filter(group_id__in=ids).update(plan=REMOVED, discussion=REMOVED)
    WriteUp.objects.filter(group_id__in=ids, status=WriteUp.Status.DRAFT).delete()
    Group.objects.filter(pk__in=ids).update(content_removed_at=now)
    return len(ids)


@transaction.atomic
def content_expire(*, today: datetime.date | None = None) -> int:
    """The retention job: the words and files of groups finished before the cut-off go;
    returns how many groups were cleared."""
    cutoff = retention_cutoff(today)
    if cutoff is None:
        return 0
    due = Group.objects.filter(
        status=Group.Status.FINISHED, finished_at__lt=cutoff, content_removed_at__isnull=True
    )
    return _remove(due, timezone.now())

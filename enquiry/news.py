"""
What changed in a person's enquiry groups since a moment: the termly digest's "Your enquiry
groups this term" (termly/digest.py). Counts and states only, never a word written in a group;
only the groups a person is a current member of. One query for a whole batch of people.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, IntegerField, Min, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format

from .models import Agreement, Cycle, LogEntry, Membership, ReadingItem, WriteUp


@dataclass(frozen=True)
class GroupNews:
    group_id: int
    question: str
    kind: str
    new_log: int  # log entries (notes, decisions, files) added since
    new_reading: int  # reading-list items added since
    cycles_done: int  # lesson-study cycles discussed since
    next_lesson: datetime.date | None  # the next research lesson, today or later
    published: bool  # its write-up was published since
    awaiting_me: bool  # its draft write-up waits for this person's agreement

    @property
    def url(self) -> str:
        return reverse("enquiry:group", kwargs={"pk": self.group_id})

    @property
    def summary(self) -> str:
        """What changed, in one sentence: "2 new log entries; the draft write-up waits for
        your agreement." """
        parts = []
        if self.new_log:
            parts.append(f"{self.new_log} new log entr{pluralize(self.new_log, 'y,ies')}")
        if self.new_reading:
            parts.append(f"{self.new_reading} new on the reading list")
        if self.cycles_done:
            parts.append(
                f"{self.cycles_done} lesson-study cycle{pluralize(self.cycles_done)} completed"
            )
        if self.published:
            parts.append("the write-up is published in the library")
        if self.awaiting_me:
            parts.append("the draft write-up waits for your agreement")
        if self.next_lesson:
            day = date_format(self.next_lesson, "l j F Y")
            parts.append(f"the next research lesson is on {day}")
        text = "; ".join(parts)
        return text[:1].upper() + text[1:] + "." if text else ""

    @property
    def changed(self) -> bool:
        return bool(
            self.new_log
            or self.new_reading
            or self.cycles_done
            or self.next_lesson
            or self.published
            or self.awaiting_me
        )


def _count(model, since: datetime.datetime, field: str = "created_at", **where) -> Coalesce:
    rows = (
        model.objects.filter(group_id=OuterRef("group_id"), **{f"{field}__gte": since}, **where)
        .order_by()
        .values("group_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows[:1], output_field=IntegerField()), 0)


def groups_news(
    user_ids: list[int], since: datetime.datetime, today: datetime.date | None = None
) -> dict[int, list[GroupNews]]:
    """For each person, their current groups in which something changed since ``since``
    (newest group first); a person with no such group is left out. One query, whatever the
    number of people."""
    today = today or timezone.localdate()
    next_lesson = (
        Cycle.objects.filter(
            group_id=OuterRef("group_id"),
            status=Cycle.Status.PLANNING,
            lesson_date__gte=today,
        )
        .order_by()
        .values("group_id")
        .annotate(day=Min("lesson_date"))
        .values("day")
    )
    rows = (
        Membership.objects.filter(user_id__in=user_ids, left_at__isnull=True)
        .annotate(
            new_log=_count(LogEntry, since),
            new_reading=_count(ReadingItem, since),
            cycles_done=_count(Cycle, since, field="discussed_at"),
            next_lesson=Subquery(next_lesson[:1]),
            agreed=Exists(
                Agreement.objects.filter(
                    write_up__group_id=OuterRef("group_id"), user_id=OuterRef("user_id")
                )
            ),
            published=Q(
                group__write_up__status=WriteUp.Status.PUBLISHED,
                group__write_up__published_at__gte=since,
            ),
            draft=Q(group__write_up__status=WriteUp.Status.DRAFT),
        )
        .values(
            "user_id",
            "group_id",
            "group__question",
            "group__kind",
            "new_log",
            "new_reading",
            "cycles_done",
            "next_lesson",
            "agreed",
            "published",
            "draft",
        )
        .order_by("user_id", "-group__created_at", "-group_id")
    )
    news: dict[int, list[GroupNews]] = {}
    for row in rows:
        item = GroupNews(
            group_id=row["group_id"],
            question=row["group__question"],
            kind=row["group__kind"],
            new_log=row["new_log"],
            new_reading=row["new_reading"],
            cycles_done=row["cycles_done"],
            next_lesson=row["next_lesson"],
            published=bool(row["published"]),
            awaiting_me=bool(row["draft"]) and not row["agreed"],
        )
        if item.changed:
            news.setdefault(row["user_id"], []).append(item)
    return news

"""
The school terms: their dates, never overlapping (an exclusion constraint on Postgres,
``hubs/constraints.py``).
"""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Q
from django.utils import timezone

from cpdhub.academic_year import academic_year_label
from cpdhub.singleline import SingleLineCharField

from ..constraints import NonOverlappingDateRange


class TermQuerySet(models.QuerySet):
    def containing(self, day: datetime.date) -> TermQuerySet:
        return self.filter(start__lte=day, end__gte=day)

    def current(self, today: datetime.date | None = None) -> Term | None:
        return self.containing(today or timezone.localdate()).first()

    def upcoming(self, today: datetime.date | None = None) -> TermQuerySet:
        return self.filter(start__gt=today or timezone.localdate()).order_by("start")


class Term(models.Model):
    """A school term. Terms never overlap (enforced by the database on Postgres)."""

    name = SingleLineCharField(max_length=60, help_text="For example: Autumn 2026.")
    start = models.DateField()
    end = models.DateField()

    objects = TermQuerySet.as_manager()

    class Meta:
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="term_ends_after_start"
            ),
            models.UniqueConstraint(fields=["name"], name="term_name_unique"),
            NonOverlappingDateRange(
                start="start",
                end="end",
                name="term_no_overlap",
                violation_error_message="This term overlaps another term.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def academic_year(self) -> str:
        """The English academic year the term belongs to, e.g. "2026/27"."""
        return academic_year_label(self.start)

    def week_of(self, day: datetime.date) -> int:
        return (day - self.start).days // 7 + 1

    @property
    def weeks(self) -> int:
        return (self.end - self.start).days // 7 + 1

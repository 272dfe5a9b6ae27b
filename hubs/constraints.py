"""
A date-range exclusion constraint that the database enforces on Postgres and that
``full_clean`` validates portably everywhere (SQLite has no exclusion constraints).
"""

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateRangeField, RangeBoundary, RangeOperators
from django.core.exceptions import ValidationError
from django.db.models import Func, Q


class DateRange(Func):
    function = "DATERANGE"
    output_field = DateRangeField()


class NonOverlappingDateRange(ExclusionConstraint):
    """No two rows may have overlapping [start, end] date ranges (both ends inclusive)."""

    def __init__(self, *, start: str, end: str, name: str, **kwargs):
        self.start_field = start
        self.end_field = end
        kwargs.pop("expressions", None)
        kwargs.pop("index_type", None)
        super().__init__(
            name=name,
            expressions=[
                (
                    DateRange(
                        start, end, RangeBoundary(inclusive_lower=True, inclusive_upper=True)
                    ),
                    RangeOperators.OVERLAPS,
                )
            ],
            index_type="gist",
            **kwargs,
        )

    def deconstruct(self):
        path, args, kwargs = super().deconstruct()
        kwargs.pop("expressions", None)
        kwargs.pop("index_type", None)
        kwargs["start"] = self.start_field
        kwargs["end"] = self.end_field
        return path, args, kwargs

    def __eq__(self, other):
        return (
            isinstance(other, NonOverlappingDateRange)
            and self.start_field == other.start_field
            and self.end_field == other.end_field
            and super().__eq__(other)
        )

    # The database enforces it on Postgres only; elsewhere validate() is the guard.
    def _postgres(self, schema_editor) -> bool:
        return schema_editor.connection.vendor == "postgresql"

    def constraint_sql(self, model, schema_editor):
        return (
            super().constraint_sql(model, schema_editor) if self._postgres(schema_editor) else None
        )

    def create_sql(self, model, schema_editor):
        return super().create_sql(model, schema_editor) if self._postgres(schema_editor) else None

    def remove_sql(self, model, schema_editor):
        return super().remove_sql(model, schema_editor) if self._postgres(schema_editor) else None

    def validate(self, model, instance, exclude=None, using=None):
        if exclude and (self.start_field in exclude or self.end_field in exclude):
            return
        start = getattr(instance, self.start_field)
        end = getattr(instance, self.end_field)
        if start is None or end is None:
            return
        clashes = model._default_manager.using(using).filter(
            Q(**{f"{self.start_field}__lte": end}) & Q(**{f"{self.end_field}__gte": start})
        )
        if not instance._state.adding and instance.pk is not None:
            clashes = clashes.exclude(pk=instance.pk)
        if clashes.exists():
            raise ValidationError(
                self.get_violation_error_message(), code=self.violation_error_code
            )

"""A count for each row of a list, as a correlated subquery (every app's lists use it)."""

from __future__ import annotations

from django.db.models import Count, QuerySet, Subquery
from django.db.models.functions import Coalesce


def count_per_row(queryset: QuerySet, group_by: str, counted: str = "*") -> Coalesce:
    """
    A correlated COUNT for each outer row (``queryset`` filters on ``OuterRef``), which
    does not multiply rows the way two joined ``Count`` annotations would.
    """
    return Coalesce(
        Subquery(
            queryset.order_by()
            .values(group_by)
            .annotate(c=Count(counted, distinct=counted != "*"))
            .values("c")
        ),
        0,
    )

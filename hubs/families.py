"""
Families of schools: the schools most like a given one (phase, free school meals, size, hub),
ranked by one SQL query.
"""

from __future__ import annotations

from django.db.models import (
    Case,
    Expression,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Cast, Greatest, Least

from .models import School

# How much each difference counts (they add up to 100: a school identical on every count scores
# 100 % similar). Each difference is scaled to 0..1 first.
FAMILY_WEIGHTS = {"phase": 40, "fsm": 30, "size": 20, "hub": 10}
FAMILY_FSM_SPAN = 30  # FSM percentages 30 points apart (or more) are as different as can be
FAMILY_UNKNOWN = 0.5  # a difference we cannot tell (no pupil count or FSM figure): half way
FAMILY_SIZE = 5


def _gap(value: Expression) -> Expression:
    return ExpressionWrapper(value, output_field=FloatField())


def family_of(school: School, *, limit: int = FAMILY_SIZE) -> QuerySet[School]:
    """
    The schools most like ``school``, most similar first, each annotated with ``similarity``
    (0 to 100) and the four differences behind it. One SQL query over the schools, ranked by
    the database (no loop over pairs in Python): see FAMILY_WEIGHTS.
    """
    unknown = Value(FAMILY_UNKNOWN)
    phase_gap = Case(When(phase=school.phase, then=Value(0.0)), default=Value(1.0))
    if school.pupil_count:
        size_gap = Case(
            When(pupil_count__isnull=True, then=unknown),
            default=Func(F("pupil_count") - Value(school.pupil_count), function="ABS")
            * Value(1.0)
            / Greatest(F("pupil_count"), Value(school.pupil_count)),
        )
    else:
        size_gap = unknown
    if school.fsm_percent is not None:
        # Case, not Coalesce: LEAST and GREATEST skip a NULL on Postgres (not on SQLite).
        fsm_gap = Case(
            When(fsm_percent__isnull=True, then=unknown),
            default=Least(
                Func(
                    Cast("fsm_percent", FloatField()) - Value(float(school.fsm_percent)),
                    function="ABS",
                )
                / Value(float(FAMILY_FSM_SPAN)),
                Value(1.0),
            ),
        )
    else:
        fsm_gap = unknown
    hub_gap = (
        Case(When(hub_id=school.hub_id, then=Value(0.0)), default=Value(1.0))
        if school.hub_id
        else Value(1.0)
    )
    w = FAMILY_WEIGHTS
    return (
        School.objects.exclude(pk=school.pk)
        .select_related("hub")
        .annotate(
            phase_gap=_gap(phase_gap),
            size_gap=_gap(size_gap),
            fsm_gap=_gap(fsm_gap),
            hub_gap=_gap(hub_gap),
        )
        .annotate(
            similarity=_gap(
                Value(100.0)
                - F("phase_gap") * w["phase"]
                - F("size_gap") * w["size"]
                - F("fsm_gap") * w["fsm"]
                - F("hub_gap") * w["hub"]
            )
        )
        .order_by("-similarity", "name", "pk")[:limit]
    )

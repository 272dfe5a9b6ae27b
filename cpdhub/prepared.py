"""
A query a page asks on every request, with the same shape every time, turned into SQL once per
process instead of once per request.

Django builds a queryset's SQL anew each time it is evaluated: for the signed-in person (three
EXISTS and two joins) that is about 4 ms of CPU on every page, ten times what Postgres spends
answering it. ``Prepared`` builds the queryset once with stand-in values, keeps the SQL Django
wrote and the map of which column goes where, and on each call substitutes the real values and
makes the objects exactly as ``QuerySet`` does (``from_db``, the ``select_related`` populators,
annotations, the backend's converters). The SQL is Django's own; nothing here writes SQL.

Only for querysets whose shape does not depend on the values, or depends on them only through
a ``shape`` the caller names (for example "the viewer has a school", which adds conditions):
each shape is compiled on its own. Every parameter equal to a stand-in is replaced, so
stand-ins are values no real row has (negative ids); anything the build reads that changes
(the time now) must be a stand-in too, or it is frozen at the first call. A query without a
shape must use every stand-in (checked when it is first compiled), a shaped one may leave some
out. The queryset's ``prefetch_related`` lookups are done as it would do them. Queries go
through Django's cursor, so query counts and execute wrappers see them as usual.
"""

from __future__ import annotations

import datetime
import threading
from collections.abc import Callable
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.query import (
    ModelIterable,
    ValuesIterable,
    get_related_populators,
    prefetch_related_objects,
)


def _same(value):
    return value


def _forms(stand_in, connection) -> list[tuple[Any, Callable]]:
    """How a stand-in may appear among the parameters, and how to put a value in that form:
    as it is, or (dates and times, on SQLite) as the backend adapted it."""
    forms: list[tuple[Any, Callable]] = [(stand_in, _same)]
    if isinstance(stand_in, datetime.datetime):
        adapt = connection.ops.adapt_datetimefield_value
    elif isinstance(stand_in, datetime.date):
        adapt = connection.ops.adapt_datefield_value
    else:
        return forms
    adapted = adapt(stand_in)
    if adapted is not stand_in and adapted != stand_in:
        forms.append((adapted, adapt))
    return forms


class _Plan:
    def __init__(self, queryset: QuerySet, stand_ins: tuple, connection, shaped: bool) -> None:
        compiler = queryset.query.get_compiler(connection=connection)
        self.prefetches = queryset._prefetch_related_lookups
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:  # a shape that can match nothing: Django asks no query either
            self.sql = None
            return
        params = list(params)
        self.slots = []
        for stand_in in stand_ins:
            found = [
                (i, adapt)
                for form, adapt in _forms(stand_in, connection)
                for i, p in enumerate(params)
                if p == form and isinstance(p, type(form))
            ]
            if not found and not shaped:
                raise ValueError(
                    f"A prepared query's stand-in {stand_in!r} is not among its parameters."
                )
            self.slots.append(found)
        self.sql, self.params = sql, params
        self.alias = connection.alias
        select = compiler.select
        fields = [s[0] for s in select[: compiler.col_count]]
        self.converters = list(compiler.get_converters(fields).items())
        if queryset._iterable_class is ModelIterable:
            klass_info = compiler.klass_info
            self.model = klass_info["model"]
            first, last = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
            self.model_span = (first, last)
            self.init_list = [f[0].target.attname for f in select[first:last]]
            self.populators = get_related_populators(klass_info, select, connection.alias)
            self.annotations = list(compiler.annotation_col_map.items())
            self.names = None
        elif queryset._iterable_class is ValuesIterable:
            query = queryset.query
            self.model = None
            self.names = [
                *query.extra_select,
                *query.values_select,
                *query.annotation_select,
            ]
        else:
            raise ValueError("Prepared queries make model instances or values() dicts only.")

    def rows(self, connection, values: tuple) -> list[list]:
        params = list(self.params)
        # A shaped query may be given fewer values than stand-ins: the rest are not in its SQL.
        for slots, value in zip(self.slots, values, strict=False):
            for slot, adapt in slots:
                if value is None:
                    params[slot] = None
                    continue
                value_here = adapt(value)
                # The driver may have wrapped the stand-in (psycopg's Int2 for a small column).
                wrapped = type(self.params[slot])
                params[slot] = value_here if wrapped is type(value_here) else wrapped(value_here)
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = [list(row) for row in cursor.fetchall()]
        for row in rows:
            for position, (converters, expression) in self.converters:
                value = row[position]
                for converter in converters:
                    value = converter(value, expression, connection)
                row[position] = value
        return rows

    def objects(self, rows: list[list]) -> list[Model] | list[dict]:
        if self.names is not None:
            return [dict(zip(self.names, row, strict=False)) for row in rows]
        first, last = self.model_span
        made = []
        for row in rows:
            obj = self.model.from_db(self.alias, self.init_list, row[first:last])
            for populator in self.populators:
                populator.populate(row, obj)
            for name, position in self.annotations:
                setattr(obj, name, row[position])
            made.append(obj)
        return made


class Prepared:
    """
    ``Prepared(build, *stand_ins)``: ``build(*stand_ins)`` returns the queryset, compiled once
    per database; ``prepared(*values)`` returns the list the queryset built with those values
    would have given. With ``shaped=True`` the build takes the shape first,
    ``build(shape, *stand_ins)``, and each call names it: ``prepared(*values, shape=...)``
    (any hashable that decides every branch the build takes).
    """

    def __init__(self, build: Callable[..., QuerySet], *stand_ins: Any, shaped: bool = False):
        self._build, self._stand_ins, self._shaped = build, stand_ins, shaped
        self._plans: dict[tuple, _Plan] = {}
        self._lock = threading.Lock()

    def _plan(self, connection, shape) -> _Plan:
        key = (connection.alias, shape)
        plan = self._plans.get(key)
        if plan is None:
            with self._lock:
                plan = self._plans.get(key)
                if plan is None:
                    args = (shape, *self._stand_ins) if self._shaped else self._stand_ins
                    plan = _Plan(self._build(*args), self._stand_ins, connection, self._shaped)
                    self._plans[key] = plan
        return plan

    def __call__(self, *values: Any, shape: Any = None, using: str = "default") -> list:
        connection = connections[using]
        plan = self._plan(connection, shape)
        if plan.sql is None:
            return []
        found = plan.objects(plan.rows(connection, values))
        if plan.prefetches and found:
            prefetch_related_objects(found, *plan.prefetches)
        return found

"""
Teams from a staff import's Department (or Team) column. The import knows no teams: the app
that holds them (schoolyear) registers a handler in its ``AppConfig.ready()``, so this app
imports none of it. The import hands over only people it may change in the school it imports
into (``staff.out_of_reach``): (school id, user id, the cell's text), never an empty cell.
A handler returns how many people joined a team and how many teams it made.
"""

from __future__ import annotations

from collections.abc import Callable

Rows = list[tuple[int, int, str]]
Handler = Callable[[Rows], tuple[int, int]]
_handlers: list[Handler] = []


def register_department_handler(handler: Handler) -> None:
    if handler not in _handlers:
        _handlers.append(handler)


def join_departments(rows: Rows) -> tuple[int, int]:
    joined = made = 0
    for handler in _handlers if rows else ():
        added, created = handler(rows)
        joined, made = joined + added, made + created
    return joined, made

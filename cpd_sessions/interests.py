"""
The expertise areas a person is working on, as other apps know them (the portfolio: areas of my
active goals and open needs), for the "suits me" filter.

Other apps register a source in their ``AppConfig.ready()``; this app imports none of them, as
with the signals in ``signals.py``. Without any source registered, nobody has such areas and
"suits me" stays phase, subjects and role.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Q, QuerySet

from experts.models import ExpertiseArea
from hubs.models import User

# ``source(user)`` returns a queryset of the expertise areas' ids that user is working on, left
# unevaluated so that the filter puts it into its own SQL (no extra query).
AreaSource = Callable[[User], QuerySet]

_sources: list[AreaSource] = []


def register_area_source(source: AreaSource) -> None:
    if source not in _sources:
        _sources.append(source)


def areas_for(user: User) -> QuerySet[ExpertiseArea] | None:
    """The ids of the areas a person is working on (a subquery), or None if no app says."""
    if not _sources:
        return None
    condition = Q()
    for source in _sources:
        condition |= Q(pk__in=source(user))
    return ExpertiseArea.objects.filter(condition).values("pk")

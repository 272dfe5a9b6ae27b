"""
The leaders' coaching pages: a school's figures for its CPD leaders, the community's for the
coordinator, and a CSV of each table. Counts only (coaching/activity.py); nobody finds a
relationship from here.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404, render

from cpdhub import csvsafe
from cpdhub.paging import page_of
from hubs.models import School

from . import activity, permissions, tasks


def _figures(school_ids: list[int] | None) -> activity.Activity:
    # A count of changed figures is handed to a worker; the page shows the last one meanwhile.
    return activity.figures(school_ids, count_later=tasks.count_figures.delay)


def school(request, urn: int):
    found = get_object_or_404(School, urn=urn)
    permissions.require_can_see_school_activity(request.user, found)
    return render(
        request,
        "coaching/activity.html",
        {"data": (data := _figures([found.pk])), "school": found, "schools": data.schools},
    )


def community(request):
    permissions.require_can_see_community_activity(request.user)
    data = _figures(None)
    return render(
        request,
        "coaching/activity.html",
        {"data": data, "school": None, "schools": page_of(request, data.schools)},
    )


def _csv(part: str, data: activity.Activity, name: str):
    if part not in activity.CSV_PARTS:
        raise Http404
    rows = activity.csv_rows(part, data)
    return csvsafe.streaming_response(name, next(rows), rows)


def school_csv(request, urn: int, table: str):
    found = get_object_or_404(School, urn=urn)
    permissions.require_can_see_school_activity(request.user, found)
    if table not in activity.CSV_PARTS:
        raise Http404
    return _csv(table, _figures([found.pk]), f"coaching-{table}-{found.urn}")


def community_csv(request, table: str):
    permissions.require_can_see_community_activity(request.user)
    if table not in activity.CSV_PARTS:
        raise Http404
    return _csv(table, _figures(None), f"coaching-{table}")

"""The leaders' enquiry figures: a school's for its CPD leaders, the community's for the
coordinator. Counts only (enquiry/figures.py); nobody finds a group from here."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, render

from hubs.models import School

from . import figures, permissions, visits


def school(request, urn: int):
    found = get_object_or_404(School, urn=urn)
    permissions.require_can_see_school_figures(request.user, found)
    return render(
        request,
        "enquiry/figures.html",
        {"data": figures.figures([found.pk]), "school": found},
    )


def community(request):
    permissions.require_can_see_community_figures(request.user)
    return render(
        request,
        "enquiry/figures.html",
        {"data": figures.figures(None), "school": None, "two_way": visits.two_way()},
    )

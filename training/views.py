"""
Required training's pages. A person's own training at /training/; the requirements at
/training/requirements/ (the coordinator and CPD leaders); a school's matrix, its CSV and its
printable page, and a person's training for their CPD leader, under /schools/<urn>/training/;
the community's counts at /coordinator/training/. Every write is a POST through a service,
which checks its rule; a certificate is looked up among those the reader may see (404
otherwise).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from cpdhub import csvsafe
from cpdhub.forms import errors_to_form
from cpdhub.paging import page_of
from hubs.models import School, User

from . import permissions, selectors, services
from .forms import (
    CompletionForm,
    MatrixFilterForm,
    RequirementForm,
    ResponsibilitiesForm,
)
from .models import Completion, Requirement, Status

STAFF_PER_PAGE = 50


def _record(request, form: CompletionForm, person: User) -> Completion | None:
    data = form.cleaned_data
    try:
        return services.completion_record(
            by=request.user,
            person=person,
            requirement=data["requirement"],
            completed_on=data["completed_on"],
            provider=data["provider"],
            certificate=data.get("certificate") or None,
        )
    except ValidationError as error:
        errors_to_form(form, error)
        return None


# --- /training/ ----------------------------------------------------------------------------


def home(request):
    user = request.user
    cells = selectors.my_training(user)
    form = CompletionForm(
        request.POST or None, request.FILES or None, requirements=[c.requirement for c in cells]
    )
    if request.method == "POST":
        permissions.require_can_record_for(user, user)
        if form.is_valid() and _record(request, form, user):
            messages.success(request, "Your training is recorded.")
            return redirect("training:home")
    return render(
        request,
        "training/home.html",
        {
            "cells": cells,
            "form": form,
            "completions": selectors.my_completions(user),
            "can_manage": permissions.can_manage_any(user),
        },
        status=400 if form.errors else 200,
    )


def certificate(request, pk: int):
    completion = get_object_or_404(
        Completion.objects.select_related("user").exclude(certificate=""), pk=pk
    )
    if not permissions.can_see_certificate(request.user, completion):
        raise Http404
    try:
        handle = completion.certificate.open("rb")
    except (OSError, ValueError):
        raise Http404("The file is missing.") from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=completion.original_name,
        content_type=completion.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
def completion_delete(request, pk: int):
    completion = get_object_or_404(Completion.objects.select_related("user"), pk=pk)
    if not permissions.can_change_completion(request.user, completion):
        raise Http404
    services.completion_delete(completion=completion, by=request.user)
    messages.success(request, "The completion is removed.")
    if completion.user_id == request.user.pk:
        return redirect("training:home")
    return redirect("training:person", urn=completion.user.school.urn, person_id=completion.user_id)


# --- /training/requirements/ ---------------------------------------------------------------


def _schools_for(user):
    if user.is_coordinator:
        return School.objects.order_by("name")
    return School.objects.filter(pk__in=user.led_school_ids).order_by("name")


def requirements(request):
    user = request.user
    permissions.require_can_add_requirement_anywhere(user)
    form = RequirementForm(
        request.POST or None,
        schools=_schools_for(user),
        allow_community=user.is_coordinator,
        editing=False,
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("scope")
        try:
            services.requirement_create(by=user, school=form.school(), **data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, "The training is now required.")
            return redirect("training:requirements")
    return render(
        request,
        "training/requirements.html",
        {"form": form, "requirements": selectors.manageable_requirements(user)},
        status=400 if form.errors else 200,
    )


def requirement_edit(request, pk: int):
    requirement = get_object_or_404(Requirement.objects.select_related("school"), pk=pk)
    if not permissions.can_manage_requirement(request.user, requirement):
        raise Http404
    initial = {
        "title": requirement.title,
        "valid_months": requirement.valid_months,
        "job_roles": requirement.job_roles,
        "responsibilities": requirement.responsibilities,
        "sessions": list(requirement.sessions.values_list("pk", flat=True)),
        "active": requirement.active,
    }
    form = RequirementForm(
        request.POST or None, initial=initial, schools=[], allow_community=False, editing=True
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.requirement_update(
                requirement=requirement, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, "The requirement is saved.")
            return redirect("training:requirements")
    return render(
        request,
        "training/requirement_form.html",
        {"form": form, "requirement": requirement},
        status=400 if form.errors else 200,
    )


# --- /schools/<urn>/training/ --------------------------------------------------------------


def _school(request, urn: int) -> School:
    school = get_object_or_404(School, urn=urn)
    permissions.require_can_see_matrix(request.user, school)
    return school


def _matrix(request, school: School):
    requirements = selectors.requirements_for_school(school.pk)
    filters = MatrixFilterForm(request.GET or None, requirements=requirements)
    status, chosen = "", None
    if filters.is_valid():
        status = filters.cleaned_data["status"] or ""
        chosen = filters.cleaned_data["requirement"]
    shown = [Status(status).label.lower() if status else "", chosen.title if chosen else ""]
    found = selectors.school_matrix(
        school, status=status, requirement_id=chosen.pk if chosen else None
    )
    return filters, found, ", ".join(s for s in shown if s)


def matrix(request, urn: int):
    school = _school(request, urn)
    filters, found, _ = _matrix(request, school)
    if request.GET.get("format") == "csv":
        return _csv(school, found)
    return render(
        request,
        "training/matrix.html",
        {
            "school": school,
            "filters": filters,
            "matrix": found,
            "page": page_of(request, found.rows, per_page=STAFF_PER_PAGE),
            "can_record": bool(school.pk in request.user.led_school_ids),
            "person_base": reverse("training:person", kwargs={"urn": urn, "person_id": 0})[:-2],
        },
    )


def matrix_print(request, urn: int):
    school = _school(request, urn)
    _, found, shown = _matrix(request, school)
    return render(
        request,
        "training/matrix_print.html",
        {"school": school, "shown": shown, "matrix": found},
    )


def _csv(school: School, found: selectors.Matrix):
    header = ["Name", "Email", "Job role"]
    for requirement in found.requirements:
        header += [
            f"{requirement.title}: status",
            f"{requirement.title}: completed",
            f"{requirement.title}: expires",
        ]

    def rows():
        for row in found.rows:
            line = [row.person.full_name, row.person.email, row.person.get_job_role_display()]
            for cell in row.cells:
                if cell is None:
                    line += ["Not required", "", ""]
                else:
                    line += [
                        cell.label,
                        cell.completed_on.isoformat() if cell.completed_on else "",
                        cell.expires_on.isoformat() if cell.expires_on else "",
                    ]
            yield line

    return csvsafe.streaming_response(f"training-{school.urn}", header, rows())


def _person(request, urn: int, person_id: int) -> User:
    person = get_object_or_404(
        User.objects.select_related("school"), pk=person_id, school__urn=urn, is_active=True
    )
    if not permissions.can_see_person(request.user, person):
        raise Http404
    return person


def person(request, urn: int, person_id: int):
    found = _person(request, urn, person_id)
    cells = selectors.my_training(found)
    form = CompletionForm(
        request.POST or None, request.FILES or None, requirements=[c.requirement for c in cells]
    )
    if request.method == "POST" and form.is_valid() and _record(request, form, found):
        messages.success(request, f"Training recorded for {found.full_name}.")
        return redirect("training:person", urn=urn, person_id=found.pk)
    held = list(found.responsibilities.values_list("responsibility", flat=True))
    return render(
        request,
        "training/person.html",
        {
            "person": found,
            "school": found.school,
            "cells": cells,
            "form": form,
            "completions": selectors.completions_of(found),
            "responsibilities_form": ResponsibilitiesForm(initial={"responsibilities": held}),
            "matrix_url": reverse("training:matrix", kwargs={"urn": urn}),
        },
        status=400 if form.errors else 200,
    )


@require_POST
def person_responsibilities(request, urn: int, person_id: int):
    found = _person(request, urn, person_id)
    form = ResponsibilitiesForm(request.POST)
    if form.is_valid():
        services.responsibilities_give(
            by=request.user, person=found, responsibilities=form.cleaned_data["responsibilities"]
        )
        messages.success(request, f"{found.full_name}'s responsibilities are saved.")
    else:
        messages.error(request, "Choose from the responsibilities listed.")
    return redirect("training:person", urn=urn, person_id=found.pk)


# --- /coordinator/training/ ----------------------------------------------------------------


def community(request):
    permissions.require_can_see_community(request.user)
    return render(
        request,
        "training/community.html",
        {"rows": selectors.community_summary()},
    )

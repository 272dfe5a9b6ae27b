"""Upload, preview and confirm: schools from the register, staff from the MIS."""

from __future__ import annotations

import json

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render

from .. import permissions
from ..models import Hub, School
from .files import ImportFileError
from .forms import GiasUploadForm, StaffUploadForm
from .gias import gias_import
from .staff import FIELDS, staff_import
from .uploads import upload_keep, upload_path


def _column_map(request) -> dict[str, str]:
    try:
        given = json.loads(request.POST.get("column_map") or "{}")
    except ValueError:
        return {}
    mapping = given if isinstance(given, dict) else {}
    for key, value in request.POST.items():
        if key.startswith("map:") and value in FIELDS:
            mapping[key[4:]] = value
    return {str(k)[:200]: v for k, v in mapping.items() if v in FIELDS}


def _run(request, *, form, run, context: dict, template: str):
    """The three steps: upload -> preview (dry run) -> confirm. The file is kept by its hash."""
    step = request.POST.get("step", "")
    if request.method == "POST" and step in {"preview", "confirm"}:
        token, options = request.POST.get("token", ""), dict(context.get("options", {}))
        try:
            if step == "preview" and "token" not in request.POST:
                if not form.is_valid():
                    return render(request, template, {**context, "form": form}, status=400)
                token = upload_keep(upload=form.cleaned_data["file"], user_id=request.user.pk)
                options.update(context["read_options"](form.cleaned_data))
            else:
                options.update(context["read_options"](request.POST))
            with upload_path(token=token, user_id=request.user.pk).open("rb") as raw:
                result = run(raw=raw, dry_run=step != "confirm", **options)
        except ImportFileError as error:
            form.add_error(None, str(error))
            unmapped = getattr(error, "unmapped", None)
            return render(
                request,
                template,
                {**context, "form": form, "token": token, "unmapped": unmapped, "fields": FIELDS},
                status=400,
            )
        return render(
            request,
            template,
            {
                **context,
                "form": form,
                "result": result,
                "token": token,
                "hidden": {k: getattr(v, "pk", v) for k, v in options.items() if v is not None},
                "column_map_json": json.dumps(options.get("column_map") or {}),
                "fields": FIELDS,
            },
        )
    return render(request, template, {**context, "form": form})


def import_schools(request):
    permissions.require_coordinator(request.user)
    form = GiasUploadForm(request.POST or None, request.FILES or None)

    def read_options(data) -> dict:
        hub = data.get("hub")
        if hub is not None and not isinstance(hub, Hub):
            hub = Hub.objects.filter(pk=hub).first() if str(hub).isdigit() else None
        return {"hub": hub}

    return _run(
        request,
        form=form,
        run=gias_import,
        template="hubs/import.html",
        context={"read_options": read_options, "title": "Import schools from the register"},
    )


def _staff_flow(request, *, school: School | None):
    form = StaffUploadForm(request.POST or None, request.FILES or None)
    if school is not None:
        del form.fields["school"]

    def read_options(data) -> dict:
        target = school
        if target is None:
            chosen = data.get("school")
            if chosen is not None and not isinstance(chosen, School):
                chosen = School.objects.filter(pk=chosen).first() if str(chosen).isdigit() else None
            target = chosen
        if target is not None and not permissions.can_import_staff(request.user, target):
            raise PermissionDenied
        return {"school": target, "by": request.user, "column_map": _column_map(request)}

    return _run(
        request,
        form=form,
        run=staff_import,
        template="hubs/import.html",
        context={
            "read_options": read_options,
            "school": school,
            "staff": True,
            "title": f"Import staff to {school.name}" if school else "Import staff",
        },
    )


def import_staff(request):
    permissions.require_coordinator(request.user)
    return _staff_flow(request, school=None)


def school_import_staff(request, urn: int):
    school = get_object_or_404(School, urn=urn)
    permissions.require_can_import_staff(request.user, school)
    return _staff_flow(request, school=school)

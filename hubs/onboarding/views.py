"""Upload, preview and confirm: schools from the register, staff from the MIS."""

from __future__ import annotations

import datetime
import json
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from cpdhub.paging import page_of

from .. import permissions
from ..models import Hub, ImportJob, School, User
from .files import ImportFileError
from .forms import GiasUploadForm, StaffUploadForm, parse_hub_by_la
from .jobs import import_job_confirm, import_job_progress, import_job_start
from .staff import FIELDS
from .tasks import run_import_job
from .uploads import rejected_path, upload_keep

logger = logging.getLogger(__name__)

ROWS_PER_PAGE = 100  # of an import's kept rows (at most a thousand are kept)


def _run_in_background(job: ImportJob) -> None:
    """A job just queued is handed to a worker once it is committed (in-process in the demo);
    a confirmation asked for twice is the one job, already under way or done."""
    if job.state != ImportJob.State.QUEUED:
        return

    def enqueue() -> None:
        try:
            run_import_job.delay(job.pk)
        except Exception:  # after commit: the job stays queued (broker down) or is marked failed
            logger.exception("Import job %s could not be run or enqueued", job.pk)

    transaction.on_commit(enqueue)


def _pk(value) -> int | None:
    """A row id from a form's hidden field, or None (not digits, or too big for the column)."""
    text = str(value or "")
    return int(text) if text.isdigit() and len(text) <= 18 else None


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


def _role_map(request) -> dict[str, str]:
    """The person's job role for each of their file's unrecognised titles (``role:<title>``)."""
    return {
        key[5:][:100]: value
        for key, value in request.POST.items()
        if key.startswith("role:") and value in User.JobRole.values
    }


def _run(request, *, form, kind: str, context: dict, template: str):
    """
    Upload -> preview -> confirm. The file is kept by its hash; the preview and the import
    each run as a background job (``jobs.py``) and the person is sent to its page, which shows
    the progress and then the result; nothing is written until the preview is confirmed.
    """
    step = request.POST.get("step", "")
    if request.method == "POST" and step in {"preview", "confirm"}:
        token = request.POST.get("token", "")
        try:
            if step == "confirm":
                preview = _preview_job(request)
                job = import_job_confirm(
                    user=request.user,
                    preview=preview,
                    import_good_rows=request.POST.get("import_good_rows") == "on",
                    send_welcome=request.POST.get("send_welcome") == "on",
                )
                _run_in_background(job)
                return redirect(job)
            if "token" not in request.POST:
                if not form.is_valid():
                    return render(request, template, {**context, "form": form}, status=400)
                token = upload_keep(upload=form.cleaned_data["file"], user_id=request.user.pk)
                options = context["read_options"](form.cleaned_data)
                file_name = form.cleaned_data["file"].name
            else:
                options = context["read_options"](request.POST)
                file_name = request.POST.get("file_name", "")
            job = import_job_start(
                user=request.user, kind=kind, token=token, file_name=file_name, **options
            )
            _run_in_background(job)
        except ImportFileError as error:
            form.add_error(None, str(error))
            return render(request, template, {**context, "form": form}, status=400)
        return redirect(job)
    return render(request, template, {**context, "form": form})


def _preview_job(request) -> ImportJob:
    pk = request.POST.get("job", "")
    job = ImportJob.objects.filter(pk=_pk(pk)).first() if _pk(pk) else None
    if job is None or job.created_by_id != request.user.pk:
        raise ImportFileError("That file is no longer here: upload it again.")
    return job


def import_job(request, pk: int):
    """A preview's or an import's progress, then its result (refreshes itself until done)."""
    job = get_object_or_404(ImportJob.objects.select_related("school", "hub"), pk=pk)
    permissions.require_own_import_job(request.user, job)
    staff = job.kind == ImportJob.Kind.STAFF
    if job.kind == ImportJob.Kind.SCHOOLS:
        upload_url, form = reverse("hubs:import_schools"), GiasUploadForm()
    elif job.school is not None and not request.user.is_coordinator:
        upload_url = reverse("hubs:school_import_staff", kwargs={"urn": job.school.urn})
        form = StaffUploadForm()
        del form.fields["school"]
    else:
        upload_url, form = reverse("hubs:import_staff"), StaffUploadForm()
    title = (
        "Import schools from the register"
        if not staff
        else (f"Import staff to {job.school.name}" if job.school else "Import staff")
    )
    done = import_job_progress(job)
    result = job.result if job.state == ImportJob.State.DONE else None
    return render(
        request,
        "hubs/import.html",
        {
            "title": title,
            "school": job.school if staff else None,
            "staff": staff,
            "job": job,
            "confirmation": ImportJob.objects.filter(confirms=job).first(),
            "form": form,
            "upload_url": upload_url,
            "done": done,
            "percent": round(100 * done / job.total_rows) if job.total_rows else 0,
            "result": result,
            "rows": page_of(request, (result or {}).get("rows") or [], per_page=ROWS_PER_PAGE),
            "unknown_roles": sorted(((result or {}).get("unknown_roles") or {}).items())
            if staff
            else [],
            "job_roles": User.JobRole.choices,
            "column_map_json": json.dumps(job.column_map or {}),
            "schools_page": page_of(request, (result or {}).get("schools") or [])
            if result and not staff
            else None,
            "unmapped": job.result.get("unmapped") if job.state == ImportJob.State.FAILED else None,
            "fields": FIELDS,
            "stalled": job.state == ImportJob.State.QUEUED
            and timezone.now() - job.created_at > datetime.timedelta(minutes=2),
        },
    )


def import_schools(request):
    permissions.require_coordinator(request.user)
    form = GiasUploadForm(request.POST or None, request.FILES or None)

    def read_options(data) -> dict:
        hub = data.get("hub")
        if hub is not None and not isinstance(hub, Hub):
            hub = Hub.objects.filter(pk=_pk(hub)).first() if _pk(hub) else None
        by_la = data.get("hub_by_la") or {}
        if not isinstance(by_la, dict):  # a resent preview: read again, quietly
            try:
                by_la = parse_hub_by_la(str(by_la))
            except ValidationError:
                by_la = {}
        return {
            "hub": hub,
            "column_map": {"hub_by_la": {la: h.pk for la, h in by_la.items()}} if by_la else None,
        }

    return _run(
        request,
        form=form,
        kind=ImportJob.Kind.SCHOOLS,
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
                chosen = School.objects.filter(pk=_pk(chosen)).first() if _pk(chosen) else None
            target = chosen
        if target is not None:
            permissions.require_can_import_staff(request.user, target)
        return {
            "school": target,
            "column_map": _column_map(request),
            "role_map": _role_map(request),
        }

    return _run(
        request,
        form=form,
        kind=ImportJob.Kind.STAFF,
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


def import_job_rejected(request, pk: int):
    """The rows an import left out, as a CSV with the reason for each: correct, upload again."""
    job = get_object_or_404(ImportJob, pk=pk, kind=ImportJob.Kind.STAFF)
    permissions.require_own_import_job(request.user, job)
    path = rejected_path(job_id=job.pk, user_id=job.created_by_id)
    if not path.exists():
        raise Http404("This import left no rows out.")
    stamp = timezone.localdate().isoformat()
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=f"staff-rows-left-out-{stamp}.csv",
        content_type="text/csv; charset=utf-8",
    )

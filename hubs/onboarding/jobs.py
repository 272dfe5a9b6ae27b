"""
Imports as background work: an upload's preview and its confirmation each run as an
``ImportJob`` in a Celery task (in-process in the demo, where tasks run eagerly), while the
page shows the progress and then the result. The view that starts or confirms a job hands it
to a worker once it is committed (``views._run_in_background``); ``import_job_run`` is the
task's body.

Started twice? A job is claimed queued → running by one conditional UPDATE, so a task
delivered twice runs once; a preview's confirmation is created under a lock on the preview
and ``ImportJob.confirms`` is unique, so a second click or a browser's resend of the form finds
the confirmation already started. Progress is counted in the cache (the import's own writes
are one transaction, invisible to the page until it commits).
"""

from __future__ import annotations

import contextlib
import datetime

from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cpdhub.csvsafe import writer as csv_writer

from .. import permissions
from ..models import Hub, ImportJob, StaffImportMapping, User
from .files import ImportFileError
from .gias import gias_import
from .staff import FIELDS, role_map_clean, staff_import
from .uploads import rejected_path, upload_path

# 20,000 rows take seconds; a job "running" this long had its worker die (the task is acked
# late, so the broker hands it to another worker, which may take it over).
RUNNING_STALE_AFTER = datetime.timedelta(minutes=30)


def _progress_key(job_id: int) -> str:
    return f"import-job:{job_id}:done"


def count_rows(token: str, user_id: int) -> int:
    """Lines in the kept file (for the progress bar), counted in chunks, never read whole."""
    lines = 0
    with upload_path(token=token, user_id=user_id).open("rb") as raw:
        while chunk := raw.read(1024 * 1024):
            lines += chunk.count(b"\n")
    return max(lines - 1, 0)


def import_job_start(
    *,
    user: User,
    kind: str,
    token: str,
    school=None,
    hub=None,
    column_map: dict | None = None,
    role_map: dict | None = None,
    file_name: str = "",
) -> ImportJob:
    """
    A preview (dry run) of a kept file, queued. Raises ImportFileError for a stale token.
    A school's staff: the columns and job titles the person maps are remembered for the
    school, and what was remembered from its earlier files is used where this file is silent.
    """
    permissions.require_can_run_import(user, kind=kind, school=school)
    total = count_rows(token, user.pk)
    if kind == ImportJob.Kind.STAFF:  # a staff file's columns; a schools file's hubs by LA
        column_map = {k: v for k, v in (column_map or {}).items() if v in FIELDS}
    role_map = role_map_clean(role_map or {})
    with transaction.atomic():
        if kind == ImportJob.Kind.STAFF and school is not None:
            column_map, role_map = _remember(school, column_map=column_map, role_map=role_map)
        job = ImportJob.objects.create(
            created_by=user,
            kind=kind,
            school=school if kind == ImportJob.Kind.STAFF else None,
            hub=hub,
            file_token=token,
            file_name=file_name[:200],
            column_map=column_map or {},
            role_map=role_map,
            total_rows=total,
        )
    return job


def _remember(school, *, column_map: dict, role_map: dict) -> tuple[dict, dict]:
    """Store this person's choices for the school; return them over the school's earlier ones."""
    given = [(StaffImportMapping.Kind.COLUMN, k[:200], v) for k, v in column_map.items()]
    given += [(StaffImportMapping.Kind.JOB_ROLE, k[:200], v) for k, v in role_map.items()]
    for kind, value, maps_to in given:
        StaffImportMapping.objects.update_or_create(
            school=school, kind=kind, value=value, defaults={"maps_to": maps_to}
        )
    known = {kind: {} for kind in StaffImportMapping.Kind.values}
    for kind, value, maps_to in StaffImportMapping.objects.filter(school=school).values_list(
        "kind", "value", "maps_to"
    ):
        known[kind][value] = maps_to
    return known[StaffImportMapping.Kind.COLUMN], known[StaffImportMapping.Kind.JOB_ROLE]


def import_job_confirm(
    *,
    user: User,
    preview: ImportJob,
    import_good_rows: bool = False,
    send_welcome: bool = False,
) -> ImportJob:
    """
    The import for real of a preview: once. A preview with errors can be confirmed only as
    "import the good rows" (the others are left out, for download). A second call (a second
    click, a refresh that sends the form again) returns the confirmation already made.
    """
    permissions.require_own_import_job(user, preview)
    permissions.require_can_run_import(user, kind=preview.kind, school=preview.school)
    with transaction.atomic():
        preview = ImportJob.objects.select_for_update().get(pk=preview.pk)
        existing = ImportJob.objects.filter(confirms=preview).first()
        if existing is not None:
            return existing
        staff = preview.kind == ImportJob.Kind.STAFF
        import_good_rows = staff and import_good_rows and not preview.result.get("ok")
        if not (
            preview.dry_run
            and preview.state == ImportJob.State.DONE
            and (preview.result.get("ok") or (import_good_rows and preview.result.get("good")))
        ):
            raise ImportFileError(
                "Only a preview without errors can be confirmed, or its good rows imported."
            )
        upload_path(token=preview.file_token, user_id=user.pk)  # still here?
        job = ImportJob.objects.create(
            created_by=user,
            kind=preview.kind,
            school=preview.school,
            hub=preview.hub,
            file_token=preview.file_token,
            file_name=preview.file_name,
            column_map=preview.column_map,
            role_map=preview.role_map,
            import_good_rows=import_good_rows,
            send_welcome=staff and send_welcome,
            total_rows=preview.total_rows,
            dry_run=False,
            confirms=preview,
        )
    return job


def import_job_progress(job: ImportJob) -> int:
    """Rows handled so far (the running job's count, kept in the cache)."""
    if job.finished:
        return job.total_rows
    return min(cache.get(_progress_key(job.pk)) or 0, job.total_rows)


def _run_staff(job: ImportJob, raw, progress) -> dict:
    """The staff import, with the rows it leaves out written to a CSV beside the upload."""
    started: list[bool] = []
    finished: list[bool] = []
    path = rejected_path(job_id=job.pk, user_id=job.created_by_id)
    with contextlib.ExitStack() as cleanup:
        # Kept only when the job finished and left rows out (runs after the file is closed).
        cleanup.callback(lambda: None if started and finished else path.unlink(missing_ok=True))
        out = cleanup.enter_context(path.open("w", encoding="utf-8-sig", newline=""))
        rejected_csv = csv_writer(out)

        def rejected(header: list[str], values: list[str], line: int, reason: str) -> None:
            if not started:
                rejected_csv.writerow(["Line", *header, "Why it was left out"])
                started.append(True)
            cells = [v.replace("\x00", "") for v in values[: len(header)]]
            rejected_csv.writerow([line, *cells, *[""] * (len(header) - len(cells)), reason])

        outcome = staff_import(
            raw=raw,
            by=job.created_by,
            school=job.school,
            column_map=job.column_map,
            role_map=job.role_map,
            dry_run=job.dry_run,
            import_good_rows=job.import_good_rows,
            welcome=job.send_welcome,
            rejected=rejected,
            progress=progress,
        )
        finished.append(True)
        return outcome.as_json() | {"rejected_file": bool(started)}


def import_job_run(*, job_id: int) -> bool:
    """Run a queued job (the task's body). False: someone else has it, or it is done."""
    now = timezone.now()
    claimable = Q(state=ImportJob.State.QUEUED) | Q(
        state=ImportJob.State.RUNNING, started_at__lt=now - RUNNING_STALE_AFTER
    )  # a worker that died mid-file: its transaction rolled back, so running it again is safe
    claimed = ImportJob.objects.filter(claimable, pk=job_id).update(
        state=ImportJob.State.RUNNING, started_at=now
    )
    if not claimed:
        return False
    job = ImportJob.objects.select_related("created_by", "school", "hub").get(pk=job_id)

    def progress(done: int) -> None:
        cache.set(_progress_key(job.pk), done, timeout=3600)

    try:
        with upload_path(token=job.file_token, user_id=job.created_by_id).open("rb") as raw:
            if job.kind == ImportJob.Kind.SCHOOLS:
                by_la_ids = (job.column_map or {}).get("hub_by_la") or {}
                hubs = Hub.objects.in_bulk(list(by_la_ids.values()))
                outcome = gias_import(
                    raw=raw,
                    hub=job.hub,
                    hub_by_la={la: hubs[pk] for la, pk in by_la_ids.items() if pk in hubs},
                    dry_run=job.dry_run,
                    progress=progress,
                )
                result = {
                    "ok": outcome.ok,
                    "dry_run": outcome.dry_run,
                    "summary": outcome.summary(),
                    "errors": outcome.errors,
                    "schools": outcome.rows,
                    "schools_more": outcome.rows_more,
                }
            else:
                result = _run_staff(job, raw, progress)
    except ImportFileError as error:
        ImportJob.objects.filter(pk=job.pk).update(
            state=ImportJob.State.FAILED,
            error=str(error),
            result={"unmapped": getattr(error, "unmapped", None) or []},
            finished_at=timezone.now(),
        )
        return True
    except Exception:
        ImportJob.objects.filter(pk=job.pk).update(
            state=ImportJob.State.FAILED,
            error="Something went wrong while reading this file, so nothing was imported. "
            "Try again; if it happens again, tell the coordinator.",
            finished_at=timezone.now(),
        )
        raise
    ImportJob.objects.filter(pk=job.pk).update(
        state=ImportJob.State.DONE, result=result, finished_at=timezone.now()
    )
    cache.delete(_progress_key(job.pk))
    return True

"""Background work of the privacy app: thin tasks that take ids and call a service."""

from celery import shared_task

from . import services
from .forget import imports_expire


@shared_task(name="privacy.build_export", acks_late=True)
def build_export(export_id: int) -> bool:
    """Idempotent: only a queued export is built (a redelivered task finds it built)."""
    return services.export_build(export_id=export_id) is not None


@shared_task(name="privacy.purge_exports")
def purge_exports() -> int:
    return services.exports_purge()


@shared_task(name="privacy.apply_retention")
def apply_retention() -> dict[str, int]:
    found = services.retention_apply(dry_run=False)
    imports = imports_expire()
    return {group: len(people) for group, people in found.items()} | {
        f"import {what}": n for what, n in imports.items()
    }

"""The privacy app's one email: your data is ready to download."""

from __future__ import annotations

from notifications import registry
from notifications.kinds import Category
from notifications.registry import Email
from notifications.rendering import absolute_url

from .models import DataExport


def export_ready_context(delivery) -> Email | None:
    export = (
        DataExport.objects.filter(pk=delivery.key.rpartition(":")[2], user=delivery.recipient)
        .select_related("user")
        .first()
    )
    if export is None or not export.is_available:
        return None  # deleted, expired or superseded since: nothing to send any more
    return Email(
        {
            "person": export.user,
            "export": export,
            "download_url": absolute_url(export.get_download_url()),
            "page_url": absolute_url("/me/data/"),
        }
    )


def register_kinds() -> None:
    registry.register("data_export_ready", category=Category.ESSENTIAL, build=export_ready_context)

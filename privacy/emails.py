"""The privacy app's one email: your data is ready to download."""

from __future__ import annotations

from notifications import registry
from notifications.categories import Category
from notifications.registry import Email
from notifications.rendering import absolute_url
from notifications.services import send_templated_mail

from .models import DataExport


def mail_export_ready(export: DataExport) -> list:
    """Record the email on the ledger (inside the transaction that marks the export ready)."""
    return send_templated_mail(
        "data_export_ready", to=[export.user.email], key=f"data_export_ready:{export.pk}"
    )


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


def register_emails() -> None:
    registry.register("data_export_ready", category=Category.ESSENTIAL, build=export_ready_context)

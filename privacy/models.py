from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from cpdhub.singleline import SingleLineCharField

# How long a finished download stays available.
EXPORT_DAYS = 7


def _token() -> str:
    return secrets.token_urlsafe(32)


class DataExport(models.Model):
    """A person's "download my data": built in the background, then offered until it expires."""

    class State(models.TextChoices):
        QUEUED = "queued", "Waiting to be built"
        BUILDING = "building", "Being built"
        READY = "ready", "Ready to download"
        FAILED = "failed", "Could not be built"

    UNFINISHED = (State.QUEUED, State.BUILDING)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_exports"
    )
    state = SingleLineCharField(max_length=10, choices=State.choices, default=State.QUEUED)
    token = SingleLineCharField(max_length=64, unique=True, default=_token, editable=False)
    file = models.FileField(upload_to="exports/", max_length=200, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # A second click or a refresh while one is being built does not start another.
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(state__in=["queued", "building"]),
                name="data_export_one_unfinished_per_user",
            ),
        ]

    def __str__(self) -> str:
        return f"Data export {self.pk} ({self.get_state_display()})"

    @property
    def is_available(self) -> bool:
        return (
            self.state == self.State.READY
            and self.expires_at is not None
            and self.expires_at > timezone.now()
            and bool(self.file)
        )

    def get_download_url(self) -> str:
        return reverse("privacy:download", kwargs={"token": self.token})

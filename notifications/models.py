"""
The email ledger: one row per person, kind and reason (``key``). The row is created before
anything is sent, claimed with a conditional UPDATE (pending → sending) so only one worker
sends it, and marked sent or given back with the error. A repeat with the same key is a no-op.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cpdhub.singleline import SingleLineCharField

from .categories import Category


class Delivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Skipped (opted out)"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deliveries",
    )
    email = models.EmailField(max_length=254)
    kind = SingleLineCharField(max_length=40)
    key = SingleLineCharField(max_length=200, help_text="The reason, e.g. digest:autumn-2026.")
    status = SingleLineCharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "deliveries"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["email", "kind", "key"], name="delivery_once_per_email_kind_key"
            ),
            models.CheckConstraint(
                condition=Q(status="sent", sent_at__isnull=False) | ~Q(status="sent"),
                name="delivery_sent_has_time",
            ),
        ]
        indexes = [
            # The digest planner: who already has a row for this term's key.
            models.Index(fields=["kind", "key", "status"], name="delivery_kind_key_status_idx"),
            # The admin's failures list and counts per kind and status.
            models.Index(fields=["status", "kind"], name="delivery_status_kind_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key} to {self.email} ({self.status})"


class Preference(models.Model):
    """A person's choice for one optional category. No row means: send it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_preferences"
    )
    category = SingleLineCharField(
        max_length=20, choices=[(c.value, c.label) for c in Category if c != Category.ESSENTIAL]
    )
    enabled = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "category"], name="preference_one_per_category")
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.category}: {'on' if self.enabled else 'off'}"

"""
Invitations to join a school, for an address that is not one of the school's domains.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from cpdhub.singleline import SingleLineCharField

from .schools import School


def _new_invitation_token() -> str:
    return secrets.token_urlsafe(32)


class InvitationQuerySet(models.QuerySet):
    def open(self) -> InvitationQuerySet:
        return self.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )


class Invitation(models.Model):
    """An invitation from a coordinator or CPD leader, for an address that is not a school's."""

    email = models.EmailField(max_length=254)
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="invitations")
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    token = SingleLineCharField(
        max_length=64, unique=True, default=_new_invitation_token, editable=False
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # At most one live (not accepted, not revoked) invitation per address.
            models.UniqueConstraint(
                Lower("email"),
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_open_per_email",
            ),
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")),
                name="invitation_expires_after_created",
            ),
        ]

    def __str__(self) -> str:
        return f"Invitation for {self.email} to {self.school}"

    def get_absolute_url(self) -> str:
        return reverse("hubs:invitation_accept", kwargs={"token": self.token})

    @property
    def is_open(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )

"""
Subject networks (and networks for a responsibility: SENCos, DSLs) across the community's
schools, and the invitations that ask a lone ranger to join one.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from cpdhub.singleline import SingleLineCharField

from .curriculum import Subject
from .people import Responsibility
from .schools import Hub


class SubjectNetwork(models.Model):
    """A subject network: e.g. every geography lead across the community's primaries."""

    name = SingleLineCharField(max_length=120, unique=True)
    slug = models.SlugField(unique=True)
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="networks")
    hub = models.ForeignKey(
        Hub,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="networks",
        help_text="Leave blank for a network across the whole community.",
    )
    responsibility = SingleLineCharField(
        max_length=30,
        choices=Responsibility.choices,
        blank=True,
        help_text="A network for a responsibility (SENCos, DSLs, …): staff alone in their "
        "school for it are invited here. Leave blank for a subject network.",
    )
    description = models.TextField(blank=True)
    meeting_pattern = SingleLineCharField(
        max_length=200, blank=True, help_text="For example: meets once a term, online after school."
    )
    leads = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="led_networks"
    )
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="networks")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("hubs:network_detail", kwargs={"slug": self.slug})


class LoneRangerInvitation(models.Model):
    """
    A lone ranger (the only one in their school for a subject they teach) invited to the
    matching subject network. One row per person and network, ever: the unique constraint is
    what makes the nightly job and the coordinator's button invite each person once.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lone_ranger_invitations"
    )
    network = models.ForeignKey(
        SubjectNetwork, on_delete=models.CASCADE, related_name="lone_ranger_invitations"
    )
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="+")
    invited_at = models.DateTimeField(default=timezone.now)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Blank: the nightly job.",
    )

    class Meta:
        ordering = ["-invited_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "network"], name="lone_ranger_invited_once_per_network"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} invited to {self.network}"

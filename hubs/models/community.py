"""
The community this install serves: its one row (name, contact address, whether it is the demo).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from cpdhub.singleline import SingleLineCharField


class Community(models.Model):
    """
    The community this install serves: one row, written by ``setup_community`` (or by
    ``seed_demo`` for the demo) and edited by a coordinator on /coordinator/community/. Its name
    and contact address are what every page and email shows; nothing else holds them.
    A second ``setup_community`` run for another community is refused.
    """

    name = SingleLineCharField(max_length=120)
    contact_email = models.EmailField(
        blank=True,
        help_text="Whom staff ask when they cannot sign up or need help (shown on every page).",
    )
    is_demo = models.BooleanField(
        default=False,
        help_text="Made by seed_demo: the demo's own *.demo.test school domains are accepted.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "community"
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="community_single_row"),
        ]

    def __str__(self) -> str:
        return self.name

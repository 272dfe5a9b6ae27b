"""
Who met a rate limit (``cpdhub/ratelimit.py``), counted per person, limit and hour.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from cpdhub.singleline import SingleLineCharField

from .people import User


class ThrottledRequest(models.Model):
    """
    Someone who met a rate limit (cpdhub/ratelimit.py): one row per person (or address, signed
    out), limit and hour, counting the refused requests, so the coordinator sees a scraper in
    the admin without a row per request.
    """

    key = SingleLineCharField(max_length=80)  # "user:<id>" or "ip:<address>"
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    group = SingleLineCharField("limit", max_length=40)
    hour = models.DateTimeField()
    refused = models.PositiveIntegerField(default=0)
    last_path = SingleLineCharField(max_length=200, blank=True)
    last_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-last_at"]
        verbose_name = "request over a rate limit"
        verbose_name_plural = "requests over a rate limit"
        constraints = [
            models.UniqueConstraint(fields=["key", "group", "hour"], name="throttle_one_per_hour")
        ]

    def __str__(self) -> str:
        return f"{self.key} over {self.group} ({self.refused})"

"""The coordinator's written replies to schools about the needs their CPD leaders passed on."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cpdhub.textbounds import length_check

REPLY_MAX = 2000


class NeedReply(models.Model):
    """
    A short message from the coordinator about a need passed on by a CPD leader: emailed once
    (the ledger key names this row) to the school's CPD leaders and shown on the need.
    """

    need = models.ForeignKey("portfolios.Need", on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField("message", max_length=REPLY_MAX)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name_plural = "need replies"
        constraints = [
            models.CheckConstraint(condition=~Q(body=""), name="need_reply_not_empty"),
            length_check("need_reply", "body", REPLY_MAX),
        ]

    def __str__(self) -> str:
        return f"Reply about need {self.need_id}"


class Commission(models.Model):
    """
    A consultant-led session the coordinator commissioned where need had no supply: which
    needs it was for (their owners are told, once, when it is published) and the text the draft
    started with (a note for the coordinator, which may not be published as the description).
    """

    session = models.OneToOneField(
        "cpd_sessions.DevelopmentSession", on_delete=models.CASCADE, related_name="commission"
    )
    needs = models.ManyToManyField("portfolios.Need", blank=True, related_name="commissions")
    placeholder = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Commissioned: {self.session}"


__all__ = ["REPLY_MAX", "Commission", "NeedReply"]

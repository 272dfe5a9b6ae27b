"""Messages a lead emails to everyone booked on a session."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from cpdhub.singleline import SingleLineCharField

from .sessions import DevelopmentSession

MESSAGE_SUBJECT_MAX = 150
MESSAGE_BODY_MAX = 5_000


class SessionMessage(models.Model):
    """
    A message a lead (or a coordinator) emailed to everyone booked on a session. Kept so each
    email is built afresh when the worker sends it, and sent once: the ledger's key is the
    message, and ``token`` (from the form) makes a second click of the same form the same message.
    """

    session = models.ForeignKey(
        DevelopmentSession, on_delete=models.CASCADE, related_name="messages"
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    subject = SingleLineCharField(max_length=MESSAGE_SUBJECT_MAX)
    body = models.TextField(max_length=MESSAGE_BODY_MAX)
    include_waitlist = models.BooleanField(default=False)
    token = SingleLineCharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.subject

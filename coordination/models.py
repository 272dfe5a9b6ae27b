"""The coordinator's written replies to schools about the needs their CPD leaders passed on, the
sessions commissioned for needs, and each school's participation figures kept as summary rows."""

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


class SchoolFigures(models.Model):
    """
    One school's participation in one period (an academic year or a term): the counts the
    coordinator's dashboard shows, kept so the page reads one row per school instead of grouping
    every person's bookings, register marks, log entries, addresses, network places, release
    requests and feedback on each request. Counts only. Forgotten when one of those rows of the
    school changes, counted again when read without a row, and every night
    (coordination/participation.py says how).
    """

    # Its index serves forgetting a school's rows when one of its figures changes.
    school = models.ForeignKey("hubs.School", on_delete=models.CASCADE, related_name="+")
    start = models.DateField()
    end = models.DateField()
    staff = models.PositiveIntegerField(default=0)
    confirmed = models.PositiveIntegerField(default=0)
    in_network = models.PositiveIntegerField(default=0)
    booked = models.PositiveIntegerField(default=0)
    attended = models.PositiveIntegerField(default=0)
    logged = models.PositiveIntegerField(default=0)
    hours = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    # Release requests for sessions in the period by term ({term id, 0 outside every term:
    # [requests, approved, lessons covered, cost as text]}) and feedback by rating ({rating:
    # how many}): coordination/release.py.
    release = models.JSONField(default=dict)
    ratings = models.JSONField(default=dict)
    # Open and passed needs of its active staff by area ({area id: [needs, people]}): not tied
    # to the period, kept in each period's row so the dashboard reads them with the rest.
    needs = models.JSONField(default=dict)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "school figures"
        constraints = [
            # Serves the dashboard's read: every school's row of one period.
            models.UniqueConstraint(
                fields=["start", "end", "school"], name="school_figures_once_per_period"
            ),
        ]

    def __str__(self) -> str:
        return f"Figures of school {self.school_id}, {self.start} to {self.end}"


__all__ = ["REPLY_MAX", "Commission", "NeedReply", "SchoolFigures"]

"""The register, apologies and feedback for a session someone booked."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .booking import Booking
from .limits import FEEDBACK_TEXT_MAX
from .sessions import SessionDate


class Attendance(models.Model):
    """The register: whether a booked person came, marked by a lead or coordinator."""

    booking = models.OneToOneField(Booking, on_delete=models.CASCADE, related_name="attendance")
    present = models.BooleanField()
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    marked_at = models.DateTimeField(default=timezone.now)
    # When the certificate of attendance was emailed (``certificates.certificates_issue``):
    # the ledger sends it once; this says so on the register.
    certificate_sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    def __str__(self) -> str:
        who = self.booking.user if self.booking.user_id else "An erased account"
        return f"{who}: {'present' if self.present else 'absent'}"


class Apology(models.Model):
    """
    Apologies for one meeting of a series: the person keeps their place on the session and
    is not expected at that meeting. Withdrawing the apology deletes the row.
    """

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="apologies")
    date = models.ForeignKey(SessionDate, on_delete=models.CASCADE, related_name="apologies")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["date__start", "pk"]
        verbose_name_plural = "apologies"
        constraints = [
            models.UniqueConstraint(fields=["booking", "date"], name="apology_one_per_meeting"),
        ]

    def __str__(self) -> str:
        who = self.booking.user if self.booking.user_id else "An erased account"
        return f"Apologies from {who} for {self.date}"


class Feedback(models.Model):
    booking = models.OneToOneField(Booking, on_delete=models.CASCADE, related_name="feedback")
    rating = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text="1 (not useful) to 5 (very useful).",
    )
    most_useful = models.TextField("the most useful part", blank=True, max_length=FEEDBACK_TEXT_MAX)
    will_try = models.TextField("what I will try", blank=True, max_length=FEEDBACK_TEXT_MAX)
    comment = models.TextField(blank=True, max_length=FEEDBACK_TEXT_MAX)
    anonymous = models.BooleanField(
        "keep my name from the lead", default=False, help_text="The lead sees what you wrote only."
    )
    # Whether the comment may go, without a name, in the summary everyone involved receives
    # (``cpd_sessions.evaluation``). No by default: feedback given before it was asked is not.
    share_comment = models.BooleanField(
        "May we share this comment with the others who took part?",
        default=False,
        help_text="Without your name, in the summary sent to the people who attended, the "
        "session's leads and their schools' CPD leaders.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "feedback"
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1) & Q(rating__lte=5), name="feedback_rating_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"Feedback on {self.booking.session}"

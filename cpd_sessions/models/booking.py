"""A place on a session (``Booking``), with its waitlist position and claims."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cpdhub.singleline import SingleLineCharField
from hubs.models import School

from .sessions import DevelopmentSession


class Booking(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", "Confirmed"
        PENDING = "pending", "Waiting for release approval"
        WAITLISTED = "waitlisted", "On the waitlist"
        CANCELLED = "cancelled", "Cancelled"
        DECLINED = "declined", "Release declined"

    HOLDS_SEAT = (Status.CONFIRMED, Status.PENDING)
    ACTIVE = (Status.CONFIRMED, Status.PENDING, Status.WAITLISTED)

    session = models.ForeignKey(
        DevelopmentSession, on_delete=models.CASCADE, related_name="bookings"
    )
    # Empty once the person's account is erased (privacy): the booking stays, as a count for
    # ``former_school``'s figures, with nothing that says who made it.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="session_bookings",
    )
    former_school = models.ForeignKey(
        School,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        help_text="The school of a person whose account was erased: its figures still count "
        "the booking. Empty while the person's account exists (their school is theirs).",
    )
    status = SingleLineCharField(max_length=10, choices=Status.choices)
    # Order on the waitlist (1 is next). Unique among a session's waitlisted bookings.
    waitlist_position = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    feedback_requested_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            # "My next sessions" and the calendar feed: a person's bookings by status.
            models.Index(fields=["user", "status"], name="booking_user_status_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="booking_one_per_person"),
            models.UniqueConstraint(
                fields=["session", "waitlist_position"],
                condition=Q(status="waitlisted"),
                name="booking_waitlist_position_unique",
            ),
            models.CheckConstraint(
                condition=(Q(status="waitlisted") & Q(waitlist_position__isnull=False))
                | (~Q(status="waitlisted") & Q(waitlist_position__isnull=True)),
                name="booking_waitlist_position_iff_waitlisted",
            ),
            # The school is kept on the booking only once nobody is on it.
            models.CheckConstraint(
                condition=Q(user__isnull=True) | Q(former_school__isnull=True),
                name="booking_former_school_only_when_erased",
            ),
        ]

    def __str__(self) -> str:
        who = self.user if self.user_id else "An erased account"
        return f"{who} → {self.session} ({self.get_status_display()})"

    @property
    def holds_seat(self) -> bool:
        return self.status in self.HOLDS_SEAT

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

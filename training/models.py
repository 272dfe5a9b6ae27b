"""
Required training with expiry: what a school (or the whole community) requires its staff to
have done and how long it lasts (``Requirement``), and each time a person did it
(``Completion``), recorded by themselves, by their school's CPD leader, or by marking the
register of a session linked to the requirement. A person's status for a requirement comes
from their latest completion (``status_of``): in date, due within 30 days, overdue, missing.
"""

from __future__ import annotations

import calendar
import datetime
import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cpdhub.singleline import SingleLineCharField

# "Due" starts this many days before the expiry date (and the first reminder goes then).
DUE_WITHIN_DAYS = 30
MAX_VALID_MONTHS = 120


class Status(models.TextChoices):
    IN_DATE = "in_date", "In date"
    DUE = "due", "Due within 30 days"
    OVERDUE = "overdue", "Overdue"
    MISSING = "missing", "Missing"


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later (the month's last day when it is shorter: 31 January + 1
    month is 28 or 29 February)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def status_of(*, done: bool, expires_on: datetime.date | None, today: datetime.date) -> str:
    """A person's status from their latest completion: none is missing; one that never expires
    (``expires_on`` None) is in date; it is overdue from its expiry date, due in the 30 days
    before it."""
    if not done:
        return Status.MISSING
    if expires_on is None:
        return Status.IN_DATE
    if expires_on <= today:
        return Status.OVERDUE
    if expires_on <= today + datetime.timedelta(days=DUE_WITHIN_DAYS):
        return Status.DUE
    return Status.IN_DATE


def applies(
    requirement: tuple[int | None, list[str], list[str]],
    *,
    school_id: int | None,
    job_role: str,
    held: set[str],
) -> bool:
    """Whether a requirement (its school, job roles, responsibilities) applies to someone of
    this school, job role and responsibilities: its school's staff (the whole community's when
    it has none), all of them or those with a listed role or responsibility."""
    required_by, job_roles, responsibilities = requirement
    if school_id is None or (required_by is not None and required_by != school_id):
        return False
    if not job_roles and not responsibilities:
        return True
    return job_role in job_roles or not held.isdisjoint(responsibilities)


class Requirement(models.Model):
    """Training a school's staff (or the whole community's, when ``school`` is empty) must have:
    for everyone, or for the job roles and responsibilities listed (either matches)."""

    school = models.ForeignKey(
        "hubs.School",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="training_requirements",
        help_text="Empty: the whole community's (set by the coordinator).",
    )
    title = SingleLineCharField(max_length=120)
    valid_months = models.PositiveSmallIntegerField(
        "lasts (months)",
        null=True,
        blank=True,
        help_text="How long it lasts before it must be done again. Empty: once is enough.",
    )
    # Empty lists: everyone. Otherwise anyone whose job role is listed, or who holds a listed
    # responsibility (hubs.UserResponsibility).
    job_roles = models.JSONField(default=list, blank=True)
    responsibilities = models.JSONField(default=list, blank=True)
    # Marking a person present at one of these sessions records their completion.
    sessions = models.ManyToManyField(
        "cpd_sessions.DevelopmentSession", blank=True, related_name="training_requirements"
    )
    active = models.BooleanField(default=True, help_text="Retired requirements are not shown.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["title", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["school", "title"], name="training_title_per_school"),
            models.UniqueConstraint(
                fields=["title"],
                condition=Q(school__isnull=True),
                name="training_title_per_community",
            ),
            models.CheckConstraint(
                condition=Q(valid_months__isnull=True)
                | Q(valid_months__gte=1, valid_months__lte=MAX_VALID_MONTHS),
                name="training_valid_months_range",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def lasts(self) -> str:
        if self.valid_months is None:
            return "Once"
        if self.valid_months % 12 == 0:
            years = self.valid_months // 12
            return f"{years} year{'s' if years > 1 else ''}"
        return f"{self.valid_months} month{'s' if self.valid_months > 1 else ''}"

    @property
    def audience(self) -> str:
        """Who it applies to, in words."""
        from hubs.models import Responsibility, User  # noqa: PLC0415 -- circular import

        if not self.job_roles and not self.responsibilities:
            return "All staff"
        roles = [str(User.JOB_ROLE_PLURALS[r]) for r in User.JobRole if r in self.job_roles]
        held = [r.label for r in Responsibility if r in self.responsibilities]
        return "; ".join(part for part in (", ".join(roles).capitalize(), ", ".join(held)) if part)

    def applies_to(self, *, school_id: int | None, job_role: str, held: set[str]) -> bool:
        """Whether it applies to someone of this school, job role and responsibilities."""
        return applies(
            (self.school_id, self.job_roles, self.responsibilities),
            school_id=school_id,
            job_role=job_role,
            held=held,
        )

    def expiry_for(self, completed_on: datetime.date) -> datetime.date | None:
        return None if self.valid_months is None else add_months(completed_on, self.valid_months)


def certificate_path(instance: Completion, filename: str) -> str:
    # A random name: the original (which may say a lot) is kept in a field, not on disk.
    return f"training/{instance.user_id}/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


class Completion(models.Model):
    """A person did a requirement's training on a day; it lasts until ``expires_on`` (empty:
    for good). The certificate is served to the person and their school's CPD leaders only,
    never from MEDIA_URL."""

    class Source(models.TextChoices):
        SELF = "self", "Recorded by the person"
        LEADER = "leader", "Recorded by a CPD leader"
        SESSION = "session", "Marked present at a session"

    requirement = models.ForeignKey(
        Requirement, on_delete=models.CASCADE, related_name="completions"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_completions"
    )
    completed_on = models.DateField()
    expires_on = models.DateField(null=True, blank=True)
    provider = SingleLineCharField(max_length=150, blank=True)
    source = SingleLineCharField(max_length=10, choices=Source.choices, default=Source.SELF)
    session = models.ForeignKey(
        "cpd_sessions.DevelopmentSession",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    certificate = models.FileField(upload_to=certificate_path, max_length=200, blank=True)
    original_name = SingleLineCharField(max_length=200, blank=True)
    content_type = SingleLineCharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-completed_on", "-pk"]
        indexes = [
            # A person's latest completion of each requirement (my training, the matrix's
            # GROUP BY user, requirement over a school's staff).
            models.Index(fields=["user", "requirement", "expires_on"], name="training_latest_idx"),
            # The reminder job: completions expiring in a window of days.
            models.Index(fields=["expires_on"], name="training_expires_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gt=models.F("completed_on")),
                name="training_expires_after_done",
            ),
            # A session's register records one completion per person and requirement.
            models.UniqueConstraint(
                fields=["requirement", "user", "session"],
                condition=Q(session__isnull=False),
                name="training_once_per_session",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.requirement} ({self.completed_on:%d/%m/%Y})"

    @property
    def file(self):
        """The certificate, by the name "download my data" reads every person's file by."""
        return self.certificate

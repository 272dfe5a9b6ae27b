"""
The school's year in three streams:

- whole school: the year plan (``YearPlan``: draft until the CPD leader publishes it) and its
  dates (``PlanDate``: INSET days, twilights, protected weeks), and the school's priorities
  for the year (``Priority``);
- teams (``Team``: a department, phase, year group or any group, with a leader and members),
  their meeting series (``MeetingSeries``) and meetings (``TeamMeeting``: a teaching-and-learning
  focus, an agenda, notes, who came, and each member's "what I will try before next time");
- individuals: their goals and coaching live in portfolios and coaching; a priority names the
  expertise areas and the coaching category it covers, so coverage is counted from those
  apps' own rows without a link in them (``priorities.coverage``).

The community's proposed dates (``CommunityDate``) are the coordinator's: INSET days every
school is asked to share.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from coaching.models import Category as CoachingCategory
from cpdhub.singleline import SingleLineCharField
from experts.models import ExpertiseArea
from hubs.models import School

TEXT_MAX = 4_000
TRY_MAX = 1_000


class Team(models.Model):
    class Kind(models.TextChoices):
        DEPARTMENT = "department", "Department"
        PHASE = "phase", "Phase"
        YEAR_GROUP = "year_group", "Year group"
        OTHER = "other", "Other group"

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="teams")
    name = SingleLineCharField(max_length=100)
    kind = SingleLineCharField(max_length=12, choices=Kind.choices, default=Kind.DEPARTMENT)
    focus = models.TextField(
        "shared focus",
        blank=True,
        max_length=TEXT_MAX,
        help_text="What the team is working on together this year, in teaching and learning.",
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="teams_led",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="team_name_once_per_school"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("schoolyear:team", kwargs={"pk": self.pk})


class TeamMembership(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="team_memberships"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["team", "user"], name="team_member_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.team}"


class MeetingSeries(models.Model):
    """Team meetings every one to four weeks on one weekday at one London time, between two
    dates; the meetings are made when the series is (``meetings.series_create``), skipping the
    school holidays (days outside every term) and the school's INSET days."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="series")
    title = SingleLineCharField(max_length=120, default="Team meeting")
    first_date = models.DateField()
    last_date = models.DateField()
    start_time = models.TimeField()
    end_time = models.TimeField()
    every_weeks = models.PositiveSmallIntegerField(default=2)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["first_date", "pk"]
        verbose_name_plural = "meeting series"
        constraints = [
            models.CheckConstraint(
                condition=Q(last_date__gte=F("first_date")), name="series_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(end_time__gt=F("start_time")), name="series_time_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(every_weeks__gte=1) & Q(every_weeks__lte=4),
                name="series_every_one_to_four_weeks",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.team}: {self.title}"


class Priority(models.Model):
    """One of the school's priorities for an academic year, with the expertise areas and the
    coaching category it covers (how coverage is counted)."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="priorities")
    academic_year = models.PositiveSmallIntegerField()
    title = SingleLineCharField(max_length=160)
    why = models.TextField(blank=True, max_length=TEXT_MAX)
    areas = models.ManyToManyField(
        ExpertiseArea, blank=True, related_name="+", verbose_name="expertise areas"
    )
    coaching_category = SingleLineCharField(
        max_length=20, choices=CoachingCategory.choices, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["academic_year", "pk"]
        verbose_name_plural = "priorities"
        constraints = [
            models.UniqueConstraint(
                fields=["school", "academic_year", "title"], name="priority_title_once_per_year"
            ),
            models.CheckConstraint(
                condition=Q(academic_year__gte=2000) & Q(academic_year__lte=2100),
                name="priority_academic_year_range",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class TeamMeeting(models.Model):
    series = models.ForeignKey(MeetingSeries, on_delete=models.CASCADE, related_name="meetings")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="meetings")
    start = models.DateTimeField()
    end = models.DateTimeField()
    focus = SingleLineCharField(
        "teaching and learning focus", max_length=200, blank=True, help_text="One thing, precisely."
    )
    priority = models.ForeignKey(
        Priority, on_delete=models.SET_NULL, null=True, blank=True, related_name="meetings"
    )
    agenda = models.TextField(blank=True, max_length=TEXT_MAX)
    notes = models.TextField(blank=True, max_length=TEXT_MAX)

    class Meta:
        ordering = ["start", "pk"]
        indexes = [
            # A team's meetings in order; the planner's and the feed's meetings by time.
            models.Index(fields=["team", "start"], name="team_meeting_team_start_idx"),
            models.Index(fields=["start"], name="team_meeting_start_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["series", "start"], name="meeting_once_per_series"),
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="meeting_ends_after"),
        ]

    def __str__(self) -> str:
        return f"{self.team}: {timezone.localtime(self.start):%-d %B %Y}"

    def get_absolute_url(self) -> str:
        return reverse("schoolyear:meeting", kwargs={"pk": self.team_id, "meeting_pk": self.pk})


class MeetingAttendance(models.Model):
    meeting = models.ForeignKey(TeamMeeting, on_delete=models.CASCADE, related_name="attendance")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="team_meetings_attended"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="meeting_attended_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} at {self.meeting}"


class TryNext(models.Model):
    """A member's "what I will try before next time", seen by the team."""

    meeting = models.ForeignKey(TeamMeeting, on_delete=models.CASCADE, related_name="tries")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="team_tries"
    )
    text = models.TextField(max_length=TRY_MAX)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="try_once_per_meeting"),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.text[:40]}"


class YearPlan(models.Model):
    """A school's plan for one academic year: a draft until its CPD leader publishes it."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="year_plans")
    academic_year = models.PositiveSmallIntegerField()
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school", "academic_year"], name="year_plan_once"),
        ]

    def __str__(self) -> str:
        return f"{self.school}: {self.academic_year}"


class PlanDate(models.Model):
    """A date of the plan: an INSET day, a twilight (with its times) or a protected week (the
    whole school), or a coaching window (the individuals stream: weeks set aside for coaching
    cycles, e.g. "Coaching cycle 1", 2 November to 11 December)."""

    class Kind(models.TextChoices):
        INSET = "inset", "INSET day"
        TWILIGHT = "twilight", "Twilight"
        PROTECTED = "protected", "Protected week"
        COACHING = "coaching", "Coaching window"

    plan = models.ForeignKey(YearPlan, on_delete=models.CASCADE, related_name="dates")
    kind = SingleLineCharField(max_length=10, choices=Kind.choices)
    title = SingleLineCharField(max_length=120)
    start = models.DateField()
    end = models.DateField()
    start_time = models.TimeField(null=True, blank=True)
    end_time = models.TimeField(null=True, blank=True)
    # Goes up when the date or time changes after publishing, so calendars replace the event
    # and the change is emailed once (the ledger's key holds it).
    sequence = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["start", "pk"]
        indexes = [
            # The planner's and the feed's dates of a plan, in order.
            models.Index(fields=["plan", "start"], name="plan_date_plan_start_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="plan_date_end_after"),
            models.CheckConstraint(
                condition=~Q(kind="twilight")
                | (Q(start_time__isnull=False, end_time__gt=F("start_time")) & Q(end=F("start"))),
                name="plan_twilight_has_times",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"


class CommunityDate(models.Model):
    """An INSET day the coordinator proposes to every school, so schools can share it."""

    date = models.DateField()
    title = SingleLineCharField(max_length=120)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["date"], name="community_date_once"),
        ]

    def __str__(self) -> str:
        return self.title


class RemovedItem(models.Model):
    """What a published date, series or meeting was, kept when it is taken off so the email
    telling the people it concerned can say what is off (the row itself is gone). No names."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    academic_year = models.PositiveSmallIntegerField()
    what = SingleLineCharField(max_length=60)  # "INSET day", "Coaching window", "Team meeting"
    title = SingleLineCharField(max_length=240)
    start = models.DateField()
    end = models.DateField()
    start_time = models.TimeField(null=True, blank=True)
    end_time = models.TimeField(null=True, blank=True)
    removed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-removed_at"]

    def __str__(self) -> str:
        return f"{self.what}: {self.title} (taken off)"

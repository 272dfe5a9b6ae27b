"""
The professional portfolio: goals, the log of what I did (entries), the impact follow-up,
CPD needs and the end-of-year statement. Everything here is private to its owner unless the
owner shares an item (see permissions.py).
"""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.urls import reverse
from django.utils import timezone

from cpdhub.academic_year import academic_year_of, year_label
from cpdhub.singleline import SingleLineCharField
from cpdhub.textbounds import length_check
from experts.models import ExpertiseArea

MAX_HOURS = Decimal(100)
FOLLOW_UP_AFTER = datetime.timedelta(days=42)  # "six weeks after an entry"
FIRST_YEAR = 2000
# How much a person may write in each kind of text (a form says it; the database holds to it).
GOAL_TEXT_MAX = 2_000  # a goal's description and success criteria, a review note
ENTRY_TEXT_MAX = 5_000  # what I learned, will try, the impacts, the evidence, a follow-up answer
LINKS_MAX = 2_000
NEED_TEXT_MAX = 2_000
STATEMENT_MAX = 20_000


class Goal(models.Model):
    """Something I want to get better at this year, and what will be different for pupils."""

    class Source(models.TextChoices):
        APPRAISAL = "appraisal", "Appraisal target"
        PERSONAL = "personal", "Personal goal"
        COACHING = "coaching", "From coaching"

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        ACHIEVED = "achieved", "Achieved"
        DROPPED = "dropped", "Dropped"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="portfolio_goals"
    )
    title = SingleLineCharField(max_length=200)
    description = models.TextField(
        blank=True, max_length=GOAL_TEXT_MAX, help_text=f"Up to {GOAL_TEXT_MAX:,} characters."
    )
    areas = models.ManyToManyField(ExpertiseArea, blank=True, related_name="+")
    success_criteria = models.TextField(
        "success criteria",
        blank=True,
        max_length=GOAL_TEXT_MAX,
        help_text="What will be different for pupils when you have achieved this? "
        f"Up to {GOAL_TEXT_MAX:,} characters.",
    )
    source = SingleLineCharField(max_length=20, choices=Source.choices, default=Source.PERSONAL)
    academic_year = models.PositiveSmallIntegerField(
        help_text="The academic year, by the year it starts: 2026 is 2026/27."
    )
    status = SingleLineCharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    share_with_leaders = models.BooleanField(
        "share with my school's CPD leader",
        default=False,
    )
    shared_with = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="goals_shared_with_me"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-academic_year", "status", "title"]
        indexes = [
            # /portfolio/ and the dashboard: my goals for this year.
            models.Index(fields=["owner", "academic_year"], name="goal_owner_year_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(academic_year__gte=FIRST_YEAR) & Q(academic_year__lte=2100),
                name="goal_academic_year_range",
            ),
            models.CheckConstraint(condition=~Q(title=""), name="goal_title_not_empty"),
            length_check("goal", "description", GOAL_TEXT_MAX),
            length_check("goal", "success_criteria", GOAL_TEXT_MAX),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("portfolios:goal", kwargs={"pk": self.pk})

    @property
    def year_label(self) -> str:
        return year_label(self.academic_year)


class GoalReview(models.Model):
    """A dated note on how a goal is going."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="reviews")
    date = models.DateField(default=timezone.localdate)
    note = models.TextField(max_length=GOAL_TEXT_MAX)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(note=""), name="goal_review_note_not_empty"),
            length_check("goal_review", "note", GOAL_TEXT_MAX),
        ]

    def __str__(self) -> str:
        return f"{self.goal}: {self.date}"


ENTRY_TEXTS = ("learned", "will_try", "impact_practice", "impact_pupils", "evidence")


class Entry(models.Model):
    """One thing I did for my development: the log."""

    class Kind(models.TextChoices):
        SESSION_ATTENDED = "session_attended", "Session attended"
        SESSION_LED = "session_led", "Session led"
        COACHING_RECEIVED = "coaching_received", "Coaching received"
        COACHING_GIVEN = "coaching_given", "Coaching given"
        MENTORING = "mentoring", "Mentoring"
        OBSERVATION_GIVEN = "observation_given", "Peer observation given"
        OBSERVATION_RECEIVED = "observation_received", "Peer observation received"
        RECORDING = "recording", "Recording watched"
        READING = "reading", "Reading or research"
        ENQUIRY = "enquiry", "Collaborative enquiry"
        VISIT = "visit", "Visit to another school"
        NETWORK = "network", "Network meeting"
        OTHER = "other", "Other"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="portfolio_entries"
    )
    date = models.DateField()
    kind = SingleLineCharField(max_length=30, choices=Kind.choices)
    title = SingleLineCharField(max_length=200)
    hours = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        help_text="How long it took, in hours: 1.5 for an hour and a half.",
    )
    learned = models.TextField("what I learned", blank=True, max_length=ENTRY_TEXT_MAX)
    will_try = models.TextField(
        "what I will try",
        blank=True,
        max_length=ENTRY_TEXT_MAX,
        help_text="Six weeks later we will ask you whether you tried it and what happened.",
    )
    impact_practice = models.TextField(
        "impact on my practice", blank=True, max_length=ENTRY_TEXT_MAX
    )
    impact_pupils = models.TextField("impact on pupils", blank=True, max_length=ENTRY_TEXT_MAX)
    evidence = models.TextField(
        blank=True,
        max_length=ENTRY_TEXT_MAX,
        help_text="What shows the impact: pupils' work, data, an observation…",
    )
    links = models.TextField(
        blank=True, max_length=LINKS_MAX, help_text="Web addresses, one a line."
    )
    goals = models.ManyToManyField(Goal, blank=True, related_name="entries")
    # Where the entry came from, when it was made for me (e.g. "session:42" from attendance),
    # so that marking attendance twice does not log it twice.
    source_ref = SingleLineCharField(max_length=60, blank=True, default="", editable=False)
    # The development session this entry records (attended or led), when it came from one.
    session = models.ForeignKey(
        "cpd_sessions.DevelopmentSession",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="portfolio_entries",
    )
    share_with_leaders = models.BooleanField("share with my school's CPD leader", default=False)
    shared_with = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="entries_shared_with_me"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name_plural = "entries"
        indexes = [
            # The log, the year's hours and the statement: my entries by date.
            models.Index(fields=["owner", "date"], name="entry_owner_date_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=MAX_HOURS), name="entry_hours_range"
            ),
            models.CheckConstraint(condition=~Q(title=""), name="entry_title_not_empty"),
            *(length_check("entry", field, ENTRY_TEXT_MAX) for field in ENTRY_TEXTS),
            length_check("entry", "links", LINKS_MAX),
            models.UniqueConstraint(
                fields=["owner", "source_ref"],
                condition=~Q(source_ref=""),
                name="entry_source_once_per_owner",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("portfolios:entry", kwargs={"pk": self.pk})

    @property
    def academic_year(self) -> int:
        return academic_year_of(self.date)

    @property
    def link_list(self) -> list[str]:
        return [line.strip() for line in self.links.splitlines() if line.strip()]

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.date and self.date > timezone.localdate():
            errors["date"] = "The date cannot be in the future: log things once you have done them."
        if self.hours is not None and not (0 < self.hours <= MAX_HOURS):
            errors["hours"] = f"Enter the hours: more than 0 and no more than {MAX_HOURS:.0f}."
        if errors:
            raise ValidationError(errors)


def attachment_path(instance: EntryAttachment, filename: str) -> str:
    # A random name: the original (which may say a lot) is kept in a field, not on disk.
    suffix = PurePath(filename).suffix.lower()
    return f"portfolio/{instance.entry.owner_id}/{uuid.uuid4().hex}{suffix}"


class EntryAttachment(models.Model):
    """Evidence for an entry. Served only through the portfolio (never from MEDIA_URL)."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=200)
    original_name = SingleLineCharField(max_length=200)
    content_type = SingleLineCharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("portfolios:attachment", kwargs={"entry_pk": self.entry_id, "pk": self.pk})


class ImpactFollowUp(models.Model):
    """Six weeks on: "did you try it, and what happened for pupils?"."""

    class Level(models.TextChoices):
        # After Guskey's levels of evaluating professional development.
        REACTION = "reaction", "Reaction: I found it useful"
        LEARNING = "learning", "Learning: I know or understand something new"
        USE = "use", "Use in class: I have changed what I do"
        PUPILS = "pupils", "Pupil outcomes: pupils are doing better"

    WHAT_HAPPENED_MAX = ENTRY_TEXT_MAX

    entry = models.OneToOneField(Entry, on_delete=models.CASCADE, related_name="follow_up")
    due_on = models.DateField()
    asked_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    tried = models.BooleanField(null=True)
    level = SingleLineCharField(max_length=20, choices=Level.choices, blank=True)
    what_happened = models.TextField(blank=True, max_length=WHAT_HAPPENED_MAX)

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = "impact follow-up"
        indexes = [
            # The nightly task and /portfolio/: follow-ups due and not yet answered.
            models.Index(
                fields=["due_on"],
                name="follow_up_due_idx",
                condition=Q(answered_at__isnull=True),
            ),
        ]
        constraints = [
            # "Not yet" (tried false) is an answer without a level; "Yes" always has one.
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True) | Q(tried=False) | ~Q(level=""),
                name="follow_up_tried_answer_has_level",
            ),
            length_check("follow_up", "what_happened", ENTRY_TEXT_MAX),
        ]

    def __str__(self) -> str:
        return f"Follow-up on {self.entry}"

    def get_absolute_url(self) -> str:
        return reverse("portfolios:follow_up", kwargs={"pk": self.pk})


def need_queue_order() -> tuple:
    """The coordinator's queue of open needs: passed on first, then by priority (high, medium,
    low), newest first. need_queue_order_idx holds exactly these, so a page is a short walk of
    the index, not a sort of every open need."""
    return (
        Case(When(status="passed", then=Value(0)), default=Value(1), output_field=IntegerField()),
        Case(
            When(priority="high", then=Value(0)),
            When(priority="medium", then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        ),
        F("created_at").desc(),
        F("id").asc(),
    )


class Need(models.Model):
    """A CPD need: what I need to develop, for my school's needs audit."""

    class Priority(models.TextChoices):
        HIGH = "high", "High"
        MEDIUM = "medium", "Medium"
        LOW = "low", "Low"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        MET = "met", "Met"
        PASSED = "passed", "Passed to the coordinator"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="portfolio_needs"
    )
    area = models.ForeignKey(ExpertiseArea, on_delete=models.PROTECT, related_name="+")
    description = models.TextField(
        max_length=NEED_TEXT_MAX,
        help_text="What you need and why, in a sentence or two "
        f"(up to {NEED_TEXT_MAX:,} characters).",
    )
    priority = SingleLineCharField(max_length=10, choices=Priority.choices, default=Priority.MEDIUM)
    goal = models.ForeignKey(
        Goal, on_delete=models.SET_NULL, null=True, blank=True, related_name="needs"
    )
    status = SingleLineCharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["status", "area__name", "-created_at"]
        indexes = [
            # The needs audit and the community roll-up count needs by status and area.
            models.Index(fields=["status", "area"], name="need_status_area_idx"),
            # The coordinator's needs page: its order, over the open and passed needs only.
            models.Index(
                *need_queue_order(),
                name="need_queue_order_idx",
                condition=Q(status__in=["open", "passed"]),
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(description=""), name="need_description_not_empty"),
            length_check("need", "description", NEED_TEXT_MAX),
        ]

    def __str__(self) -> str:
        return f"{self.area}: {self.description[:40]}"

    def get_absolute_url(self) -> str:
        return reverse("portfolios:need_edit", kwargs={"pk": self.pk})


class Statement(models.Model):
    """My end-of-year statement, once I have edited the draft."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="portfolio_statements"
    )
    academic_year = models.PositiveSmallIntegerField()
    text = models.TextField(max_length=STATEMENT_MAX)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "academic_year"], name="statement_once_per_owner_year"
            ),
            models.CheckConstraint(
                condition=Q(academic_year__gte=FIRST_YEAR) & Q(academic_year__lte=2100),
                name="statement_academic_year_range",
            ),
            length_check("statement", "text", STATEMENT_MAX),
        ]

    def __str__(self) -> str:
        return f"Statement {year_label(self.academic_year)}"

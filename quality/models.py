"""
A school's CPD reviewed against a quality standard, once a year, by its CPD leaders.

- The framework is data (``Framework``, ``Part``, ``Criterion``, ``Level``): the DfE Standard
  for teachers' professional development (2016), in our own words, is loaded by default
  (reference.py); the coordinator may add another in the admin.
- ``Review``: one per school and academic year. Its self-review (``Rating``: each criterion on
  a level, with a comment and evidence), its staff survey, its peer review and its actions.
- The staff survey is anonymous by construction. ``SurveyInvite`` says who was sent a link and
  whether they have answered (the token's hash, the person, a flag: no time). ``SurveyResponse``
  and ``SurveyAnswer`` hold the answers with nothing that points at a person or a token: a
  random UUID key (the rows cannot be put in the order they came), the day only, and the
  person's broad role group (for breakdowns shown only when every group is 5 or more).
- What the school writes (comments, evidence, findings, actions) is the school's: the
  coordinator sees levels and completion, never the words, unless the school shares its report.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from cpdhub.academic_year import year_label
from cpdhub.singleline import SingleLineCharField
from cpdhub.textbounds import length_check

COMMENT_MAX = 3_000
FINDING_MAX = 3_000
ACTION_MAX = 500


class Framework(models.Model):
    """A quality standard a school reviews its CPD against."""

    name = SingleLineCharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    source = models.TextField(
        blank=True,
        max_length=1_000,
        help_text="Where the framework comes from and its licence, shown on every review page.",
    )
    source_url = models.URLField(blank=True)
    is_default = models.BooleanField(
        default=False, help_text="New reviews use the default framework."
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="quality_one_default"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Part(models.Model):
    """One part of a framework; ``figures`` names which of the school's own CPD Hub figures
    are shown beside it on the self-review."""

    class Figures(models.TextChoices):
        NONE = "", "None"
        OUTCOMES = "outcomes", "Impact follow-ups done"
        EVIDENCE = "evidence", "Sessions attended"
        COLLABORATION = "collaboration", "Coaching and enquiry"
        SUSTAINED = "sustained", "Portfolio goals and log"
        LEADERSHIP = "leadership", "Release time approved"

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="parts")
    number = models.PositiveSmallIntegerField()
    title = SingleLineCharField(max_length=200)
    summary = models.TextField(blank=True, max_length=1_000)
    figures = SingleLineCharField(max_length=20, choices=Figures.choices, blank=True)
    # What the staff survey asks about this part (a statement each member of staff rates).
    survey_statement = SingleLineCharField(max_length=300)

    class Meta:
        ordering = ["framework", "number"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "number"], name="quality_part_number"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class Criterion(models.Model):
    part = models.ForeignKey(Part, on_delete=models.CASCADE, related_name="criteria")
    number = models.PositiveSmallIntegerField()
    text = models.TextField(max_length=600)

    class Meta:
        ordering = ["part", "number"]
        verbose_name_plural = "criteria"
        constraints = [
            models.UniqueConstraint(fields=["part", "number"], name="quality_criterion_number"),
        ]

    def __str__(self) -> str:
        return f"{self.part.number}.{self.number}"


class Level(models.Model):
    """A level on the framework's scale; ``rank`` 1 is the lowest."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="levels")
    rank = models.PositiveSmallIntegerField()
    name = SingleLineCharField(max_length=60)
    description = models.TextField(blank=True, max_length=600)

    class Meta:
        ordering = ["framework", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "rank"], name="quality_level_rank"),
        ]

    def __str__(self) -> str:
        return self.name


class Review(models.Model):
    """A school's review of its CPD for one academic year."""

    school = models.ForeignKey("hubs.School", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(help_text="The academic year, by its first year.")
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="reviews")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="quality_reviews_started",
    )
    started_at = models.DateTimeField(default=timezone.now)
    self_review_done_at = models.DateTimeField(null=True, blank=True)
    # The school shares its report (comments, findings, actions) with the coordinator.
    shared = models.BooleanField(default=False)

    class Meta:
        ordering = ["-year", "school__name"]
        indexes = [
            # /coordinator/quality/: this year's reviews.
            models.Index(fields=["year", "school"], name="quality_review_year_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["school", "year"], name="quality_review_once_a_year"),
        ]

    def __str__(self) -> str:
        return f"{self.school} {year_label(self.year)}"

    def get_absolute_url(self) -> str:
        return reverse("quality:review", kwargs={"urn": self.school.urn, "year": self.year})

    @property
    def year_label(self) -> str:
        return year_label(self.year)


class Rating(models.Model):
    """The leaders' rating of one criterion, with their comment and evidence (the school's)."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="ratings")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    level = models.ForeignKey(Level, on_delete=models.PROTECT, null=True, blank=True)
    comment = models.TextField(blank=True, max_length=COMMENT_MAX)
    evidence = models.TextField(blank=True, max_length=COMMENT_MAX)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="quality_ratings",
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["criterion__part__number", "criterion__number"]
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="quality_rating_once"),
            length_check("quality_rating", "comment", COMMENT_MAX),
            length_check("quality_rating", "evidence", COMMENT_MAX),
        ]

    def __str__(self) -> str:
        return f"{self.review} {self.criterion}"


class Survey(models.Model):
    """The review's anonymous staff survey, opened by a CPD leader."""

    review = models.OneToOneField(Review, on_delete=models.CASCADE, related_name="survey")
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="quality_surveys_opened",
    )
    opened_on = models.DateField(default=timezone.localdate)
    closed_on = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Survey for {self.review}"

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


class SurveyInvite(models.Model):
    """Who was sent a survey link, and whether they have answered. No time, no answer: the
    answers (SurveyResponse) hold nothing that points back here."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invites")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quality_survey_invites"
    )
    # SHA-256 of the link's token: the link itself is only in the email.
    token_hash = SingleLineCharField(max_length=64, unique=True)
    answered = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["survey", "user"], name="quality_invite_once"),
        ]

    def __str__(self) -> str:
        return f"Survey invitation {self.pk}"


class RoleGroup(models.TextChoices):
    """The broad role groups a survey's answers are broken down by (5 or more in each)."""

    TEACHING = "teaching", "Teachers"
    SUPPORT = "support", "Support staff (TAs, HLTAs and others)"
    LEADERSHIP = "leadership", "Middle and senior leaders"
    OTHER = "other", "Others"


class SurveyResponse(models.Model):
    """One person's answers, with nothing that points at the person or their link: a random
    key, the day (never the time) and their broad role group."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    answered_on = models.DateField(default=timezone.localdate)
    role_group = SingleLineCharField(max_length=20, choices=RoleGroup.choices)

    class Meta:
        # By the random key: never the order the answers came in.
        ordering = ["id"]

    def __str__(self) -> str:
        return "An anonymous answer"


class SurveyAnswer(models.Model):
    """A response's rating of one part (1 = the framework's lowest level)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["response", "part"], name="quality_answer_once"),
            models.CheckConstraint(condition=Q(score__gte=1), name="quality_answer_score"),
        ]

    def __str__(self) -> str:
        return "An anonymous rating"


class PeerReview(models.Model):
    """A CPD leader from another school reviews this one: reads the self-review and the survey
    results, visits (release time through the usual approval), writes findings per part; the
    host school's leader accepts the report."""

    review = models.OneToOneField(Review, on_delete=models.CASCADE, related_name="peer_review")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="quality_peer_reviews",
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="quality_peer_reviews_invited",
    )
    invited_at = models.DateTimeField(default=timezone.now)
    # The visit's private session (cpd_sessions): release time through the reviewer's leader.
    visit = models.ForeignKey(
        "cpd_sessions.DevelopmentSession",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="quality_peer_reviews_accepted",
    )
    accepted_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Peer review of {self.review}"


class Finding(models.Model):
    peer_review = models.ForeignKey(PeerReview, on_delete=models.CASCADE, related_name="findings")
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="+")
    level = models.ForeignKey(Level, on_delete=models.PROTECT, null=True, blank=True)
    text = models.TextField(blank=True, max_length=FINDING_MAX)

    class Meta:
        ordering = ["part__number"]
        constraints = [
            models.UniqueConstraint(fields=["peer_review", "part"], name="quality_finding_once"),
            length_check("quality_finding", "text", FINDING_MAX),
        ]

    def __str__(self) -> str:
        return f"Finding on {self.part}"


class Action(models.Model):
    """One action of the school's plan, tagged with the part it addresses. Actions not done
    are carried into next year's review (``carried_from``)."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="actions")
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="+")
    text = SingleLineCharField(max_length=ACTION_MAX)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="quality_actions",
    )
    due_on = models.DateField(null=True, blank=True)
    done = models.BooleanField(default=False)
    carried_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="quality_actions_added",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["done", "due_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="quality_action_text"),
        ]

    def __str__(self) -> str:
        return f"Action {self.pk}"

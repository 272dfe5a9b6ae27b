"""
Instructional coaching: the step library, relationships (a pair, a triad or a small group, its
members in any schools), and the cycle inside one: observations, meetings, and the steps set.

What is written inside a relationship (observation notes, a meeting's praise and notes, the
steps) is private to its members (see permissions.py): leaders and the coordinator see counts,
never words. Rows outlive their words: the retention job and an erasure blank the text and
keep the row, so the activity figures stay.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from cpdhub.singleline import SingleLineCharField
from cpdhub.textbounds import length_check

# How much a person may write in each kind of text (a form says it; the database holds to it).
NOTE_MAX = 3_000  # observation notes, a meeting's praise and notes
STEP_TEXT_MAX = 1_000  # a step's action and success criteria
REFLECTION_MAX = 3_000
DEFAULT_RHYTHM_DAYS = 14
MAX_RHYTHM_DAYS = 120
# Every text box inside a relationship says this (help text).
NO_PUPIL_NAMES = "Do not write pupils' names."


class Category(models.TextChoices):
    BEHAVIOUR = "behaviour", "Behaviour and routines"
    QUESTIONING = "questioning", "Questioning"
    MODELLING = "modelling", "Modelling"
    EXPLANATION = "explanation", "Explanation"
    CHECKING = "checking", "Checking for understanding"
    FEEDBACK = "feedback", "Feedback"
    RETRIEVAL = "retrieval", "Retrieval practice"
    INDEPENDENT = "independent", "Independent practice"
    OTHER = "other", "Other"


class Step(models.Model):
    """
    A step in the library: one precise, observable action, what success looks like, and a
    model (a link to a video or a written example). A community step (no school) is curated by
    the coordinator; a school's step by its CPD leaders. Anyone coaching may propose one: it is
    ``proposed`` until a curator publishes or declines it.
    """

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        PUBLISHED = "published", "Published"
        DECLINED = "declined", "Declined"

    title = SingleLineCharField(max_length=120)
    action = models.TextField(
        max_length=STEP_TEXT_MAX, help_text="What the teacher does, precisely, in the lesson."
    )
    success_criteria = models.TextField(
        "success criteria",
        max_length=STEP_TEXT_MAX,
        help_text="What an observer would see or hear when the step is done well.",
    )
    model_link = models.URLField(
        "model",
        blank=True,
        help_text="A link to a video or a written example of the step done well.",
    )
    model_example = models.TextField(
        "written model",
        blank=True,
        max_length=STEP_TEXT_MAX,
        help_text="What the step looks and sounds like done well: a short script or example.",
    )
    category = SingleLineCharField(max_length=20, choices=Category.choices)
    phases = models.ManyToManyField("hubs.Phase", blank=True, related_name="+")
    subjects = models.ManyToManyField(
        "hubs.Subject", blank=True, related_name="+", help_text="None: any subject."
    )
    school = models.ForeignKey(
        "hubs.School",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="coaching_steps",
        help_text="Empty for a community step.",
    )
    status = SingleLineCharField(max_length=10, choices=Status.choices, default=Status.PUBLISHED)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="coaching_steps_proposed",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["category", "title"]
        indexes = [
            # The library: published steps by category.
            models.Index(fields=["status", "category"], name="coaching_step_status_cat_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="coaching_step_title_not_empty"),
            length_check("coaching_step", "action", STEP_TEXT_MAX),
            length_check("coaching_step", "success_criteria", STEP_TEXT_MAX),
            length_check("coaching_step", "model_example", STEP_TEXT_MAX),
        ]

    def __str__(self) -> str:
        return self.title


class Relationship(models.Model):
    """
    A coaching pair, triad or small group. ``requested``: a teacher asked an expert from the
    directory, waiting for the expert to accept (then ``active``) or decline (``declined``).
    The teacher may pause and resume; anyone in it, or whoever set it up, may end it.
    """

    class Kind(models.TextChoices):
        PAIR = "pair", "Pair"
        TRIAD = "triad", "Triad"
        GROUP = "group", "Small group"

    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"
        ENDED = "ended", "Ended"
        DECLINED = "declined", "Declined"

    kind = SingleLineCharField(max_length=10, choices=Kind.choices, default=Kind.PAIR)
    rhythm_days = models.PositiveSmallIntegerField(
        "rhythm in days",
        default=DEFAULT_RHYTHM_DAYS,
        help_text="How often you meet: a meeting is due this many days after the last one.",
    )
    status = SingleLineCharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    started_on = models.DateField(default=timezone.localdate)
    ended_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="coaching_relationships_set_up",
    )
    # The school of the CPD leader who set it up (empty: the coordinator or a request did).
    school = models.ForeignKey(
        "hubs.School", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    request_message = models.TextField(
        blank=True,
        max_length=1_000,
        help_text="What you would like help with. " + NO_PUPIL_NAMES,
    )
    # When the retention job (or an erasure) removed the words inside; the rows stay, counted.
    content_removed_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The retention job: ended relationships whose content is still there.
            models.Index(fields=["status", "ended_at"], name="coaching_rel_status_ended_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(rhythm_days__gte=1) & Q(rhythm_days__lte=MAX_RHYTHM_DAYS),
                name="coaching_rel_rhythm_range",
            ),
            models.CheckConstraint(
                condition=Q(status="ended", ended_at__isnull=False) | ~Q(status="ended"),
                name="coaching_rel_ended_has_date",
            ),
            length_check("coaching_relationship", "request_message", 1_000),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("coaching:cycle", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.ACTIVE, self.Status.PAUSED)


class Membership(models.Model):
    """A person in a relationship: the coach, a teacher being coached, or a peer (both)."""

    class Role(models.TextChoices):
        COACH = "coach", "Coach"
        TEACHER = "teacher", "Teacher"
        PEER = "peer", "Peer (coaches and is coached)"

    relationship = models.ForeignKey(
        Relationship, on_delete=models.CASCADE, related_name="memberships"
    )
    # Empty once the person's account is erased: the row stays, so the activity figures
    # (people coached by school and role) do not change.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="coaching_memberships",
    )
    role = SingleLineCharField(max_length=10, choices=Role.choices)
    # The person's school when they joined: the activity figures count by it after they leave.
    school = models.ForeignKey(
        "hubs.School", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["relationship", "role", "pk"]
        indexes = [
            # My coaching: my memberships.
            models.Index(fields=["user", "relationship"], name="coaching_member_user_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["relationship", "user"], name="coaching_member_once_per_relationship"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"

    @property
    def is_coach(self) -> bool:
        return self.role in (self.Role.COACH, self.Role.PEER)

    @property
    def is_coached(self) -> bool:
        return self.role in (self.Role.TEACHER, self.Role.PEER)


class Observation(models.Model):
    """A short part of a lesson seen: a coaching observation, a drop-in or a peer observation."""

    class Kind(models.TextChoices):
        COACHING = "coaching", "Coaching observation"
        DROP_IN = "drop_in", "Drop-in"
        PEER = "peer", "Peer observation"

    relationship = models.ForeignKey(
        Relationship, on_delete=models.CASCADE, related_name="observations"
    )
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="coaching_observations_of_me",
    )
    observer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="coaching_observations_made",
    )
    kind = SingleLineCharField(max_length=10, choices=Kind.choices, default=Kind.COACHING)
    date = models.DateField()
    focus = SingleLineCharField(
        max_length=200, blank=True, help_text="What you looked at. " + NO_PUPIL_NAMES
    )
    notes = models.TextField(
        blank=True,
        max_length=NOTE_MAX,
        help_text="What you saw and heard: brief and factual. " + NO_PUPIL_NAMES,
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-date", "-pk"]
        indexes = [
            models.Index(fields=["relationship", "date"], name="coaching_obs_rel_date_idx"),
        ]
        constraints = [length_check("coaching_observation", "notes", NOTE_MAX)]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.date:%d %B %Y}"


class Meeting(models.Model):
    """A coaching meeting: praise first, then one step set (see ActionStep.meeting), rehearsed."""

    relationship = models.ForeignKey(
        Relationship, on_delete=models.CASCADE, related_name="meetings"
    )
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="coaching_meetings_as_teacher",
    )
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="coaching_meetings_as_coach",
    )
    # The observation the meeting follows, if any (days from one to the other are counted).
    observation = models.ForeignKey(
        Observation, on_delete=models.SET_NULL, null=True, blank=True, related_name="meetings"
    )
    date = models.DateField()
    praise = models.TextField(
        blank=True,
        max_length=NOTE_MAX,
        help_text="What went well, precisely. " + NO_PUPIL_NAMES,
    )
    notes = models.TextField(blank=True, max_length=NOTE_MAX, help_text=NO_PUPIL_NAMES)
    rehearsed = models.BooleanField(
        "rehearsed in the meeting", default=False, help_text="Did the teacher practise the step?"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-date", "-pk"]
        indexes = [
            models.Index(fields=["relationship", "date"], name="coaching_meet_rel_date_idx"),
        ]
        constraints = [
            length_check("coaching_meeting", "praise", NOTE_MAX),
            length_check("coaching_meeting", "notes", NOTE_MAX),
        ]

    def __str__(self) -> str:
        return f"Meeting on {self.date:%d %B %Y}"


class ActionStep(models.Model):
    """
    One step set for a teacher (from the library or written in the meeting), moving set →
    practising → embedded, or closed; each move is a StepEvent (who, when).
    """

    class Status(models.TextChoices):
        SET = "set", "Set"
        PRACTISING = "practising", "Practising"
        EMBEDDED = "embedded", "Embedded"
        CLOSED = "closed", "Closed"

    relationship = models.ForeignKey(Relationship, on_delete=models.CASCADE, related_name="steps")
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="coaching_steps_for_me",
    )
    meeting = models.ForeignKey(
        Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="steps"
    )
    library_step = models.ForeignKey(
        Step, on_delete=models.SET_NULL, null=True, blank=True, related_name="uses"
    )
    action = models.TextField(max_length=STEP_TEXT_MAX, help_text=NO_PUPIL_NAMES)
    success_criteria = models.TextField(
        "success criteria", blank=True, max_length=STEP_TEXT_MAX, help_text=NO_PUPIL_NAMES
    )
    model_link = models.URLField("model", blank=True)
    category = SingleLineCharField(max_length=20, choices=Category.choices, default="other")
    status = SingleLineCharField(max_length=12, choices=Status.choices, default=Status.SET)
    check_back = models.DateField("check back on", null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    embedded_at = models.DateTimeField(null=True, blank=True)
    # The teacher's copy in their portfolio log, when they chose to make one.
    portfolio_entry = models.ForeignKey(
        "portfolios.Entry", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The check-back reminders: open steps by date.
            models.Index(fields=["check_back", "status"], name="coaching_step_checkback_idx"),
            models.Index(fields=["relationship", "status"], name="coaching_step_rel_status_idx"),
        ]
        constraints = [
            length_check("coaching_actionstep", "action", STEP_TEXT_MAX),
            length_check("coaching_actionstep", "success_criteria", STEP_TEXT_MAX),
            models.CheckConstraint(
                condition=Q(status="embedded", embedded_at__isnull=False) | ~Q(status="embedded"),
                name="coaching_actionstep_embedded_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"Step {self.pk} ({self.get_status_display()})"

    @property
    def is_current(self) -> bool:
        return self.status in (self.Status.SET, self.Status.PRACTISING)


class StepEvent(models.Model):
    """A step's history: it moved to ``status``, by whom, when."""

    step = models.ForeignKey(ActionStep, on_delete=models.CASCADE, related_name="events")
    status = SingleLineCharField(max_length=12, choices=ActionStep.Status.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.step_id} → {self.status}"


class Share(models.Model):
    """
    The teacher shows one item of their coaching (an observation, a meeting or a step) to a
    named colleague, until they withdraw it (the row is deleted).
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coaching_shares_made"
    )
    colleague = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coaching_shared_with_me"
    )
    observation = models.ForeignKey(
        Observation, on_delete=models.CASCADE, null=True, blank=True, related_name="shares"
    )
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, null=True, blank=True, related_name="shares"
    )
    step = models.ForeignKey(
        ActionStep, on_delete=models.CASCADE, null=True, blank=True, related_name="shares"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(observation__isnull=False, meeting__isnull=True, step__isnull=True)
                    | Q(observation__isnull=True, meeting__isnull=False, step__isnull=True)
                    | Q(observation__isnull=True, meeting__isnull=True, step__isnull=False)
                ),
                name="coaching_share_one_item",
            ),
            models.CheckConstraint(
                condition=~Q(owner=models.F("colleague")), name="coaching_share_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"Shared with {self.colleague}"

    @property
    def item(self):
        return self.observation or self.meeting or self.step


class Visit(models.Model):
    """
    A coach's visit to a teacher's school that needs release time: a private session in
    cpd_sessions (``session``: "Coaching visit to <school>", date and times, no names, no
    notes) that the coach books through the usual form, so the request goes to the coach's own
    CPD leader's approvals and the cost to their school's budget. The visit is cancelled by
    cancelling its session; its state is the session's and the booking's.
    """

    class Purpose(models.TextChoices):
        OBSERVATION = "observation", "To observe"
        MEETING = "meeting", "To meet"
        BOTH = "both", "To observe, then meet"

    relationship = models.ForeignKey(Relationship, on_delete=models.CASCADE, related_name="visits")
    session = models.OneToOneField(
        "cpd_sessions.DevelopmentSession", on_delete=models.CASCADE, related_name="coaching_visit"
    )
    # Empty once the coach's account is erased: the visit (a date at a school) stays.
    planned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="coaching_visits_planned",
    )
    purpose = SingleLineCharField(max_length=12, choices=Purpose.choices, default=Purpose.BOTH)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} ({self.session})"

"""
Collaborative enquiry and lesson study between schools: a group asks one question, its members
(from any schools) keep a reading list and a shared log, and write up what they found, published
to the library once every current member agrees. What is written inside a group is for its
current members only (permissions.py): leaders and the coordinator see counts, never words. A
member who leaves, or is erased, keeps what they wrote, shown as "a former member".
"""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from cpdhub.singleline import SingleLineCharField
from cpdhub.textbounds import length_check

QUESTION_MAX = 300
LOG_TEXT_MAX = 3_000
NOTE_MAX = 1_000
WRITE_UP_TEXT_MAX = 5_000
# Every text box inside a group says this (help text).
NO_PUPIL_NAMES = "Do not write pupils' names."
# How someone is named in a group once they have left it or their account is erased.
FORMER_MEMBER = "a former member"


class Kind(models.TextChoices):
    ENQUIRY = "enquiry", "Collaborative enquiry"
    LESSON_STUDY = "lesson_study", "Lesson study"


class Group(models.Model):
    """
    An enquiry or lesson-study group: a question, the areas it is about, an owner (who changes
    its status), a timeline. ``open``: anyone may join; ``closed``: members invite;
    ``finished``: the work is over (the log and reading list stay for the members).
    """

    class Status(models.TextChoices):
        OPEN = "open", "Open to new members"
        CLOSED = "closed", "Closed to new members"
        FINISHED = "finished", "Finished"

    question = SingleLineCharField(
        max_length=QUESTION_MAX,
        help_text="The question the group works on, e.g. “How can we improve the way we teach "
        "fractions to Year 5 pupils who struggle with place value?”",
    )
    kind = SingleLineCharField(max_length=20, choices=Kind.choices, default=Kind.ENQUIRY)
    areas = models.ManyToManyField("experts.ExpertiseArea", related_name="+")
    phases = models.ManyToManyField("hubs.Phase", blank=True, related_name="+")
    subjects = models.ManyToManyField("hubs.Subject", blank=True, related_name="+")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="enquiry_groups_owned",
        help_text="Empty until someone invited by the coordinator accepts.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="enquiry_groups_started",
    )
    status = SingleLineCharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    started_on = models.DateField(default=timezone.localdate)
    planned_end = models.DateField("planned end", null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # When the owner last finished it (empty while it is at work): the retention period of
    # what is written in it runs from here (enquiry/retention.py).
    finished_at = models.DateTimeField(null=True, blank=True)
    content_removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            # /enquiries/: open groups to join and to suggest.
            models.Index(fields=["status", "created_at"], name="enquiry_group_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(question=""), name="enquiry_group_question"),
            models.CheckConstraint(
                condition=Q(planned_end__isnull=True) | Q(planned_end__gte=models.F("started_on")),
                name="enquiry_group_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("enquiry:group", kwargs={"pk": self.pk})


class Membership(models.Model):
    """A person in a group, from ``joined_at`` until ``left_at``. The row stays after they
    leave (or their account is erased: the user is then empty), so the counts stay."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="enquiry_memberships",
    )
    # The person's school when they joined: the counts are by it.
    school = models.ForeignKey(
        "hubs.School", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    joined_at = models.DateTimeField(default=timezone.now)
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["joined_at", "pk"]
        indexes = [
            # /enquiries/: my groups.
            models.Index(fields=["user", "left_at"], name="enquiry_member_user_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["group", "user"], name="enquiry_member_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.group_id}"

    @property
    def is_current(self) -> bool:
        return self.left_at is None and self.user_id is not None


class Invitation(models.Model):
    """A member (or the coordinator, from a gap in the needs) invites a community member; the
    invitee accepts (they join) or declines. One waiting invitation per person and group."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for an answer"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="invitations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enquiry_invitations"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = SingleLineCharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "user"],
                condition=Q(status="pending"),
                name="enquiry_invitation_one_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"Invitation to {self.group_id}"


class ReadingItem(models.Model):
    """The group's reading list: a title, a link, a note on why it matters."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="reading")
    title = SingleLineCharField(max_length=200)
    url = models.URLField("link", blank=True, max_length=500)
    note = models.TextField(blank=True, max_length=NOTE_MAX, help_text=NO_PUPIL_NAMES)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="enquiry_reading_title"),
            length_check("enquiry_readingitem", "note", NOTE_MAX),
        ]

    def __str__(self) -> str:
        return self.title


def log_file_path(instance: LogEntry, filename: str) -> str:
    # A random name: the original (which may say a lot) is kept in a field, not on disk.
    return f"enquiry/{instance.group_id}/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


class LogEntry(models.Model):
    """The group's shared log: a note, a decision, a member's progress (what they tried and
    what happened), or a file (served to members only, never from MEDIA_URL)."""

    class Kind(models.TextChoices):
        NOTE = "note", "Note"
        DECISION = "decision", "Decision"
        PROGRESS = "progress", "What I tried and what happened"
        FILE = "file", "File"

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="log")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="enquiry_log_entries",
    )
    kind = SingleLineCharField(max_length=10, choices=Kind.choices, default=Kind.NOTE)
    text = models.TextField(blank=True, max_length=LOG_TEXT_MAX, help_text=NO_PUPIL_NAMES)
    result = models.TextField(blank=True, max_length=LOG_TEXT_MAX, help_text=NO_PUPIL_NAMES)
    file = models.FileField(upload_to=log_file_path, max_length=200, blank=True)
    original_name = SingleLineCharField(max_length=200, blank=True)
    content_type = SingleLineCharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The group page: its log, newest first.
            models.Index(fields=["group", "created_at"], name="enquiry_log_group_idx"),
            # The group page: each member's latest progress.
            models.Index(
                fields=["group", "author", "-created_at"],
                name="enquiry_log_progress_idx",
                condition=Q(kind="progress"),
            ),
        ]
        constraints = [
            length_check("enquiry_logentry", "text", LOG_TEXT_MAX),
            length_check("enquiry_logentry", "result", LOG_TEXT_MAX),
            # A file entry has its file; a note or decision has words.
            models.CheckConstraint(
                condition=(Q(kind="file") & ~Q(file="")) | (~Q(kind="file") & ~Q(text="")),
                name="enquiry_log_has_content",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk}"

    def get_file_url(self) -> str:
        return reverse("enquiry:log_file", kwargs={"pk": self.group_id, "log_pk": self.pk})


class WriteUp(models.Model):
    """
    What the group found: the question, what was tried, what happened for pupils, what next.
    A draft any member edits (each edit clears the agreements); published to the library once
    every current member has agreed, and then no longer edited.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    group = models.OneToOneField(Group, on_delete=models.CASCADE, related_name="write_up")
    question = SingleLineCharField(max_length=QUESTION_MAX)
    tried = models.TextField(
        "what we tried", max_length=WRITE_UP_TEXT_MAX, help_text=NO_PUPIL_NAMES
    )
    happened = models.TextField(
        "what happened for pupils", max_length=WRITE_UP_TEXT_MAX, help_text=NO_PUPIL_NAMES
    )
    next_steps = models.TextField(
        "what next", blank=True, max_length=WRITE_UP_TEXT_MAX, help_text=NO_PUPIL_NAMES
    )
    status = SingleLineCharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-published_at", "-pk"]
        indexes = [
            # The library: published write-ups, newest first.
            models.Index(fields=["status", "published_at"], name="enquiry_writeup_pub_idx"),
        ]
        constraints = [
            length_check("enquiry_writeup", "tried", WRITE_UP_TEXT_MAX),
            length_check("enquiry_writeup", "happened", WRITE_UP_TEXT_MAX),
            length_check("enquiry_writeup", "next_steps", WRITE_UP_TEXT_MAX),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False),
                name="enquiry_writeup_published_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.question

    def get_absolute_url(self) -> str:
        return reverse("enquiry:write_up", kwargs={"pk": self.pk})

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class Agreement(models.Model):
    """A member agrees to publish the write-up as it stands. Once it is published, those who
    agreed are its authors (an erased one is "a former member")."""

    write_up = models.ForeignKey(WriteUp, on_delete=models.CASCADE, related_name="agreements")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="enquiry_agreements",
    )
    agreed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["agreed_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["write_up", "user"], name="enquiry_agree_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} agrees to {self.write_up_id}"


# --- Peer visits (enquiry/visits.py) ------------------------------------------------------

VISIT_WHY_MAX = 1_000
VISIT_NOTES_MAX = 5_000
VISIT_THANKS_MAX = 1_000


class PeerVisit(models.Model):
    """
    A teacher or leader asks to visit another school (a focus, dates, why); a CPD leader of the
    host school accepts and names a host, which makes a private session for the visitor to book
    (release time through their own CPD leader). A school with no CPD leader on CPD Hub: the
    coordinators decide. The visitor may withdraw the request, or call off an accepted visit
    before it starts (its session is cancelled, which refunds any release). Afterwards the
    visitor keeps notes (theirs alone unless they share them with the host) and may thank the
    host: that counts as help on the host's profile, like a contact request. The schools stay
    when people are erased, so the coordinator's two-way counts stay.
    """

    class Status(models.TextChoices):
        ASKED = "asked", "Waiting for the host school"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn by the visitor"

    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="peer_visits_made",
    )
    visitor_school = models.ForeignKey(
        "hubs.School", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    host_school = models.ForeignKey(
        "hubs.School", on_delete=models.CASCADE, related_name="peer_visits_hosted"
    )
    focus = SingleLineCharField(
        max_length=200, help_text="What you would like to see, e.g. “retrieval practice in KS2”."
    )
    dates = SingleLineCharField(
        "dates that suit you", max_length=200, help_text="e.g. “any Tuesday in March”."
    )
    why = models.TextField(max_length=VISIT_WHY_MAX, help_text=NO_PUPIL_NAMES)
    status = SingleLineCharField(max_length=10, choices=Status.choices, default=Status.ASKED)
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="peer_visits_hosting",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    session = models.OneToOneField(
        "cpd_sessions.DevelopmentSession",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="peer_visit",
    )
    notes = models.TextField(
        "my notes", blank=True, max_length=VISIT_NOTES_MAX, help_text=NO_PUPIL_NAMES
    )
    notes_shared = models.BooleanField("share my notes with my host", default=False)
    thanks = models.TextField("thank-you", blank=True, max_length=VISIT_THANKS_MAX)
    thanked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            # /visits/: the requests waiting for a host school's CPD leaders.
            models.Index(fields=["host_school", "status"], name="enquiry_visit_host_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(focus=""), name="enquiry_visit_focus"),
            length_check("enquiry_peervisit", "why", VISIT_WHY_MAX),
            length_check("enquiry_peervisit", "notes", VISIT_NOTES_MAX),
            length_check("enquiry_peervisit", "thanks", VISIT_THANKS_MAX),
            models.CheckConstraint(
                condition=Q(thanked_at__isnull=True) | Q(status="accepted"),
                name="enquiry_visit_thanked_accepted",
            ),
        ]

    def __str__(self) -> str:
        return f"Visit {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("visits:visit", kwargs={"pk": self.pk})


# --- Lesson study cycles (cycles.py) -----------------------------------------------------

CYCLE_TEXT_MAX = 5_000
CASE_PUPIL_TEXT_MAX = 2_000
# A case pupil is a code, never a name: the form and the help text say so.
CASE_PUPIL_CODE = r"^[A-Z0-9]{1,3}$"
NO_NAMES_CODE = "A code of 1 to 3 capital letters or digits (A, B, C…), never a pupil's name."


class Cycle(models.Model):
    """One lesson-study cycle of a group: the case pupils and the shared plan (``planning``),
    the research lesson taught and observed (``taught``), the post-lesson discussion
    (``discussed``); then the next cycle."""

    class Status(models.TextChoices):
        PLANNING = "planning", "Planning"
        TAUGHT = "taught", "Research lesson taught"
        DISCUSSED = "discussed", "Discussed"

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="cycles")
    number = models.PositiveSmallIntegerField()
    status = SingleLineCharField(max_length=10, choices=Status.choices, default=Status.PLANNING)
    lesson_date = models.DateField("research lesson date", null=True, blank=True)
    # The research lesson's times (Europe/London): the observers' release time asks for them.
    lesson_start = models.TimeField("starts at", null=True, blank=True)
    lesson_end = models.TimeField("ends at", null=True, blank=True)
    host_school = models.ForeignKey(
        "hubs.School", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    plan = models.TextField(
        "the research lesson plan", blank=True, max_length=CYCLE_TEXT_MAX, help_text=NO_PUPIL_NAMES
    )
    discussion = models.TextField(
        "the post-lesson discussion", blank=True, max_length=CYCLE_TEXT_MAX,
        help_text=NO_PUPIL_NAMES,
    )  # fmt: skip
    created_at = models.DateTimeField(default=timezone.now)
    # When the discussion first marked it discussed (the termly digest counts cycles completed).
    discussed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["number", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["group", "number"], name="enquiry_cycle_number_once"),
            models.CheckConstraint(
                condition=Q(lesson_start__isnull=True)
                | Q(lesson_end__isnull=True)
                | Q(lesson_end__gt=models.F("lesson_start")),
                name="enquiry_cycle_lesson_ends_after_start",
                violation_error_message="The research lesson must end after it starts.",
            ),
            length_check("enquiry_cycle", "plan", CYCLE_TEXT_MAX),
            length_check("enquiry_cycle", "discussion", CYCLE_TEXT_MAX),
        ]

    def __str__(self) -> str:
        return f"Cycle {self.number} of {self.group_id}"

    def get_absolute_url(self) -> str:
        return reverse("enquiry:cycle", kwargs={"pk": self.group_id, "number": self.number})


class CasePupil(models.Model):
    """A case pupil of a cycle: a code and a short description, never a name."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="case_pupils")
    code = SingleLineCharField(max_length=3, help_text=NO_NAMES_CODE)
    description = SingleLineCharField(
        max_length=200,
        help_text="e.g. “working below expected in place value”. " + NO_PUPIL_NAMES,
    )

    class Meta:
        ordering = ["code", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "code"], name="enquiry_case_pupil_once"),
            models.CheckConstraint(
                condition=Q(code__regex=CASE_PUPIL_CODE), name="enquiry_case_pupil_code"
            ),
        ]

    def __str__(self) -> str:
        return f"Case pupil {self.code}"


class Prediction(models.Model):
    """How a member predicts a case pupil will respond to the research lesson."""

    case_pupil = models.ForeignKey(CasePupil, on_delete=models.CASCADE, related_name="predictions")
    text = models.TextField(max_length=CASE_PUPIL_TEXT_MAX, help_text=NO_PUPIL_NAMES)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            length_check("enquiry_prediction", "text", CASE_PUPIL_TEXT_MAX),
            models.CheckConstraint(condition=~Q(text=""), name="enquiry_prediction_text"),
        ]

    def __str__(self) -> str:
        return f"Prediction {self.pk}"


class Observation(models.Model):
    """What an observer saw a case pupil do in the research lesson."""

    case_pupil = models.ForeignKey(CasePupil, on_delete=models.CASCADE, related_name="observations")
    observer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField(
        "what they did", max_length=CASE_PUPIL_TEXT_MAX, help_text=NO_PUPIL_NAMES
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            length_check("enquiry_observation", "text", CASE_PUPIL_TEXT_MAX),
            models.CheckConstraint(condition=~Q(text=""), name="enquiry_observation_text"),
        ]

    def __str__(self) -> str:
        return f"Observation {self.pk}"


class InterviewNote(models.Model):
    """Notes of the interview with a case pupil after the research lesson."""

    case_pupil = models.ForeignKey(CasePupil, on_delete=models.CASCADE, related_name="interviews")
    text = models.TextField(max_length=CASE_PUPIL_TEXT_MAX, help_text=NO_PUPIL_NAMES)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            length_check("enquiry_interviewnote", "text", CASE_PUPIL_TEXT_MAX),
            models.CheckConstraint(condition=~Q(text=""), name="enquiry_interviewnote_text"),
        ]

    def __str__(self) -> str:
        return f"Interview note {self.pk}"


class ObserverRelease(models.Model):
    """Release time for a member from another school to observe a cycle's research lesson: a
    private session in cpd_sessions ("Lesson study research lesson at <host school>", no names,
    no words of the group's), which the observer books through the usual form and approval."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="releases")
    observer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    session = models.OneToOneField(
        "cpd_sessions.DevelopmentSession", on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cycle", "observer"], name="enquiry_release_once"),
        ]

    def __str__(self) -> str:
        return f"Release to observe cycle {self.cycle_id}"

"""A development session, the consultant who may lead it and the dates it meets on.

A session is the unit people book. It meets on one or more dates (``SessionDate``): four
after-school twilights are one session with four dates, booked once.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from cpdhub.academic_year import academic_year_of, year_label
from cpdhub.singleline import SingleLineCharField
from experts.models import ExpertiseArea
from hubs.models import Hub, Phase, School, Subject, SubjectNetwork, User

from .limits import (
    CANCEL_REASON_MAX,
    DESCRIPTION_MAX,
    MATERIALS_MAX,
    MAX_CAPACITY,
    MAX_FEE,
    MONEY,
    WILL_CHANGE_MAX,
)


class Consultant(models.Model):
    """An external consultant or trainer the community books, whose fee schools share."""

    name = SingleLineCharField(max_length=120)
    organisation = SingleLineCharField(max_length=160, blank=True)
    email = models.EmailField(blank=True)
    fee = models.DecimalField(
        "usual fee (£)",
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(MAX_FEE)],
        help_text="The usual fee for a session, at most £20,000; each session may set its own.",
        **MONEY,
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(fee__gte=0), name="consultant_fee_not_negative"),
            models.CheckConstraint(condition=Q(fee__lte=MAX_FEE), name="consultant_fee_bounded"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})" if self.organisation else self.name


# Recordings that may be shared: not a consultant's session, or one whose consultant agreed.
RECORDING_SHAREABLE = ~Q(recording_url="") & (
    Q(recording_consent=True) | (Q(consultant__isnull=True) & ~Q(kind="consultant_led"))
)


class SessionQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> SessionQuerySet:
        """
        What a person may see. Published (or past) sessions in their scope; proposed ones only
        to those who proposed, lead or may publish them; a private one (a coaching visit) only
        to who proposed or leads it and who holds a booking on it (in any state). Coordinators
        see everything.
        """
        if not user.is_authenticated:
            return self.none()
        if user.is_coordinator:
            return self
        # Each relation is an EXISTS on its own small table, never a join: joins of the leads,
        # bookings, hub leaders and network members and leads made Postgres plan one query for
        # 10-40 ms on every page that lists sessions (the plan, not the rows, was the cost).
        # Network-scoped sessions always have a network (the session_scope_has_target
        # constraint), so "its network has no hub" needs no outer join either.
        Scope = DevelopmentSession.Scope
        network_where = SubjectNetwork.objects.filter(pk=OuterRef("network_id"))
        school = user.school
        in_scope = Q(scope=Scope.COMMUNITY)
        if school is not None:
            in_scope |= Q(scope=Scope.SCHOOL, school_id=school.pk)
            if school.hub_id:
                in_scope |= Q(scope=Scope.HUB, hub_id=school.hub_id)
                in_scope |= Q(scope=Scope.NETWORK) & Exists(
                    network_where.filter(hub_id=school.hub_id)
                )
        in_scope |= Q(scope=Scope.NETWORK) & Exists(network_where.filter(hub__isnull=True))
        in_scope |= Q(scope=Scope.NETWORK) & Exists(
            SubjectNetwork.members.through.objects.filter(
                subjectnetwork_id=OuterRef("network_id"), user=user
            )
        )
        # A private session (a coaching visit) is in nobody's scope: only its own people see it.
        leads = DevelopmentSession.leads.through
        bookings = DevelopmentSession._meta.get_field("bookings").related_model  # booking.py
        mine = (
            Q(proposed_by=user)
            | Exists(leads.objects.filter(developmentsession_id=OuterRef("pk"), user=user))
            | Q(scope=Scope.PRIVATE)
            & Exists(bookings.objects.filter(session_id=OuterRef("pk"), user=user))
        )
        publisher = Q(scope=Scope.HUB) & Exists(
            Hub.leaders.through.objects.filter(hub_id=OuterRef("hub_id"), user=user)
        ) | Q(scope=Scope.NETWORK) & Exists(
            SubjectNetwork.leads.through.objects.filter(
                subjectnetwork_id=OuterRef("network_id"), user=user
            )
        )
        not_yet_public = [DevelopmentSession.Status.PROPOSED, DevelopmentSession.Status.DECLINED]
        shown = ~Q(status__in=not_yet_public) & in_scope
        return self.filter(shown | mine | publisher)

    def listed(self) -> SessionQuerySet:
        """Sessions on offer: never a private one, which only its own people reach (their
        bookings, their calendar, its page), whoever is looking, coordinators included."""
        return self.exclude(scope=DevelopmentSession.Scope.PRIVATE)

    def upcoming(self, now: datetime.datetime | None = None) -> SessionQuerySet:
        return self.filter(
            status=DevelopmentSession.Status.PUBLISHED, end__gte=now or timezone.now()
        ).order_by("start", "pk")


class DevelopmentSession(models.Model):
    class Kind(models.TextChoices):
        WORKSHOP = "workshop", "Workshop"
        WEBINAR = "webinar", "Webinar"
        NETWORK_MEETING = "network_meeting", "Subject network meeting"
        HUB_MEETING = "hub_meeting", "Hub meeting"
        PEER_VISIT = "peer_visit", "Peer visit or observation"
        COACHING_GROUP = "coaching_group", "Coaching group"
        CONSULTANT_LED = "consultant_led", "Consultant-led"
        LESSON_STUDY = "lesson_study", "Lesson study"
        SPEED_NETWORKING = "speed_networking", "Speed networking"
        # Made by coaching (a coach's visit to a teacher's school), never offered by the form.
        COACHING_VISIT = "coaching_visit", "Coaching visit"
        # Made by courses (a request to attend an external course), never offered by the form.
        EXTERNAL_COURSE = "external_course", "External course"

    class Scope(models.TextChoices):
        COMMUNITY = "community", "The whole community"
        HUB = "hub", "A hub"
        NETWORK = "network", "A subject network"
        SCHOOL = "school", "One school"
        # A visit that needs release time (coaching): never listed, seen by its own people only.
        PRIVATE = "private", "Only the people taking part"

    class Format(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        ONLINE = "online", "Online"
        HYBRID = "hybrid", "Hybrid"

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        PUBLISHED = "published", "Published"
        CANCELLED = "cancelled", "Cancelled"
        COMPLETED = "completed", "Completed"
        # A proposal declined before it was ever published: only its proposer and those who may
        # publish it see it (and the reason, which is for the proposer).
        DECLINED = "declined", "Declined"

    class CostSplit(models.TextChoices):
        ATTENDEES = "attendees", "By confirmed attendees"
        EQUAL = "equal", "Equally between participating schools"

    title = SingleLineCharField(max_length=160)
    description = models.TextField(blank=True, max_length=DESCRIPTION_MAX)
    kind = SingleLineCharField(max_length=20, choices=Kind.choices, default=Kind.WORKSHOP)
    leads = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="led_sessions"
    )
    consultant = models.ForeignKey(
        Consultant, on_delete=models.PROTECT, null=True, blank=True, related_name="sessions"
    )
    areas = models.ManyToManyField(
        ExpertiseArea, blank=True, related_name="sessions", verbose_name="expertise areas"
    )
    phases = models.ManyToManyField(Phase, blank=True, related_name="+")
    subjects = models.ManyToManyField(Subject, blank=True, related_name="+")
    job_roles = models.JSONField(
        default=list, blank=True, help_text="Job roles the session is for; empty means anyone."
    )
    scope = SingleLineCharField(max_length=10, choices=Scope.choices, default=Scope.COMMUNITY)
    hub = models.ForeignKey(Hub, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    network = models.ForeignKey(
        SubjectNetwork, on_delete=models.CASCADE, null=True, blank=True, related_name="sessions"
    )
    school = models.ForeignKey(
        School, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    format = SingleLineCharField(max_length=10, choices=Format.choices, default=Format.IN_PERSON)
    venue_school = models.ForeignKey(
        School, on_delete=models.SET_NULL, null=True, blank=True, related_name="hosted_sessions"
    )
    room = SingleLineCharField(max_length=120, blank=True)
    join_link = models.URLField(
        "online join link", blank=True, help_text="Shown only to confirmed attendees and leads."
    )
    # The first meeting's start and the last meeting's end, kept by services from SessionDate.
    start = models.DateTimeField()
    end = models.DateTimeField()
    capacity = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Blank means no limit; at most 500.",
        validators=[MinValueValidator(1), MaxValueValidator(MAX_CAPACITY)],
    )
    booking_deadline = models.DateTimeField(null=True, blank=True)
    status = SingleLineCharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    # Cost shared between schools
    fee = models.DecimalField(
        "consultant's fee (£)",
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(MAX_FEE)],
        help_text="At most £20,000.",
        **MONEY,
    )
    cost_split = SingleLineCharField(
        max_length=10, choices=CostSplit.choices, default=CostSplit.ATTENDEES
    )
    min_places = models.PositiveIntegerField("minimum places", null=True, blank=True)
    min_schools = models.PositiveIntegerField("minimum schools", null=True, blank=True)
    decision_date = models.DateField(
        null=True,
        blank=True,
        help_text="If the minimum is not met by this day, the session is cancelled.",
    )
    recording_url = models.URLField("recording link", blank=True)
    recording_consent = models.BooleanField(
        "the consultant agreed to a recording",
        default=False,
        help_text="For a consultant's session: ask them first. Without their yes, the "
        "recording is not kept or shared.",
    )
    materials = models.TextField(
        blank=True, max_length=MATERIALS_MAX, help_text="Links to slides and handouts."
    )
    # Bumped whenever the time or place changes, so calendars replace the old event.
    sequence = models.PositiveIntegerField(default=0, editable=False)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposed_sessions",
    )
    cancel_reason = SingleLineCharField(max_length=CANCEL_REASON_MAX, blank=True)
    # After it ends, its leads say what they will change (``evaluation.will_change_set``); it
    # goes in the evaluation summary everyone involved receives once feedback closes.
    will_change = models.TextField(
        "what we will change",
        blank=True,
        max_length=WILL_CHANGE_MAX,
        help_text="From the feedback: what you will keep, change or drop next time.",
    )
    # When the evaluation summary was shared (``evaluation.evaluation_share``): set once, by
    # the claim that sends it, so the daily task never shares it twice.
    evaluation_shared_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["start", "pk"]
        indexes = [
            # /sessions/: published sessions not yet over, soonest first.
            models.Index(fields=["status", "end", "start"], name="session_upcoming_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="session_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=1),
                name="session_capacity_positive",
            ),
            models.CheckConstraint(condition=Q(fee__gte=0), name="session_fee_not_negative"),
            models.CheckConstraint(condition=Q(fee__lte=MAX_FEE), name="session_fee_bounded"),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__lte=MAX_CAPACITY),
                name="session_capacity_bounded",
            ),
            models.CheckConstraint(
                condition=Q(booking_deadline__isnull=True) | Q(booking_deadline__lte=F("start")),
                name="session_deadline_not_after_start",
            ),
            models.CheckConstraint(
                condition=Q(min_places__isnull=True)
                | Q(capacity__isnull=True)
                | Q(min_places__lte=F("capacity")),
                name="session_minimum_within_capacity",
            ),
            models.CheckConstraint(
                condition=(
                    Q(scope="community")
                    | Q(scope="hub", hub__isnull=False)
                    | Q(scope="network", network__isnull=False)
                    | Q(scope="school", school__isnull=False)
                    | Q(
                        scope="private",
                        hub__isnull=True,
                        network__isnull=True,
                        school__isnull=True,
                    )
                ),
                name="session_scope_has_target",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("cpd_sessions:detail", kwargs={"pk": self.pk})

    def clean(self) -> None:
        """Rules between fields, for the admin and the services (the form shows the same)."""
        errors = self.schedule_errors() | self.recording_errors()
        if errors:
            raise ValidationError(errors)

    @property
    def is_consultant_session(self) -> bool:
        return self.consultant_id is not None or self.kind == self.Kind.CONSULTANT_LED

    @property
    def recording_shareable(self) -> bool:
        """A recording is shared only when there is one and, for a consultant's session, the
        consultant agreed to it."""
        return bool(self.recording_url) and (
            self.recording_consent or not self.is_consultant_session
        )

    def recording_errors(self) -> dict[str, str]:
        if self.recording_url and self.is_consultant_session and not self.recording_consent:
            return {
                "recording_url": "Ask the consultant first: a consultant's session is recorded "
                "only with their agreement. Tick that they agreed, or leave the link empty."
            }
        return {}

    def schedule_errors(self) -> dict[str, str]:
        errors = {}
        start = self.start
        if start and self.booking_deadline and self.booking_deadline > start:
            errors["booking_deadline"] = "The booking deadline must be before the session starts."
        if start and self.decision_date and self.decision_date >= timezone.localdate(start):
            errors["decision_date"] = (
                "The decision date must be before the day of the first meeting, so people "
                "can be told in time."
            )
        if self.min_places and self.capacity and self.min_places > self.capacity:
            errors["min_places"] = (
                f"The minimum ({self.min_places}) cannot be more than the places ({self.capacity})."
            )
        return errors

    @property
    def is_online(self) -> bool:
        return self.format in {self.Format.ONLINE, self.Format.HYBRID}

    @property
    def is_past(self) -> bool:
        return self.end < timezone.now()

    @property
    def has_started(self) -> bool:
        return self.start <= timezone.now()

    @property
    def academic_year(self) -> int:
        """The academic year of its first meeting (2026 is 2026/27)."""
        return academic_year_of(timezone.localdate(self.start))

    @property
    def year_label(self) -> str:
        return year_label(self.academic_year)

    @property
    def venue(self) -> str:
        parts = [p for p in [self.venue_school.name if self.venue_school else "", self.room] if p]
        return ", ".join(parts)


class SessionDate(models.Model):
    """One meeting of a session (a series has several)."""

    session = models.ForeignKey(DevelopmentSession, on_delete=models.CASCADE, related_name="dates")
    start = models.DateTimeField()
    end = models.DateTimeField()

    class Meta:
        ordering = ["start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="session_date_ends_after_start"
            ),
            models.UniqueConstraint(fields=["session", "start"], name="session_date_unique_start"),
        ]

    def __str__(self) -> str:
        return f"{self.session}: {timezone.localtime(self.start):%d/%m/%Y %H:%M}"

"""
Development sessions: offered by staff (or booked from a consultant), booked by staff of
any school, with a waitlist, release-time approval by the booker's CPD leader, shared cost,
attendance, feedback, recordings and calendar files.

A session is the unit people book. It meets on one or more dates (``SessionDate``): four
after-school twilights are one session with four dates, booked once.
"""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from cpdhub.academic_year import academic_year_of, year_label
from cpdhub.singleline import SingleLineCharField
from experts.models import ExpertiseArea
from hubs.models import Hub, Phase, School, Subject, SubjectNetwork, User

MONEY = {"max_digits": 9, "decimal_places": 2, "default": Decimal("0.00")}

# Free-text bounds: what a person would write, far below what slows a page. Forms say so in
# their help text; the model's max_length makes the admin and full_clean keep them too.
DESCRIPTION_MAX = 5_000
MATERIALS_MAX = 2_000
FEEDBACK_TEXT_MAX = 2_000
CANCEL_REASON_MAX = 300
# The academic years a budget or ledger row may be for (2026 is 2026/27): those a page accepts
# (``cpdhub.academic_year.parse_year_label``).
FIRST_YEAR, LAST_YEAR = 1990, 2100

# Bounds a real school never exceeds (form validators, help texts and CheckConstraints use these).
MAX_FEE = Decimal("20000.00")  # a consultant's fee for one session
MAX_SUPPLY_PER_DAY = Decimal("1000.00")  # supply cover, per day the session meets
MAX_TRAVEL = Decimal("1000.00")
MAX_RELEASE_TOTAL = Decimal("5000.00")  # supply + travel + fee share of one release
MAX_ALLOCATION = Decimal("20000.00")  # one person's CPD budget for a year
MAX_COVER_LESSONS = 40
MAX_CAPACITY = 500  # places on one session
MAX_GOAL_LENGTH = 2000


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
        to those who proposed, lead or may publish them. Coordinators see everything.
        """
        if not user.is_authenticated:
            return self.none()
        if user.is_coordinator:
            return self
        school = user.school
        in_scope = Q(scope=DevelopmentSession.Scope.COMMUNITY)
        if school is not None:
            in_scope |= Q(scope=DevelopmentSession.Scope.SCHOOL, school_id=school.pk)
            if school.hub_id:
                in_scope |= Q(scope=DevelopmentSession.Scope.HUB, hub_id=school.hub_id)
                in_scope |= Q(scope=DevelopmentSession.Scope.NETWORK, network__hub_id=school.hub_id)
        in_scope |= Q(scope=DevelopmentSession.Scope.NETWORK, network__hub__isnull=True)
        in_scope |= Q(scope=DevelopmentSession.Scope.NETWORK, network__members=user)
        mine = Q(proposed_by=user) | Q(leads=user)
        publisher = Q(scope=DevelopmentSession.Scope.HUB, hub__leaders=user) | Q(
            scope=DevelopmentSession.Scope.NETWORK, network__leads=user
        )
        not_yet_public = [DevelopmentSession.Status.PROPOSED, DevelopmentSession.Status.DECLINED]
        shown = ~Q(status__in=not_yet_public) & in_scope
        ids = self.model.objects.filter(shown | mine | publisher).values("pk")
        return self.filter(pk__in=ids)

    def upcoming(self) -> SessionQuerySet:
        return self.filter(
            status=DevelopmentSession.Status.PUBLISHED, end__gte=timezone.now()
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

    class Scope(models.TextChoices):
        COMMUNITY = "community", "The whole community"
        HUB = "hub", "A hub"
        NETWORK = "network", "A subject network"
        SCHOOL = "school", "One school"

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


class ReleaseRequest(models.Model):
    """Release time asked of the booker's CPD leader, for a session in school hours."""

    class Decision(models.TextChoices):
        PENDING = "pending", "Waiting for a decision"
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined"

    booking = models.OneToOneField(Booking, on_delete=models.CASCADE, related_name="release")
    cover_lessons = models.PositiveSmallIntegerField(
        "lessons needing cover",
        default=0,
        validators=[MaxValueValidator(MAX_COVER_LESSONS)],
        help_text="At most 40.",
    )
    cover_notes = SingleLineCharField(
        "cover details",
        max_length=300,
        blank=True,
        help_text="For example: Year 4, Tuesday periods 3 to 5.",
    )
    supply_cost = models.DecimalField(
        "supply cost (£)",
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(MAX_RELEASE_TOTAL)],
        help_text="At most £1,000 for each day the session meets.",
        **MONEY,
    )
    travel_cost = models.DecimalField(
        "travel cost (£)",
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(MAX_TRAVEL)],
        help_text="At most £1,000.",
        **MONEY,
    )
    fee_share = models.DecimalField(
        "share of the fee (£)",
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(MAX_RELEASE_TOTAL)],
        **MONEY,
    )
    goal = models.TextField("the goal it serves", max_length=MAX_GOAL_LENGTH)
    decision = SingleLineCharField(
        max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            # A CPD leader's queue: pending requests, oldest first.
            models.Index(fields=["decision", "created_at"], name="release_queue_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(decision="declined") | ~Q(reason=""),
                name="release_decline_needs_reason",
            ),
            models.CheckConstraint(
                condition=Q(decision="pending") | Q(decided_at__isnull=False),
                name="release_decided_has_time",
            ),
            models.CheckConstraint(
                condition=Q(supply_cost__gte=0) & Q(travel_cost__gte=0) & Q(fee_share__gte=0),
                name="release_costs_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(cover_lessons__lte=MAX_COVER_LESSONS)
                & Q(travel_cost__lte=MAX_TRAVEL)
                & Q(supply_cost__lte=MAX_RELEASE_TOTAL - F("travel_cost") - F("fee_share")),
                name="release_costs_bounded",
            ),
        ]

    def __str__(self) -> str:
        return f"Release for {self.booking}"

    @property
    def total_cost(self) -> Decimal:
        return self.supply_cost + self.travel_cost + self.fee_share


class CpdBudget(models.Model):
    """
    A staff member's personal CPD budget for one academic year, set by their CPD leader.
    What has been charged against it is the sum of their ``BudgetEntry`` rows for the year
    (``budget.spent_in_year``), never a stored running total.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cpd_budgets"
    )
    # The academic year by its first calendar year: 2026 is 2026/27 (``cpdhub.academic_year``).
    academic_year = models.PositiveSmallIntegerField()
    allocated = models.DecimalField(
        "budget (£)",
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(MAX_ALLOCATION)],
        help_text="At most £20,000 for the year.",
        **MONEY,
    )
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-academic_year"]
        verbose_name = "CPD budget"
        verbose_name_plural = "CPD budgets"
        constraints = [
            models.UniqueConstraint(fields=["user", "academic_year"], name="budget_one_per_year"),
            models.CheckConstraint(condition=Q(allocated__gte=0), name="budget_not_negative"),
            models.CheckConstraint(
                condition=Q(allocated__lte=MAX_ALLOCATION), name="budget_allocation_bounded"
            ),
            models.CheckConstraint(
                condition=Q(academic_year__gte=FIRST_YEAR) & Q(academic_year__lte=LAST_YEAR),
                name="budget_academic_year_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.year_label}"

    @property
    def year_label(self) -> str:
        return year_label(self.academic_year)

    # ``spent`` is set by the selectors that load a budget (the sum of the person's ledger).
    spent: Decimal = Decimal("0.00")

    @property
    def remaining(self) -> Decimal:
        return self.allocated - self.spent


class BudgetEntry(models.Model):
    """
    One line of a person's CPD ledger for an academic year: a charge (positive) when an approved
    release's place is confirmed, a refund (negative) when that stops being true, or an opening
    balance carried over from before the ledger. Rows are only ever added, never changed.
    """

    class Kind(models.TextChoices):
        CHARGE = "charge", "Charge"
        REFUND = "refund", "Refund"
        OPENING = "opening", "Opening balance"

    # Empty once the person's account is erased: the row stays so the ledger still adds up.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="budget_entries",
    )
    academic_year = models.PositiveSmallIntegerField()  # 2026 is 2026/27
    kind = SingleLineCharField(max_length=10, choices=Kind.choices)
    amount = models.DecimalField(max_digits=9, decimal_places=2)
    release = models.ForeignKey(
        ReleaseRequest,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="budget_entries",
    )
    reason = SingleLineCharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name_plural = "budget entries"
        indexes = [
            # A person's spend for a year: Sum(amount) over (user, academic_year).
            models.Index(fields=["user", "academic_year"], name="budget_entry_user_year_idx"),
        ]
        constraints = [
            # Charges add, refunds give back; an opening balance is what was spent before.
            models.CheckConstraint(
                condition=(Q(kind="charge") & Q(amount__gt=0))
                | (Q(kind="refund") & Q(amount__lt=0))
                | (Q(kind="opening") & Q(amount__gte=0)),
                name="budget_entry_sign_matches_kind",
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=-MAX_RELEASE_TOTAL) & Q(amount__lte=MAX_ALLOCATION),
                name="budget_entry_amount_bounded",
            ),
            models.CheckConstraint(
                condition=Q(academic_year__gte=FIRST_YEAR) & Q(academic_year__lte=LAST_YEAR),
                name="budget_entry_academic_year_range",
            ),
        ]

    def __str__(self) -> str:
        who = self.user if self.user_id else "an erased account"
        return (
            f"{self.get_kind_display()} £{self.amount} for {who} {year_label(self.academic_year)}"
        )


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


def _new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A personal, revocable address for a calendar app to subscribe to my sessions."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = SingleLineCharField(max_length=64, unique=True, default=_new_feed_token)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Calendar feed of {self.user}"

    def get_absolute_url(self) -> str:
        return reverse("cpd_sessions:feed", kwargs={"token": self.token})


MESSAGE_SUBJECT_MAX = 150
MESSAGE_BODY_MAX = 5_000


class SessionMessage(models.Model):
    """
    A message a lead (or a coordinator) emailed to everyone booked on a session. Kept so each
    email is built afresh when the worker sends it, and sent once: the ledger's key is the
    message, and ``token`` (from the form) makes a second click of the same form the same message.
    """

    session = models.ForeignKey(
        DevelopmentSession, on_delete=models.CASCADE, related_name="messages"
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    subject = SingleLineCharField(max_length=MESSAGE_SUBJECT_MAX)
    body = models.TextField(max_length=MESSAGE_BODY_MAX)
    include_waitlist = models.BooleanField(default=False)
    token = SingleLineCharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.subject

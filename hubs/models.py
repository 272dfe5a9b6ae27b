"""
The community's structure: hubs, schools, people, subject networks and terms.

School fields follow England's official register of schools (Get Information
about Schools, GIAS) so that schools can later be imported from its extract.
"""

from __future__ import annotations

import datetime
import re
import secrets
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property

from cpdhub.academic_year import academic_year_label

# Until hubs/services.py stops reading it here: its home is cpdhub/ratelimit.
from cpdhub.ratelimit.models import ThrottledRequest  # noqa: F401
from cpdhub.singleline import SingleLineCharField

from .constraints import NonOverlappingDateRange
from .domains import domain_refusal
from .domains import normalise as normalise_domain

COORDINATORS_GROUP = "Coordinators"


class Phase(models.Model):
    """A phase of education a person works in or an offer is for (seeded by migration)."""

    slug = models.SlugField(unique=True)
    name = SingleLineCharField(max_length=60, unique=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Subject(models.Model):
    """A curriculum subject (seeded by migration; coordinators may add more)."""

    slug = models.SlugField(unique=True)
    name = SingleLineCharField(max_length=80, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    # Names of languages and peoples keep their capital inside a sentence ("teaches English").
    PROPER_WORDS = frozenset(
        {
            "Arabic", "Chinese", "English", "French", "German", "Greek", "Italian", "Japanese",
            "Latin", "Mandarin", "Polish", "Portuguese", "Punjabi", "Russian", "Spanish", "Urdu",
            "Welsh",
        }
    )  # fmt: skip

    @property
    def in_sentence(self) -> str:
        """The name inside a sentence: "teaches geography", "teaches English", "PSHE and RSE"."""
        return " ".join(
            word
            if word in self.PROPER_WORDS or (len(word) > 1 and word.isupper())
            else word.lower()
            for word in self.name.split()
        )


class Hub(models.Model):
    """A regional hub: a group of schools that meet and learn together."""

    name = SingleLineCharField(max_length=120, unique=True)
    slug = models.SlugField(unique=True)
    description = models.TextField(blank=True)
    leaders = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="led_hubs")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("hubs:hub_detail", kwargs={"slug": self.slug})


class School(models.Model):
    class Phase(models.TextChoices):
        # GIAS "PhaseOfEducation"
        NURSERY = "nursery", "Nursery"
        PRIMARY = "primary", "Primary"
        MIDDLE_PRIMARY = "middle_primary", "Middle deemed primary"
        SECONDARY = "secondary", "Secondary"
        MIDDLE_SECONDARY = "middle_secondary", "Middle deemed secondary"
        SIXTEEN_PLUS = "16_plus", "16 plus"
        ALL_THROUGH = "all_through", "All-through"
        NOT_APPLICABLE = "not_applicable", "Not applicable"

    class EstablishmentType(models.TextChoices):
        # GIAS "TypeOfEstablishment", the ones a CPD community meets
        COMMUNITY = "community", "Community school"
        VOLUNTARY_AIDED = "voluntary_aided", "Voluntary aided school"
        VOLUNTARY_CONTROLLED = "voluntary_controlled", "Voluntary controlled school"
        FOUNDATION = "foundation", "Foundation school"
        ACADEMY_CONVERTER = "academy_converter", "Academy converter"
        ACADEMY_SPONSOR_LED = "academy_sponsor_led", "Academy sponsor led"
        FREE_SCHOOL = "free_school", "Free schools"
        COMMUNITY_SPECIAL = "community_special", "Community special school"
        FOUNDATION_SPECIAL = "foundation_special", "Foundation special school"
        ACADEMY_SPECIAL_CONVERTER = "academy_special_converter", "Academy special converter"
        ACADEMY_SPECIAL_SPONSOR_LED = "academy_special_sponsor_led", "Academy special sponsor led"
        FREE_SCHOOL_SPECIAL = "free_school_special", "Free schools special"
        PUPIL_REFERRAL_UNIT = "pupil_referral_unit", "Pupil referral unit"
        ACADEMY_ALTERNATIVE_PROVISION = "academy_ap", "Academy alternative provision converter"
        SIXTH_FORM_CENTRE = "sixth_form_centre", "Academy 16-19 converter"
        OTHER = "other", "Other"

    SPECIAL_TYPES = frozenset(
        {
            EstablishmentType.COMMUNITY_SPECIAL,
            EstablishmentType.FOUNDATION_SPECIAL,
            EstablishmentType.ACADEMY_SPECIAL_CONVERTER,
            EstablishmentType.ACADEMY_SPECIAL_SPONSOR_LED,
            EstablishmentType.FREE_SCHOOL_SPECIAL,
        }
    )

    name = SingleLineCharField(max_length=200)
    urn = models.PositiveIntegerField(
        "URN", unique=True, help_text="Unique Reference Number from Get Information about Schools."
    )
    phase = SingleLineCharField(max_length=20, choices=Phase.choices)
    establishment_type = SingleLineCharField(max_length=40, choices=EstablishmentType.choices)
    local_authority = SingleLineCharField(max_length=100, blank=True)
    postcode = SingleLineCharField(max_length=8, blank=True)
    pupil_count = models.PositiveIntegerField("number of pupils", null=True, blank=True)
    fsm_percent = models.DecimalField(
        "pupils eligible for FSM (%)",
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    day_start = models.TimeField("school day starts", default=datetime.time(8, 45))
    day_end = models.TimeField("school day ends", default=datetime.time(15, 15))
    hub = models.ForeignKey(
        Hub, on_delete=models.SET_NULL, null=True, blank=True, related_name="schools"
    )
    cpd_leaders = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="led_schools",
        verbose_name="CPD leaders",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(urn__gte=100000) & Q(urn__lte=999999), name="school_urn_six_digits"
            ),
            models.CheckConstraint(
                condition=Q(fsm_percent__isnull=True)
                | (Q(fsm_percent__gte=0) & Q(fsm_percent__lte=100)),
                name="school_fsm_percent_range",
            ),
            models.CheckConstraint(
                condition=Q(day_end__gt=models.F("day_start")), name="school_day_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("hubs:school_detail", kwargs={"urn": self.urn})

    @property
    def is_special(self) -> bool:
        return self.establishment_type in self.SPECIAL_TYPES

    def clean(self) -> None:
        super().clean()
        if self.postcode:
            self.postcode = normalise_postcode(self.postcode)
            if not UK_POSTCODE.match(self.postcode):
                raise ValidationError({"postcode": "Enter a UK postcode, such as SW1A 1AA."})


UK_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}$")


def normalise_postcode(value: str) -> str:
    compact = re.sub(r"\s+", "", value).upper()
    return f"{compact[:-3]} {compact[-3:]}" if len(compact) > 3 else compact


class SchoolDomain(models.Model):
    """An email domain that belongs to one member school: staff with it may sign up."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="domains")
    domain = SingleLineCharField(
        max_length=253, unique=True, help_text="For example ashgrove.sch.uk (no @)."
    )

    class Meta:
        ordering = ["domain"]
        constraints = [
            models.CheckConstraint(
                condition=Q(domain=Lower("domain")) & ~Q(domain__contains="@"),
                name="school_domain_lowercase_no_at",
            ),
        ]

    def __str__(self) -> str:
        return self.domain

    def clean(self) -> None:
        """The one rule for a school's domain, whichever path stores it (hubs/domains.py)."""
        self.domain = normalise_domain(self.domain or "")
        refusal = domain_refusal(self.domain)
        if refusal:
            raise ValidationError({"domain": refusal})


def canonical_email(email: str) -> str:
    """
    The mailbox an address reaches: ``local+tag@domain`` is ``local@domain``. One account per
    mailbox, so a ``+tag`` cannot make a second account (nor a second daily contact limit).
    """
    email = email.strip().lower()
    local, at, domain = email.rpartition("@")
    if not at:
        return email
    return f"{local.split('+', 1)[0]}@{domain}"


class CanonicalEmail(models.Func):
    """``canonical_email`` in SQL, for the unique index and for look-ups that use it."""

    arity = 1
    output_field = SingleLineCharField()

    def as_sql(self, compiler, connection, **extra_context):
        address, params = compiler.compile(self.source_expressions[0])
        if connection.vendor == "postgresql":
            # Everything from the first "+" to the "@": regexp_replace is immutable, so indexable.
            return f"REGEXP_REPLACE({address}, '\\+[^@]*@', '@')", params
        plus, at = f"INSTR({address}, '+')", f"INSTR({address}, '@')"
        sql = (
            f"CASE WHEN {plus} > 0 AND {plus} < {at} "
            f"THEN SUBSTR({address}, 1, {plus} - 1) || SUBSTR({address}, {at}) "
            f"ELSE {address} END"
        )
        return sql, tuple(params) * sql.count(address)


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def with_mailbox(self, email: str) -> models.QuerySet[User]:
        """Accounts whose address reaches the same mailbox as ``email`` (ignoring ``+tag``)."""
        return self.alias(mailbox=CanonicalEmail("email")).filter(mailbox=canonical_email(email))

    def _create_user(self, email: str, password: str | None, **extra_fields) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields) -> User:
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields) -> User:
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A member of the community. Email is the login; roles come from relations, not fields."""

    class JobRole(models.TextChoices):
        TEACHER = "teacher", "Teacher"
        TA = "ta", "Teaching assistant"
        HLTA = "hlta", "Higher level teaching assistant"
        MIDDLE_LEADER = "middle_leader", "Middle leader"
        SENIOR_LEADER = "senior_leader", "Senior leader"
        GOVERNOR = "governor", "Governor"
        SUPPORT_STAFF = "support_staff", "Support staff"
        OTHER = "other", "Other"

    # How a count of each role reads: "2 teaching assistants", "3 support staff".
    JOB_ROLE_PLURALS = {
        JobRole.TEACHER: "teachers",
        JobRole.TA: "teaching assistants",
        JobRole.HLTA: "higher level teaching assistants",
        JobRole.MIDDLE_LEADER: "middle leaders",
        JobRole.SENIOR_LEADER: "senior leaders",
        JobRole.GOVERNOR: "governors",
        JobRole.SUPPORT_STAFF: "support staff",
        JobRole.OTHER: "other staff",
    }

    email = models.EmailField("email address", max_length=254, unique=True)
    first_name = SingleLineCharField(max_length=100)
    last_name = SingleLineCharField(max_length=100)
    school = models.ForeignKey(
        School, on_delete=models.PROTECT, null=True, blank=True, related_name="staff"
    )
    job_role = SingleLineCharField(max_length=20, choices=JobRole.choices, default=JobRole.TEACHER)
    subjects = models.ManyToManyField(
        Subject, blank=True, related_name="teachers", verbose_name="subjects taught"
    )
    phases = models.ManyToManyField(Phase, blank=True, related_name="staff")
    is_staff = models.BooleanField(
        "admin site access",
        default=False,
        help_text="Coordinators have this; it lets them into the admin site.",
    )
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    # When their school removed them (hubs.services.user_deactivate): the retention clock.
    deactivated_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Consent (off until the person ticks it in "my details"): the coordinator may name them,
    # with their school, to colleagues in other schools with a need in the same area. Never
    # their words: only their name and school.
    suggest_me = models.BooleanField(
        "let the coordinator suggest me to colleagues in other schools working on the same thing",
        default=False,
        help_text="Only your name and school are shown, never what you wrote in your portfolio.",
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name"]

    class Meta:
        ordering = ["last_name", "first_name"]
        constraints = [
            # Stored in lower case, so the unique index makes it one account per address.
            models.CheckConstraint(condition=Q(email=Lower("email")), name="user_email_lowercase"),
            # One account per mailbox: x+1@school and x+2@school are x@school.
            models.UniqueConstraint(
                CanonicalEmail("email"),
                name="user_email_canonical_unique",
                violation_error_message="An account is already registered with this email "
                "address (an address with +something before the @ counts as the same address).",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def save(self, *args, **kwargs) -> None:
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_full_name(self) -> str:
        return self.full_name

    @property
    def address_is_private(self) -> bool:
        """The person chose "Contact form only (my address stays private)" on their expert
        profile: no email to anyone else carries their address, as Reply-To or in its text
        (``notifications.registry.reply_to``)."""
        profile = getattr(self, "expert_profile", None)  # experts.ExpertProfile, if any
        return profile is not None and profile.contact_preference == "form"

    def get_short_name(self) -> str:
        return self.first_name

    @cached_property
    def is_coordinator(self) -> bool:
        """
        Community coordinators: the Coordinators group (or a superuser). The one way of asking
        (``user.is_coordinator``); hubs.backends loads the answer with the user.
        """
        if not self.is_active:
            return False
        if self.is_superuser:
            return True
        known = getattr(self, "in_coordinators_group", None)  # loaded with the user
        if known is not None:
            return known
        return self.groups.filter(name=COORDINATORS_GROUP).exists()

    @cached_property
    def led_school_ids(self) -> frozenset[int]:
        """The schools this person is a CPD leader of (one query, then cached on the instance)."""
        if not self.pk or getattr(self, "leads_a_school", None) is False:  # hubs.backends
            return frozenset()
        return frozenset(self.led_schools.values_list("pk", flat=True))

    @property
    def is_cpd_leader(self) -> bool:
        known = getattr(self, "leads_a_school", None)  # loaded with the user (hubs.backends)
        if known is not None:
            return known
        return bool(self.led_school_ids)


class Responsibility(models.TextChoices):
    """Responsibilities a school usually gives one person: being the only one is worth knowing."""

    SENCO = "senco", "SENCo"
    DSL = "dsl", "Designated safeguarding lead (DSL)"
    EXAMS_OFFICER = "exams_officer", "Exams officer"
    ECT_MENTOR = "ect_mentor", "ECT mentor"
    PHASE_LEAD = "phase_lead", "Phase lead"
    EYFS_LEAD = "eyfs_lead", "EYFS lead"
    PUPIL_PREMIUM_LEAD = "pupil_premium_lead", "Pupil premium lead"
    CAREERS_LEAD = "careers_lead", "Careers lead"


class UserResponsibility(models.Model):
    """A responsibility a person holds in their school, ticked in "my details"."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="responsibilities"
    )
    responsibility = SingleLineCharField(max_length=30, choices=Responsibility.choices)

    class Meta:
        ordering = ["responsibility"]
        verbose_name_plural = "user responsibilities"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "responsibility"], name="responsibility_once_per_user"
            ),
        ]
        indexes = [
            # Lone rangers by responsibility: GROUP BY school, responsibility over this table.
            models.Index(fields=["responsibility", "user"], name="responsibility_user_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_responsibility_display()}"


class SubjectNetwork(models.Model):
    """A subject network: e.g. every geography lead across the community's primaries."""

    name = SingleLineCharField(max_length=120, unique=True)
    slug = models.SlugField(unique=True)
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="networks")
    hub = models.ForeignKey(
        Hub,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="networks",
        help_text="Leave blank for a network across the whole community.",
    )
    responsibility = SingleLineCharField(
        max_length=30,
        choices=Responsibility.choices,
        blank=True,
        help_text="A network for a responsibility (SENCos, DSLs, …): staff alone in their "
        "school for it are invited here. Leave blank for a subject network.",
    )
    description = models.TextField(blank=True)
    meeting_pattern = SingleLineCharField(
        max_length=200, blank=True, help_text="For example: meets once a term, online after school."
    )
    leads = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="led_networks"
    )
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="networks")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("hubs:network_detail", kwargs={"slug": self.slug})


class TermQuerySet(models.QuerySet):
    def containing(self, day: datetime.date) -> TermQuerySet:
        return self.filter(start__lte=day, end__gte=day)

    def current(self, today: datetime.date | None = None) -> Term | None:
        return self.containing(today or timezone.localdate()).first()

    def upcoming(self, today: datetime.date | None = None) -> TermQuerySet:
        return self.filter(start__gt=today or timezone.localdate()).order_by("start")


class Term(models.Model):
    """A school term. Terms never overlap (enforced by the database on Postgres)."""

    name = SingleLineCharField(max_length=60, help_text="For example: Autumn 2026.")
    start = models.DateField()
    end = models.DateField()

    objects = TermQuerySet.as_manager()

    class Meta:
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="term_ends_after_start"
            ),
            models.UniqueConstraint(fields=["name"], name="term_name_unique"),
            NonOverlappingDateRange(
                start="start",
                end="end",
                name="term_no_overlap",
                violation_error_message="This term overlaps another term.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def academic_year(self) -> str:
        """The English academic year the term belongs to, e.g. "2026/27"."""
        return academic_year_label(self.start)

    def week_of(self, day: datetime.date) -> int:
        return (day - self.start).days // 7 + 1

    @property
    def weeks(self) -> int:
        return (self.end - self.start).days // 7 + 1


def _new_invitation_token() -> str:
    return secrets.token_urlsafe(32)


class InvitationQuerySet(models.QuerySet):
    def open(self) -> InvitationQuerySet:
        return self.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )


class Invitation(models.Model):
    """An invitation from a coordinator or CPD leader, for an address that is not a school's."""

    email = models.EmailField(max_length=254)
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="invitations")
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    token = SingleLineCharField(
        max_length=64, unique=True, default=_new_invitation_token, editable=False
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # At most one live (not accepted, not revoked) invitation per address.
            models.UniqueConstraint(
                Lower("email"),
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_open_per_email",
            ),
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")),
                name="invitation_expires_after_created",
            ),
        ]

    def __str__(self) -> str:
        return f"Invitation for {self.email} to {self.school}"

    def get_absolute_url(self) -> str:
        return reverse("hubs:invitation_accept", kwargs={"token": self.token})

    @property
    def is_open(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )


class Community(models.Model):
    """
    The community this install serves: one row, written by ``setup_community`` (or by
    ``seed_demo`` for the demo) and edited by a coordinator on /coordinator/community/. Its name
    and contact address are what every page and email shows; nothing else holds them.
    A second ``setup_community`` run for another community is refused.
    """

    name = SingleLineCharField(max_length=120)
    contact_email = models.EmailField(
        blank=True,
        help_text="Whom staff ask when they cannot sign up or need help (shown on every page).",
    )
    is_demo = models.BooleanField(
        default=False,
        help_text="Made by seed_demo: the demo's own *.demo.test school domains are accepted.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "community"
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="community_single_row"),
        ]

    def __str__(self) -> str:
        return self.name


class ImportJob(models.Model):
    """
    One run of an uploaded file: its preview (a dry run) or its confirmation, done in
    the background with progress. The state only moves forward (queued → running → done or
    failed), claimed by one conditional update, so a task delivered twice runs once; a preview
    is confirmed at most once (``confirms`` is unique), so a second click or a browser's
    resend of the confirmation finds the job already started instead of starting another.
    """

    class Kind(models.TextChoices):
        SCHOOLS = "schools", "Schools from the register"
        STAFF = "staff", "Staff from a file"

    class State(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Could not be read"

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_jobs"
    )
    kind = SingleLineCharField(max_length=10, choices=Kind.choices)
    school = models.ForeignKey(
        School, on_delete=models.CASCADE, null=True, blank=True, related_name="import_jobs"
    )
    hub = models.ForeignKey(
        Hub, on_delete=models.SET_NULL, null=True, blank=True, related_name="import_jobs"
    )
    file_token = SingleLineCharField(max_length=64, help_text="The kept file's SHA-256.")
    file_name = SingleLineCharField(max_length=200, blank=True)
    column_map = models.JSONField(default=dict, blank=True)
    role_map = models.JSONField(
        default=dict, blank=True, help_text="The file's own job titles, mapped to ours."
    )
    dry_run = models.BooleanField(default=True, help_text="A preview: nothing is written.")
    import_good_rows = models.BooleanField(
        default=False, help_text="Import the rows without errors and leave the others out."
    )
    send_welcome = models.BooleanField(
        default=False, help_text="Email each imported person a welcome (once per person)."
    )
    confirms = models.OneToOneField(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="confirmation"
    )
    state = SingleLineCharField(max_length=10, choices=State.choices, default=State.QUEUED)
    total_rows = models.PositiveIntegerField(default=0)
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(dry_run=True, confirms__isnull=True)
                | Q(dry_run=False, confirms__isnull=False),
                name="importjob_confirmation_confirms_a_preview",
            ),
            models.CheckConstraint(
                condition=Q(kind="staff") | Q(school__isnull=True),
                name="importjob_school_only_for_staff",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_kind_display()} ({'preview' if self.dry_run else 'import'}, {self.state})"
        )

    def get_absolute_url(self) -> str:
        return reverse("hubs:import_job", kwargs={"pk": self.pk})

    @property
    def finished(self) -> bool:
        return self.state in {self.State.DONE, self.State.FAILED}


class StaffImportMapping(models.Model):
    """
    A school's own words in its staff files, remembered from its last import: which of our
    fields a column holds (``column``), which of our job roles a job title is (``job_role``).
    """

    class Kind(models.TextChoices):
        COLUMN = "column", "Column"
        JOB_ROLE = "job_role", "Job title"

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="import_mappings")
    kind = SingleLineCharField(max_length=10, choices=Kind.choices)
    value = SingleLineCharField(
        max_length=200, help_text="The file's word (a title in lower case)."
    )
    maps_to = SingleLineCharField(max_length=20)

    class Meta:
        ordering = ["school", "kind", "value"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "kind", "value"], name="staff_import_mapping_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school}: {self.value} → {self.maps_to}"


class LoneRangerInvitation(models.Model):
    """
    A lone ranger (the only one in their school for a subject they teach) invited to the
    matching subject network. One row per person and network, ever: the unique constraint is
    what makes the nightly job and the coordinator's button invite each person once.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lone_ranger_invitations"
    )
    network = models.ForeignKey(
        SubjectNetwork, on_delete=models.CASCADE, related_name="lone_ranger_invitations"
    )
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="+")
    invited_at = models.DateTimeField(default=timezone.now)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Blank: the nightly job.",
    )

    class Meta:
        ordering = ["-invited_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "network"], name="lone_ranger_invited_once_per_network"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} invited to {self.network}"

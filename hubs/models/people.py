"""
People and their accounts: ``User`` (the login is the email, one account per mailbox), the
responsibilities they hold in their school, and the group that makes someone a coordinator.
Roles come from relations (``School.cpd_leaders``, ``Hub.leaders``, ``SubjectNetwork.leads``),
not fields.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.functional import cached_property

from cpdhub.singleline import SingleLineCharField

from .curriculum import Phase, Subject
from .schools import School

COORDINATORS_GROUP = "Coordinators"


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

"""
Hubs, schools and the email domains that let a school's staff sign up.

School fields follow England's official register of schools (Get Information about Schools,
GIAS) so that schools can be imported from its extract (``hubs/onboarding/gias.py``).
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse

from cpdhub.singleline import SingleLineCharField

from ..domains import domain_refusal
from ..domains import normalise as normalise_domain


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

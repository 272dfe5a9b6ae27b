"""Release time and money: a release request, a person's CPD budget for a year and the ledger."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from cpdhub.academic_year import year_label
from cpdhub.singleline import SingleLineCharField

from .booking import Booking
from .limits import (
    FIRST_YEAR,
    LAST_YEAR,
    MAX_ALLOCATION,
    MAX_COVER_LESSONS,
    MAX_GOAL_LENGTH,
    MAX_RELEASE_TOTAL,
    MAX_TRAVEL,
    MONEY,
)


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

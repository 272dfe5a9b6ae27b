"""External courses, their providers and colleagues' reviews; requests to attend one; and the
outside networks that serve the community's schools."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from cpdhub.singleline import SingleLineCharField
from experts.models import ExpertiseArea
from hubs.models import Phase, School

MAX_COURSE_COST = Decimal("5000.00")  # one place's fee: the most one release may charge
TEXT_MAX = 2000


class Provider(models.Model):
    """Who runs courses: a training company, a university, a subject association."""

    name = SingleLineCharField(max_length=160)
    website = models.URLField(blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["name"], name="course_provider_name_once"),
        ]

    def __str__(self) -> str:
        return self.name


class Course(models.Model):
    class Format(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        ONLINE = "online", "Online"
        BLENDED = "blended", "Blended"

    title = SingleLineCharField(max_length=200)
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="courses")
    description = models.TextField(blank=True, max_length=TEXT_MAX)
    format = SingleLineCharField(max_length=10, choices=Format.choices, default=Format.IN_PERSON)
    cost = models.DecimalField(
        "cost of a place (£)",
        max_digits=9,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(MAX_COURSE_COST)],
        help_text="The fee for one person, at most £5,000.",
    )
    # The next (or only) date it runs; none when it is on demand (an online course at any time).
    starts_on = models.DateField("next date", null=True, blank=True)
    on_demand = models.BooleanField("on demand", default=False)
    link = models.URLField("link to the course", blank=True)
    areas = models.ManyToManyField(ExpertiseArea, related_name="+")
    phases = models.ManyToManyField(Phase, blank=True, related_name="+")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="courses_added",
    )
    # Moderation: a hidden course is seen by the coordinator only.
    is_hidden = models.BooleanField("hidden", default=False)
    # Kept by the review service (``services.review_save``) so the list sorts and the directory
    # picks its three without counting reviews: how many would recommend it, how many reviewed.
    recommended_by = models.PositiveIntegerField(default=0, editable=False)
    review_count = models.PositiveIntegerField(default=0, editable=False)
    rating_total = models.PositiveIntegerField(default=0, editable=False)
    # Lower-case title, provider, areas and description: what the search box matches
    # (``services``); on Postgres a trigram index serves it (migration 0002).
    search_text = models.TextField(default="", editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-recommended_by", "title", "pk"]
        indexes = [
            # /courses/ and the directory's "Courses" block: visible courses, most recommended
            # first, walked in order until a page (or three) match.
            models.Index(
                fields=["-recommended_by", "title", "id"],
                name="course_recommended_idx",
                condition=Q(is_hidden=False),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(cost__gte=0) & Q(cost__lte=MAX_COURSE_COST), name="course_cost_bounded"
            ),
            models.CheckConstraint(
                condition=Q(on_demand=True) | Q(starts_on__isnull=False),
                name="course_dated_or_on_demand",
            ),
            models.CheckConstraint(
                condition=Q(recommended_by__lte=models.F("review_count")),
                name="course_recommended_within_reviews",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.provider})"

    def get_absolute_url(self) -> str:
        return reverse("courses:detail", kwargs={"pk": self.pk})

    @property
    def rating(self) -> Decimal | None:
        if not self.review_count:
            return None
        return (Decimal(self.rating_total) / self.review_count).quantize(Decimal("0.1"))


class Review(models.Model):
    """A colleague's review after attending: shown with their name and school."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="course_reviews"
    )
    attended_on = models.DateField("when I attended")
    rating = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text="1 (poor) to 5 (excellent).",
    )
    recommend = models.BooleanField("I would recommend it")
    for_whom = SingleLineCharField(
        "for whom",
        max_length=300,
        blank=True,
        help_text="For example: early career teachers in KS2; new heads of department.",
    )
    comment = models.TextField("what was useful", blank=True, max_length=TEXT_MAX)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["course", "reviewer"], name="course_review_once"),
            models.CheckConstraint(
                condition=Q(rating__gte=1) & Q(rating__lte=5), name="course_review_rating_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"Review of {self.course_id} by {self.reviewer_id}"


class CourseRequest(models.Model):
    """
    A request to attend an external course. The money is not here: it is the release request
    of ``booking`` (a private session of kind "External course", booked for the requester), so
    it waits in the CPD leader's usual queue, is charged and refunded by the usual ledger and
    decided with the usual emails. This row says which course, why, and for which goal.
    """

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="requests")
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="course_requests"
    )
    goal = models.ForeignKey(
        "portfolios.Goal", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    why = models.TextField("why this course", max_length=TEXT_MAX)
    booking = models.OneToOneField(
        "cpd_sessions.Booking", on_delete=models.CASCADE, related_name="course_request"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            # /courses/requests/: a person's requests, newest first.
            models.Index(fields=["requester", "-created_at"], name="course_request_mine_idx"),
        ]

    def __str__(self) -> str:
        return f"Request to attend {self.course_id}"


class OutsideNetwork(models.Model):
    """A network outside the community that serves some of its schools (a Maths Hub, a
    Research School, an English Hub, a subject association)."""

    class Kind(models.TextChoices):
        MATHS_HUB = "maths_hub", "Maths Hub"
        RESEARCH_SCHOOL = "research_school", "Research School"
        ENGLISH_HUB = "english_hub", "English Hub"
        SCIENCE_HUB = "science_hub", "Science Learning Partnership"
        SUBJECT_ASSOCIATION = "subject_association", "Subject association"
        OTHER = "other", "Other"

    name = SingleLineCharField(max_length=160)
    kind = SingleLineCharField(max_length=30, choices=Kind.choices)
    link = models.URLField(blank=True)
    contact = SingleLineCharField(
        max_length=200, blank=True, help_text="A name, an email address or a phone number."
    )
    description = models.TextField(blank=True, max_length=TEXT_MAX)
    areas = models.ManyToManyField(ExpertiseArea, blank=True, related_name="+")
    schools = models.ManyToManyField(
        School, blank=True, related_name="outside_networks", help_text="The schools it serves."
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["name"], name="outside_network_name_once"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("outside_networks:detail", kwargs={"pk": self.pk})

"""
The imports of schools and staff from uploaded files (``hubs/onboarding/``): each run as a job
with its state, and each school's own words in its staff files, remembered.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from cpdhub.singleline import SingleLineCharField

from .schools import Hub, School


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

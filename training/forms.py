"""Required training's forms."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone

from cpd_sessions.models import DevelopmentSession
from cpdhub.singleline import SingleLineFormField
from hubs.models import Responsibility, School, User
from portfolios.files import ALLOWED, ALLOWED_LABEL, MAX_ATTACHMENT_BYTES

from .models import MAX_VALID_MONTHS, Requirement, Status

COMMUNITY = "community"


class DateInput(forms.DateInput):
    input_type = "date"


class CompletionForm(forms.Form):
    """A completion: which training, when, who provided it, and the certificate if there is one."""

    requirement = forms.ModelChoiceField(
        label="Training", queryset=Requirement.objects.none(), empty_label=None
    )
    completed_on = forms.DateField(label="Date completed", widget=DateInput())
    provider = SingleLineFormField(
        label="Provider (optional)",
        required=False,
        max_length=150,
        help_text="Who gave the training, e.g. the local authority or an online course.",
    )
    certificate = forms.FileField(
        label="Certificate (optional)",
        required=False,
        help_text=f"{ALLOWED_LABEL}; up to {MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB. "
        "Seen only by the person and their school's CPD leaders.",
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(sorted(ALLOWED))}),
    )

    def __init__(self, *args, requirements: list[Requirement], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requirement"].queryset = Requirement.objects.filter(
            pk__in=[r.pk for r in requirements]
        )
        self.fields["completed_on"].widget.attrs["max"] = timezone.localdate().isoformat()


class RequirementForm(forms.Form):
    """Required training: its title, how long it lasts, who it applies to, linked sessions."""

    title = SingleLineFormField(
        max_length=120, help_text="For example: Safeguarding level 1, Prevent, First aid."
    )
    scope = forms.ChoiceField(label="Required by", choices=[])
    valid_months = forms.IntegerField(
        label="Lasts (months)",
        required=False,
        min_value=1,
        max_value=MAX_VALID_MONTHS,
        help_text="For example 12 or 36. Leave empty if doing it once is enough.",
    )
    job_roles = forms.MultipleChoiceField(
        label="Job roles it applies to",
        choices=User.JobRole.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick none, and none of the responsibilities, for all staff.",
    )
    responsibilities = forms.MultipleChoiceField(
        label="Responsibilities it applies to",
        choices=Responsibility.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="For example, DSLs need safeguarding level 3.",
    )
    sessions = forms.ModelMultipleChoiceField(
        label="Sessions that count as doing it",
        queryset=DevelopmentSession.objects.none(),
        required=False,
        help_text="Marking someone present at one of these records their completion.",
    )
    active = forms.BooleanField(
        label="Still required", required=False, initial=True,
        help_text="Untick to retire it: it leaves the matrix and reminders stop.",
    )  # fmt: skip

    def __init__(self, *args, schools, allow_community: bool, editing: bool, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(COMMUNITY, "The whole community")] if allow_community else []
        choices += [(str(s.pk), s.name) for s in schools]
        self.fields["scope"].choices = choices
        if editing:
            del self.fields["scope"]
        else:
            del self.fields["active"]
        today = timezone.localdate()
        self.fields["sessions"].queryset = DevelopmentSession.objects.filter(
            start__date__gte=today - datetime.timedelta(days=90),
            start__date__lte=today + datetime.timedelta(days=365),
        ).order_by("start", "pk")
        self.fields["sessions"].label_from_instance = lambda s: (
            f"{s.title} ({timezone.localtime(s.start):%d/%m/%Y})"
        )

    def school(self) -> School | None:
        value = self.cleaned_data.get("scope") or COMMUNITY
        return None if value == COMMUNITY else School.objects.get(pk=int(value))


class MatrixFilterForm(forms.Form):
    """The matrix's filters (read from the query string)."""

    status = forms.ChoiceField(
        choices=[("", "Any status"), *Status.choices], required=False, label="Status"
    )
    requirement = forms.ModelChoiceField(
        queryset=Requirement.objects.none(), required=False, empty_label="All training",
        label="Training",
    )  # fmt: skip

    def __init__(self, *args, requirements: list[Requirement], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requirement"].queryset = Requirement.objects.filter(
            pk__in=[r.pk for r in requirements]
        )


class ResponsibilitiesForm(forms.Form):
    responsibilities = forms.MultipleChoiceField(
        label="Responsibilities they hold",
        choices=Responsibility.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

"""Enquiry's forms. Every text box inside a group says not to write pupils' names."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from cpdhub import querystring
from cpdhub.singleline import SingleLineFormField
from cpdhub.textbounds import worded_limits
from experts.models import ExpertiseArea
from hubs.models import Phase, Subject, User
from portfolios.files import ALLOWED, ALLOWED_LABEL, MAX_ATTACHMENT_BYTES
from portfolios.models import MAX_HOURS, Goal

from .models import NO_PUPIL_NAMES, Group, Kind, LogEntry, ReadingItem, WriteUp


class DateInput(forms.DateInput):
    input_type = "date"


class TimeInput(forms.TimeInput):
    input_type = "time"


class GroupForm(forms.ModelForm):
    """A new group: its question, kind, areas, phases and subjects, and timeline."""

    class Meta:
        model = Group
        fields = [
            "question", "kind", "areas", "phases", "subjects", "status", "started_on",
            "planned_end",
        ]  # fmt: skip
        widgets = {
            "started_on": DateInput(),
            "planned_end": DateInput(),
            "areas": forms.CheckboxSelectMultiple,
            "phases": forms.CheckboxSelectMultiple,
            "subjects": forms.SelectMultiple(attrs={"size": 6}),
        }
        labels = {"started_on": "Starts on", "status": "Who may join"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["areas"].queryset = ExpertiseArea.objects.order_by("name")
        self.fields["status"].choices = [
            (Group.Status.OPEN, "Anyone in the community may join"),
            (Group.Status.CLOSED, "Members invite colleagues"),
        ]
        worded_limits(self)


class StartForNeedForm(forms.Form):
    """The coordinator starts a group from a gap: the question and kind (the area is the gap's)."""

    question = SingleLineFormField(max_length=300, help_text=Group.question.field.help_text)
    kind = forms.ChoiceField(choices=Kind.choices)


class InviteForm(forms.Form):
    email = forms.EmailField(
        label="Their email address",
        max_length=254,
        help_text="A colleague in any school of the community.",
    )


class AnswerForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", "Accept"), ("decline", "Decline")])


class LogForm(forms.Form):
    kind = forms.ChoiceField(label="What it is", choices=LogEntry.Kind.choices)
    text = forms.CharField(
        label="What you want to record",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="A note of what you did or saw, a decision the group made, or what you tried in "
        "your classroom. " + NO_PUPIL_NAMES,
    )
    result = forms.CharField(
        label="What happened (with what you tried)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For \u201cWhat I tried and what happened\u201d: what the pupils did, said or "
        "produced. Leave it blank if you do not know yet. " + NO_PUPIL_NAMES,
    )
    upload = forms.FileField(
        label="File",
        required=False,
        help_text=f"{ALLOWED_LABEL}; up to {MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB. "
        "Only the group's members can download it.",
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(sorted(ALLOWED))}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].max_length = LogEntry.text.field.max_length
        self.fields["result"].max_length = LogEntry.result.field.max_length
        worded_limits(self)


class ReadingForm(forms.ModelForm):
    url = forms.URLField(label="Link", required=False, max_length=500, assume_scheme="https")

    class Meta:
        model = ReadingItem
        fields = ["title", "url", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}
        labels = {"note": "Why it matters"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        worded_limits(self)


class LeaveForm(forms.Form):
    delete_mine = forms.BooleanField(
        label="Delete what I wrote in this group (my log entries, files and reading list items)",
        required=False,
        help_text="Otherwise it stays for the others, shown as written by “a former member”.",
    )


class GroupStatusForm(forms.Form):
    status = forms.ChoiceField(choices=Group.Status.choices)
    planned_end = forms.DateField(label="Planned end", required=False, widget=DateInput())


class WriteUpForm(forms.ModelForm):
    class Meta:
        model = WriteUp
        fields = ["question", "tried", "happened", "next_steps"]
        widgets = {
            "tried": forms.Textarea(attrs={"rows": 6}),
            "happened": forms.Textarea(attrs={"rows": 6}),
            "next_steps": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        worded_limits(self)


class PortfolioForm(forms.Form):
    """A member adds a published write-up to their log, linked to one of their goals."""

    goal = forms.ModelChoiceField(queryset=Goal.objects.none(), label="Link it to one of my goals")
    hours = forms.DecimalField(
        label="Hours",
        min_value=Decimal("0.25"),
        max_value=MAX_HOURS,
        decimal_places=2,
        initial=Decimal("1"),
        help_text="The time you gave to the enquiry, in hours.",
    )
    reflection = forms.CharField(
        label="What I learned",
        required=False,
        max_length=3_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=NO_PUPIL_NAMES,
    )

    def __init__(self, *args, owner: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["goal"].queryset = Goal.objects.filter(
            owner=owner, status=Goal.Status.ACTIVE
        ).order_by("-academic_year", "title")
        worded_limits(self)


class SlugChoiceField(forms.ModelChoiceField):
    """A choice by slug from the query string: anything that is not a slug is not looked up
    (a NUL byte never reaches Postgres)."""

    def to_python(self, value):
        if value not in self.empty_values and not querystring.slug_param({"v": value}, "v"):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(value)


class LibraryFilterForm(forms.Form):
    """The library's search and filters (read from the query string)."""

    q = SingleLineFormField(label="Search", required=False, max_length=100)
    area = SlugChoiceField(
        queryset=ExpertiseArea.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        empty_label="Any area",
    )
    phase = SlugChoiceField(
        queryset=Phase.objects.all(), to_field_name="slug", required=False, empty_label="Any phase"
    )
    subject = SlugChoiceField(
        queryset=Subject.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label="Any subject",
    )
    kind = forms.ChoiceField(choices=[("", "Either kind"), *Kind.choices], required=False)

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v not in ("", None)}

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone

from cpdhub.academic_year import current_academic_year, year_label
from cpdhub.textbounds import worded_limits
from experts.models import ExpertiseArea
from hubs.models import User

from .files import ALLOWED, ALLOWED_LABEL, MAX_ATTACHMENT_BYTES, check_attachment
from .models import GOAL_TEXT_MAX, MAX_HOURS, STATEMENT_MAX, Entry, Goal, ImpactFollowUp, Need
from .services import goal_year_errors


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ShareWithField(forms.CharField):
    """Colleagues to share with, by email address: one a line (or separated by commas)."""

    widget = forms.Textarea(attrs={"rows": 2})

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 2_000)  # twenty addresses fit easily
        kwargs.setdefault("label", "Share with colleagues")
        kwargs.setdefault(
            "help_text",
            "Email addresses of colleagues who may read this (a coach, a triad partner), "
            "one a line. They cannot change it.",
        )
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(u.email if isinstance(u, User) else str(u) for u in value)
        return value

    def clean(self, value):
        text = super().clean(value) or ""
        addresses = [a.strip().lower() for a in text.replace(",", "\n").splitlines() if a.strip()]
        if len(addresses) > 20:
            raise forms.ValidationError("Share with at most 20 colleagues.")
        people = {u.email: u for u in User.objects.filter(email__in=addresses, is_active=True)}
        unknown = [a for a in addresses if a not in people]
        if unknown:
            raise forms.ValidationError(
                f"Nobody here has the address {', '.join(unknown)}. Check the spelling."
            )
        return list(people.values())


class OwnedForm(forms.ModelForm):
    """A form for one of my items: the choices of goals are my own goals."""

    def __init__(self, *args, owner: User, **kwargs):
        self.owner = owner
        super().__init__(*args, **kwargs)
        worded_limits(self)
        if "shared_with" in self.fields and self.instance.pk:
            self.initial.setdefault("shared_with", list(self.instance.shared_with.all()))

    def clean_shared_with(self):
        people = self.cleaned_data["shared_with"]
        return [p for p in people if p.pk != self.owner.pk]


def year_choices() -> list[tuple[int, str]]:
    year = current_academic_year()
    return [(y, year_label(y)) for y in range(year + 1, year - 3, -1)]


class GoalForm(OwnedForm):
    academic_year = forms.TypedChoiceField(coerce=int, label="Academic year", choices=())
    shared_with = ShareWithField()

    class Meta:
        model = Goal
        fields = [
            "title",
            "description",
            "areas",
            "success_criteria",
            "source",
            "academic_year",
            "status",
            "share_with_leaders",
        ]
        widgets = {
            "areas": forms.CheckboxSelectMultiple,
            "source": forms.RadioSelect,
            "status": forms.RadioSelect,
            "description": forms.Textarea(attrs={"rows": 3}),
            "success_criteria": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"areas": "Areas it is about"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = year_choices()
        if self.instance.pk and self.instance.academic_year not in dict(choices):
            choices.append((self.instance.academic_year, self.instance.year_label))
        self.fields["academic_year"].choices = choices
        self.fields["academic_year"].initial = current_academic_year()
        self.fields["areas"].queryset = ExpertiseArea.objects.order_by("name")


class ReviewForm(forms.Form):
    note = forms.CharField(
        label="How is it going?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=GOAL_TEXT_MAX,
        help_text=f"Up to {GOAL_TEXT_MAX:,} characters.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        worded_limits(self)


class EntryForm(OwnedForm):
    hours = forms.DecimalField(
        min_value=Decimal("0.01"),
        max_value=MAX_HOURS,
        max_digits=5,
        decimal_places=2,
        help_text="How long it took, in hours: 1.5 for an hour and a half.",
        error_messages={
            "min_value": "Enter the hours: more than 0.",
            "max_value": f"Enter no more than {MAX_HOURS:.0f} hours for one entry.",
            "max_digits": f"Enter no more than {MAX_HOURS:.0f} hours for one entry.",
            "max_whole_digits": f"Enter no more than {MAX_HOURS:.0f} hours for one entry.",
            "max_decimal_places": "Use at most two decimal places, like 1.25.",
        },
    )
    shared_with = ShareWithField()
    attachment = forms.FileField(
        required=False,
        label="Add a file as evidence",
        help_text=f"{ALLOWED_LABEL}; up to {MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(sorted(ALLOWED))}),
    )

    class Meta:
        model = Entry
        fields = [
            "date",
            "kind",
            "title",
            "hours",
            "goals",
            "learned",
            "will_try",
            "impact_practice",
            "impact_pupils",
            "evidence",
            "links",
            "share_with_leaders",
        ]
        widgets = {
            "date": DateInput(),
            "goals": forms.CheckboxSelectMultiple,
            "learned": forms.Textarea(attrs={"rows": 3}),
            "will_try": forms.Textarea(attrs={"rows": 3}),
            "impact_practice": forms.Textarea(attrs={"rows": 3}),
            "impact_pupils": forms.Textarea(attrs={"rows": 3}),
            "evidence": forms.Textarea(attrs={"rows": 2}),
            "links": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {"goals": "Goals it worked towards"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["goals"].queryset = Goal.objects.filter(owner=self.owner).order_by(
            "-academic_year", "title"
        )
        self.fields["goals"].label_from_instance = lambda g: f"{g.title} ({g.year_label})"
        self.fields["date"].widget.attrs["max"] = timezone.localdate().isoformat()
        if not self.instance.pk:
            self.initial.setdefault("date", timezone.localdate())

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if upload:
            check_attachment(upload)
        return upload

    def clean_links(self):
        links = [line.strip() for line in self.cleaned_data["links"].splitlines() if line.strip()]
        validate = forms.URLField(assume_scheme="https").clean
        for link in links:
            try:
                validate(link)
            except forms.ValidationError:
                raise forms.ValidationError(
                    f"“{link}” is not a web address. Start each with https://."
                ) from None
        return "\n".join(links)

    def clean(self):
        data = super().clean()
        for error in goal_year_errors(data.get("goals") or [], data.get("date")):
            self.add_error("goals", error)
        return data


WHAT_HAPPENED_MAX = ImpactFollowUp.WHAT_HAPPENED_MAX


class FollowUpForm(forms.ModelForm):
    tried = forms.TypedChoiceField(
        label="Did you try it?",
        choices=[("yes", "Yes"), ("no", "Not yet")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )

    class Meta:
        model = ImpactFollowUp
        fields = ["tried", "level", "what_happened"]
        widgets = {
            "level": forms.RadioSelect,
            "what_happened": forms.Textarea(attrs={"rows": 4}),
        }
        labels = {
            "level": "How far has the impact gone?",
            "what_happened": "What happened for pupils?",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        worded_limits(self)
        # Asked only of someone who tried it: "Not yet" needs no level and no account of pupils.
        self.fields["level"].required = False
        self.fields["level"].choices = ImpactFollowUp.Level.choices
        self.fields["what_happened"].required = False
        self.fields[
            "what_happened"
        ].help_text = f"Only if you tried it. Up to {WHAT_HAPPENED_MAX:,} characters."
        self.fields["level"].help_text = "Only if you tried it."
        if self.instance.tried is not None:
            self.initial["tried"] = "yes" if self.instance.tried else "no"

    def clean(self):
        data = super().clean()
        if data.get("tried") is True:
            if not data.get("level"):
                self.add_error("level", "Choose how far the impact has gone.")
            if not (data.get("what_happened") or "").strip():
                self.add_error("what_happened", "Say what happened for pupils.")
        elif data.get("tried") is False:
            data["level"], data["what_happened"] = "", ""
        return data


class NeedForm(OwnedForm):
    class Meta:
        model = Need
        fields = ["area", "description", "priority", "goal", "status"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "priority": forms.RadioSelect,
        }
        labels = {"goal": "Linked goal (optional)"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = ExpertiseArea.objects.order_by("name")
        self.fields["area"].empty_label = "Choose an area"
        self.fields["goal"].queryset = Goal.objects.filter(owner=self.owner).order_by(
            "-academic_year", "title"
        )
        self.fields["goal"].empty_label = "No goal"
        if self.instance.pk:
            status = self.fields["status"]
            status.choices = [
                (value, label)
                for value, label in Need.Status.choices
                if value != Need.Status.PASSED or self.instance.status == Need.Status.PASSED
            ]
        else:
            del self.fields["status"]


class DecideNeedForm(forms.Form):
    status = forms.ChoiceField(choices=Need.Status.choices)


class StatementForm(forms.Form):
    text = forms.CharField(
        label="Your statement",
        widget=forms.Textarea(attrs={"rows": 24}),
        max_length=STATEMENT_MAX,
        help_text="Edit it as you like; it is saved for this year. “Start again” drafts it afresh. "
        f"Up to {STATEMENT_MAX:,} characters.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        worded_limits(self)

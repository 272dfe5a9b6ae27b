"""Forms of a lesson-study cycle. Case pupils are codes, never names: the forms say so."""

from __future__ import annotations

from django import forms
from django.core.validators import RegexValidator

from cpdhub.singleline import SingleLineFormField
from cpdhub.textbounds import worded_limits
from hubs.models import School

from .forms import DateInput, TimeInput
from .models import CASE_PUPIL_TEXT_MAX, NO_NAMES_CODE, NO_PUPIL_NAMES, CasePupil, Cycle

NEVER_NAMES = (
    "Never write a pupil's name, here or anywhere in the group: the group knows its case pupils "
    "as A, B, C."
)


class PlanForm(forms.ModelForm):
    """The shared plan and the research lesson's date, times and host school (a member's
    school)."""

    class Meta:
        model = Cycle
        fields = ["plan", "lesson_date", "lesson_start", "lesson_end", "host_school"]
        widgets = {
            "lesson_date": DateInput(),
            "lesson_start": TimeInput(),
            "lesson_end": TimeInput(),
            "plan": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {
            "lesson_start": "Observers from other schools ask release time for these times.",
        }

    def __init__(self, *args, schools=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host_school"].queryset = School.objects.filter(
            pk__in=[s for s in schools if s]
        ).order_by("name")
        worded_limits(self)


class CasePupilForm(forms.Form):
    code = SingleLineFormField(
        max_length=3,
        help_text=NO_NAMES_CODE,
        validators=[RegexValidator(r"^[A-Za-z0-9]{1,3}$", NO_NAMES_CODE)],
    )
    description = SingleLineFormField(
        max_length=200, help_text=CasePupil.description.field.help_text
    )

    def clean_code(self) -> str:
        return self.cleaned_data["code"].upper()


class EntryForm(forms.Form):
    """A prediction, an observation or interview notes for one case pupil."""

    case_pupil = forms.ModelChoiceField(queryset=CasePupil.objects.none(), label="Case pupil")
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=CASE_PUPIL_TEXT_MAX,
        help_text=NO_PUPIL_NAMES,
    )

    def __init__(self, *args, pupils=(), label="What you write", **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["case_pupil"]
        field.queryset = CasePupil.objects.filter(pk__in=[p.pk for p in pupils])
        field.label_from_instance = lambda pupil: f"{pupil.code}: {pupil.description}"
        self.fields["text"].label = label
        worded_limits(self)


class DiscussionForm(forms.ModelForm):
    class Meta:
        model = Cycle
        fields = ["discussion"]
        widgets = {"discussion": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["discussion"].required = True
        worded_limits(self)

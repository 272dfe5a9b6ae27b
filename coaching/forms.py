"""Coaching's forms. Every text box inside a relationship says not to write pupils' names."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone

from cpdhub.singleline import SingleLineFormField
from cpdhub.textbounds import worded_limits
from hubs.models import Phase, School, Subject, User
from portfolios.models import MAX_HOURS, Goal

from .models import (
    DEFAULT_RHYTHM_DAYS,
    MAX_RHYTHM_DAYS,
    NO_PUPIL_NAMES,
    REFLECTION_MAX,
    ActionStep,
    Category,
    Meeting,
    Observation,
    Step,
    Visit,
)
from .services import MAX_MEMBERS


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _person(address: str) -> User:
    user = User.objects.filter(email__iexact=address.strip(), is_active=True).first()
    if user is None:
        raise forms.ValidationError(
            f"Nobody here has the address {address.strip()}. Check the spelling."
        )
    return user


class StepFilterForm(forms.Form):
    """The library's search and filters (read from the query string)."""

    SCOPES = [("", "Community and school"), ("community", "Community"), ("school", "My school")]

    q = SingleLineFormField(label="Search", required=False, max_length=100)
    category = forms.ChoiceField(choices=[("", "Any category"), *Category.choices], required=False)
    phase = forms.ModelChoiceField(
        queryset=Phase.objects.all(), required=False, empty_label="Any phase"
    )
    subject = forms.ModelChoiceField(
        queryset=Subject.objects.all(), required=False, empty_label="Any subject"
    )
    scope = forms.ChoiceField(label="Whose steps", choices=SCOPES, required=False)

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v not in ("", None)}


class StepForm(forms.ModelForm):
    """A step for the library: the community's, or the proposer's school's."""

    model_link = forms.URLField(
        label="Model",
        required=False,
        assume_scheme="https",
        help_text="A link to a video or a written example of the step done well.",
    )
    field_order = [
        "title",
        "category",
        "action",
        "success_criteria",
        "model_link",
        "model_example",
        "phases",
        "subjects",
        "for_school",
    ]
    for_school = forms.BooleanField(
        label="Only for my school",
        required=False,
        help_text="Leave unticked to offer it to the whole community.",
    )

    class Meta:
        model = Step
        fields = [
            "title",
            "category",
            "action",
            "success_criteria",
            "model_example",
            "phases",
            "subjects",
        ]
        widgets = {
            "action": forms.Textarea(attrs={"rows": 3}),
            "success_criteria": forms.Textarea(attrs={"rows": 3}),
            "model_example": forms.Textarea(attrs={"rows": 4}),
            "phases": forms.CheckboxSelectMultiple,
            "subjects": forms.SelectMultiple(attrs={"size": 6}),
        }
        help_texts = {"phases": "None: any phase."}

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        worded_limits(self)
        if not user.school_id:
            del self.fields["for_school"]

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("model_link") and not (cleaned.get("model_example") or "").strip():
            self.add_error(
                "model_example",
                "Give a model: a link to the step done well, "
                "or write what it looks and sounds like.",
            )
        return cleaned


class SetUpForm(forms.Form):
    """A CPD leader or the coordinator pairs a coach with teachers (a triad, a small group)."""

    coach = forms.EmailField(
        label="Coach's email address",
        required=False,
        help_text="The coach may be in any school of the community. Leave empty for peer "
        "coaching among the teachers below.",
    )
    teachers = forms.CharField(
        label="Teachers to coach",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2_000,
        help_text=f"Email addresses, one a line (up to {MAX_MEMBERS - 1}).",
    )
    peer = forms.BooleanField(
        label="Peer coaching: everyone coaches and is coached", required=False
    )
    rhythm_days = forms.IntegerField(
        label="Rhythm in days",
        min_value=1,
        max_value=MAX_RHYTHM_DAYS,
        initial=DEFAULT_RHYTHM_DAYS,
        help_text="How often you meet: 14 is every fortnight.",
    )

    def clean_coach(self):
        address = self.cleaned_data.get("coach")
        return _person(address) if address else None

    def clean_teachers(self):
        text = self.cleaned_data.get("teachers") or ""
        addresses = [a.strip() for a in text.replace(",", "\n").splitlines() if a.strip()]
        if not addresses:
            raise forms.ValidationError("Name at least one teacher.")
        if len(addresses) >= MAX_MEMBERS:
            raise forms.ValidationError(f"At most {MAX_MEMBERS - 1} teachers.")
        return [_person(a) for a in addresses]

    def clean(self):
        data = super().clean()
        if not data.get("peer") and not data.get("coach") and "coach" not in self.errors:
            self.add_error("coach", "Name the coach, or tick peer coaching.")
        return data


class RequestForm(forms.Form):
    """A teacher asks an expert for coaching."""

    message = forms.CharField(
        label="What would you like help with?",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=1_000,
        required=False,
        help_text="A sentence or two about your classes and what you want to get better at. "
        + NO_PUPIL_NAMES,
    )
    rhythm_days = forms.IntegerField(
        label="How often would you like to meet (days)?",
        min_value=1,
        max_value=MAX_RHYTHM_DAYS,
        initial=DEFAULT_RHYTHM_DAYS,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        worded_limits(self)


def _teacher_field(coached: list[User]) -> forms.ModelChoiceField:
    field = forms.ModelChoiceField(
        queryset=User.objects.filter(pk__in=[u.pk for u in coached]), label="Teacher"
    )
    field.label_from_instance = lambda u: u.full_name
    if len(coached) == 1:
        field.initial = coached[0].pk
    return field


class ObservationForm(forms.ModelForm):
    class Meta:
        model = Observation
        fields = ["teacher", "kind", "date", "focus", "notes"]
        widgets = {"date": DateInput(), "notes": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, coached: list[User], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["teacher"] = _teacher_field(coached)
        self.fields["date"].initial = timezone.localdate()
        worded_limits(self)


class MeetingForm(forms.ModelForm):
    """A meeting and the one step it sets (from the library, or written here)."""

    library_step = forms.ModelChoiceField(
        queryset=Step.objects.none(),
        required=False,
        label="A step from the library",
        help_text="Its action, success criteria and model are copied into the step; write "
        "below to make it more precise.",
    )
    action = forms.CharField(
        label="The step, in your words",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=ActionStep._meta.get_field("action").max_length,
        help_text="One precise, observable action. " + NO_PUPIL_NAMES,
    )
    success_criteria = forms.CharField(
        label="Success criteria",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=ActionStep._meta.get_field("success_criteria").max_length,
        help_text="What you will see when it is done well. " + NO_PUPIL_NAMES,
    )
    model_link = forms.URLField(
        label="Model",
        required=False,
        assume_scheme="https",
        help_text="A link to a video or a written example.",
    )
    category = forms.ChoiceField(choices=[("", "—"), *Category.choices], required=False)
    check_back = forms.DateField(
        label="Check back on",
        required=False,
        widget=DateInput(),
        help_text="When you will look for the step in a lesson. We remind you both the day before.",
    )

    class Meta:
        model = Meeting
        fields = ["teacher", "date", "observation", "praise", "rehearsed", "notes"]
        widgets = {
            "date": DateInput(),
            "praise": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"observation": "After the observation"}

    field_order = [
        "teacher",
        "date",
        "observation",
        "praise",
        "library_step",
        "action",
        "success_criteria",
        "model_link",
        "category",
        "rehearsed",
        "check_back",
        "notes",
    ]

    def __init__(self, *args, coached: list[User], observations, steps, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["teacher"] = _teacher_field(coached)
        self.fields["observation"].queryset = observations
        self.fields["observation"].required = False
        self.fields["library_step"].queryset = steps
        self.fields["date"].initial = timezone.localdate()
        self.order_fields(self.field_order)
        worded_limits(self)

    def clean(self):
        data = super().clean()
        if not data.get("library_step") and not (data.get("action") or "").strip():
            self.add_error("action", "Choose a step from the library or write one.")
        return data


class MoveForm(forms.Form):
    status = forms.ChoiceField(
        choices=[
            (ActionStep.Status.PRACTISING, "Practising"),
            (ActionStep.Status.EMBEDDED, "Embedded"),
            (ActionStep.Status.CLOSED, "Closed"),
        ]
    )


class CheckBackForm(forms.Form):
    check_back = forms.DateField(label="New check-back date", widget=DateInput())


class StatusForm(forms.Form):
    action = forms.ChoiceField(choices=[("pause", "Pause"), ("resume", "Resume"), ("end", "End")])


class AnswerForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", "Accept"), ("decline", "Decline")])


class DecideForm(forms.Form):
    decision = forms.ChoiceField(choices=[("publish", "Publish"), ("decline", "Decline")])


class CopyForm(forms.Form):
    """The teacher copies an embedded step into their portfolio, with their own reflection."""

    reflection = forms.CharField(
        label="Your reflection",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=REFLECTION_MAX,
        help_text="What changed in your lessons, and what you learned. " + NO_PUPIL_NAMES,
    )
    goal = forms.ModelChoiceField(
        queryset=Goal.objects.none(), required=False, label="Link it to a goal"
    )
    hours = forms.DecimalField(
        label="Hours",
        min_value=Decimal("0.25"),
        max_value=MAX_HOURS,
        decimal_places=2,
        initial=Decimal("1"),
        help_text="The time the coaching on this step took, in hours.",
    )

    def __init__(self, *args, owner: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["goal"].queryset = Goal.objects.filter(
            owner=owner, status=Goal.Status.ACTIVE
        ).order_by("-academic_year", "title")
        worded_limits(self)


class ShareForm(forms.Form):
    colleague = forms.EmailField(
        label="Colleague's email address",
        help_text="They can read this one item, not change it, until you withdraw it.",
    )

    def clean_colleague(self):
        return _person(self.cleaned_data["colleague"])


class VisitForm(forms.Form):
    """A visit to a teacher's school: when, and what for. Release time (cover, costs) is asked
    next, by the session's own booking form."""

    school = forms.ModelChoiceField(
        queryset=School.objects.none(), empty_label=None, label="School you will visit"
    )
    date = forms.DateField(widget=DateInput())
    start_time = forms.TimeField(
        label="Starts (London time)", widget=forms.TimeInput(attrs={"type": "time"})
    )
    end_time = forms.TimeField(label="Ends", widget=forms.TimeInput(attrs={"type": "time"}))
    purpose = forms.ChoiceField(label="What for", choices=Visit.Purpose.choices)

    def __init__(self, *args, schools: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = School.objects.filter(pk__in=[s.pk for s in schools])

    def clean(self):
        data = super().clean()
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", "The visit must end after it starts.")
        return data

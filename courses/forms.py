"""The courses app's forms: the catalogue's filters, adding a course, a review, a request."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.db import models
from django.utils import timezone

from cpd_sessions import lifecycle
from cpd_sessions.models.limits import (
    MAX_COVER_LESSONS,
    MAX_RELEASE_TOTAL,
    MAX_SUPPLY_PER_DAY,
    MAX_TRAVEL,
)
from cpd_sessions.money import format_money
from cpdhub import querystring
from cpdhub.singleline import SingleLineFormField
from cpdhub.textbounds import worded_limits
from experts.models import ExpertiseArea
from hubs.models import Phase, School
from portfolios.models import Goal

from .models import MAX_COURSE_COST, TEXT_MAX, Course, OutsideNetwork, Review
from .selectors import COST_BANDS, SORTS
from .services import MAX_COURSE_DAYS


class DateInput(forms.DateInput):
    input_type = "date"


class TimeInput(forms.TimeInput):
    input_type = "time"


class SlugChoiceField(forms.ModelChoiceField):
    """A choice by slug from the query string: anything that is not a slug is not looked up."""

    def to_python(self, value):
        if value not in self.empty_values and not querystring.slug_param({"v": value}, "v"):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(value)


class CourseFilterForm(forms.Form):
    """The catalogue's search, filters and order (read from the query string)."""

    q = SingleLineFormField(label="Search", required=False, max_length=querystring.TEXT_MAX)
    area = SlugChoiceField(
        queryset=ExpertiseArea.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        empty_label="Any area",
    )
    phase = SlugChoiceField(
        queryset=Phase.objects.all(), to_field_name="slug", required=False, empty_label="Any phase"
    )
    format = forms.ChoiceField(choices=[("", "Any format"), *Course.Format.choices], required=False)
    cost = forms.ChoiceField(
        label="Cost",
        choices=[("", "Any cost"), *((k, v[0]) for k, v in COST_BANDS.items())],
        required=False,
    )
    sort = forms.ChoiceField(
        label="Order",
        choices=[(k, v[0]) for k, v in SORTS.items()],
        required=False,
    )

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v not in ("", None)}


def _formfield(field, **kwargs):
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class CourseForm(forms.ModelForm):
    """A course for the list: by the coordinator, or by someone who attended it."""

    provider_name = SingleLineFormField(
        label="Provider", max_length=160, help_text="Who runs it: a company, university, hub."
    )
    attended = forms.BooleanField(label="I have attended this course", required=False)

    class Meta:
        model = Course
        formfield_callback = _formfield
        fields = [
            "title", "provider_name", "format", "cost", "starts_on", "on_demand", "link",
            "areas", "phases", "description", "attended",
        ]  # fmt: skip
        widgets = {
            "starts_on": DateInput(),
            "areas": forms.CheckboxSelectMultiple,
            "phases": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, coordinator: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["areas"].queryset = ExpertiseArea.objects.order_by("name")
        self.fields["phases"].queryset = Phase.objects.all()
        self.fields[
            "cost"
        ].help_text = f"The fee for one person, at most {format_money(MAX_COURSE_COST)}."
        if coordinator:
            del self.fields["attended"]
        else:
            self.fields["attended"].required = True
            self.fields[
                "attended"
            ].help_text = "Colleagues add courses they have been on; the coordinator adds others."
        worded_limits(self)


class ReviewForm(forms.ModelForm):
    will_try = forms.CharField(
        label="What I will try in my teaching",
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Logged in your portfolio with the course; six weeks on you are asked how it "
        "went. Only you see it.",
    )

    class Meta:
        model = Review
        fields = ["attended_on", "rating", "recommend", "for_whom", "comment"]
        widgets = {
            "attended_on": DateInput(),
            "rating": forms.RadioSelect(choices=[(n, str(n)) for n in range(1, 6)]),
            "comment": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {"comment": "Colleagues see it with your name and school."}

    def __init__(self, *args, logs: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recommend"].required = False
        if not logs:
            del self.fields["will_try"]
        worded_limits(self)

    def clean_attended_on(self):
        day = self.cleaned_data["attended_on"]
        if day > timezone.localdate():
            raise forms.ValidationError("Review a course after you have attended it.")
        return day


class CourseDayForm(forms.Form):
    """One day of the course: its date and hours."""

    date = forms.DateField(label="Date", required=True, widget=DateInput())
    start_time = forms.TimeField(label="Starts at", widget=TimeInput())
    end_time = forms.TimeField(label="Ends at", widget=TimeInput())

    def clean_date(self):
        day = self.cleaned_data["date"]
        if day < timezone.localdate():
            raise forms.ValidationError("This day is in the past: choose a later date.")
        if day > timezone.localdate() + lifecycle.HORIZON:
            raise forms.ValidationError("Choose a date within the next two years.")
        return day

    def clean(self):
        data = super().clean()
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", "The course must end after it starts on this day.")
        return data


class BaseCourseDays(forms.BaseFormSet):
    """The course's days: the first is needed, the others only when filled in; each date once."""

    default_error_messages = {
        "too_few_forms": "Give the day the course runs (or each of its days).",
        "too_many_forms": f"A request covers at most {MAX_COURSE_DAYS} days.",
    }

    def clean(self):
        if any(self.errors):
            return
        seen: dict = {}
        for number, form in enumerate(self.forms, start=1):
            day = form.cleaned_data.get("date")
            if day is None:
                continue
            if day in seen:
                form.add_error("date", f"The same date as day {seen[day]}: give each day once.")
            else:
                seen[day] = number
        if not seen:
            raise forms.ValidationError("Give the day the course runs (or each of its days).")

    def days(self) -> list[tuple]:
        """(date, start, end) of each day given, in date order."""
        return sorted(
            (f.cleaned_data["date"], f.cleaned_data["start_time"], f.cleaned_data["end_time"])
            for f in self.forms
            if f.cleaned_data.get("date")
        )


CourseDays = forms.formset_factory(
    CourseDayForm,
    formset=BaseCourseDays,
    extra=MAX_COURSE_DAYS - 1,
    min_num=1,
    validate_min=True,
    max_num=MAX_COURSE_DAYS,
    absolute_max=MAX_COURSE_DAYS,
    validate_max=True,
)


def course_days(data=None, *, starts_on=None) -> BaseCourseDays:
    initial = [{"date": starts_on}] if starts_on else None
    return CourseDays(data, prefix="day", initial=initial)


class RequestForm(forms.Form):
    """A request to attend: the costs and cover for all its days, why, and the goal it serves
    (the days themselves are ``CourseDays``, beside it)."""

    fee = forms.DecimalField(
        label="Course fee (£)",
        min_value=Decimal(0),
        max_value=MAX_COURSE_COST,
        decimal_places=2,
        max_digits=9,
        help_text=f"At most {format_money(MAX_COURSE_COST)}.",
    )
    travel_cost = forms.DecimalField(
        label="Travel (£)",
        min_value=Decimal(0),
        max_value=MAX_TRAVEL,
        decimal_places=2,
        max_digits=9,
        initial=Decimal(0),
        help_text=f"At most {format_money(MAX_TRAVEL)}.",
    )
    supply_cost = forms.DecimalField(
        label="Cover or supply, all days (£)",
        min_value=Decimal(0),
        max_value=MAX_SUPPLY_PER_DAY * MAX_COURSE_DAYS,
        decimal_places=2,
        max_digits=9,
        initial=Decimal(0),
        help_text=f"The total for every day of the course: at most "
        f"{format_money(MAX_SUPPLY_PER_DAY)} a day.",
    )
    cover_lessons = forms.IntegerField(
        label="Lessons needing cover",
        min_value=0,
        max_value=MAX_COVER_LESSONS,
        initial=0,
        help_text=f"Over all the days; at most {MAX_COVER_LESSONS}.",
    )
    cover_notes = SingleLineFormField(
        label="Cover details",
        required=False,
        max_length=300,
        help_text="For example: Year 4, Tuesday periods 3 to 5.",
    )
    goal = forms.ModelChoiceField(
        label="The goal it serves", queryset=Goal.objects.none(), empty_label=None
    )
    why = forms.CharField(
        label="Why this course",
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Your CPD leader reads this with the costs.",
    )

    def __init__(self, *args, goals=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["goal"].queryset = goals if goals is not None else Goal.objects.none()
        worded_limits(self)

    def clean(self):
        data = super().clean()
        total = sum(
            (data.get(k) or Decimal(0) for k in ("fee", "travel_cost", "supply_cost")), Decimal(0)
        )
        if total > MAX_RELEASE_TOTAL:
            raise forms.ValidationError(
                f"The costs come to {format_money(total)}; one request is at most "
                f"{format_money(MAX_RELEASE_TOTAL)}."
            )
        return data


class NetworkForm(forms.ModelForm):
    """An outside network, as the coordinator keeps it."""

    class Meta:
        model = OutsideNetwork
        formfield_callback = _formfield
        fields = ["name", "kind", "link", "contact", "description", "schools", "areas"]
        widgets = {
            "schools": forms.CheckboxSelectMultiple,
            "areas": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {"link": "Its website, starting https://"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["schools"].queryset = School.objects.order_by("name")
        self.fields["areas"].queryset = ExpertiseArea.objects.order_by("name")
        worded_limits(self)


class HideForm(forms.Form):
    hidden = forms.BooleanField(required=False)

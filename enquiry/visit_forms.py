"""Peer visits' forms: asking to visit, the host school's answer, the visitor's notes and
thanks."""

from __future__ import annotations

from django import forms

from hubs.models import School, User

from .forms import DateInput, TimeInput
from .models import NO_PUPIL_NAMES, PeerVisit


class VisitAskForm(forms.ModelForm):
    """Ask to visit a school: which, a focus, dates that suit, why."""

    class Meta:
        model = PeerVisit
        fields = ["host_school", "focus", "dates", "why"]
        labels = {"host_school": "School to visit", "why": "Why this visit"}
        widgets = {"why": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        schools = School.objects.order_by("name")
        if user is not None and user.school_id:
            schools = schools.exclude(pk=user.school_id)
        self.fields["host_school"].queryset = schools
        self.fields["host_school"].empty_label = "Choose a school"
        self.fields["why"].help_text = NO_PUPIL_NAMES


class VisitAcceptForm(forms.Form):
    """A host school's CPD leader accepts: the host and the day."""

    host = forms.ModelChoiceField(queryset=User.objects.none(), label="Host")
    date = forms.DateField(widget=DateInput())
    start_time = forms.TimeField(label="Starts at", widget=TimeInput())
    end_time = forms.TimeField(label="Ends at", widget=TimeInput())

    def __init__(self, *args, hosts=None, **kwargs):
        super().__init__(*args, **kwargs)
        if hosts is not None:
            self.fields["host"].queryset = hosts
        self.fields["host"].label_from_instance = lambda u: u.full_name


class VisitNotesForm(forms.ModelForm):
    """The visitor's notes, theirs alone unless they share them with their host."""

    class Meta:
        model = PeerVisit
        fields = ["notes", "notes_shared"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 8})}


class VisitThanksForm(forms.ModelForm):
    """A thank-you to the host: it counts as help on their profile."""

    class Meta:
        model = PeerVisit
        fields = ["thanks"]
        widgets = {"thanks": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["thanks"].required = True

"""The school year's forms: plain fields; the services check the rules."""

from __future__ import annotations

from django import forms

from cpdhub.singleline import SingleLineFormField
from experts.models import ExpertiseArea
from hubs.models import School, User

from .models import TEXT_MAX, TRY_MAX, PlanDate, Priority, Team, TeamMeeting

DATE = forms.DateInput(attrs={"type": "date"})
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def _staff(school: School):
    return User.objects.filter(school=school, is_active=True).order_by("last_name", "first_name")


class StaffChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.full_name} ({obj.email})"


class TeamForm(forms.Form):
    name = SingleLineFormField(
        max_length=100, help_text="For example: Science, Key Stage 1, ECTs and mentors."
    )
    kind = forms.ChoiceField(choices=Team.Kind.choices)
    leader = StaffChoice(queryset=User.objects.none(), required=False, label="Team leader")
    focus = forms.CharField(
        label="Shared focus",
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, school: School, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = _staff(school)


class TeamEditForm(forms.Form):
    focus = forms.CharField(
        label="Shared focus",
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    leader = StaffChoice(
        queryset=User.objects.none(),
        required=False,
        label="Team leader",
        help_text="The school's CPD leaders choose the team's leader.",
    )

    def __init__(self, *args, school: School, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = _staff(school)


class MemberForm(forms.Form):
    user = StaffChoice(queryset=User.objects.none(), label="Member of staff")

    def __init__(self, *args, school: School, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = _staff(school)


class SeriesForm(forms.Form):
    title = SingleLineFormField(max_length=120, initial="Team meeting")
    first_date = forms.DateField(label="First meeting", widget=DATE)
    last_date = forms.DateField(label="Last meeting on or before", widget=DATE)
    start_time = forms.TimeField(label="Starts at", widget=TIME, initial="15:30")
    end_time = forms.TimeField(label="Ends at", widget=TIME, initial="16:30")
    every_weeks = forms.TypedChoiceField(
        label="How often",
        coerce=int,
        initial=2,
        choices=[
            (1, "Every week"),
            (2, "Every two weeks"),
            (3, "Every three weeks"),
            (4, "Every four weeks"),
        ],
    )


class MeetingForm(forms.Form):
    focus = SingleLineFormField(
        label="Teaching and learning focus",
        max_length=200,
        required=False,
        help_text="One thing, precisely.",
    )
    priority = forms.ModelChoiceField(
        queryset=Priority.objects.none(), required=False, label="School priority it serves"
    )
    agenda = forms.CharField(
        required=False, max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )
    notes = forms.CharField(
        required=False, max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, meeting: TeamMeeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["priority"].queryset = Priority.objects.filter(school_id=meeting.team.school_id)


class AttendanceForm(forms.Form):
    present = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Who came",
    )

    def __init__(self, *args, team: Team, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["present"]
        field.queryset = User.objects.filter(team_memberships__team=team).order_by("last_name")
        field.label_from_instance = lambda u: u.full_name


class TryForm(forms.Form):
    text = forms.CharField(
        label="What I will try before next time",
        required=False,
        max_length=TRY_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PlanDateForm(forms.Form):
    kind = forms.ChoiceField(choices=PlanDate.Kind.choices)
    title = SingleLineFormField(
        max_length=120,
        help_text="For example: INSET: assessment, or Coaching cycle 1 (a coaching window).",
    )
    start = forms.DateField(label="Date (first day)", widget=DATE)
    end = forms.DateField(
        label="Last day (protected weeks, coaching windows)", widget=DATE, required=False
    )
    start_time = forms.TimeField(label="Starts at (twilights)", widget=TIME, required=False)
    end_time = forms.TimeField(label="Ends at (twilights)", widget=TIME, required=False)


class MoveForm(forms.Form):
    start = forms.DateField(label="New date", widget=DATE)
    end = forms.DateField(
        label="Last day (protected weeks, coaching windows)", widget=DATE, required=False
    )
    start_time = forms.TimeField(label="Starts at (twilights)", widget=TIME, required=False)
    end_time = forms.TimeField(label="Ends at (twilights)", widget=TIME, required=False)


class PriorityForm(forms.Form):
    title = SingleLineFormField(max_length=160)
    why = forms.CharField(
        required=False, max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )
    areas = forms.ModelMultipleChoiceField(
        queryset=ExpertiseArea.objects.order_by("name"),
        required=False,
        label="Expertise areas it covers",
        widget=forms.CheckboxSelectMultiple,
    )
    coaching_category = forms.ChoiceField(
        choices=[("", "None"), *Priority._meta.get_field("coaching_category").choices],
        required=False,
        label="Coaching steps it covers",
    )


class CommunityDateForm(forms.Form):
    date = forms.DateField(widget=DATE)
    title = SingleLineFormField(max_length=120, initial="Community INSET day")

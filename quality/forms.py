"""A review's forms. Fields for criteria and parts are made from the framework (it is data)."""

from __future__ import annotations

from django import forms

from cpdhub.singleline import SingleLineFormField
from cpdhub.textbounds import worded_limits
from hubs.models import User

from .models import ACTION_MAX, COMMENT_MAX, FINDING_MAX, Level, Part

NOT_YET_RATED = ""
NO_NAMES = "Do not name pupils or colleagues."


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


def _level_choices(levels: list[Level], blank: str) -> list[tuple[str, str]]:
    return [(NOT_YET_RATED, blank), *[(str(lv.pk), lv.name) for lv in levels]]


class PartRatingForm(forms.Form):
    """One part's criteria: a level, a comment and evidence for each."""

    def __init__(self, *args, ratings, levels, **kwargs):
        super().__init__(*args, **kwargs)
        self.ratings = ratings
        for rating in ratings:
            c = rating.criterion
            self.fields[f"level_{c.pk}"] = forms.ChoiceField(
                label=f"{c.part.number}.{c.number} {c.text}",
                choices=_level_choices(levels, "Not rated yet"),
                required=False,
                initial=str(rating.level_id or ""),
                widget=forms.RadioSelect,
            )
            self.fields[f"comment_{c.pk}"] = forms.CharField(
                label="Comment",
                required=False,
                max_length=COMMENT_MAX,
                initial=rating.comment,
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text=NO_NAMES,
            )
            self.fields[f"evidence_{c.pk}"] = forms.CharField(
                label="Evidence",
                required=False,
                max_length=COMMENT_MAX,
                initial=rating.evidence,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        worded_limits(self)

    def rows(self):
        for rating in self.ratings:
            c = rating.criterion.pk
            yield rating, self[f"level_{c}"], self[f"comment_{c}"], self[f"evidence_{c}"]

    def ratings_data(self) -> dict[int, dict]:
        out = {}
        for rating in self.ratings:
            c = rating.criterion.pk
            level = self.cleaned_data[f"level_{c}"]
            out[c] = {
                "level": int(level) if level else None,
                "comment": self.cleaned_data[f"comment_{c}"],
                "evidence": self.cleaned_data[f"evidence_{c}"],
            }
        return out


class SurveyForm(forms.Form):
    """One statement a part, each rated on the framework's levels."""

    def __init__(self, *args, parts: list[Part], levels: list[Level], **kwargs):
        super().__init__(*args, **kwargs)
        self.parts = parts
        for part in parts:
            self.fields[f"part_{part.pk}"] = forms.TypedChoiceField(
                label=part.survey_statement,
                choices=[(str(lv.rank), lv.name) for lv in levels],
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": "Choose an answer for this statement."},
            )

    def scores(self) -> dict[int, int]:
        return {p.pk: self.cleaned_data[f"part_{p.pk}"] for p in self.parts}


class ReviewerForm(forms.Form):
    reviewer = forms.TypedChoiceField(
        label="Peer reviewer", coerce=int, help_text="CPD leaders of similar schools come first."
    )

    def __init__(self, *args, people: list[User], **kwargs):
        super().__init__(*args, **kwargs)
        self.people = {u.pk: u for u in people}
        self.fields["reviewer"].choices = [
            ("", "Choose a CPD leader"),
            *[
                (u.pk, f"{u.full_name} ({u.school.name if u.school else 'no school'})")
                for u in people
            ],
        ]

    def clean_reviewer(self) -> User:
        return self.people[self.cleaned_data["reviewer"]]


class VisitForm(forms.Form):
    date = forms.DateField(widget=DateInput())
    start_time = forms.TimeField(label="From", widget=TimeInput())
    end_time = forms.TimeField(label="Until", widget=TimeInput())


class FindingsForm(forms.Form):
    """The reviewer's finding (a level and words) for each part."""

    def __init__(self, *args, parts: list[Part], levels: list[Level], findings: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.parts = parts
        for part in parts:
            found = findings.get(part.pk)
            self.fields[f"level_{part.pk}"] = forms.ChoiceField(
                label=f"Level for {part.number}. {part.title}",
                choices=_level_choices(levels, "No level given"),
                required=False,
                initial=str(found.level_id or "") if found else "",
            )
            self.fields[f"text_{part.pk}"] = forms.CharField(
                label=f"Findings for {part.number}. {part.title}",
                required=False,
                max_length=FINDING_MAX,
                initial=found.text if found else "",
                widget=forms.Textarea(attrs={"rows": 4}),
                help_text=NO_NAMES,
            )
        worded_limits(self)

    def rows(self):
        for part in self.parts:
            yield part, self[f"level_{part.pk}"], self[f"text_{part.pk}"]

    def findings_data(self) -> dict[int, dict]:
        return {
            p.pk: {
                "level": int(self.cleaned_data[f"level_{p.pk}"])
                if self.cleaned_data[f"level_{p.pk}"]
                else None,
                "text": self.cleaned_data[f"text_{p.pk}"],
            }
            for p in self.parts
        }


class ActionForm(forms.Form):
    text = SingleLineFormField(label="Action", max_length=ACTION_MAX)
    part = forms.TypedChoiceField(label="The part it addresses", coerce=int)
    owner = forms.TypedChoiceField(label="Owner", coerce=int, required=False, empty_value=None)
    due_on = forms.DateField(label="Due by", required=False, widget=DateInput())

    def __init__(self, *args, parts: list[Part], staff: list[User], **kwargs):
        super().__init__(*args, **kwargs)
        self.parts_by_pk = {p.pk: p for p in parts}
        self.staff = {u.pk: u for u in staff}
        self.fields["part"].choices = [(p.pk, f"{p.number}. {p.title}") for p in parts]
        self.fields["owner"].choices = [("", "Nobody yet"), *[(u.pk, u.full_name) for u in staff]]
        worded_limits(self)

    def clean_part(self) -> Part:
        return self.parts_by_pk[self.cleaned_data["part"]]

    def clean_owner(self) -> User | None:
        owner = self.cleaned_data["owner"]
        return self.staff[owner] if owner is not None else None

import datetime
from decimal import Decimal

from django import forms
from django.db import models
from django.utils import timezone

from cpdhub import querystring
from cpdhub.singleline import SingleLineFormField
from cpdhub.textbounds import bound_text, worded_limits
from experts.models import ExpertiseArea
from hubs.models import Hub, Phase, School, Subject, SubjectNetwork, User

from . import lifecycle, slots
from .models import (
    CANCEL_REASON_MAX,
    MAX_ALLOCATION,
    MAX_COVER_LESSONS,
    MAX_GOAL_LENGTH,
    MAX_RELEASE_TOTAL,
    MAX_SUPPLY_PER_DAY,
    MAX_TRAVEL,
    MESSAGE_BODY_MAX,
    MESSAGE_SUBJECT_MAX,
    WILL_CHANGE_MAX,
    DevelopmentSession,
    Feedback,
    ReleaseRequest,
)
from .money import format_money


def _formfield(field, **kwargs):
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class SessionForm(forms.ModelForm):
    """Offer (or change) a session. A series is a first date repeated every N weeks."""

    first_date = forms.DateField(
        label="Date (of the first meeting)", widget=forms.DateInput(attrs={"type": "date"})
    )
    start_time = forms.TimeField(
        label="Starts (London time)", widget=forms.TimeInput(attrs={"type": "time"})
    )
    end_time = forms.TimeField(label="Ends", widget=forms.TimeInput(attrs={"type": "time"}))
    meetings = forms.IntegerField(
        label="Number of meetings",
        min_value=1,
        max_value=12,
        initial=1,
        help_text="For a series, e.g. four twilights: booked once, all dates together.",
    )
    weeks_apart = forms.IntegerField(
        label="Weeks between meetings", min_value=1, max_value=8, initial=1, required=False
    )
    slot_minutes = forms.IntegerField(
        label="Divide a consultant's day into slots of (minutes)",
        required=False,
        min_value=15,
        max_value=240,
        help_text=(
            "For a consultant who can come for a day, e.g. 12:00 to 18:00: each slot becomes a "
            "session of its own for a small group, with the places above, and the consultant's "
            "fee is shared equally between the slots. Leave empty for one session."
        ),
    )
    job_roles = forms.MultipleChoiceField(
        choices=User.JobRole.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="For these roles",
        help_text="Leave all unticked if anyone may come.",
    )

    class Meta:
        model = DevelopmentSession
        formfield_callback = _formfield
        fields = [
            "title",
            "description",
            "kind",
            "areas",
            "phases",
            "subjects",
            "job_roles",
            "scope",
            "hub",
            "network",
            "school",
            "format",
            "venue_school",
            "room",
            "join_link",
            "capacity",
            "booking_deadline",
            "consultant",
            "fee",
            "cost_split",
            "min_places",
            "min_schools",
            "decision_date",
            "recording_url",
            "recording_consent",
            "materials",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "materials": forms.Textarea(attrs={"rows": 3}),
            "areas": forms.CheckboxSelectMultiple,
            "phases": forms.CheckboxSelectMultiple,
            "subjects": forms.CheckboxSelectMultiple,
            "booking_deadline": forms.DateTimeInput(attrs={"type": "datetime-local"}),
            "decision_date": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["areas"].queryset = ExpertiseArea.objects.order_by("name")
        self.fields["phases"].queryset = Phase.objects.order_by("position")
        self.fields["subjects"].queryset = Subject.objects.order_by("name")
        self.fields["hub"].queryset = Hub.objects.order_by("name")
        self.fields["network"].queryset = SubjectNetwork.objects.order_by("name")
        self.fields["school"].queryset = School.objects.order_by("name")
        self.fields["venue_school"].queryset = School.objects.order_by("name")
        self.fields["venue_school"].label = "Venue (school)"
        # A private session, a coaching visit and an external course are made by other apps
        # (coaching, courses), never offered here; a coordinator editing one keeps its choice.
        for name, made_elsewhere in (
            ("scope", DevelopmentSession.Scope.PRIVATE),
            ("kind", DevelopmentSession.Kind.COACHING_VISIT),
            ("kind", DevelopmentSession.Kind.EXTERNAL_COURSE),
        ):
            if getattr(self.instance, name) != made_elsewhere:
                field = self.fields[name]
                field.choices = [c for c in field.choices if c[0] != made_elsewhere]
        worded_limits(self)
        instance = self.instance
        self.old_dates: list[tuple[datetime.datetime, datetime.datetime]] = []
        if instance.pk:
            del self.fields["slot_minutes"]  # slots are made once, when the day is offered
            dates = list(instance.dates.all())
            self.old_dates = [(d.start, d.end) for d in dates]
            first = timezone.localtime(dates[0].start)
            self.initial.update(
                first_date=first.date(),
                start_time=first.time(),
                end_time=timezone.localtime(dates[0].end).time(),
                meetings=len(dates),
                weeks_apart=(
                    max((dates[1].start - dates[0].start).days // 7, 1) if len(dates) > 1 else 1
                ),
            )

    @staticmethod
    def initial_from(query) -> dict:
        """A link's starting values (``?kind=network_meeting&scope=network&network=3``, as the
        network page's "Plan a meeting" gives): known choices and whole numbers only, the rest
        ignored. The form still validates what is submitted."""
        initial = {}
        if query.get("kind") in DevelopmentSession.Kind.values:
            initial["kind"] = query["kind"]
        if query.get("scope") in DevelopmentSession.Scope.values:
            initial["scope"] = query["scope"]
        for name in ("hub", "network"):
            if (pk := querystring.id_param(query.get(name))) is not None:
                initial[name] = pk
        return initial

    def clean(self):
        data = super().clean()
        scope = data.get("scope")
        target = {"hub": "hub", "network": "network", "school": "school"}.get(scope)
        if target and not data.get(target):
            self.add_error(target, f"Choose the {target} this session is for.")
        for other in {"hub", "network", "school"} - {target}:
            data[other] = None
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", "The session must end after it starts.")
        if data.get("format") in {"online", "hybrid"} and not data.get("join_link"):
            self.add_error("join_link", "An online session needs a join link.")
        if data.get("format") in {"in_person", "hybrid"} and not data.get("venue_school"):
            self.add_error("venue_school", "Say which school hosts it.")
        self._clean_schedule(data)
        if data.get("slot_minutes"):
            self._clean_slots(data)
        return data

    def _clean_slots(self, data: dict) -> None:
        """A consultant's day divided into slots: one day, a consultant, a few places each."""
        if not (
            data.get("consultant") or data.get("kind") == DevelopmentSession.Kind.CONSULTANT_LED
        ):
            self.add_error(
                "slot_minutes", "Slots are for a consultant's day: choose the consultant."
            )
        if data.get("meetings") not in (None, 1):
            self.add_error("slot_minutes", "Slots divide one day: set the number of meetings to 1.")
        if not data.get("capacity"):
            self.add_error("capacity", "Say how many places each slot has (a small group).")
        start, end = data.get("start_time"), data.get("end_time")
        if (
            data.get("first_date")
            and start
            and end
            and end > start
            and not self.has_error("slot_minutes")
        ):
            day = datetime.date(2000, 1, 3)
            error = slots.slot_errors(
                datetime.datetime.combine(day, start),
                datetime.datetime.combine(day, end),
                data["slot_minutes"],
            )
            if error:
                self.add_error("slot_minutes", error)

    def _clean_schedule(self, data: dict) -> None:
        """Dates a school would expect: not in the past, not absurd, deadlines before the start."""
        if self.has_error("first_date") or not all(
            data.get(name) for name in ("first_date", "start_time", "end_time", "meetings")
        ):
            return
        now = timezone.now()
        # Years like 0001 or 9999 are refused before any arithmetic, so nothing overflows.
        if (
            not (now - lifecycle.HORIZON).date()
            <= data["first_date"]
            <= (now + lifecycle.HORIZON).date()
        ):
            self.add_error("first_date", "Choose a date within the next two years.")
            return
        dates = self.dates()
        for field, message in lifecycle.check_dates(dates, old=self.old_dates, now=now).items():
            self.add_error(field, message)
        # The model's own checks (run next, by the ModelForm) meet the meetings submitted, not
        # the ones stored: a decision date is checked against the new first meeting.
        self.instance.start, self.instance.end = dates[0][0], dates[-1][1]
        deadline = data.get("booking_deadline")
        if deadline and deadline < now and deadline != self.instance.booking_deadline:
            self.add_error("booking_deadline", "The booking deadline cannot be in the past.")

    def dates(self) -> list[tuple[datetime.datetime, datetime.datetime]]:
        """Each meeting's start and end, made aware in London time (so BST and GMT are right)."""
        data = self.cleaned_data
        result = []
        for n in range(data["meetings"]):
            day = data["first_date"] + datetime.timedelta(weeks=n * (data.get("weeks_apart") or 1))
            result.append(
                (
                    timezone.make_aware(datetime.datetime.combine(day, data["start_time"])),
                    timezone.make_aware(datetime.datetime.combine(day, data["end_time"])),
                )
            )
        return result

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        for name in (
            "first_date",
            "start_time",
            "end_time",
            "meetings",
            "weeks_apart",
            "slot_minutes",
        ):
            data.pop(name, None)
        return data


class ReleaseForm(forms.ModelForm):
    class Meta:
        model = ReleaseRequest
        fields = ["cover_lessons", "cover_notes", "supply_cost", "travel_cost", "fee_share", "goal"]
        widgets = {"goal": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "goal": "Which of your development goals, or your school's priorities, this serves.",
        }
        labels = {"fee_share": "your share of the consultant's fee (£)"}

    def __init__(self, *args, days: int = 1, fee_share: Decimal | None = None, **kwargs):
        """``days``: how many days the session meets (supply cover is bounded per day).
        ``fee_share``: the product's split of the session's fee for this person
        (``fee_shares.estimated_fee_share``), shown and never typed: a posted figure is ignored."""
        super().__init__(*args, **kwargs)
        self.days = max(days, 1)
        share = fee_share if fee_share is not None else Decimal("0.00")
        self.fields["fee_share"].disabled = True
        self.fields["fee_share"].initial = share
        self.initial["fee_share"] = share
        self.fields["goal"].max_length = MAX_GOAL_LENGTH
        self.fields["goal"].widget.attrs["maxlength"] = MAX_GOAL_LENGTH
        supply_max = MAX_SUPPLY_PER_DAY * self.days
        self.fields["supply_cost"].help_text = (
            f"At most {format_money(MAX_SUPPLY_PER_DAY)} for each day the session meets "
            f"({format_money(supply_max)} for this one)."
        )
        self.fields["travel_cost"].help_text = f"At most {format_money(MAX_TRAVEL)}."
        self.fields["fee_share"].help_text = (
            "Worked out from the session's fee and how it is shared between the schools "
            "taking part, as things stand now; you do not type it. The three costs together "
            f"are at most {format_money(MAX_RELEASE_TOTAL)}."
            if share
            else "This session has no consultant's fee to share."
        )
        self.fields["cover_lessons"].help_text = f"At most {MAX_COVER_LESSONS}."
        self.fields["goal"].help_text = (
            "Which of your development goals, or your school's priorities, this serves "
            f"(at most {MAX_GOAL_LENGTH:,} characters)."
        )

    def clean(self):
        data = super().clean()
        for name in ("supply_cost", "travel_cost", "fee_share"):
            if data.get(name) is not None and data[name] < 0:
                self.add_error(name, "Enter an amount of £0 or more.")
        supply = data.get("supply_cost")
        supply_max = MAX_SUPPLY_PER_DAY * self.days
        if supply is not None and supply > supply_max:
            self.add_error(
                "supply_cost",
                f"Supply cover is at most {format_money(MAX_SUPPLY_PER_DAY)} for each day the "
                f"session meets: {format_money(supply_max)} for this one.",
            )
        costs = [data.get(n) for n in ("supply_cost", "travel_cost", "fee_share")]
        if all(c is not None for c in costs) and sum(costs) > MAX_RELEASE_TOTAL:
            self.add_error(
                "fee_share",
                f"The costs come to {format_money(sum(costs))}; one release is at most "
                f"{format_money(MAX_RELEASE_TOTAL)}.",
            )
        return data


class DecideForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("decline", "Decline")])
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        label="Reason (required to decline)",
    )
    over_budget = forms.BooleanField(
        required=False, label="Approve anyway, over the person's CPD budget"
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "decline" and not data.get("reason", "").strip():
            self.add_error("reason", "Give a reason when you decline, so your colleague knows why.")
        return data


class BudgetForm(forms.Form):
    allocated = forms.DecimalField(
        label="Budget for the year (£)",
        min_value=0,
        max_value=MAX_ALLOCATION,
        max_digits=9,
        decimal_places=2,
        help_text="From £0 to £20,000.",
        error_messages={"max_value": "A CPD budget is at most £20,000 for the year."},
    )


class FeedbackForm(forms.ModelForm):
    class Meta:
        model = Feedback
        fields = ["rating", "most_useful", "will_try", "comment", "share_comment", "anonymous"]
        widgets = {
            "rating": forms.RadioSelect(choices=[(i, str(i)) for i in range(1, 6)]),
            "most_useful": forms.Textarea(attrs={"rows": 2}),
            "will_try": forms.Textarea(attrs={"rows": 2}),
            "comment": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {"rating": "How useful was it? (1 not useful, 5 very useful)"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        worded_limits(self)


class WillChangeForm(forms.Form):
    """A lead's "what we will change", shared with everyone involved in the summary."""

    will_change = forms.CharField(
        label="What we will change",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="From the feedback: what you will keep, change or drop next time. Everyone "
        "who took part reads it in the summary.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bound_text(self.fields["will_change"], WILL_CHANGE_MAX)


class CancelSessionForm(forms.Form):
    reason = SingleLineFormField(label="Why is it cancelled?", max_length=CANCEL_REASON_MAX)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bound_text(self.fields["reason"], CANCEL_REASON_MAX)


def _budget_field(label: str, **kwargs) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        min_value=0,
        max_value=MAX_ALLOCATION,
        max_digits=9,
        decimal_places=2,
        error_messages={
            "max_value": "A CPD budget is at most £20,000 for the year.",
            "min_value": "A CPD budget cannot be less than £0.",
            "invalid": "Enter an amount in pounds, for example 350 or 350.50.",
            "max_decimal_places": "Enter pounds and pence, at most two decimal places.",
        },
        **kwargs,
    )


class StaffBudgetsForm(forms.Form):
    """One budget per person (``budget-<id>``); a blank box leaves that person's budget as it is."""

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.people = {person.pk: person for person in people}
        for person in people:
            self.fields[f"budget-{person.pk}"] = _budget_field(
                f"Budget for {person.full_name} (£)",
                required=False,
                initial=person.allocated if person.budget_set else None,
            )

    def changed_allocations(self) -> dict:
        """The people whose figure differs from the budget they have (or who had none)."""
        result = {}
        for pk, person in self.people.items():
            amount = self.cleaned_data.get(f"budget-{pk}")
            if amount is None:
                continue
            if not person.budget_set or amount != person.allocated:
                result[person] = amount
        return result


class BudgetForAllForm(forms.Form):
    WHO = [
        ("unset", "Only staff with no budget set for the year"),
        ("all", "Everyone listed, replacing the budgets already set"),
    ]
    allocated = _budget_field("Budget for each person (£)", help_text="From £0 to £20,000.")
    who = forms.ChoiceField(
        label="Who gets it", choices=WHO, initial="unset", widget=forms.RadioSelect
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class SessionMessageForm(forms.Form):
    """Email everyone booked. ``token`` makes a second click of the same form one message."""

    subject = SingleLineFormField(
        label="Subject",
        max_length=MESSAGE_SUBJECT_MAX,
        help_text=f"At most {MESSAGE_SUBJECT_MAX} characters. The session's title is added.",
    )
    body = forms.CharField(
        label="Message",
        max_length=MESSAGE_BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=(
            f"At most {MESSAGE_BODY_MAX:,} characters. The session's dates, place and link "
            "are added below it, and replies come to you."
        ),
    )
    include_waitlist = forms.BooleanField(
        label="Also email the people on the waitlist", required=False
    )
    token = SingleLineFormField(widget=forms.HiddenInput, max_length=64)


class DeclineProposalForm(forms.Form):
    """Decline a colleague's proposal: the reason is emailed to them."""

    reason = forms.CharField(
        label="Why not? (emailed to the colleague who proposed it)",
        max_length=CANCEL_REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bound_text(self.fields["reason"], CANCEL_REASON_MAX)


class ApologyForm(forms.Form):
    """Apologies for one meeting of a series (or withdrawing them): one button per meeting."""

    date = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    action = forms.ChoiceField(
        choices=[("send", "Send apologies"), ("withdraw", "Withdraw apologies")],
        widget=forms.HiddenInput,
    )

from django import forms
from django.forms import BaseInlineFormSet, inlineformset_factory

from cpdhub.textbounds import worded_limits
from hubs.models import Phase, Subject

from . import selectors
from .models import MESSAGE_MAX, THANK_YOU_MAX, ExpertiseArea, ExpertProfile, ProfileArea


class ProfileForm(forms.ModelForm):
    class Meta:
        model = ExpertProfile
        fields = [
            "headline",
            "bio",
            "subjects",
            "phases",
            "availability",
            "termly_capacity",
            "contact_preference",
            "is_hidden",
        ]
        widgets = {
            "subjects": forms.CheckboxSelectMultiple,
            "phases": forms.CheckboxSelectMultiple,
            "contact_preference": forms.RadioSelect,
            "bio": forms.Textarea(attrs={"rows": 6}),
        }
        labels = {"is_hidden": "Hide my profile from the directory for now"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        self.fields["subjects"].queryset = Subject.objects.order_by("name")
        self.fields["phases"].queryset = Phase.objects.order_by("position")
        worded_limits(self)


class ProfileAreaForm(forms.ModelForm):
    class Meta:
        model = ProfileArea
        fields = ["area", "advice", "coaching", "session", "visit"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = ExpertiseArea.objects.order_by("name")
        self.fields["area"].empty_label = "Choose an area"

    def clean(self):
        data = super().clean()
        if data.get("area") and not any(data.get(f) for f in ProfileArea.OFFER_FIELDS):
            raise forms.ValidationError("Say what you offer in this area: tick at least one.")
        return data


class BaseProfileAreaFormSet(BaseInlineFormSet):
    """The formset checks areas against each other; this also checks a new row against the
    areas already saved that the page did not send back (a second tab, a resubmitted old page),
    which the database's profile_area_once would otherwise refuse with a 500."""

    def clean(self):
        super().clean()
        if self.instance.pk is None:
            return
        sent = [form.instance.pk for form in self.initial_forms]
        taken = set(
            ProfileArea.objects.filter(profile=self.instance)
            .exclude(pk__in=sent)
            .values_list("area_id", flat=True)
        )
        for form in self.extra_forms:
            area = getattr(form, "cleaned_data", {}).get("area")
            if area is not None and area.pk in taken and not self._should_delete_form(form):
                form.add_error(
                    "area", f"You already offer {area.name}. Reload the page to change it."
                )


ProfileAreaFormSet = inlineformset_factory(
    ExpertProfile,
    ProfileArea,
    form=ProfileAreaForm,
    formset=BaseProfileAreaFormSet,
    extra=2,
    can_delete=True,
    min_num=1,
    validate_min=True,
    max_num=12,
)


class ContactForm(forms.Form):
    area = forms.ModelChoiceField(
        queryset=ExpertiseArea.objects.none(), required=False, label="About", empty_label="Anything"
    )
    message = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=MESSAGE_MAX,
        label="Your message",
        help_text="Say who you are, what you would like help with and when suits you. "
        f"They reply to your email. Up to {MESSAGE_MAX:,} characters.",
    )

    def __init__(self, *args, profile: ExpertProfile, about: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = ExpertiseArea.objects.filter(offers__profile=profile)
        worded_limits(self)
        if about and not self.is_bound:
            self.initial["area"] = selectors.area_about(profile, about)


class ThankYouForm(forms.Form):
    note = forms.CharField(
        max_length=THANK_YOU_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Say thank you",
        help_text="Your note and your name appear on their profile, so others see who they help. "
        f"Up to {THANK_YOU_MAX:,} characters.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        worded_limits(self)

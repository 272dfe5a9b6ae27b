from allauth.account import app_settings as allauth_settings
from allauth.account.adapter import get_adapter
from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.core import context
from django import forms
from django.contrib.auth.hashers import make_password
from django.db import transaction

from cpdhub.singleline import SingleLineFormField

from . import services
from .models import Invitation, Phase, Responsibility, Subject, User
from .services import SignupRefused, invitation_accept, signup_school_for

INVITATION_SESSION_KEY = "cpdhub_invitation_token"


def invitation_from_session(request) -> Invitation | None:
    token = request.session.get(INVITATION_SESSION_KEY) if request is not None else None
    if not token:
        return None
    return Invitation.objects.select_related("school").filter(token=token).first()


class SignupForm(AllauthSignupForm):
    """allauth's sign-up, plus names and job role, open to member schools' staff and invitees."""

    first_name = SingleLineFormField(
        max_length=100,
        label="First name",
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = SingleLineFormField(
        max_length=100,
        label="Last name",
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    job_role = forms.ChoiceField(choices=User.JobRole.choices, label="Job role")

    field_order = ["first_name", "last_name", "email", "job_role", "password1", "password2"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.signup_school = None
        self.invitation = invitation_from_session(context.request)
        if self.invitation is not None and not self.is_bound:
            self.initial.setdefault("email", self.invitation.email)
        self.fields[
            "email"
        ].help_text = (
            "Your school email address. If your address is not a school's, you need an invitation."
        )

    def clean_email(self):
        email = super().clean_email()
        if not self.account_already_exists and User.objects.with_mailbox(email).exists():
            # x+1@school reaches x@school's mailbox: the same account, treated exactly as the
            # same address is (with enumeration prevention, the mailbox is told by email).
            if not allauth_settings.PREVENT_ENUMERATION:
                raise get_adapter().validation_error("email_taken")
            self.account_already_exists = True
        try:
            self.signup_school = signup_school_for(email, self.invitation)
        except SignupRefused as refusal:
            raise forms.ValidationError(str(refusal), code="not_member") from None
        return email

    def try_save(self, request):
        if self.account_already_exists:
            # allauth then only emails the mailbox's owner, which is fast: a new account costs
            # a password hash. Hash this one too (and keep nothing), so the answer takes as
            # long whether or not the address has an account (as Django's ModelBackend does
            # for an unknown user at sign-in).
            make_password(self.cleaned_data.get("password1"))
        return super().try_save(request)

    def save(self, request):
        with transaction.atomic():
            return super().save(request)

    def signup(self, request, user) -> None:
        """Called by allauth once the user is saved (inside ``save``'s transaction)."""
        invitation_accept(invitation=self.invitation, user=user)
        request.session.pop(INVITATION_SESSION_KEY, None)


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label="Their email address",
        help_text="They will get an email with a link to join; it works for "
        "14 days and only for this address.",
    )


class SchoolDomainForm(forms.Form):
    domain = SingleLineFormField(
        label="Email domain",
        max_length=253,
        help_text="The part of your staff's school addresses after the @, such as "
        "ashgrove.sch.uk. Anyone with an address there can then join the school.",
    )


class MyDetailsForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "job_role", "subjects", "phases", "suggest_me"]
        widgets = {
            "subjects": forms.CheckboxSelectMultiple,
            "phases": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "subjects": "The subjects you teach or lead, so we can suggest networks and sessions.",
            "phases": "The phases you work in.",
        }

    field_order = [
        "first_name",
        "last_name",
        "job_role",
        "subjects",
        "phases",
        "responsibilities",
        "suggest_me",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subjects"].queryset = Subject.objects.order_by("name")
        self.fields["phases"].queryset = Phase.objects.order_by("position")
        self.fields["subjects"].required = False
        self.fields["phases"].required = False
        self.fields["suggest_me"].label = (
            "Let the coordinator suggest me to colleagues in other schools working on the same "
            "thing"
        )
        if self.instance.pk:
            self.initial["responsibilities"] = list(
                self.instance.responsibilities.values_list("responsibility", flat=True)
            )

    responsibilities = forms.MultipleChoiceField(
        label="Responsibilities",
        choices=Responsibility.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="What you look after in your school, so that if you are the only one we can "
        "put you in touch with your counterparts in other schools.",
    )

    def save(self, commit: bool = True) -> User:
        user = super().save(commit=commit)
        if commit:
            services.responsibilities_set(
                user=user, responsibilities=self.cleaned_data["responsibilities"]
            )
        return user


class CommunityForm(forms.Form):
    name = SingleLineFormField(
        label="The community's name",
        max_length=120,
        help_text="As members see it at the top of every page and in every email.",
    )
    contact_email = forms.EmailField(
        label="Contact address",
        required=False,
        help_text="Whom staff write to when they cannot sign up or need help: shown on every "
        "page and at the foot of account emails. Leave it empty to show none.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class HubDescriptionForm(forms.Form):
    description = forms.CharField(
        label="Description",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What the hub is for, who it brings together and how it meets. Up to 2,000 "
        "characters.",
    )

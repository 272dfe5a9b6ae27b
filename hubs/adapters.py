import hashlib

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp
from django.db import transaction
from django.http import Http404
from django.shortcuts import render

from notifications.rendering import from_address
from notifications.services import send_message_now

from .forms import INVITATION_SESSION_KEY, invitation_from_session
from .models import User
from .selectors import community_context, community_details
from .services import SignupRefused, invitation_accept, signup_school_for


class AccountAdapter(DefaultAccountAdapter):
    """Email sign-up: the form has already refused non-member addresses and found the school."""

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        # allauth renders its emails without a request: give them the community's name.
        context = {**community_context(), **context}
        message = self.render_mail(template_prefix, email, context)
        # Account mail is on the ledger like every email (and can never be turned off).
        body = message.body.encode()
        send_message_now(
            kind="account:" + template_prefix.rsplit("/", 1)[-1],
            message=message,
            key="sha1:" + hashlib.sha1(body, usedforsecurity=False).hexdigest(),
            recipient=User.objects.filter(email__iexact=email).first(),
        )

    def get_from_email(self) -> str:
        return from_address()

    def format_email_subject(self, subject: str) -> str:
        return f"[{community_details().name}] {subject}"

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        user.school = form.signup_school
        user.job_role = form.cleaned_data["job_role"]
        if commit:
            user.save()
        return user


class MFAAdapter(DefaultMFAAdapter):
    def get_totp_issuer(self) -> str:
        return community_details().name


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Google Workspace / Microsoft 365 sign-in: the same membership rule as email sign-up."""

    def get_provider(self, request, provider, client_id=None):
        # A provider whose credentials are not set (settings: GOOGLE_CLIENT_ID, …) is not here.
        try:
            return super().get_provider(request, provider, client_id=client_id)
        except SocialApp.DoesNotExist:
            raise Http404("This sign-in option is not set up for the community.") from None

    def is_open_for_signup(self, request, sociallogin) -> bool:
        email = sociallogin.user.email or ""
        try:
            if User.objects.with_mailbox(email).exclude(email__iexact=email).exists():
                raise SignupRefused(
                    f"An account already uses the mailbox of {email} (without the part after "
                    "the +). Sign in with that account instead."
                )
            signup_school_for(email, invitation_from_session(request))
        except SignupRefused as refusal:
            raise ImmediateHttpResponse(
                render(request, "account/signup_refused.html", {"reason": str(refusal)}, status=403)
            ) from None
        return True

    @transaction.atomic
    def save_user(self, request, sociallogin, form=None):
        invitation = invitation_from_session(request)
        sociallogin.user.school = signup_school_for(sociallogin.user.email, invitation)
        user = super().save_user(request, sociallogin, form)
        invitation_accept(invitation=invitation, user=user)
        request.session.pop(INVITATION_SESSION_KEY, None)
        return user

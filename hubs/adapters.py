from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.db import transaction
from django.shortcuts import render

from .forms import INVITATION_SESSION_KEY, invitation_from_session
from .services import SignupRefused, invitation_accept, signup_school_for


class AccountAdapter(DefaultAccountAdapter):
    """Email sign-up: the form has already refused non-member addresses and found the school."""

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        # allauth renders its emails without a request: give them the community's name.
        context = {
            "community_name": settings.COMMUNITY_NAME,
            "coordinator_email": settings.COORDINATOR_EMAIL,
            **context,
        }
        super().send_mail(template_prefix, email, context)

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        user.school = form.signup_school
        user.job_role = form.cleaned_data["job_role"]
        if commit:
            user.save()
        return user


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Google Workspace / Microsoft 365 sign-in: the same membership rule as email sign-up."""

    def is_open_for_signup(self, request, sociallogin) -> bool:
        try:
            signup_school_for(sociallogin.user.email or "", invitation_from_session(request))
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

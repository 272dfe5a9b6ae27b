"""
Two-factor set-up keeps where the person was going: the admin site sends a coordinator to set
up an authenticator app with ``?next=``; after it she sees her recovery codes (to save them)
with a link on to that page, rather than losing it.
"""

from allauth.mfa.recovery_codes.views import ViewRecoveryCodesView
from allauth.mfa.totp.views import ActivateTOTPView
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

SESSION_KEY = "mfa_setup_next"


def _safe(request, target: str | None) -> str | None:
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


class ActivateTOTP(ActivateTOTPView):
    def get(self, request, *args, **kwargs):
        # The form posts to its own address without the query: remember where she was going.
        target = _safe(request, request.GET.get("next"))
        if target:
            request.session[SESSION_KEY] = target
        return super().get(request, *args, **kwargs)

    def get_success_url(self) -> str:
        target = _safe(self.request, self.request.session.pop(SESSION_KEY, None))
        if not target:
            return super().get_success_url()
        if self.did_generate_recovery_codes:
            return f"{reverse('mfa_view_recovery_codes')}?{urlencode({'next': target})}"
        return target


class RecoveryCodes(ViewRecoveryCodesView):
    template_name = "hubs/mfa_recovery_codes.html"

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        context["next_url"] = _safe(self.request, self.request.GET.get("next"))
        return context

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode


class AdminMFAMiddleware:
    """
    Nobody reaches the admin site without two-factor authentication: a coordinator who
    has not set up an authenticator app is sent to set one up first, then brought back.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = None

    def __call__(self, request):
        if self.admin_prefix is None:
            self.admin_prefix = reverse("admin:index")
        user = request.user
        if (
            settings.REQUIRE_ADMIN_MFA
            and request.path.startswith(self.admin_prefix)
            and user.is_authenticated
            and user.is_staff
            and not is_mfa_enabled(user)
        ):
            messages.warning(
                request,
                "The admin site needs two-factor authentication. Set up an authenticator app "
                "below; once it is on, the “Admin site” link at the top takes you there.",
            )
            target = reverse("mfa_activate_totp")
            return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

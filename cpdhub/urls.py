from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from django.utils.functional import lazy

from hubs import mfa_views
from hubs.selectors import community_details
from hubs.views import home

from . import health

# The admin has no login page of its own: it sends people to allauth's, which is
# rate-limited and asks for the second factor.
admin.site.login = secure_admin_login(admin.site.login)
# The community's name is read when a page is drawn (it is in the database), not at start-up.
admin.site.site_header = lazy(lambda: f"{community_details().name}: coordinator's admin", str)()
admin.site.site_title = lazy(lambda: f"{community_details().name} admin", str)()
admin.site.index_title = "Run the community"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    # Two-factor set-up carries ?next= through to the recovery codes (hubs/mfa_views.py).
    path("accounts/2fa/totp/activate/", mfa_views.ActivateTOTP.as_view(), name="mfa_activate_totp"),
    path(
        "accounts/2fa/recovery-codes/",
        mfa_views.RecoveryCodes.as_view(),
        name="mfa_view_recovery_codes",
    ),
    path("accounts/", include("allauth.urls")),
    path("", home, name="home"),
    path("experts/", include("experts.urls")),
    path("sessions/", include("cpd_sessions.urls")),
    path("portfolio/", include("portfolios.urls")),
    path("coaching/", include("coaching.urls")),
    path("", include("coaching.activity_urls")),
    path("enquiries/", include("enquiry.urls")),
    path("", include("enquiry.activity_urls")),
    path("visits/", include("enquiry.visit_urls")),
    path("courses/", include("courses.urls")),
    path("outside-networks/", include("courses.network_urls")),
    path("", include("quality.urls")),
    path("survey/", include("quality.survey_urls")),
    path("", include("training.urls")),
    path("notifications/", include("notifications.urls")),
    path("notifications/", include("termly.urls")),  # the profile confirm link
    path("", include("schoolyear.urls")),
    path("", include("coordination.urls")),
    path("", include("privacy.urls")),
    path("", include("hubs.urls")),
]

handler403 = "hubs.views.permission_denied"
handler404 = "hubs.views.page_not_found"
handler500 = "hubs.views.server_error"

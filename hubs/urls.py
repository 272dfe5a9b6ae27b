from django.urls import path

from . import views
from .onboarding import views as onboarding

app_name = "hubs"

urlpatterns = [
    path("hubs/", views.hub_list, name="hub_list"),
    path("hubs/<slug:slug>/", views.hub_detail, name="hub_detail"),
    path("hubs/<slug:slug>/edit/", views.hub_edit, name="hub_edit"),
    path("schools/<int:urn>/", views.school_detail, name="school_detail"),
    path("schools/<int:urn>/family/", views.school_family, name="school_family"),
    path("schools/<int:urn>/invite/", views.school_invite, name="school_invite"),
    path("schools/<int:urn>/domains/", views.school_domains, name="school_domains"),
    path(
        "schools/<int:urn>/domains/<int:pk>/remove/",
        views.school_domain_remove,
        name="school_domain_remove",
    ),
    path(
        "schools/<int:urn>/invitations/<int:pk>/withdraw/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path(
        "schools/<int:urn>/invitations/<int:pk>/resend/",
        views.invitation_resend,
        name="invitation_resend",
    ),
    path(
        "schools/<int:urn>/invitations/resend/",
        views.invitation_resend,
        name="invitations_resend_all",
    ),
    path("join/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("networks/<slug:slug>/", views.network_detail, name="network_detail"),
    path("networks/<slug:slug>/membership/", views.network_membership, name="network_membership"),
    path("me/", views.my_details, name="my_details"),
    path("coordinator/community/", views.community_edit, name="community_edit"),
    path("coordinator/lone-rangers/", views.lone_rangers, name="lone_rangers"),
    path("coordinator/lone-rangers/invite/", views.lone_rangers_invite, name="lone_rangers_invite"),
    path("coordinator/import/schools/", onboarding.import_schools, name="import_schools"),
    path("coordinator/import/staff/", onboarding.import_staff, name="import_staff"),
    path("schools/<int:urn>/import/", onboarding.school_import_staff, name="school_import_staff"),
    path("imports/<int:pk>/", onboarding.import_job, name="import_job"),
    path(
        "imports/<int:pk>/rows-left-out.csv",
        onboarding.import_job_rejected,
        name="import_job_rejected",
    ),
]

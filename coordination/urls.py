from django.urls import path

from . import views

app_name = "coordination"

urlpatterns = [
    path("coordinator/", views.dashboard, name="dashboard"),
    path("coordinator/needs/", views.needs, name="needs"),
    path("coordinator/nudge-stale/", views.nudge_stale, name="nudge_stale"),
    path("coordinator/needs/<int:pk>/met/", views.need_met, name="need_met"),
    path("coordinator/needs/<int:pk>/reply/", views.need_reply, name="need_reply"),
    path("coordinator/needs/commission/<slug:area>/", views.commission, name="commission"),
    path("coordinator/needs/enquiry/<slug:area>/", views.start_enquiry, name="start_enquiry"),
    path(
        "coordinator/needs/<int:pk>/introduce/<int:profile>/",
        views.need_introduce,
        name="need_introduce",
    ),
    path("coordinator/<slug:part>.csv", views.dashboard_csv, name="dashboard_csv"),
    path("schools/<int:urn>/dashboard/", views.school_dashboard, name="school_dashboard"),
    path(
        "schools/<int:urn>/dashboard/<slug:part>.csv",
        views.school_dashboard_csv,
        name="school_dashboard_csv",
    ),
]

from django.urls import path

from . import views

app_name = "schoolyear"

urlpatterns = [
    path("teams/<int:pk>/", views.team, name="team"),
    path("teams/<int:pk>/edit/", views.team_edit, name="team_edit"),
    path("teams/<int:pk>/members/", views.member_add, name="member_add"),
    path("teams/<int:pk>/members/<int:user_id>/remove/", views.member_remove, name="member_remove"),
    path("teams/<int:pk>/series/", views.series_new, name="series_new"),
    path(
        "teams/<int:pk>/series/<int:series_pk>/remove/",
        views.series_remove,
        name="series_remove",
    ),
    path("teams/<int:pk>/meetings/<int:meeting_pk>/", views.meeting, name="meeting"),
    path(
        "teams/<int:pk>/meetings/<int:meeting_pk>/remove/",
        views.meeting_remove,
        name="meeting_remove",
    ),
    path("teams/<int:pk>/meetings/<int:meeting_pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path(
        "teams/<int:pk>/meetings/<int:meeting_pk>/attendance/",
        views.attendance,
        name="attendance",
    ),
    path("teams/<int:pk>/meetings/<int:meeting_pk>/try/", views.try_next, name="try"),
    path("schools/<int:urn>/teams/", views.school_teams, name="school_teams"),
    path("schools/<int:urn>/year/", views.planner, name="planner"),
    path("schools/<int:urn>/year/dates/", views.date_add, name="date_add"),
    path("schools/<int:urn>/year/dates/<int:pk>/move/", views.date_move, name="date_move"),
    path("schools/<int:urn>/year/dates/<int:pk>/remove/", views.date_remove, name="date_remove"),
    path("schools/<int:urn>/year/publish/", views.publish, name="publish"),
    path("schools/<int:urn>/year/adopt/<int:pk>/", views.adopt, name="adopt"),
    path("schools/<int:urn>/priorities/", views.priorities, name="priorities"),
    path("coordinator/year/", views.community_year, name="community"),
    path("coordinator/year/propose/", views.community_propose, name="propose"),
]

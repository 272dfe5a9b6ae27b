"""The leaders' coaching figures live beside the school's and the coordinator's other pages."""

from django.urls import path

from . import activity_views

app_name = "coaching_activity"

urlpatterns = [
    path("schools/<int:urn>/coaching/", activity_views.school, name="school"),
    path("schools/<int:urn>/coaching/<slug:part>.csv", activity_views.school_csv, name="school_csv"),
    path("coordinator/coaching/", activity_views.community, name="community"),
    path("coordinator/coaching/<slug:part>.csv", activity_views.community_csv, name="community_csv"),
]

"""The leaders' coaching figures live beside the school's and the coordinator's other pages."""

from django.urls import path

from . import activity_views as views

app_name = "coaching_activity"

urlpatterns = [
    path("schools/<int:urn>/coaching/", views.school, name="school"),
    path("schools/<int:urn>/coaching/<slug:table>.csv", views.school_csv, name="school_csv"),
    path("coordinator/coaching/", views.community, name="community"),
    path("coordinator/coaching/<slug:table>.csv", views.community_csv, name="community_csv"),
]

"""The leaders' enquiry figures live beside the school's and the coordinator's other pages."""

from django.urls import path

from . import activity_views as views

app_name = "enquiry_figures"

urlpatterns = [
    path("schools/<int:urn>/enquiries/", views.school, name="school"),
    path("coordinator/enquiries/", views.community, name="community"),
]

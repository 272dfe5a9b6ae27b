from django.urls import path

from . import views

app_name = "experts"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("print/", views.printable, name="print"),
    path("directory.csv", views.export_csv, name="csv"),
    path("stale/", views.stale, name="stale"),
    path("me/", views.my_profile, name="me"),
    path("me/confirm/", views.confirm, name="confirm"),
    path("requests/<int:pk>/helped/", views.mark_helped, name="mark_helped"),
    path("requests/<int:pk>/thank/", views.thank, name="thank"),
    path("<int:pk>/", views.profile, name="profile"),
    path("<int:pk>/contact/", views.contact, name="contact"),
]

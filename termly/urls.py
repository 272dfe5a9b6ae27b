from django.urls import path

from . import views

app_name = "termly"
urlpatterns = [
    # Under /notifications/ (see cpdhub/urls.py), where links already sent point.
    path("confirm-profile/<str:token>/", views.confirm_profile, name="confirm_profile"),
]

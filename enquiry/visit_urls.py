"""/visits/: peer visits to other schools (enquiry/visit_views.py)."""

from django.urls import path

from . import visit_views as views

app_name = "visits"

urlpatterns = [
    path("", views.home, name="home"),
    path("<int:pk>/", views.visit, name="visit"),
    path("<int:pk>/accept/", views.accept, name="accept"),
    path("<int:pk>/decline/", views.decline, name="decline"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/notes/", views.notes, name="notes"),
    path("<int:pk>/thanks/", views.thank, name="thank"),
]

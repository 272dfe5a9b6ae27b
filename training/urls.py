from django.urls import path

from . import views

app_name = "training"

urlpatterns = [
    path("training/", views.home, name="home"),
    path("training/certificates/<int:pk>/", views.certificate, name="certificate"),
    path("training/completions/<int:pk>/delete/", views.completion_delete, name="delete"),
    path("training/requirements/", views.requirements, name="requirements"),
    path("training/requirements/<int:pk>/", views.requirement_edit, name="requirement"),
    path("schools/<int:urn>/training/", views.matrix, name="matrix"),
    path("schools/<int:urn>/training/print/", views.matrix_print, name="print"),
    path("schools/<int:urn>/training/people/<int:person_id>/", views.person, name="person"),
    path(
        "schools/<int:urn>/training/people/<int:person_id>/responsibilities/",
        views.person_responsibilities,
        name="responsibilities",
    ),
    path("coordinator/training/", views.community, name="community"),
]

"""The anonymous staff survey's own address: one link per person, no sign-in needed."""

from django.urls import path

from . import views

app_name = "quality_survey"

urlpatterns = [
    path("<str:token>/", views.answer, name="answer"),
]

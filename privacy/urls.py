from django.urls import path

from . import views

app_name = "privacy"
urlpatterns = [
    path("privacy/", views.notice, name="notice"),
    path("me/data/", views.my_data, name="my_data"),
    path("me/data/<str:token>/", views.download, name="download"),
    path("me/delete/", views.delete_account, name="delete"),
]

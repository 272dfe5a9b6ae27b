from django.urls import path

from . import views

app_name = "outside_networks"

urlpatterns = [
    path("", views.network_list, name="list"),
    path("new/", views.network_form, name="new"),
    path("<int:pk>/", views.network_detail, name="detail"),
    path("<int:pk>/edit/", views.network_form, name="edit"),
    path("<int:pk>/remove/", views.network_remove, name="remove"),
]

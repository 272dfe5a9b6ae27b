from django.urls import path

from . import views

app_name = "outside_networks"

urlpatterns = [
    path("", views.network_list, name="list"),
    path("<int:pk>/", views.network_detail, name="detail"),
]

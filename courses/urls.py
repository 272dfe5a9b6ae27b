from django.urls import path

from . import views

app_name = "courses"

urlpatterns = [
    path("", views.course_list, name="list"),
    path("new/", views.course_new, name="new"),
    path("requests/", views.my_requests, name="requests"),
    path("requests/<int:pk>/cancel/", views.request_cancel, name="request_cancel"),
    path("<int:pk>/", views.course_detail, name="detail"),
    path("<int:pk>/hide/", views.course_hide, name="hide"),
    path("<int:pk>/review/", views.review, name="review"),
    path("<int:pk>/request/", views.request_new, name="request"),
]

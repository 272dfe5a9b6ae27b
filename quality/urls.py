from django.urls import path

from . import views

app_name = "quality"

REVIEW = "schools/<int:urn>/review/<int:year>/"

urlpatterns = [
    path("schools/<int:urn>/review/", views.school, name="school"),
    path(REVIEW, views.review, name="review"),
    path(REVIEW + "part/<int:number>/", views.part, name="part"),
    path(REVIEW + "done/", views.self_review_done, name="self_review_done"),
    path(REVIEW + "share/", views.share, name="share"),
    path(REVIEW + "survey/open/", views.survey_open, name="survey_open"),
    path(REVIEW + "survey/close/", views.survey_close, name="survey_close"),
    path(REVIEW + "peer/invite/", views.reviewer_invite, name="reviewer_invite"),
    path(REVIEW + "peer/visit/", views.visit_plan, name="visit_plan"),
    path(REVIEW + "peer/findings/", views.findings, name="findings"),
    path(REVIEW + "peer/accept/", views.report_accept, name="report_accept"),
    path(REVIEW + "actions/", views.action_add, name="action_add"),
    path(REVIEW + "actions/<int:pk>/done/", views.action_done, name="action_done"),
    path("coordinator/quality/", views.community, name="community"),
]

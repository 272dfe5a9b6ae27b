from django.urls import path

from . import views

app_name = "portfolios"

urlpatterns = [
    path("", views.home, name="home"),
    path("goals/new/", views.goal_new, name="goal_new"),
    path("goals/<int:pk>/", views.goal_detail, name="goal"),
    path("goals/<int:pk>/edit/", views.goal_edit, name="goal_edit"),
    path("goals/<int:pk>/delete/", views.goal_delete, name="goal_delete"),
    path("goals/<int:pk>/review/", views.goal_review, name="goal_review"),
    path("log/", views.entry_list, name="entries"),
    path("log/new/", views.entry_new, name="entry_new"),
    path("log/<int:pk>/", views.entry_detail, name="entry"),
    path("log/<int:pk>/edit/", views.entry_edit, name="entry_edit"),
    path("log/<int:pk>/delete/", views.entry_delete, name="entry_delete"),
    path("log/<int:entry_pk>/files/<int:pk>/", views.attachment, name="attachment"),
    path(
        "log/<int:entry_pk>/files/<int:pk>/delete/",
        views.attachment_delete,
        name="attachment_delete",
    ),
    path("follow-ups/<int:pk>/", views.follow_up, name="follow_up"),
    path("needs/", views.need_list, name="needs"),
    path("needs/audit/", views.needs_audit, name="needs_audit"),
    path("needs/community/", views.needs_community, name="needs_community"),
    path("needs/<int:pk>/", views.need_edit, name="need_edit"),
    path("needs/<int:pk>/delete/", views.need_delete, name="need_delete"),
    path("needs/<int:pk>/decide/", views.need_decide, name="need_decide"),
    path("shared/", views.shared, name="shared"),
    path("statement/", views.statement_now, name="statement_now"),
    path("statement/<int:year>/", views.statement, name="statement"),
    path("export.json", views.export_json, name="export_json"),
    path("export.zip", views.export_zip, name="export_zip"),
    path("print/", views.printable, name="print"),
]

from django.urls import path

from . import views

app_name = "enquiry"

urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.group_new, name="new"),
    path("library/", views.library, name="library"),
    path("library/<int:pk>/", views.write_up, name="write_up"),
    path("library/<int:pk>/portfolio/", views.write_up_portfolio, name="portfolio"),
    path("invitations/<int:pk>/answer/", views.invitation_answer, name="answer"),
    path("<int:pk>/", views.group, name="group"),
    path("<int:pk>/join/", views.join, name="join"),
    path("<int:pk>/invite/", views.invite, name="invite"),
    path("<int:pk>/status/", views.group_status, name="status"),
    path("<int:pk>/leave/", views.leave, name="leave"),
    path("<int:pk>/log/", views.log_add, name="log_add"),
    path("<int:pk>/log/<int:log_pk>/file/", views.log_file, name="log_file"),
    path("<int:pk>/log/<int:log_pk>/delete/", views.log_delete, name="log_delete"),
    path("<int:pk>/reading/", views.reading_add, name="reading_add"),
    path("<int:pk>/reading/<int:reading_pk>/delete/", views.reading_delete, name="reading_delete"),
    path("<int:pk>/write-up/", views.write_up_edit, name="write_up_edit"),
    path("<int:pk>/write-up/agree/", views.write_up_agree, name="agree"),
]

# Lesson-study cycles (cycle_views.py).
from . import cycle_views  # noqa: E402

urlpatterns += [
    path("<int:pk>/cycles/new/", cycle_views.cycle_new, name="cycle_new"),
    path("<int:pk>/cycles/<int:number>/", cycle_views.cycle, name="cycle"),
    path("<int:pk>/cycles/<int:number>/plan/", cycle_views.plan, name="cycle_plan"),
    path("<int:pk>/cycles/<int:number>/pupils/", cycle_views.case_pupil_add, name="cycle_pupil"),
    path("<int:pk>/cycles/<int:number>/release/", cycle_views.release, name="cycle_release"),
    path(
        "<int:pk>/cycles/<int:number>/discussion/",
        cycle_views.discussion,
        name="cycle_discussion",
    ),
    path("<int:pk>/cycles/<int:number>/<str:kind>/", cycle_views.entry_add, name="cycle_entry"),
]

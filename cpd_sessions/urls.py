from django.urls import path

from . import proposal_views, views, views_approvals, views_attendance

app_name = "cpd_sessions"

urlpatterns = [
    path("", views.session_list, name="list"),
    path("new/", views.session_new, name="new"),
    path("mine/", views.my_bookings, name="mine"),
    path("approvals/", views_approvals.approvals, name="approvals"),
    path("approvals/approve/", views_approvals.approvals_bulk, name="approvals_bulk"),
    path("approvals/<int:pk>/decide/", views_approvals.release_decide, name="release_decide"),
    path("approvals/budget/<int:user_id>/", views_approvals.budget_set, name="budget_set"),
    path("budgets/", views_approvals.staff_budgets, name="budgets"),
    path("budgets/all/", views_approvals.staff_budgets_all, name="budgets_all"),
    path("staff/<int:user_id>/", views_approvals.cpd_record, name="record"),
    path("staff/<int:user_id>/record.csv", views_approvals.cpd_record_csv, name="record_csv"),
    path("recordings/", views.recordings, name="recordings"),
    path("proposals/", proposal_views.proposal_queue, name="proposals"),
    path("proposals/<int:pk>/publish/", proposal_views.proposal_publish, name="proposal_publish"),
    path("proposals/<int:pk>/decline/", proposal_views.proposal_decline, name="proposal_decline"),
    path("calendar/", views.calendar_settings, name="calendar"),
    path("calendar/renew/", views.calendar_renew, name="calendar_renew"),
    path("calendar/revoke/", views.calendar_revoke, name="calendar_revoke"),
    path("feed/<str:token>.ics", views.feed, name="feed"),
    path("<int:pk>/", views.session_detail, name="detail"),
    path("<int:pk>/edit/", views.session_edit, name="edit"),
    path("<int:pk>/publish/", views.session_publish, name="publish"),
    path("<int:pk>/cancel/", views.session_cancel, name="cancel"),
    path("<int:pk>/book/", views.book, name="book"),
    path("<int:pk>/cancel-booking/", views.cancel_booking, name="cancel_booking"),
    path("<int:pk>/attendance/", views.attendance, name="attendance"),
    path("<int:pk>/feedback/", views.feedback, name="feedback"),
    path("<int:pk>/register/", views.register, name="register"),
    path("<int:pk>/register.csv", views.register_csv, name="register_csv"),
    path("<int:pk>/message/", views.session_message, name="message"),
    path("<int:pk>/certificate/", views.certificate, name="certificate"),
    path(
        "<int:pk>/certificates/send/",
        views_attendance.certificates_send,
        name="certificates_send",
    ),
    path("<int:pk>/apologies/", views_attendance.apology, name="apology"),
    path("<int:pk>/will-change/", views_attendance.will_change, name="will_change"),
    path("<int:pk>/evaluation/", views_attendance.evaluation_summary, name="evaluation"),
    path("<int:pk>/certificate/<int:booking_pk>/", views.certificate, name="certificate_for"),
    path("<int:pk>/calendar.ics", views.session_ics, name="ics"),
]

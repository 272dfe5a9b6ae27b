from django.urls import path

from . import views

app_name = "coaching"

urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.set_up, name="set_up"),
    path("ask/<int:profile>/", views.ask, name="ask"),
    path("shared/", views.shared, name="shared"),
    path("steps/", views.step_library, name="library"),
    path("steps/new/", views.step_new, name="step_new"),
    path("steps/<int:pk>/", views.step_detail, name="step_detail"),
    path("steps/<int:pk>/decide/", views.step_decide, name="step_decide"),
    path("shares/<int:pk>/withdraw/", views.share_withdraw, name="share_withdraw"),
    path("<int:pk>/", views.cycle, name="cycle"),
    path("<int:pk>/answer/", views.answer, name="answer"),
    path("<int:pk>/status/", views.status, name="status"),
    path("<int:pk>/observe/", views.observe, name="observe"),
    path("<int:pk>/meet/", views.meet, name="meet"),
    path("<int:pk>/visits/new/", views.visit_plan, name="visit_plan"),
    path("<int:pk>/visits/<int:visit_pk>/cancel/", views.visit_cancel, name="visit_cancel"),
    path("<int:pk>/steps/<int:step_pk>/move/", views.step_move, name="step_move"),
    path("<int:pk>/steps/<int:step_pk>/check-back/", views.step_check_back, name="check_back"),
    path("<int:pk>/steps/<int:step_pk>/portfolio/", views.step_portfolio, name="portfolio"),
    path("<int:pk>/share/<str:what>/<int:item_pk>/", views.share, name="share"),
]

from django.urls import path

from training import views

app_name = "training"

urlpatterns = [
    path("equipe/", views.team_entry, name="team_entry"),
    path("heures/", views.worklog_list, name="worklogs"),
    path("heures/nouvelle/", views.worklog_edit, name="worklog_add"),
    path("heures/<int:pk>/", views.worklog_edit, name="worklog_edit"),
    path("heures/<int:pk>/supprimer/", views.worklog_delete, name="worklog_delete"),
    path("cours/", views.sessions, name="sessions"),
    path("cours/nouveau/", views.session_add, name="session_add"),
    path("cours/<int:pk>/", views.session_detail, name="session"),
    path("eleves/<int:pk>/", views.student_time, name="student_time"),
    path("eleves/<int:pk>/releve.pdf", views.statement, name="statement"),
    path("eleves/<int:pk>/certificat.pdf", views.certificate, name="certificate"),
    path("equilibre/", views.balances_index, name="balances"),
    path("equilibre/ateliers/<int:pk>/", views.workshop_balance, name="workshop_balance"),
    path("equilibre/promotions/<int:year>/", views.cohort_balance, name="cohort_balance"),
    path("equilibre/hors-equilibre/", views.out_of_balance, name="out_of_balance"),
    path("derogations/", views.overrides, name="overrides"),
    path("periodes-cloturees/", views.closed_periods, name="closed_periods"),
    path("commandes/<int:pk>/heures/", views.order_hours, name="order_hours"),
]

from django.urls import path

from training import timetable_views, views

app_name = "training"

urlpatterns = [
    path("equipe/", views.team_entry, name="team_entry"),
    path("equipe/commandes/", views.order_choices, name="order_choices"),
    path("heures/", views.worklog_list, name="worklogs"),
    path("eleves/choix/", views.pupil_choices, name="pupil_choices"),
    path("heures/nouvelle/", views.worklog_edit, name="worklog_add"),
    path("heures/<int:pk>/", views.worklog_edit, name="worklog_edit"),
    path("heures/<int:pk>/supprimer/", views.worklog_delete, name="worklog_delete"),
    path("cours/", views.sessions, name="sessions"),
    path("cours/nouveau/", views.session_add, name="session_add"),
    path("cours/<int:pk>/", views.session_detail, name="session"),
    path("cours/<int:pk>/deplacer/", timetable_views.session_move, name="session_move"),
    path("cours/<int:pk>/annuler/", timetable_views.session_cancel, name="session_cancel"),
    path("emploi-du-temps/", timetable_views.week, name="timetable"),
    path("emploi-du-temps/cours-hebdomadaires/", timetable_views.patterns, name="patterns"),
    path(
        "emploi-du-temps/cours-hebdomadaires/nouveau/",
        timetable_views.pattern_edit,
        name="pattern_add",
    ),
    path(
        "emploi-du-temps/cours-hebdomadaires/<int:pk>/",
        timetable_views.pattern_edit,
        name="pattern_edit",
    ),
    path("emploi-du-temps/ateliers/<int:pk>/", timetable_views.workshop_week, name="workshop_week"),
    path("eleves/<int:pk>/", views.student_time, name="student_time"),
    path("eleves/<int:pk>/releve.pdf", views.statement, name="statement"),
    path("eleves/<int:pk>/certificat.pdf", views.certificate, name="certificate"),
    path("equilibre/", views.balances_index, name="balances"),
    path("equilibre/ateliers/<int:pk>/", views.workshop_balance, name="workshop_balance"),
    path("equilibre/promotions/<int:year>/", views.cohort_balance, name="cohort_balance"),
    path("equilibre/hors-equilibre/", views.out_of_balance, name="out_of_balance"),
    path("derogations/", views.overrides, name="overrides"),
    path(
        "derogations/limites-legales/prendre-acte/",
        views.legal_overrides_acknowledge,
        name="legal_overrides_acknowledge",
    ),
    path("periodes-cloturees/", views.closed_periods, name="closed_periods"),
    path("commandes/<int:pk>/heures/", views.order_hours, name="order_hours"),
]

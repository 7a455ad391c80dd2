from django.urls import path

from families import views

app_name = "families"

urlpatterns = [
    path("", views.home, name="home"),
    path("enfant/<int:pk>/", views.child_week, name="child_week"),
    path("enfant/<int:pk>/absence/", views.report_absence, name="report_absence"),
    path("enfant/<int:pk>/livret/", views.child_booklet, name="child_booklet"),
    path("enfant/<int:pk>/photos/<int:photo>/", views.child_photo, name="child_photo"),
    path("enfant/<int:pk>/documents/", views.child_documents, name="child_documents"),
    path(
        "enfant/<int:pk>/documents/<int:doc>/repondre/",
        views.acknowledge,
        name="acknowledge",
    ),
    path("enfant/<int:pk>/releve-heures/", views.child_statement, name="child_statement"),
    path("enfant/<int:pk>/certificat/", views.child_certificate, name="child_certificate"),
    path("documents/<int:pk>/fichier/", views.publication_file, name="publication_file"),
    path("preferences/", views.preferences, name="preferences"),
    path("donnees/", views.data_kept, name="data_kept"),
    path("eleve/", views.pupil, name="pupil"),
    path("eleve/competences/", views.pupil_skills, name="pupil_skills"),
    path("eleve/preuves/<int:pk>/", views.self_assess, name="self_assess"),
    path("eleve/photos/<int:photo>/", views.pupil_photo, name="pupil_photo"),
    path("eleve/majorite/", views.adult_consent, name="adult_consent"),
    path("invitation/", views.redeem, name="redeem"),
    path("invitation/<str:secret>/", views.redeem_link, name="redeem_link"),
    path("bureau/eleves/<int:pk>/comptes/", views.invitations_page, name="invitations"),
    path("bureau/eleves/<int:pk>/inviter/", views.invite, name="invite"),
    path(
        "bureau/invitations/<int:pk>/revoquer/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("bureau/signalements/", views.reports_page, name="reports"),
    path("bureau/signalements/<int:pk>/", views.report_decide, name="report_decide"),
    path(
        "bureau/signalements/<int:pk>/justificatif/",
        views.report_document,
        name="report_document",
    ),
    path("bureau/documents/", views.publications, name="publications"),
    path("bureau/documents/<int:pk>/", views.publication, name="publication"),
]

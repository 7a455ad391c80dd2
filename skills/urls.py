from django.urls import path

from skills import views

app_name = "skills"

urlpatterns = [
    path("", views.index, name="index"),
    path("saisie/", views.evidence_entry, name="entry"),
    path("a-valider/", views.evidence_pending, name="pending"),
    path("preuves/<int:pk>/", views.evidence_detail, name="evidence"),
    path("preuves/<int:pk>/corriger/", views.evidence_correct, name="correct"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    path("commandes/<int:pk>/", views.order_competencies, name="order"),
    path("eleves/<int:pk>/livret/", views.booklet, name="booklet"),
    path("eleves/<int:pk>/livret/pdf/", views.booklet_pdf, name="booklet_pdf"),
    path("eleves/<int:pk>/chef-doeuvre/", views.chef_doeuvre, name="chef"),
    path("commandes/choix/", views.order_choices, name="order_choices"),
    path("ateliers/<int:pk>/", views.workshop_grid, name="workshop"),
    path("examens/", views.exams, name="exams"),
    path("examens/inscrire/", views.registration_add, name="registration_add"),
    path("examens/<int:pk>/", views.registration, name="registration"),
    path("examens/eleves/choix/", views.pupil_choices, name="pupil_choices"),
    path("import/", views.import_referentiel, name="import"),
    path("rncp/", views.rncp_fiches, name="rncp"),
]

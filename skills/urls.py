from django.urls import path

from skills import views

app_name = "skills"

urlpatterns = [
    path("", views.index, name="index"),
    path("saisie/", views.evidence_entry, name="entry"),
    path("a-valider/", views.evidence_pending, name="pending"),
    path("preuves/<int:pk>/", views.evidence_detail, name="evidence"),
    path("preuves/<int:pk>/corriger/", views.evidence_correct, name="correct"),
    path("commandes/<int:pk>/", views.order_competencies, name="order"),
    path("eleves/<int:pk>/livret/", views.booklet, name="booklet"),
    path("eleves/<int:pk>/livret/pdf/", views.booklet_pdf, name="booklet_pdf"),
    path("ateliers/<int:pk>/", views.workshop_grid, name="workshop"),
    path("examens/", views.exams, name="exams"),
    path("import/", views.import_referentiel, name="import"),
]

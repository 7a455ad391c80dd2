from django.urls import path

from safety import views

app_name = "safety"

urlpatterns = [
    path("", views.index, name="index"),
    path("machines/nouvelle/", views.machine_edit, name="machine_add"),
    path("machines/<int:pk>/", views.machine_edit, name="machine_edit"),
    path("declarations/nouvelle/", views.declaration_add, name="declaration_add"),
    path("declarations/<int:pk>/", views.declaration_detail, name="declaration"),
    path("declarations/<int:pk>/pdf/", views.declaration_pdf, name="declaration_pdf"),
    path("declarations/<int:pk>/preuve/", views.declaration_proof, name="declaration_proof"),
    path("eleves/<int:pk>/", views.pupil, name="pupil"),
    path("eleves/<int:pk>/registre.pdf", views.register_pdf, name="register_pdf"),
    path("eleves/<int:pk>/avis/nouveau/", views.opinion_add, name="opinion_add"),
    path("eleves/<int:pk>/formations/nouvelle/", views.training_add, name="training_add"),
    path("eleves/<int:pk>/encadrant/", views.supervision_add, name="supervision_add"),
    path("avis/<int:pk>/scan/", views.opinion_scan, name="opinion_scan"),
]

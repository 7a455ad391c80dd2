from django.urls import path

from students import views

app_name = "students"

urlpatterns = [
    path("", views.student_list, name="list"),
    path("export.csv", views.student_export, name="export"),
    path("nouveau/", views.student_edit, name="add"),
    path("import/", views.student_import, name="import"),
    path("import/confirmer/", views.student_import_confirm, name="import_confirm"),
    path("import/annuler/", views.student_import_cancel, name="import_cancel"),
    path("import/exemple.csv", views.import_sample, name="import_sample"),
    path("indicateurs/", views.indicator_page, name="indicators"),
    path("indicateurs/export.csv", views.indicator_export, name="indicators_export"),
    path("anonymisation/", views.anonymise, name="anonymise"),
    path("<int:pk>/", views.student_detail, name="detail"),
    path("<int:pk>/modifier/", views.student_edit, name="edit"),
    path("<int:pk>/depart/", views.student_leaving, name="leaving"),
    path("<int:pk>/suivi/", views.student_notes, name="notes"),
    path("<int:pk>/suivi/<int:note_pk>/", views.note_edit, name="note_edit"),
    path("<int:pk>/donnees.zip", views.personal_data, name="personal_data"),
]

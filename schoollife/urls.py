from django.urls import path

from schoollife import views

app_name = "schoollife"

urlpatterns = [
    path("appel/", views.roll_call, name="roll_call"),
    path("registre/", views.register_day, name="register"),
    path("registre/mois.pdf", views.register_pdf, name="register_pdf"),
    path("absences/", views.absences, name="absences"),
    path("absences/nouvelle/", views.absence_edit, name="absence_add"),
    path("absences/eleves/", views.pupil_choices, name="pupil_choices"),
    path("absences/<int:pk>/", views.absence_edit, name="absence"),
    path("appels-familles/", views.calls, name="calls"),
    path("alertes/", views.alerts, name="alerts"),
    path("alertes/<int:pk>/<str:kind>.pdf", views.alert_letter, name="alert_letter"),
    path("decrochage/", views.dropout_signals, name="dropout"),
    path("declarations/", views.declarations, name="declarations"),
]

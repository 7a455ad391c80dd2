from django.urls import path

from budget import views

app_name = "budget"
urlpatterns = [
    path("", views.budget_page, name="overview"),
    path("rapport.pdf", views.budget_pdf, name="pdf"),
    path("lignes.csv", views.budget_lines_csv, name="lines_csv"),
    path("mensuel.csv", views.budget_monthly_csv, name="monthly_csv"),
    path("exercice/nouveau/", views.budget_year_add, name="year_add"),
    path("<int:year>/lignes/nouvelle/", views.budget_line_edit, name="line_add"),
    path("<int:year>/lignes/<int:pk>/", views.budget_line_edit, name="line_edit"),
]

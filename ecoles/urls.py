from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from ecoles import budget_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("etablissement/", views.school_edit, name="school"),
    path("etablissement/regles/", views.policy_edit, name="policy"),
    path("ateliers/", views.workshop_list, name="workshops"),
    path("ateliers/nouveau/", views.workshop_edit, name="workshop_add"),
    path("ateliers/<int:pk>/", views.workshop_edit, name="workshop_edit"),
    path("budget/", budget_views.budget_page, name="budget"),
    path("budget/rapport.pdf", budget_views.budget_pdf, name="budget_pdf"),
    path("budget/lignes.csv", budget_views.budget_lines_csv, name="budget_lines_csv"),
    path("budget/mensuel.csv", budget_views.budget_monthly_csv, name="budget_monthly_csv"),
    path("budget/exercice/nouveau/", budget_views.budget_year_add, name="budget_year_add"),
    path(
        "budget/<int:year>/lignes/nouvelle/", budget_views.budget_line_edit, name="budget_line_add"
    ),
    path(
        "budget/<int:year>/lignes/<int:pk>/", budget_views.budget_line_edit, name="budget_line_edit"
    ),
    path("eleves/", include("students.urls")),
    path("commandes/", include("orders.urls")),
    path("temps/", include("training.urls")),
    path("compte/", include("accounts.urls")),
    path("compte/", include("django.contrib.auth.urls")),
    path("langue/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
]

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from ecoles import views

urlpatterns = [
    path("", include("home.urls")),
    path("etablissement/", views.school_edit, name="school"),
    path("etablissement/regles/", views.policy_edit, name="policy"),
    path("etablissement/calendrier/", views.calendar_year, name="calendar"),
    path("etablissement/calendrier/mois/", views.calendar_month, name="calendar_month"),
    path("etablissement/calendrier/importer/", views.calendar_import, name="calendar_import"),
    path("etablissement/calendrier/fermetures/nouvelle/", views.closure_edit, name="closure_add"),
    path("etablissement/calendrier/fermetures/<int:pk>/", views.closure_edit, name="closure_edit"),
    path(
        "etablissement/calendrier/fermetures/<int:pk>/supprimer/",
        views.closure_delete,
        name="closure_delete",
    ),
    path(
        "etablissement/calendrier/ouvertures/nouvelle/",
        views.opened_day_edit,
        name="opened_day_add",
    ),
    path(
        "etablissement/calendrier/ouvertures/<int:pk>/",
        views.opened_day_edit,
        name="opened_day_edit",
    ),
    path(
        "etablissement/calendrier/ouvertures/<int:pk>/supprimer/",
        views.opened_day_delete,
        name="opened_day_delete",
    ),
    path("ateliers/", views.workshop_list, name="workshops"),
    path("ateliers/nouveau/", views.workshop_edit, name="workshop_add"),
    path("ateliers/<int:pk>/", views.workshop_edit, name="workshop_edit"),
    path("budget/", include("budget.urls")),
    path("banque/", include("banking.urls")),
    path("eleves/", include("students.urls")),
    path("securite/", include("safety.urls")),
    path("commandes/", include("orders.urls")),
    path("commandes/", include("billing.urls")),
    path("temps/", include("training.urls")),
    path("vie-scolaire/", include("schoollife.urls")),
    path("competences/", include("skills.urls")),
    path("espace/", include("families.urls")),
    path("compte/", include("accounts.urls")),
    path("comptes/personnel/", include("accounts.staff_urls")),
    path("compte/", include("django.contrib.auth.urls")),
    path("langue/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
    path("reseau/", include("network.urls")),
]
# The network's hub (issue 31): its API and pages on the network's own instance only.
if settings.NETWORK_HUB:
    urlpatterns.append(path("reseau/", include("network.hub_urls")))

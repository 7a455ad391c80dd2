"""The school's side, always routed (under /reseau/); the hub's pages are added by
ecoles.urls only when settings.NETWORK_HUB is on (network.hub_urls)."""

from django.urls import path

from network import views

app_name = "network"
urlpatterns = [
    path("envoi/", views.send, name="send"),
    path("export.json", views.download, name="download"),
    path("referentiels/", views.referentiel_list, name="referentiels"),
    path("referentiels/importer/", views.referentiel_import, name="referentiel_import"),
]

"""The hub's API and pages (routed by ecoles.urls when settings.NETWORK_HUB is on)."""

from django.urls import path

from network import hub_views

app_name = "hub"
urlpatterns = [
    path("", hub_views.overview, name="overview"),
    path("export.csv", hub_views.export, name="export"),
    path("rapport.pdf", hub_views.report_pdf, name="report_pdf"),
    path("ecoles/", hub_views.schools, name="schools"),
    path("ecoles/nouvelle/", hub_views.school_add, name="school_add"),
    path("ecoles/<int:pk>/", hub_views.school, name="school"),
    path("ecoles/<int:pk>/modifier/", hub_views.school_edit, name="school_edit"),
    path("ecoles/<int:pk>/cle/", hub_views.school_rotate_key, name="school_rotate_key"),
    path("envois/<int:pk>/", hub_views.report_detail, name="report"),
    path("televerser/", hub_views.upload, name="upload"),
    path("publier/", hub_views.published, name="referentiels"),
    path("api/v1/indicateurs/", hub_views.api_indicators, name="api_indicators"),
    path("api/v1/openapi.json", hub_views.api_openapi, name="api_openapi"),
    path("api/v1/referentiels/", hub_views.api_referentiels, name="api_referentiels"),
    path("api/v1/referentiels/<int:pk>/", hub_views.api_referentiel, name="api_referentiel"),
]

"""The URL conf of a hub (settings.NETWORK_HUB on), for the tests: ecoles.urls adds the
hub's patterns only when the setting is on at start."""

from django.urls import include, path

from ecoles.urls import urlpatterns as school_patterns

urlpatterns = [
    *(p for p in school_patterns if getattr(p, "namespace", None) != "hub"),
    path("reseau/", include("network.hub_urls")),
]

"""/api/v1/: one URLconf, namespace "api". Each app adds its own API URLs (included by name, so that this module, in
the lowest layer, imports none of the apps above it)."""

from django.urls import include, path

app_name = "api"

urlpatterns = [
    path("", include("applications.api_urls")),
]

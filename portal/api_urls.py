"""/api/v1/: one URLconf, namespace "api". Each app adds its own API URLs (included by name, so that this module, in
the lowest layer, imports none of the apps above it). The schema and its documentation are public."""

from django.contrib.auth.decorators import login_not_required
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from portal.api import ApiNotFound

app_name = "api"

urlpatterns = [
    path("schema/", login_not_required(SpectacularAPIView.as_view()), name="schema"),
    path("docs/", login_not_required(SpectacularSwaggerSplitView.as_view(url_name="api:schema")), name="docs"),
    path("", include("portal.api_public_urls")),
    path("", include("indicators.api_urls")),
    path("", include("applications.api_urls")),
    path("", include("scoring.api_urls")),
    path("", include("reviews.api_urls")),
    # [\s\S], not ".": a path with a line break (%0A) is an unknown API path too, not the portal's HTML 404 page.
    re_path(r"^(?P<rest>[\s\S]*)$", ApiNotFound.as_view(), name="not-found"),
]

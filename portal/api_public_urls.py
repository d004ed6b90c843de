"""The portal's public part of /api/v1/ (included by portal/api_urls.py, namespace "api")."""

from django.urls import path

from portal import api_public

urlpatterns = [
    path("municipalities/", api_public.MunicipalityListApi.as_view(), name="municipality-list"),
]

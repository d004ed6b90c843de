"""The scores' part of /api/v1/ (included by portal/api_urls.py, namespace "api")."""

from django.urls import path

from scoring import api

urlpatterns = [
    path("cycles/<slug:code>/standings/", api.StandingListApi.as_view(), name="cycle-standings"),
    path("cycles/<slug:code>/runs/", api.RunListApi.as_view(), name="cycle-runs"),
]

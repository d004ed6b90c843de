"""The applications' part of /api/v1/ (included by portal/api_urls.py, namespace "api")."""

from django.urls import path

from applications import api

urlpatterns = [
    path("applications/<int:pk>/", api.ApplicationDetailApi.as_view(), name="application-detail"),
    path("applications/<int:pk>/values/<str:code>/", api.ValueUpdateApi.as_view(), name="application-value"),
]

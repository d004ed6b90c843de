"""The applications' part of /api/v1/ (included by portal/api_urls.py, namespace "api")."""

from django.urls import path

from applications import api

urlpatterns = [
    path("applications/", api.ApplicationListApi.as_view(), name="application-list"),
    path("applications/<int:pk>/", api.ApplicationDetailApi.as_view(), name="application-detail"),
    path("applications/<int:pk>/values/<str:code>/", api.ValueUpdateApi.as_view(), name="application-value"),
    path("applications/<int:pk>/values/<str:code>/evidence/", api.EvidenceApi.as_view(), name="application-evidence"),
    path("applications/<int:pk>/receipt/", api.ReceiptApi.as_view(), name="application-receipt"),
    path("applications/<int:pk>/submit/", api.SubmitApi.as_view(), name="application-submit"),
    path("clarifications/", api.ClarificationListApi.as_view(), name="clarification-list"),
    path("clarifications/<int:pk>/answer/", api.ClarificationAnswerApi.as_view(), name="clarification-answer"),
]

"""The applications' part of /api/v1/ (included by portal/api_urls.py, namespace "api")."""

from django.urls import path

from applications.api.applications import ApplicationDetailApi, ApplicationListApi
from applications.api.clarifications import ClarificationAnswerApi, ClarificationListApi
from applications.api.evidence import EvidenceApi
from applications.api.receipts import ReceiptApi, SubmitApi
from applications.api.values import ValueUpdateApi

urlpatterns = [
    path("applications/", ApplicationListApi.as_view(), name="application-list"),
    path("applications/<int:pk>/", ApplicationDetailApi.as_view(), name="application-detail"),
    path("applications/<int:pk>/values/<text:code>/", ValueUpdateApi.as_view(), name="application-value"),
    path("applications/<int:pk>/values/<text:code>/evidence/", EvidenceApi.as_view(), name="application-evidence"),
    path("applications/<int:pk>/receipt/", ReceiptApi.as_view(), name="application-receipt"),
    path("applications/<int:pk>/submit/", SubmitApi.as_view(), name="application-submit"),
    path("clarifications/", ClarificationListApi.as_view(), name="clarification-list"),
    path("clarifications/<int:pk>/answer/", ClarificationAnswerApi.as_view(), name="clarification-answer"),
]

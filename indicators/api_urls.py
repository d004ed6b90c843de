"""The indicators' part of /api/v1/ (included by portal/api_urls.py, namespace "api"): public reads of cycles and
frameworks; the admins' cycle writes."""

from django.urls import path

from indicators import api

urlpatterns = [
    path("cycles/", api.CycleListApi.as_view(), name="cycle-list"),
    path("cycles/<slug:code>/", api.CycleDetailApi.as_view(), name="cycle-detail"),
    path("cycles/<slug:code>/phase/", api.CyclePhaseApi.as_view(), name="cycle-phase"),
    path("cycles/<slug:code>/extensions/", api.CycleExtensionApi.as_view(), name="cycle-extensions"),
    path("cycles/<slug:code>/framework/", api.CycleFrameworkApi.as_view(), name="cycle-framework"),
]

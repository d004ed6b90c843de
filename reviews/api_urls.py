"""The review workflow's part of /api/v1/ (included by portal/api_urls.py, namespace "api")."""

from django.urls import path

from reviews import api

urlpatterns = [
    path("review/assignments/", api.AssignmentListApi.as_view(), name="review-assignments"),
    path("review/applications/<int:pk>/values/<str:code>/verdict/", api.VerdictApi.as_view(), name="review-verdict"),
    path("review/applications/<int:pk>/rubric/<str:code>/", api.RubricScoreApi.as_view(), name="review-rubric"),
    path(
        "review/applications/<int:pk>/clarifications/",
        api.ClarificationListApi.as_view(),
        name="review-clarifications",
    ),
    path(
        "review/applications/<int:pk>/clarifications/<int:request_id>/close/",
        api.ClarificationCloseApi.as_view(),
        name="review-clarification-close",
    ),
    path("applications/<int:pk>/assignments/", api.AssignApi.as_view(), name="application-assignments"),
    path("cycles/<slug:code>/decisions/", api.DecideApi.as_view(), name="cycle-decisions"),
]

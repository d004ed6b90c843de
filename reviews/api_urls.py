"""The review workflow's part of /api/v1/ (included by portal/api_urls.py, namespace "api")."""

from django.urls import path

from reviews import api, api_admin, api_results

urlpatterns = [
    path("review/assignments/", api.AssignmentListApi.as_view(), name="review-assignments"),
    path("review/applications/<int:pk>/values/<text:code>/verdict/", api.VerdictApi.as_view(), name="review-verdict"),
    path("review/applications/<int:pk>/rubric/<text:code>/", api.RubricScoreApi.as_view(), name="review-rubric"),
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
    path("applications/<int:pk>/assignments/", api_admin.AssignApi.as_view(), name="application-assignments"),
    path("cycles/<slug:code>/decisions/", api_admin.DecideApi.as_view(), name="cycle-decisions"),
    # Published results and open data (public)
    path("cycles/<slug:code>/results/", api_results.CycleResultsApi.as_view(), name="cycle-results"),
    path("cycles/<slug:code>/open-data/", api_results.CycleOpenDataApi.as_view(), name="cycle-open-data"),
]

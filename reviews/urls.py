from django.urls import path

from reviews.views import admin, exports, packets, ranking, results, workspace

app_name = "reviews"

urlpatterns = [
    # Reviewer workspace
    path("review/", workspace.WorkspaceView.as_view(), name="workspace"),
    path("review/applications/<int:pk>/", workspace.ReviewSheetView.as_view(), name="sheet"),
    path("review/applications/<int:pk>/values/<text:code>/", workspace.ValueReviewView.as_view(), name="value-review"),
    path("review/applications/<int:pk>/rubric/<text:code>/", workspace.RubricScoreView.as_view(), name="rubric-score"),
    path("review/applications/<int:pk>/site-visits/", workspace.SiteVisitView.as_view(), name="site-visit"),
    path(
        "review/applications/<int:pk>/photos/<int:photo_id>/",
        workspace.SiteVisitPhotoView.as_view(),
        name="site-visit-photo",
    ),
    path("review/applications/<int:pk>/complete/", workspace.CompleteView.as_view(), name="complete"),
    path(
        "review/applications/<int:pk>/clarifications/<int:request_id>/close/",
        workspace.ClarificationCloseView.as_view(),
        name="clarification-close",
    ),
    # Assigning reviewers, for admins
    path("manage/cycles/<slug:code>/assignments/", admin.AssignmentsView.as_view(), name="assignments"),
    path("manage/applications/<int:pk>/assign/", admin.AssignView.as_view(), name="assign"),
    path("manage/applications/<int:pk>/unassign/<int:reviewer_id>/", admin.UnassignView.as_view(), name="unassign"),
    # Ranking board, comparison, decisions
    path("rankings/<slug:code>/board/", ranking.RankingBoardView.as_view(), name="board"),
    path("rankings/<slug:code>/compare/", ranking.CompareView.as_view(), name="compare"),
    path("manage/cycles/<slug:code>/decisions/", ranking.DecideView.as_view(), name="decide"),
    path("applications/<int:pk>/decisions/", ranking.DecisionHistoryView.as_view(), name="decision-history"),
    # Nomination packets and exports
    path("applications/<int:pk>/packet/<str:language>.pdf", packets.PacketView.as_view(), name="packet"),
    path("manage/cycles/<slug:code>/exports/", exports.ExportListView.as_view(), name="exports"),
    path("manage/exports/<int:pk>/", exports.ExportProgressView.as_view(), name="export-progress"),
    path("manage/exports/<int:pk>/download/", exports.ExportDownloadView.as_view(), name="export-download"),
    path("manage/cycles/<slug:code>/rankings.xlsx", exports.RankingExcelView.as_view(), name="export-excel"),
    path("manage/cycles/<slug:code>/values.csv", exports.ValuesCsvView.as_view(), name="export-csv"),
    # The ASEAN stage, for admins
    path("manage/cycles/<slug:code>/asean/", results.AseanOutcomesView.as_view(), name="asean-outcomes"),
    # Published results and open data (public, no login)
    path("results/", results.ResultsListView.as_view(), name="results-list"),
    path("results/<slug:code>/", results.ResultsCycleView.as_view(), name="results-cycle"),
    path("results/<slug:code>/data-dictionary/", results.DataDictionaryView.as_view(), name="data-dictionary"),
    path("results/<slug:code>/open-data.csv", results.OpenDataView.as_view(format="csv"), name="open-data-csv"),
    path("results/<slug:code>/open-data.json", results.OpenDataView.as_view(format="json"), name="open-data-json"),
    path(
        "results/<slug:code>/data-dictionary.csv",
        results.OpenDataView.as_view(what="dictionary", format="csv"),
        name="data-dictionary-csv",
    ),
    path(
        "results/<slug:code>/data-dictionary.json",
        results.OpenDataView.as_view(what="dictionary", format="json"),
        name="data-dictionary-json",
    ),
]

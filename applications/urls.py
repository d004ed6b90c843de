from django.urls import path

from applications.views import clarifications, entry, evidence, excel
from portal.api import moved_to

app_name = "applications"

urlpatterns = [
    path("applications/", entry.ApplicationListView.as_view(), name="list"),
    path("applications/start/<slug:cycle_code>/", entry.ApplicationStartView.as_view(), name="start"),
    path("applications/questions/", clarifications.ClarificationListView.as_view(), name="clarifications"),
    path(
        "applications/<int:pk>/questions/<int:request_id>/",
        clarifications.ClarificationAnswerView.as_view(),
        name="clarification-answer",
    ),
    path("applications/<int:pk>/", entry.ApplicationDetailView.as_view(), name="detail"),
    path("applications/<int:pk>/profile/", entry.ProfileSaveView.as_view(), name="profile-save"),
    path("applications/<int:pk>/values/<text:code>/", entry.ValueSaveView.as_view(), name="value-save"),
    path("applications/<int:pk>/values/<text:code>/confirm/", entry.ValueConfirmView.as_view(), name="value-confirm"),
    path("applications/<int:pk>/evidence/<text:code>/", evidence.EvidenceUploadView.as_view(), name="evidence-upload"),
    path(
        "applications/<int:pk>/files/<int:evidence_id>/", evidence.EvidenceDownloadView.as_view(), name="evidence-file"
    ),
    path(
        "applications/<int:pk>/files/<int:evidence_id>/delete/",
        evidence.EvidenceDeleteView.as_view(),
        name="evidence-delete",
    ),
    path("applications/<int:pk>/prefill/", entry.PrefillView.as_view(), name="prefill"),
    path("applications/<int:pk>/submit/", entry.SubmitView.as_view(), name="submit"),
    path("applications/<int:pk>/receipt/", entry.ReceiptView.as_view(), name="receipt"),
    path("applications/<int:pk>/reopen/", entry.ReopenView.as_view(), name="reopen"),
    path("applications/<int:pk>/history/", entry.HistoryView.as_view(), name="history"),
    # The API moved to /api/v1/ (applications/api_urls.py); the old paths answer 308 there.
    path("api/applications/<int:pk>/", moved_to("api:application-detail"), name="api-detail-moved"),
    path("api/applications/<int:pk>/values/<text:code>/", moved_to("api:application-value"), name="api-value-moved"),
    # Excel round-trip
    path("applications/<int:pk>/excel/template/", excel.TemplateDownloadView.as_view(), name="excel-template"),
    path("applications/<int:pk>/excel/import/", excel.ImportView.as_view(), name="excel-import"),
    path("applications/<int:pk>/excel/import/<int:run_id>/", excel.ImportRunView.as_view(), name="excel-import-run"),
    path(
        "applications/<int:pk>/excel/import/<int:run_id>/apply/",
        excel.ImportApplyView.as_view(),
        name="excel-import-apply",
    ),
]

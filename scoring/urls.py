from django.urls import path

from scoring import views

app_name = "scoring"

urlpatterns = [
    path("applications/<int:pk>/scores/", views.ApplicationScoresView.as_view(), name="application-scores"),
    path("applications/<int:pk>/feedback/", views.FeedbackView.as_view(), name="feedback"),
    path("applications/<int:pk>/feedback/<str:language>.pdf", views.FeedbackPdfView.as_view(), name="feedback-pdf"),
    path("applications/<int:pk>/estimate/", views.EstimateView.as_view(), name="estimate"),
    path("rankings/<slug:code>/", views.RankingView.as_view(), name="ranking"),
    path("manage/cycles/<slug:code>/scores/", views.RunsView.as_view(), name="runs"),
    path("manage/score-runs/<int:pk>/", views.RunProgressView.as_view(), name="run-progress"),
]

from django.urls import path

from dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("dashboards/cycles/", views.CycleDashboardRedirectView.as_view(), name="cycle-latest"),
    path("dashboards/cycles/<slug:code>/", views.CycleDashboardView.as_view(), name="cycle"),
    path("dashboards/municipality/", views.MunicipalityDashboardView.as_view(), name="municipality"),
]

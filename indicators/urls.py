from django.urls import path

from indicators.views import admin, guide

app_name = "indicators"

urlpatterns = [
    # The public indicator guide (no login).
    path("guide/", guide.GuideIndexView.as_view(), name="guide-index"),
    path("guide/<slug:cycle_code>/", guide.GuideCycleView.as_view(), name="guide-cycle"),
    # Administration of cycles and frameworks (admins only).
    path("manage/cycles/", admin.CycleListView.as_view(), name="cycle-list"),
    path("manage/cycles/new/", admin.CycleCreateView.as_view(), name="cycle-create"),
    path("manage/cycles/<slug:code>/", admin.CycleDetailView.as_view(), name="cycle-detail"),
    path("manage/cycles/<slug:code>/edit/", admin.CycleUpdateView.as_view(), name="cycle-update"),
    path("manage/cycles/<slug:code>/size-classes/", admin.SizeClassesUpdateView.as_view(), name="size-classes"),
    path("manage/cycles/<slug:code>/clone/", admin.CycleCloneView.as_view(), name="cycle-clone"),
    path("manage/cycles/<slug:code>/phase/", admin.CyclePhaseView.as_view(), name="cycle-phase"),
    path("manage/cycles/<slug:code>/publish/", admin.CyclePublishView.as_view(), name="cycle-publish"),
    path("manage/cycles/<slug:code>/extensions/", admin.ExtensionCreateView.as_view(), name="extension-create"),
    path(
        "manage/cycles/<slug:code>/new-version/", admin.FrameworkNewVersionView.as_view(), name="framework-new-version"
    ),
    path("manage/cycles/<slug:code>/adopt/<int:pk>/", admin.FrameworkAdoptView.as_view(), name="framework-adopt"),
    path("manage/frameworks/<int:pk>/", admin.FrameworkDetailView.as_view(), name="framework-detail"),
    path("manage/indicators/<int:pk>/edit/", admin.IndicatorUpdateView.as_view(), name="indicator-update"),
]

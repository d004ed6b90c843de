"""The dashboards: a cycle's figures for admins, a municipality's own picture for its officers."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from dashboards import charts
from dashboards.permissions import can_view_cycle_dashboard, can_view_municipality_dashboard
from dashboards.selectors import cycle_figures, cycles_for_dashboard, score_bands
from dashboards.selectors_municipality import municipality_figures
from portal.http import user_of


class CycleDashboardMixin(View):
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not can_view_cycle_dashboard(user_of(request)):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class CycleDashboardRedirectView(CycleDashboardMixin, View):
    """The newest cycle's dashboard (the admin home links here)."""

    def get(self, request: HttpRequest) -> HttpResponseBase:
        cycle = cycles_for_dashboard().first()
        if cycle is None:
            raise Http404
        return redirect("dashboards:cycle", code=cycle.code)


class CycleDashboardView(CycleDashboardMixin, TemplateView):
    template_name = "dashboards/cycle_dashboard.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        cycles = list(cycles_for_dashboard())
        cycle = next((cycle for cycle in cycles if cycle.code == self.kwargs["code"]), None)
        if cycle is None:
            cycle = get_object_or_404(cycles_for_dashboard(), code=self.kwargs["code"])  # 404 either way
        figures = cycle_figures(cycle)
        largest_province = max((p.count for region in figures.by_region for p in region.provinces), default=0)
        context.update(
            cycle=cycle,
            cycles=cycles,
            figures=figures,
            bar_charts=[
                (key, caption, list(zip(bars, charts.lengths([bar.count for bar in bars]), strict=True)))
                for key, caption, bars in (
                    ("status", _("Applications by status"), figures.by_status),
                    ("track", _("Applications by track"), figures.by_track),
                    ("category", _("Certificate applications by category"), figures.by_category),
                    ("size", _("Applications by size class"), figures.by_size_class),
                )
            ],
            submission_columns=charts.columns([("", day.count) for day in figures.submissions]),
            score_columns=[
                (distribution, charts.columns([("", count) for count in distribution.bands]))
                for distribution in figures.scores
            ],
            score_bands=score_bands(),
            map_regions=[
                (
                    region,
                    [(province, charts.map_level(province.count, largest_province)) for province in region.provinces],
                )
                for region in figures.by_region
            ],
            map_legend=charts.map_legend(largest_province),
        )
        return context


class MunicipalityDashboardView(TemplateView):
    """The officer's own municipality: no municipality in the URL, so no other municipality can be asked for."""

    template_name = "dashboards/municipality_dashboard.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not can_view_municipality_dashboard(user_of(request)):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["figures"] = municipality_figures(user_of(self.request))
        return context

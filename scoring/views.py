"""Score pages: an application's explained scores, the live estimate, rankings, score runs with progress."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from applications.selectors import applications_visible_to
from indicators.models import AwardCycle, SizeClass
from portal.http import AuthenticatedHttpRequest
from scoring.enums import ScoreKind
from scoring.models import ScoreRun
from scoring.permissions import can_rescore, can_view_rankings
from scoring.selectors import current_scores, latest_runs, ranking, ranking_groups
from scoring.services import estimate, request_cycle_rescore


def _language(request: AuthenticatedHttpRequest) -> str:
    return "th" if (request.LANGUAGE_CODE or "th").startswith("th") else "en"


class ApplicationScoresView(View):
    """htmx partial on the application page: submitted and verified scores, per area and per indicator."""

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        application = get_object_or_404(applications_visible_to(request.user), pk=pk)
        scores = current_scores(application)
        submitted, verified = scores.get(ScoreKind.SUBMITTED), scores.get(ScoreKind.VERIFIED)
        language = _language(request)
        rows = []
        if submitted is not None:
            verified_by_code = {item["code"]: item for item in (verified.indicators if verified else [])}
            for item in submitted.indicators:
                other = verified_by_code.get(item["code"], {})
                rows.append(
                    {
                        "code": item["code"],
                        "area": item["area"],
                        "submitted": item["points"],
                        "verified": other.get("points"),
                        "explanation": item["th" if language == "th" else "en"],
                        "verified_explanation": other.get("th" if language == "th" else "en", ""),
                        "max": item["max"],
                    }
                )
        areas = [
            {
                "code": code,
                "submitted": data["score"],
                "verified": verified.areas.get(code, {}).get("score") if verified else None,
                "answered": data["answered"],
                "applicable": data["applicable"],
            }
            for code, data in (submitted.areas.items() if submitted else [])
        ]
        tiers = {tier["code"]: tier["label_th" if language == "th" else "label_en"] for tier in application.cycle.tiers}
        return render(
            request,
            "scoring/_application_scores.html",
            {
                "application": application,
                "submitted": submitted,
                "verified": verified,
                "rows": rows,
                "areas": areas,
                "tiers": tiers,
            },
        )


class EstimateView(View):
    """htmx partial on the form: the estimate the same engine gives the draft's current values."""

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        application = get_object_or_404(applications_visible_to(request.user), pk=pk)
        result = estimate(application)
        language = _language(request)
        improvements = [
            {
                "code": item.code,
                "points": item.points,
                "next_points": item.next_points,
                "condition": item.next_condition_th if language == "th" else item.next_condition_en,
            }
            for item in result.indicators
            if item.next_points is not None and not item.missing
        ]
        tiers = {tier["code"]: tier["label_th" if language == "th" else "label_en"] for tier in application.cycle.tiers}
        return render(
            request,
            "scoring/_estimate.html",
            {
                "application": application,
                "result": result,
                "improvements": improvements,
                "missing": [item.code for item in result.indicators if item.missing and item.points is not None],
                "tier_label": tiers.get(result.tier, ""),
            },
        )


class RankingView(TemplateView):
    template_name = "scoring/ranking.html"
    request: AuthenticatedHttpRequest

    def dispatch(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not can_view_rankings(request.user):
            raise PermissionDenied
        self.cycle = get_object_or_404(AwardCycle, code=kwargs["code"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        cycle, query = self.cycle, self.request.GET
        groups = ranking_groups(cycle)
        sizes = {size.pk: size for size in SizeClass.objects.filter(cycle=cycle)}
        outside = _("outside the bands")
        choices = [
            {
                "track": track,
                "category": category,
                "size": size_id,
                "label": f"{category or _('ESC Award')} · {sizes[size_id].name_th if size_id in sizes else outside}",
            }
            for track, category, size_id in groups
        ]
        wanted = query.get("group", "").split("|")
        current = next(
            (
                choice
                for choice in choices
                if len(wanted) == 3 and [choice["track"], choice["category"], str(choice["size"])] == wanted
            ),
            choices[0] if choices else None,
        )
        kind = ScoreKind.VERIFIED if query.get("basis") == ScoreKind.VERIFIED else ScoreKind.SUBMITTED
        ranked, unranked = (
            ranking(
                cycle, track=current["track"], category=current["category"], size_class_id=current["size"], kind=kind
            )
            if current
            else ([], [])
        )
        language = "th" if (self.request.LANGUAGE_CODE or "th").startswith("th") else "en"
        context.update(
            cycle=cycle,
            choices=choices,
            current=current,
            kind=kind,
            ranked=ranked,
            unranked=unranked,
            area_codes=list(ranked[0].areas) if ranked else (list(unranked[0].areas) if unranked else []),
            tiers={tier["code"]: tier["label_th" if language == "th" else "label_en"] for tier in cycle.tiers},
            minimum=cycle.completeness_minimum,
        )
        return context


class RunsView(TemplateView):
    template_name = "scoring/runs.html"
    request: AuthenticatedHttpRequest

    def dispatch(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not can_rescore(request.user):
            raise PermissionDenied
        self.cycle = get_object_or_404(AwardCycle.objects.select_related("framework"), code=kwargs["code"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(cycle=self.cycle, runs=latest_runs(self.cycle, limit=20), **kwargs)

    def post(self, request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
        run = request_cycle_rescore(cycle=self.cycle, reason="manual", by=request.user)
        messages.success(request, _("Rescoring queued: {count} applications.").format(count=run.total))
        return redirect("scoring:runs", code=code)


class RunProgressView(View):
    """htmx partial polled while a run is queued or running."""

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        if not can_rescore(request.user):
            raise PermissionDenied
        run = get_object_or_404(ScoreRun, pk=pk)
        return render(
            request,
            "scoring/_run_progress.html",
            {"run": run, "active": run.is_active},
        )

"""Score pages: an application's explained scores, the live estimate, rankings, score runs with progress."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from applications.models import Application
from applications.selectors import applications_visible_to
from indicators.models import AwardCycle
from portal.http import AuthenticatedHttpRequest
from scoring.enums import ScoreKind
from scoring.models import ApplicationScore, ScoreRun
from scoring.permissions import can_rescore, can_see_own_rank, can_view_rankings
from scoring.selectors import current_scores, group_counts, latest_runs
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
                        "pending": other.get("pending", ""),
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
        final = verified is not None and verified.is_final
        return render(
            request,
            "scoring/_application_scores.html",
            {
                "application": application,
                "submitted": submitted,
                "verified": verified,
                "verified_final": final,
                "rows": rows,
                "areas": areas,
                "tiers": tiers,
                "standing": self.standing(request, application, submitted) if submitted else None,
            },
        )

    @staticmethod
    def standing(
        request: AuthenticatedHttpRequest, application: Application, submitted: ApplicationScore
    ) -> dict[str, Any] | None:
        """The stored rank by the submitted score, for those who may see it: the committee always, the municipality
        once the national decision is taken."""
        if not can_see_own_rank(request.user, application):
            return None
        counts = group_counts(application.cycle, ScoreKind.SUBMITTED, [submitted.group_key])
        return {"rank": submitted.rank, "count": counts.get(submitted.group_key, 0)}


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


class RankingView(View):
    """The former ranking page: the ranking board (reviews) is the one place that shows the stored standing."""

    def get(self, request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
        if not can_view_rankings(request.user):
            raise PermissionDenied
        cycle = get_object_or_404(AwardCycle, code=code)
        return redirect(reverse("reviews:board", kwargs={"code": cycle.code}), permanent=True)


class RunsView(TemplateView):
    template_name = "scoring/runs.html"
    request: AuthenticatedHttpRequest

    def dispatch(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not can_rescore(request.user):
            raise PermissionDenied
        self.cycle = get_object_or_404(
            AwardCycle.objects.select_related("framework").defer("framework__source_text"), code=kwargs["code"]
        )
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

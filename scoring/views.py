"""Score pages: an application's explained scores, the live estimate, rankings, score runs with progress, and the
municipality's feedback report once results are published."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from applications.http import application_in_scope
from applications.models import Application
from indicators.models import AwardCycle
from portal.http import user_of
from portal.i18n import current_language, localized
from scoring.enums import ScoreKind
from scoring.feedback import LANGUAGES, feedback_filename, feedback_report, render_feedback_pdf
from scoring.models import ApplicationScore, ScoreRun
from scoring.permissions import can_read_feedback, can_rescore, can_see_own_rank, can_view_rankings
from scoring.selectors import current_scores, feedback_available, group_counts, latest_runs
from scoring.services import estimate, request_cycle_rescore


class ApplicationScoresView(View):
    """htmx partial on the application page: submitted and verified scores, per area and per indicator."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        application = application_in_scope(request, pk)
        scores = current_scores(application)
        submitted, verified = scores.get(ScoreKind.SUBMITTED), scores.get(ScoreKind.VERIFIED)
        language = current_language()
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
        tiers = application.cycle.tier_labels(language)
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
                "feedback": can_read_feedback(user_of(request), application) and feedback_available(application),
            },
        )

    @staticmethod
    def standing(request: HttpRequest, application: Application, submitted: ApplicationScore) -> dict[str, Any] | None:
        """The stored rank by the submitted score, for those who may see it: the committee always, the municipality
        once the national decision is taken."""
        if not can_see_own_rank(user_of(request), application):
            return None
        counts = group_counts(application.cycle, ScoreKind.SUBMITTED, [submitted.group_key])
        return {"rank": submitted.rank, "count": counts.get(submitted.group_key, 0)}


class EstimateView(View):
    """htmx partial on the form: the estimate the same engine gives the draft's current values."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        application = application_in_scope(request, pk)
        result = estimate(application)
        language = current_language()
        improvements = [
            {
                "code": item.code,
                "points": item.points,
                "next_points": item.next_points,
                "condition": localized(item, "next_condition", language),
            }
            for item in result.indicators
            if item.next_points is not None and not item.missing
        ]
        tiers = application.cycle.tier_labels(language)
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

    def get(self, request: HttpRequest, code: str) -> HttpResponse:
        if not can_view_rankings(user_of(request)):
            raise PermissionDenied
        cycle = get_object_or_404(AwardCycle, code=code)
        return redirect(reverse("reviews:board", kwargs={"code": cycle.code}), permanent=True)


class RunsView(TemplateView):
    template_name = "scoring/runs.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not can_rescore(user_of(request)):
            raise PermissionDenied
        self.cycle = get_object_or_404(
            AwardCycle.objects.select_related("framework").defer("framework__source_text"), code=kwargs["code"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(cycle=self.cycle, runs=latest_runs(self.cycle, limit=20), **kwargs)

    def post(self, request: HttpRequest, code: str) -> HttpResponse:
        run = request_cycle_rescore(cycle=self.cycle, reason="manual", by=user_of(request))
        messages.success(request, _("Rescoring queued: {count} applications.").format(count=run.total))
        return redirect("scoring:runs", code=code)


class RunProgressView(View):
    """htmx partial polled while a run is queued or running."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not can_rescore(user_of(request)):
            raise PermissionDenied
        run = get_object_or_404(ScoreRun, pk=pk)
        return render(
            request,
            "scoring/_run_progress.html",
            {"run": run, "active": run.is_active},
        )


class FeedbackMixin(View):
    """The application through its officers' and admins' visibility (404), the reader (403), the gate (404)."""

    def feedback_application(self, pk: int) -> Application:
        application = application_in_scope(self.request, pk)
        if not can_read_feedback(user_of(self.request), application):
            raise PermissionDenied
        if not feedback_available(application):
            raise Http404(_("The feedback report is available once the cycle's results are published."))
        return application


class FeedbackView(FeedbackMixin, TemplateView):
    """The municipality's feedback report as a page, in the reader's language, with its PDF in both languages."""

    template_name = "scoring/feedback.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        application = self.feedback_application(self.kwargs["pk"])
        report = feedback_report(application, language=current_language())
        return super().get_context_data(report=report, application=application, languages=LANGUAGES, **kwargs)


class FeedbackPdfView(FeedbackMixin, View):
    def get(self, request: HttpRequest, pk: int, language: str) -> HttpResponse:
        application = self.feedback_application(pk)
        if language not in LANGUAGES:
            raise Http404
        response = HttpResponse(render_feedback_pdf(application, language=language), content_type="application/pdf")
        filename = feedback_filename(application, language)
        disposition = content_disposition_header(as_attachment=False, filename=filename)
        assert disposition is not None  # there is a filename
        response["Content-Disposition"] = disposition
        return response

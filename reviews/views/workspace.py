"""The reviewer's workspace (assignments with progress and filters) and review sheet (verification of every value,
rubric scores, clarification requests, site visits, "save and next")."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from applications.http import application_in_scope
from applications.models import Application, ClarificationRequest
from indicators.models import Indicator
from portal.http import user_of
from portal.models import User
from portal.uploads import JPEG, PNG
from reviews.enums import VerificationStatus
from reviews.forms import SiteVisitForm
from reviews.models import SiteVisitPhoto
from reviews.permissions import (
    can_read_every_review_sheet,
    can_review_application,
    can_use_review_workspace,
    unassigned_refusal,
)
from reviews.presenters.sheet import ABSTAIN, row_context, sheet_context, site_visit_context
from reviews.presenters.workspace import workspace_context
from reviews.selectors import applicable_indicator, next_assignment
from reviews.services import complete_review, record_site_visit, review_value, score_rubric
from reviews.services_clarifications import close_clarification

POSTED_FIELDS = ("corrected", "reason", "question", "points", "comment")
PHOTO_TYPES = {PNG: "image/png", JPEG: "image/jpeg"}


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


# ---- access -----------------------------------------------------------------------------------------------------


def _sheet_access(user: User, application: Application) -> bool:
    """Who may read the review sheet, and whether they may act on it (the return value).

    Assigned reviewers read and act; admins only read. A reviewer who can see the application for the committee's
    ranking but is not assigned to it gets a 404 like any application outside their scope; officers get a 403.
    """
    if can_review_application(user, application):
        return True
    if can_read_every_review_sheet(user):
        return False
    raise unassigned_refusal(user)


def _indicator(application: Application, code: str) -> Indicator:
    """One of the indicators of the application's own track and category (404 for any other code)."""
    indicator = applicable_indicator(application, code)
    if indicator is None:
        raise Http404
    return indicator


def _require_reviewer(user: User, application: Application) -> None:
    """POSTs: only an assigned reviewer acts (403 for everybody else who can see the application)."""
    if not can_review_application(user, application):
        raise PermissionDenied


def _errors_of(error: ValidationError) -> dict[str, list[str]]:
    """Messages by field; errors that name no field go under "general" (templates cannot read "__all__")."""
    if hasattr(error, "error_dict"):
        return {
            "general" if name == "__all__" else name: list(problems) for name, problems in error.message_dict.items()
        }
    return {"general": list(error.messages)}


# ---- workspace --------------------------------------------------------------------------------------------------


class WorkspaceView(TemplateView):
    """My assignments, with progress "n / N" and filters by cycle, status (open / done) and province."""

    template_name = "reviews/workspace.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not can_use_review_workspace(user_of(request)):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        chosen = {name: self.request.GET.get(name, "") for name in ("cycle", "status", "province")}
        context.update(workspace_context(user_of(self.request), chosen))
        return context


# ---- the review sheet -------------------------------------------------------------------------------------------


class ReviewSheetView(View):
    """One application, every value with what a reviewer needs to judge it. Admins may read it, not act."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        application = application_in_scope(request, pk)
        can_act = _sheet_access(user_of(request), application)
        return render(request, "reviews/sheet.html", sheet_context(application, user_of(request), can_act=can_act))


class _RowActionView(View):
    """A POST on one row: htmx gets the row back (errors inside it); without htmx, back to the sheet."""

    http_method_names = ["post"]

    def respond(
        self,
        request: HttpRequest,
        application: Application,
        code: str,
        *,
        errors: dict[str, list[str]] | None = None,
        mode: str = "",
        saved: str = "",
        confirm: str = "",
    ) -> HttpResponse:
        if not _is_htmx(request):
            for problems in (errors or {}).values():
                for problem in problems:
                    messages.error(request, f"{code}: {problem}")
            if saved:
                messages.success(request, f"{code}: {saved}")
            return redirect(f"{reverse('reviews:sheet', args=[application.pk])}#row-{code}")
        context = row_context(
            application,
            user_of(request),
            code,
            errors=errors or {},
            mode=mode,
            saved=saved,
            confirm=confirm,
            posted={name: request.POST[name] for name in POSTED_FIELDS if name in request.POST},
        )
        if context is None:
            raise Http404
        # The row, plus the counters it changes elsewhere on the page (swapped out of band).
        return render(request, "reviews/_sheet_row_response.html", context)


class ValueReviewView(_RowActionView):
    """Verify, query (with a question) or correct (with the site-visit value and a reason) one value."""

    MODES: dict[str, str] = {VerificationStatus.QUERIED: "query", VerificationStatus.CORRECTED: "correct"}

    def post(self, request: HttpRequest, pk: int, code: str) -> HttpResponse:
        application = application_in_scope(request, pk)
        _require_reviewer(user_of(request), application)
        indicator = _indicator(application, code)
        status = request.POST.get("action", "")
        try:
            review_value(
                application=application,
                indicator=indicator,
                reviewer=user_of(request),
                status=status,
                corrected=request.POST.get("corrected", ""),
                reason=request.POST.get("reason", ""),
                question=request.POST.get("question", ""),
                drop_correction=request.POST.get("drop_correction") == "yes",
            )
        except ValidationError as error:
            if getattr(error, "code", None) == "drops_correction":
                # Nothing changed: the row asks whether to drop the correction, with what was posted kept.
                return self.respond(request, application, code, errors=_errors_of(error), confirm=status)
            return self.respond(request, application, code, errors=_errors_of(error), mode=self.MODES.get(status, ""))
        saved = {
            VerificationStatus.VERIFIED: _("Marked as verified."),
            VerificationStatus.QUERIED: _("Question sent to the municipality."),
            VerificationStatus.CORRECTED: _("Correction saved; the verified score will be recalculated."),
        }[VerificationStatus(status)]
        return self.respond(request, application, code, saved=saved)


class RubricScoreView(_RowActionView):
    """A reviewer's level (0..max) for a rubric indicator with a comment, or an abstention."""

    def post(self, request: HttpRequest, pk: int, code: str) -> HttpResponse:
        application = application_in_scope(request, pk)
        _require_reviewer(user_of(request), application)
        indicator = _indicator(application, code)
        choice = request.POST.get("points", "")
        try:
            if choice != ABSTAIN and not choice.isdigit():
                raise ValidationError({"points": _("Choose a level, or abstain.")})
            score_rubric(
                application=application,
                indicator=indicator,
                reviewer=user_of(request),
                points=None if choice == ABSTAIN else int(choice),
                comment=request.POST.get("comment", ""),
            )
        except ValidationError as error:
            return self.respond(request, application, code, errors=_errors_of(error))
        return self.respond(
            request, application, code, saved=_("Abstention saved.") if choice == ABSTAIN else _("Score saved.")
        )


class ClarificationCloseView(_RowActionView):
    def post(self, request: HttpRequest, pk: int, request_id: int) -> HttpResponse:
        application = application_in_scope(request, pk)
        _require_reviewer(user_of(request), application)
        clarification = get_object_or_404(
            ClarificationRequest.objects.select_related("indicator"), application=application, pk=request_id
        )
        close_clarification(request=clarification, by=user_of(request))
        return self.respond(request, application, clarification.indicator.code, saved=_("Question closed."))


class SiteVisitView(View):
    """Record a site visit: date, notes and JPEG/PNG photos. htmx gets the site-visit section back."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        application = application_in_scope(request, pk)
        _require_reviewer(user_of(request), application)
        form = SiteVisitForm(request.POST, prefix="visit")
        photo_errors: list[str] = []
        if form.is_valid():
            try:
                record_site_visit(
                    application=application,
                    reviewer=user_of(request),
                    visited_on=form.cleaned_data["visited_on"],
                    notes=form.cleaned_data["notes"],
                    photos=request.FILES.getlist("photos"),
                )
            except ValidationError as error:
                for name, problems in _errors_of(error).items():
                    if name == "photos":
                        photo_errors.extend(problems)
                    else:
                        form.add_error("notes" if name == "notes" else None, problems)
            else:
                if not _is_htmx(request):
                    messages.success(request, _("Site visit recorded."))
                    return redirect(f"{reverse('reviews:sheet', args=[application.pk])}#site-visits")
                context = site_visit_context(application, can_act=True)
                context["saved"] = _("Site visit recorded.")
                return render(request, "reviews/_sheet_site_visits.html", context)
        if not _is_htmx(request):
            for problem in [*form.errors.get("visited_on", []), *form.errors.get("notes", []), *photo_errors]:
                messages.error(request, problem)
            return redirect(f"{reverse('reviews:sheet', args=[application.pk])}#site-visits")
        return render(
            request,
            "reviews/_sheet_site_visits.html",
            site_visit_context(application, can_act=True, form=form, photo_errors=photo_errors),
        )


class SiteVisitPhotoView(View):
    """A site-visit photo, only to those who may read the review sheet; never by a public URL."""

    def get(self, request: HttpRequest, pk: int, photo_id: int) -> FileResponse:
        application = application_in_scope(request, pk)
        _sheet_access(user_of(request), application)
        photo = get_object_or_404(SiteVisitPhoto, visit__application=application, pk=photo_id)
        if photo.file_type not in PHOTO_TYPES:
            raise Http404
        response = FileResponse(photo.file.open("rb"), content_type=PHOTO_TYPES[photo.file_type], filename=photo.name)
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        # The browser's own image viewer styles the page inline when a photo is opened in a tab of its own.
        response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
        return response


class CompleteView(View):
    """ "Save and next": mark my review of this application complete, open the next one I have not finished."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        application = application_in_scope(request, pk)
        _require_reviewer(user_of(request), application)
        complete_review(application=application, reviewer=user_of(request))
        following = next_assignment(user_of(request), application)
        if following is None:
            messages.success(request, _("Review saved. No unfinished application is left in this cycle."))
            return redirect("reviews:workspace")
        messages.success(
            request,
            _("Review of {municipality} saved. Next: {next}.").format(
                municipality=application.municipality.full_name_th,
                next=following.application.municipality.full_name_th,
            ),
        )
        return redirect("reviews:sheet", pk=following.application_id)

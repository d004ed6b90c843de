"""The reviewer's workspace (assignments with progress and filters) and review sheet (verification of every value,
rubric scores, clarification requests, site visits, "save and next")."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from applications.enums import ClarificationStatus
from applications.models import Application, ClarificationRequest, IndicatorValue, ReviewerAssignment
from applications.selectors import applicable_indicators, applications_visible_to
from applications.services import OutlierContext, close_clarification, outlier_context, outlier_warnings
from indicators.models import Indicator
from indicators.rules import UNITS
from portal.enums import Role
from portal.forms import PortalFormMixin
from portal.http import AuthenticatedHttpRequest
from portal.models import Province
from portal.uploads import JPEG, PNG
from reviews.aggregation import Combined
from reviews.enums import VerificationStatus
from reviews.models import SiteVisitPhoto, ValueReview
from reviews.permissions import can_review_application, can_use_review_workspace
from reviews.selectors import (
    SheetRow,
    assignments_of,
    combined_rubric_points,
    next_assignment,
    review_sheet,
    site_visits_of,
)
from reviews.services import complete_review, record_site_visit, review_value, score_rubric

ABSTAIN = "abstain"
POSTED_FIELDS = ("corrected", "reason", "question", "points", "comment")
PHOTO_TYPES = {PNG: "image/png", JPEG: "image/jpeg"}


def _language() -> str:
    return "th" if (translation.get_language() or "th").startswith("th") else "en"


def _is_htmx(request: AuthenticatedHttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


# ---- access -----------------------------------------------------------------------------------------------------


def _application(request: AuthenticatedHttpRequest, pk: int) -> Application:
    """The application through the user's scope: a 404 outside it."""
    return get_object_or_404(applications_visible_to(request.user), pk=pk)


def _sheet_access(user: Any, application: Application) -> bool:
    """Who may read the review sheet, and whether they may act on it (the return value).

    Assigned reviewers read and act; admins only read. A reviewer who can see the application for the committee's
    ranking but is not assigned to it gets a 404 like any application outside their scope; officers get a 403.
    """
    if can_review_application(user, application):
        return True
    if user.role == Role.ADMIN:
        return False
    if user.role == Role.REVIEWER:
        raise Http404
    raise PermissionDenied


def _indicator(application: Application, code: str) -> Indicator:
    """One of the indicators of the application's own track and category (404 for any other code)."""
    return get_object_or_404(applicable_indicators(application), code=code)


def _require_reviewer(user: Any, application: Application) -> None:
    """POSTs: only an assigned reviewer acts (403 for everybody else who can see the application)."""
    if not can_review_application(user, application):
        raise PermissionDenied


# ---- presenting one row -----------------------------------------------------------------------------------------


def _number(value: Decimal) -> str:
    return format(value.normalize(), ",f")


def _unit_symbol(indicator: Indicator, language: str) -> str:
    unit = UNITS.get(indicator.unit)
    return unit.symbol(language) if unit else indicator.unit


def _with_unit(number: Decimal, indicator: Indicator, language: str) -> str:
    symbol = _unit_symbol(indicator, language)
    if not symbol:
        return _number(number)
    return f"{_number(number)}{symbol}" if symbol == "%" else f"{_number(number)} {symbol}"


def _levels(indicator: Indicator, language: str) -> list[tuple[int, str]]:
    levels = indicator.rule.get("levels", []) if indicator.value_type == "rubric" else []
    return [(level["points"], level["label_th" if language == "th" else "label_en"]) for level in levels]


def _flag(flag: bool) -> str:
    return _("Yes") if flag else _("No")


def _value_text(indicator: Indicator, value: IndicatorValue | None, language: str) -> str:
    """The submitted value as a reviewer reads it: with its unit, yes/no in words, a level with its label."""
    if value is None:
        return ""
    if value.level is not None:
        label = dict(_levels(indicator, language)).get(value.level, "")
        return _("Level {level}").format(level=value.level) + (f" · {label}" if label else "")
    if value.flag is not None:
        return _flag(value.flag)
    if value.number is not None:
        return _with_unit(value.number, indicator, language)
    return ""


def _corrected_text(indicator: Indicator, review: ValueReview | None, language: str) -> str:
    if review is None or review.status != VerificationStatus.CORRECTED:
        return ""
    if review.corrected_flag is not None:
        return _flag(review.corrected_flag)
    if review.corrected_number is not None:
        return _with_unit(review.corrected_number, indicator, language)
    return ""


def _raw(value: IndicatorValue | None) -> str:
    if value is None or value.number is None:
        return "" if value is None or value.flag is None else ("yes" if value.flag else "no")
    return format(value.number.normalize(), "f")


@dataclass
class RowView:
    """Everything _value_row.html shows for one indicator (computed here so the template stays free of logic)."""

    row: SheetRow
    value_text: str
    corrected_text: str
    unit_symbol: str
    levels: list[tuple[int, str]]
    warnings: list[str]
    combined: Combined | None
    other_reviews: list[ValueReview]
    open_clarifications: list[ClarificationRequest]
    closed_clarifications: int
    can_correct: bool
    is_rubric: bool
    is_done: bool
    evidence_missing: bool
    form: dict[str, str] = field(default_factory=dict)  # what was posted, refilled after an error
    errors: dict[str, list[str]] = field(default_factory=dict)
    mode: str = ""  # the open action ("query" or "correct") after an error
    saved: str = ""  # a short confirmation after a successful action
    confirm: str = ""  # the action ("verified", "queried") waiting for the reviewer to confirm dropping a correction
    needs_reviewer: bool = False  # a rubric indicator every reviewer who looked at abstained on

    @property
    def indicator(self) -> Indicator:
        return self.row.indicator

    @property
    def has_activity(self) -> bool:
        """Something for the reviewers' column even for a reader who cannot act (scores, verdicts, questions)."""
        return self.is_rubric or bool(self.other_reviews or self.open_clarifications or self.closed_clarifications)

    @property
    def score_choice(self) -> str:
        if "points" in self.form:
            return self.form["points"]
        score = self.row.my_score
        if score is None:
            return ""
        return ABSTAIN if score.abstain else str(score.points)

    @property
    def corrected_raw(self) -> str:
        if "corrected" in self.form:
            return self.form["corrected"]
        review = self.row.my_review
        if review is not None and review.status == VerificationStatus.CORRECTED:
            if review.corrected_flag is not None:
                return "yes" if review.corrected_flag else "no"
            if review.corrected_number is not None:
                return format(review.corrected_number.normalize(), "f")
        return _raw(self.row.value)


def _needs_evidence(indicator: Indicator, value: IndicatorValue | None) -> bool:
    if not indicator.evidence_required or value is None or not value.is_answered:
        return False
    threshold = indicator.evidence_required_from_points
    return threshold is None or (value.level is not None and value.level >= threshold)


def _row_view(
    application: Application,
    *,
    row: SheetRow,
    reviewer: Any,
    combined: dict[str, Combined],
    language: str,
    outliers: OutlierContext | None,
) -> RowView:
    indicator, value = row.indicator, row.value
    is_rubric = indicator.value_type == "rubric"
    clarifications = row.clarifications
    return RowView(
        row=row,
        value_text=_value_text(indicator, value, language),
        corrected_text=_corrected_text(indicator, row.my_review, language),
        unit_symbol=_unit_symbol(indicator, language),
        levels=_levels(indicator, language),
        warnings=outlier_warnings(application, indicator, value, outliers) if value is not None else [],
        combined=combined.get(indicator.code) if is_rubric else None,
        other_reviews=[review for review in row.reviews if review.reviewer_id != reviewer.pk],
        open_clarifications=[c for c in clarifications if c.status != ClarificationStatus.CLOSED],
        closed_clarifications=sum(1 for c in clarifications if c.status == ClarificationStatus.CLOSED),
        # A site-visit correction replaces a number or a yes/no; levels are scored, text is only queried.
        can_correct=indicator.value_type in ("number", "percent", "count", "yes_no"),
        is_rubric=is_rubric,
        is_done=_is_done(row),
        evidence_missing=not row.evidence and _needs_evidence(indicator, value),
        needs_reviewer=is_rubric and bool(row.all_scores) and all(score.abstain for score in row.all_scores),
    )


def _is_done(row: SheetRow) -> bool:
    """A rubric indicator is done once scored (or abstained); any other once it has a verdict."""
    if row.indicator.value_type == "rubric":
        return row.my_score is not None
    return row.my_review is not None


def _rows(application: Application, reviewer: Any, sheet: list[SheetRow]) -> list[RowView]:
    language = _language()
    combined = combined_rubric_points(application) if any(r.indicator.value_type == "rubric" for r in sheet) else {}
    # Previous-cycle and peer values for every row at once, and only when some value is a number.
    has_numbers = any(row.value is not None and row.value.number is not None for row in sheet)
    outliers = outlier_context(application) if has_numbers else None
    return [
        _row_view(application, row=row, reviewer=reviewer, combined=combined, language=language, outliers=outliers)
        for row in sheet
    ]


def _progress(rows: list[SheetRow]) -> dict[str, int]:
    done = sum(1 for row in rows if _is_done(row))
    return {"done": done, "total": len(rows), "percent": round(100 * done / len(rows)) if rows else 0}


@dataclass
class Section:
    code: str
    name: str
    rows: list[RowView] = field(default_factory=list)

    @property
    def done(self) -> int:
        return sum(1 for row in self.rows if row.is_done)


def _sections(rows: list[RowView], language: str) -> list[Section]:
    sections: list[Section] = []
    for row in rows:
        area = row.indicator.area
        if not sections or sections[-1].code != area.code:
            sections.append(Section(code=area.code, name=area.name_th if language == "th" else area.name_en))
        sections[-1].rows.append(row)
    return sections


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
    request: AuthenticatedHttpRequest

    def dispatch(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not can_use_review_workspace(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        everything = list(assignments_of(self.request.user))
        cycles = sorted(
            {a.application.cycle for a in everything}, key=lambda cycle: (-cycle.reference_year, cycle.code)
        )
        chosen = {
            "cycle": self.request.GET.get("cycle", ""),
            "status": self.request.GET.get("status", ""),
            "province": self.request.GET.get("province", ""),
        }
        in_cycle = [a for a in everything if not chosen["cycle"] or a.application.cycle.code == chosen["cycle"]]
        shown = [
            a
            for a in in_cycle
            if (chosen["status"] != "open" or a.completed_at is None)
            and (chosen["status"] != "done" or a.completed_at is not None)
            and (not chosen["province"] or str(a.application.municipality.province_id) == chosen["province"])
        ]
        # Open work first; the selector's order (municipality name, Thai collation) within each group.
        shown.sort(key=lambda a: a.completed_at is not None)
        done = sum(1 for a in in_cycle if a.completed_at is not None)
        province_ids = {a.application.municipality.province_id for a in everything}
        context.update(
            assignments=shown,
            cycles=cycles,
            provinces=Province.objects.filter(pk__in=province_ids).order_by("name_th") if province_ids else [],
            chosen=chosen,
            done=done,
            total=len(in_cycle),
            percent=round(100 * done / len(in_cycle)) if in_cycle else 0,
            filtered=any(chosen.values()),
            language=_language(),
            next_open=next((a for a in in_cycle if a.completed_at is None), None),
        )
        return context


# ---- the review sheet -------------------------------------------------------------------------------------------


class SiteVisitForm(PortalFormMixin, forms.Form):
    visited_on = forms.DateField(
        label=gettext_lazy("Date of the visit"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    notes = forms.CharField(
        label=gettext_lazy("Notes of the visit"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("What was seen, whom you met, which values the visit confirmed or corrected."),
    )


def _site_visit_context(
    application: Application, *, can_act: bool, form: SiteVisitForm | None = None, photo_errors: list[str] | None = None
) -> dict[str, Any]:
    return {
        "application": application,
        "can_act": can_act,
        "visits": list(site_visits_of(application)),
        "visit_form": form or SiteVisitForm(prefix="visit"),
        "photo_errors": photo_errors or [],
    }


class ReviewSheetView(View):
    """One application, every value with what a reviewer needs to judge it. Admins may read it, not act."""

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        application = _application(request, pk)
        can_act = _sheet_access(request.user, application)
        language = _language()
        sheet = review_sheet(application, request.user)
        sections = _sections(_rows(application, request.user, sheet), language)
        assignment = (
            ReviewerAssignment.objects.filter(application=application, reviewer=request.user).first()
            if can_act
            else None
        )
        category = next((s.name for s in sections if s.code == application.category_code), "")
        return render(
            request,
            "reviews/sheet.html",
            {
                "application": application,
                "sections": sections,
                "can_act": can_act,
                "assignment": assignment,
                **_progress(sheet),
                "category_name": category,
                "language": language,
                **_site_visit_context(application, can_act=can_act),
            },
        )


class _RowActionView(View):
    """A POST on one row: htmx gets the row back (errors inside it); without htmx, back to the sheet."""

    http_method_names = ["post"]

    def respond(
        self,
        request: AuthenticatedHttpRequest,
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
        sheet = review_sheet(application, request.user)
        matching = [row for row in sheet if row.indicator.code == code]
        if not matching:
            raise Http404
        (row,) = _rows(application, request.user, matching)
        row.errors, row.mode, row.saved, row.confirm = errors or {}, mode, saved, confirm
        if errors or confirm:
            row.form = {name: request.POST[name] for name in POSTED_FIELDS if name in request.POST}
        area = row.indicator.area
        in_area = [item for item in sheet if item.indicator.area_id == area.pk]
        # The row, plus the counters it changes elsewhere on the page (swapped out of band).
        return render(
            request,
            "reviews/_sheet_row_response.html",
            {
                "application": application,
                "item": row,
                "can_act": True,
                "language": _language(),
                **_progress(sheet),
                "section_code": area.code,
                "section_done": sum(1 for item in in_area if _is_done(item)),
                "section_total": len(in_area),
            },
        )


class ValueReviewView(_RowActionView):
    """Verify, query (with a question) or correct (with the site-visit value and a reason) one value."""

    MODES = {VerificationStatus.QUERIED: "query", VerificationStatus.CORRECTED: "correct"}

    def post(self, request: AuthenticatedHttpRequest, pk: int, code: str) -> HttpResponse:
        application = _application(request, pk)
        _require_reviewer(request.user, application)
        indicator = _indicator(application, code)
        status = request.POST.get("action", "")
        try:
            review_value(
                application=application,
                indicator=indicator,
                reviewer=request.user,
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

    def post(self, request: AuthenticatedHttpRequest, pk: int, code: str) -> HttpResponse:
        application = _application(request, pk)
        _require_reviewer(request.user, application)
        indicator = _indicator(application, code)
        choice = request.POST.get("points", "")
        try:
            if choice != ABSTAIN and not choice.isdigit():
                raise ValidationError({"points": _("Choose a level, or abstain.")})
            score_rubric(
                application=application,
                indicator=indicator,
                reviewer=request.user,
                points=None if choice == ABSTAIN else int(choice),
                comment=request.POST.get("comment", ""),
            )
        except ValidationError as error:
            return self.respond(request, application, code, errors=_errors_of(error))
        return self.respond(
            request, application, code, saved=_("Abstention saved.") if choice == ABSTAIN else _("Score saved.")
        )


class ClarificationCloseView(_RowActionView):
    def post(self, request: AuthenticatedHttpRequest, pk: int, request_id: int) -> HttpResponse:
        application = _application(request, pk)
        _require_reviewer(request.user, application)
        clarification = get_object_or_404(
            ClarificationRequest.objects.select_related("indicator"), application=application, pk=request_id
        )
        close_clarification(request=clarification, by=request.user)
        return self.respond(request, application, clarification.indicator.code, saved=_("Question closed."))


class SiteVisitView(View):
    """Record a site visit: date, notes and JPEG/PNG photos. htmx gets the site-visit section back."""

    http_method_names = ["post"]

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        application = _application(request, pk)
        _require_reviewer(request.user, application)
        form = SiteVisitForm(request.POST, prefix="visit")
        photo_errors: list[str] = []
        if form.is_valid():
            try:
                record_site_visit(
                    application=application,
                    reviewer=request.user,
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
                context = _site_visit_context(application, can_act=True)
                context["saved"] = _("Site visit recorded.")
                return render(request, "reviews/_sheet_site_visits.html", context)
        if not _is_htmx(request):
            for problem in [*form.errors.get("visited_on", []), *form.errors.get("notes", []), *photo_errors]:
                messages.error(request, problem)
            return redirect(f"{reverse('reviews:sheet', args=[application.pk])}#site-visits")
        return render(
            request,
            "reviews/_sheet_site_visits.html",
            _site_visit_context(application, can_act=True, form=form, photo_errors=photo_errors),
        )


class SiteVisitPhotoView(View):
    """A site-visit photo, only to those who may read the review sheet; never by a public URL."""

    def get(self, request: AuthenticatedHttpRequest, pk: int, photo_id: int) -> FileResponse:
        application = _application(request, pk)
        _sheet_access(request.user, application)
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

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        application = _application(request, pk)
        _require_reviewer(request.user, application)
        complete_review(application=application, reviewer=request.user)
        following = next_assignment(request.user, application)
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

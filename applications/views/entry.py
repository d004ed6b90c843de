"""The application pages: start, fill in (autosave per field), evidence, submit, receipt, history, reopen."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.generic import DetailView, ListView, TemplateView

from applications.enums import ApplicationStatus
from applications.forms import ReopenForm, StartApplicationForm
from applications.models import Application, Evidence, IndicatorValue
from applications.permissions import (
    application_deadline,
    can_edit_application,
    can_reopen_application,
    can_start_application,
    can_submit_application,
)
from applications.selectors import (
    application_sections,
    applications_visible_to,
    completeness,
    open_calls_for,
    section_progress,
    value_history,
)
from applications.services import (
    StaleValueError,
    confirm_copied_value,
    delete_evidence,
    prefill_from_previous,
    receipt_digest,
    reopen_application,
    save_profile,
    save_value,
    start_application,
    submission_report,
    upload_evidence,
)
from indicators.models import AwardCycle, Indicator
from indicators.rules import UNITS
from portal.http import AuthenticatedHttpRequest


def language_of(request: AuthenticatedHttpRequest) -> str:
    return "th" if (request.LANGUAGE_CODE or "th").startswith("th") else "en"


class ApplicationMixin:
    """Fetch the application through the user's scope (404 outside it)."""

    request: AuthenticatedHttpRequest
    application: Application

    def load_application(self, pk: int) -> Application:
        self.application = get_object_or_404(applications_visible_to(self.request.user), pk=pk)
        return self.application

    def require(self, allowed: bool) -> None:
        if not allowed:
            raise PermissionDenied


class ApplicationListView(ListView):
    template_name = "applications/application_list.html"
    context_object_name = "applications"
    paginate_by = 50
    request: AuthenticatedHttpRequest

    def get_queryset(self) -> QuerySet[Application]:
        return applications_visible_to(self.request.user).order_by("-cycle__reference_year", "municipality__name_th")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["start_forms"] = [
            (call, StartApplicationForm(cycle=call.cycle))
            for call in open_calls_for(user)
            if can_start_application(user, call.cycle)
        ]
        return context


class ApplicationStartView(View):
    http_method_names = ["post"]

    def post(self, request: AuthenticatedHttpRequest, cycle_code: str) -> HttpResponse:
        cycle = get_object_or_404(
            AwardCycle.objects.select_related("framework").defer("framework__source_text"), code=cycle_code
        )
        if not can_start_application(request.user, cycle):
            raise PermissionDenied
        form = StartApplicationForm(request.POST, cycle=cycle)
        if not form.is_valid():
            messages.error(request, _("Choose a track (and a category for a certificate)."))
            return redirect("applications:list")
        try:
            application = start_application(
                cycle=cycle,
                municipality=request.user.municipality,
                track=form.cleaned_data["track"],
                category_code=form.cleaned_data["category_code"],
                by=request.user,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("applications:list")
        if application.size_class is None:
            messages.warning(
                request,
                _(
                    "The registered population is outside the cycle's size classes. You can still apply; "
                    "the reviewers will decide."
                ),
            )
        return redirect("applications:detail", pk=application.pk)


def field_context(
    application: Application, indicator: Indicator, value: IndicatorValue | None, language: str
) -> dict[str, Any]:
    unit = UNITS.get(indicator.unit)
    levels = indicator.rule.get("levels", []) if indicator.value_type == "rubric" else []
    return {
        "indicator": indicator,
        "value": value,
        "unit_label": (unit.label_th if language == "th" else unit.label_en) if unit else indicator.unit,
        "unit_symbol": unit.symbol(language) if unit else "",
        "levels": [(level["points"], level["label_th"] if language == "th" else level["label_en"]) for level in levels],
        "raw": "" if value is None else _raw(value),
    }


def _raw(value: IndicatorValue) -> str:
    if value.number is not None:
        return format(value.number.normalize(), "f")
    if value.level is not None:
        return str(value.level)
    if value.flag is not None:
        return "yes" if value.flag else "no"
    return ""


class ApplicationDetailView(ApplicationMixin, DetailView):
    """The form while the application is a draft the user may edit; a read-only view otherwise."""

    context_object_name = "application"

    def get_object(self, queryset: QuerySet[Application] | None = None) -> Application:
        return self.load_application(self.kwargs["pk"])

    def get_template_names(self) -> list[str]:
        editable = can_edit_application(self.request.user, self.object)
        return ["applications/application_form.html" if editable else "applications/application_detail.html"]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        application, user, language = self.object, self.request.user, language_of(self.request)
        sections = application_sections(application)
        current_code = self.request.GET.get("section") or (sections[0].area.code if sections else "")
        current = next((s for s in sections if s.area.code == current_code), sections[0] if sections else None)
        answered, applicable = completeness(sections)
        index = sections.index(current) if current else 0
        context.update(
            sections=sections,
            current=current,
            next_section=sections[index + 1] if current and index + 1 < len(sections) else None,
            previous_section=sections[index - 1] if current and index > 0 else None,
            rows=[
                field_context(application, row.indicator, row.value, language) | {"evidence": row.evidence}
                for row in current.rows
            ]
            if current
            else [],
            answered=answered,
            applicable=applicable,
            percent=round(100 * answered / applicable) if applicable else 0,
            deadline=application_deadline(application),
            can_submit=can_submit_application(user, application),
            can_reopen=can_reopen_application(user, application),
            reopen_form=ReopenForm() if can_reopen_application(user, application) else None,
            has_copied=any(row.value is not None and row.value.is_copied for s in sections for row in s.rows),
            can_prefill=application.cycle.previous_id is not None,
            language=language,
        )
        return context


def _version(raw: str | None) -> int | None:
    try:
        return int(raw) if raw not in (None, "") else None
    except ValueError:
        return None


class ValueSaveView(ApplicationMixin, View):
    """htmx autosave of one indicator's fields. Always answers 200 with out-of-band fragments: the field's status
    (saved / not saved with the reason / conflict), its version, warnings, and the progress counters."""

    http_method_names = ["post"]

    def post(self, request: AuthenticatedHttpRequest, pk: int, code: str) -> HttpResponse:
        application = self.load_application(pk)
        self.require(can_edit_application(request.user, application))
        indicator = get_object_or_404(Indicator, framework_id=application.cycle.framework_id, code=code)
        changes = {
            name: request.POST[name]
            for name in ("value", "period", "source", "comment", "text")
            if name in request.POST
        }
        context: dict[str, Any] = {"indicator": indicator, "application": application}
        try:
            result = save_value(
                application=application,
                indicator=indicator,
                by=request.user,
                changes=changes,
                expected_version=_version(request.POST.get("version")),
            )
        except StaleValueError as stale:
            other = stale.current
            context.update(
                state="conflict",
                theirs=_raw(other) if "value" in changes else getattr(other, stale.field, ""),
                theirs_field="value" if "value" in changes else stale.field,
                mine=changes.get("value", changes.get(stale.field, "")),
                other_value=other,
                version=other.version,
            )
        except ValidationError as error:
            context.update(state="invalid", errors=error.messages)
        else:
            value = result.value
            context.update(
                state="saved",
                version=value.version,
                saved_at=timezone.localtime(value.updated_at),
                warnings=result.warnings,
                check_errors=result.check_errors,
                value=value,
            )
        sections = section_progress(application)
        answered, applicable = completeness(sections)
        context.update(
            sections=sections,
            answered=answered,
            applicable=applicable,
            percent=round(100 * answered / applicable) if applicable else 0,
        )
        response = render(request, "applications/_value_saved.html", context)
        if context.get("state") == "saved":
            response["HX-Trigger"] = "value-saved"  # the score estimate refreshes itself
        return response


PROFILE_PARSERS = {
    "population": int,
    "population_year": int,
    "households": int,
    "area_km2": Decimal,
    "national_certificate": str,
}


class ProfileSaveView(ApplicationMixin, View):
    http_method_names = ["post"]

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        application = self.load_application(pk)
        self.require(can_edit_application(request.user, application))
        name = request.POST.get("field", "")
        raw = request.POST.get("value", "").strip().replace(",", "")
        context: dict[str, Any] = {"field": name}
        try:
            if name not in PROFILE_PARSERS:
                raise ValidationError(_("Unknown profile field."))
            parser = PROFILE_PARSERS[name]
            try:
                value = None if raw == "" and parser is not str else parser(raw)
            except (ValueError, InvalidOperation) as error:
                raise ValidationError(_("Enter a number.")) from error
            if name == "population_year" and value is not None and value > 2400:
                value -= 543  # a Buddhist-Era year typed by habit
            application = save_profile(
                application=application,
                by=request.user,
                changes={name: value},
                expected_version=_version(request.POST.get("version")),
            )
        except StaleValueError as stale:
            context.update(state="conflict", theirs=getattr(stale.current, name), version=stale.current.profile_version)
        except ValidationError as error:
            context.update(state="invalid", errors=error.messages)
        else:
            context.update(
                state="saved",
                version=application.profile_version,
                saved_at=timezone.localtime(),
                size_class=application.size_class,
            )
        return render(request, "applications/_profile_saved.html", context)


class ValueConfirmView(ApplicationMixin, View):
    http_method_names = ["post"]

    def post(self, request: AuthenticatedHttpRequest, pk: int, code: str) -> HttpResponse:
        application = self.load_application(pk)
        self.require(can_edit_application(request.user, application))
        value = get_object_or_404(
            IndicatorValue.objects.select_related("indicator__area"), application=application, indicator__code=code
        )
        confirm_copied_value(value=value, by=request.user)
        section = value.indicator.area.code if value.indicator_id else ""
        return redirect(f"{reverse('applications:detail', args=[application.pk])}?section={section}#{code}")


class EvidenceUploadView(ApplicationMixin, View):
    http_method_names = ["post"]

    def post(self, request: AuthenticatedHttpRequest, pk: int, code: str) -> HttpResponse:
        application = self.load_application(pk)
        self.require(can_edit_application(request.user, application))
        indicator = get_object_or_404(Indicator, framework_id=application.cycle.framework_id, code=code)
        errors: list[str] = []
        upload = request.FILES.get("file")
        if upload is None:
            errors.append(_("Choose a file to upload."))
        else:
            try:
                upload_evidence(application=application, indicator=indicator, file=upload, by=request.user)
            except ValidationError as error:
                errors = error.messages
        return render(
            request,
            "applications/_evidence_list.html",
            {
                "application": application,
                "indicator": indicator,
                "evidence": application.evidence.filter(indicator=indicator),
                "upload_errors": errors,
                "editable": True,
            },
        )


@method_decorator(xframe_options_sameorigin, name="dispatch")
class EvidenceDownloadView(ApplicationMixin, View):
    """Evidence is never served by URL: only here, to whoever may see the application."""

    def get(self, request: AuthenticatedHttpRequest, pk: int, evidence_id: int) -> FileResponse:
        application = self.load_application(pk)
        evidence = get_object_or_404(Evidence, application=application, pk=evidence_id)
        inline = evidence.file_type in ("pdf", "png", "jpeg")
        content_type = {
            "pdf": "application/pdf",
            "png": "image/png",
            "jpeg": "image/jpeg",
            "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }[evidence.file_type]
        response = FileResponse(
            evidence.file.open("rb"), content_type=content_type, as_attachment=not inline, filename=evidence.name
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response


class EvidenceDeleteView(ApplicationMixin, View):
    http_method_names = ["post"]

    def post(self, request: AuthenticatedHttpRequest, pk: int, evidence_id: int) -> HttpResponse:
        application = self.load_application(pk)
        self.require(can_edit_application(request.user, application))
        evidence = get_object_or_404(
            Evidence.objects.select_related("indicator"), application=application, pk=evidence_id
        )
        indicator = evidence.indicator
        try:
            delete_evidence(evidence=evidence, by=request.user)
            errors: list[str] = []
        except ValidationError as error:
            errors = error.messages
        return render(
            request,
            "applications/_evidence_list.html",
            {
                "application": application,
                "indicator": indicator,
                "evidence": application.evidence.filter(indicator=indicator),
                "upload_errors": errors,
                "editable": True,
            },
        )


class PrefillView(ApplicationMixin, View):
    http_method_names = ["post"]

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        application = self.load_application(pk)
        self.require(can_edit_application(request.user, application))
        try:
            copied = prefill_from_previous(application=application, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _(
                    "{count} value(s) copied from the previous cycle. Confirm or change each one before submitting."
                ).format(count=copied),
            )
        return redirect("applications:detail", pk=pk)


class SubmitView(ApplicationMixin, TemplateView):
    """A confirmation page that summarises what is missing or flagged; the POST submits once."""

    template_name = "applications/application_submit.html"

    def dispatch(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        application = self.load_application(kwargs["pk"])
        if application.status == ApplicationStatus.SUBMITTED and request.method == "POST":
            # A double click or a replayed request: the first one submitted; show its receipt.
            return redirect("applications:receipt", pk=application.pk)
        self.require(can_submit_application(request.user, application))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        report = submission_report(self.application)
        return super().get_context_data(
            application=self.application,
            report=report,
            digest=receipt_digest(self.application),
            deadline=application_deadline(self.application),
            **kwargs,
        )

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        from applications.services import submit_application  # noqa: PLC0415 -- keeps the view module's imports short

        try:
            submit_application(
                application=self.application, by=request.user, confirmed_digest=request.POST.get("digest", "")
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect("applications:submit", pk=pk)
        messages.success(request, _("Application submitted. The receipt was sent by e-mail."))
        return redirect("applications:receipt", pk=pk)


class ReceiptView(ApplicationMixin, TemplateView):
    template_name = "applications/application_receipt.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        application = self.load_application(self.kwargs["pk"])
        if not application.receipt_sha256 or application.submitted_at is None:
            raise PermissionDenied
        answered, applicable = completeness(application_sections(application))
        return super().get_context_data(application=application, answered=answered, applicable=applicable, **kwargs)


class ReopenView(ApplicationMixin, View):
    http_method_names = ["post"]

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        application = self.load_application(pk)
        self.require(can_reopen_application(request.user, application))
        form = ReopenForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError(_("Give the reason for reopening; the municipality receives it."))
            reopen_application(application=application, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The application is open again and the municipality was told."))
        return redirect("applications:detail", pk=pk)


class HistoryView(ApplicationMixin, ListView):
    template_name = "applications/application_history.html"
    context_object_name = "changes"
    paginate_by = 100

    def get_queryset(self) -> QuerySet[Any]:
        application = self.load_application(self.kwargs["pk"])
        code = self.request.GET.get("indicator")
        self.indicator = (
            get_object_or_404(Indicator, framework_id=application.cycle.framework_id, code=code) if code else None
        )
        return value_history(application, self.indicator)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            application=self.application,
            indicator=self.indicator,
            status_changes=self.application.status_changes.select_related("changed_by"),
            **kwargs,
        )

"""The Excel round-trip pages: download the fill-in template, upload it for a dry run, review, apply."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.utils import translation
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from django.views.generic import FormView, TemplateView

from applications.imports import apply_import, check_import, is_ready_to_apply
from applications.models import Application, ImportRun
from applications.permissions import can_edit_application
from applications.selectors import applications_visible_to
from applications.spreadsheets import NO_WORDS, YES_WORDS, build_template, column_label, indicator_name
from portal.forms import PortalFormMixin
from portal.http import AuthenticatedHttpRequest
from portal.uploads import XLSX, sanitise_filename
from portal.views.registration import add_service_errors

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _language() -> str:
    return "th" if (translation.get_language() or "th").startswith("th") else "en"


class ImportUploadForm(PortalFormMixin, forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Filled-in template (.xlsx)"),
        help_text=gettext_lazy("At most 5 MB. Nothing is saved before you review the changes and apply them."),
        widget=forms.ClearableFileInput(attrs={"accept": f".xlsx,{XLSX_CONTENT_TYPE}"}),
    )


class ApplicationScopeMixin:
    """The application named in the URL, fetched through the user's scope (404 outside it)."""

    request: AuthenticatedHttpRequest
    application: Application

    def dispatch(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        self.application = get_object_or_404(applications_visible_to(request.user), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]

    def require_edit(self) -> None:
        if not can_edit_application(self.request.user, self.application):
            raise PermissionDenied


def template_filename(application: Application, language: str) -> str:
    municipality = application.municipality
    name = municipality.full_name_th if language == "th" else municipality.name_en
    label = "ค่าตัวชี้วัด" if language == "th" else "indicator-values"
    return sanitise_filename(f"{label}_{name}_{application.cycle.code}.xlsx", file_type=XLSX)


def attachment_header(filename: str, fallback: str) -> str:
    """Content-Disposition for a Thai file name (RFC 6266 filename*), with an ASCII name for old clients."""
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


class TemplateDownloadView(ApplicationScopeMixin, View):
    http_method_names = ["get"]

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        language = _language()
        response = HttpResponse(build_template(self.application, language=language), content_type=XLSX_CONTENT_TYPE)
        fallback = f"esc-{self.application.cycle.code}-{self.application.municipality.code}.xlsx"
        response["Content-Disposition"] = attachment_header(template_filename(self.application, language), fallback)
        return response


class ImportView(ApplicationScopeMixin, FormView):
    """The upload form (editors of the application) and the history of imports (anyone who sees it)."""

    template_name = "applications/excel_import.html"
    form_class = ImportUploadForm

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.require_edit()
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: ImportUploadForm) -> HttpResponse:
        try:
            run = check_import(application=self.application, file=form.cleaned_data["file"], by=self.request.user)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        return redirect("applications:excel-import-run", pk=self.application.pk, run_id=run.pk)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            application=self.application,
            can_edit=can_edit_application(self.request.user, self.application),
            runs=self.application.imports.select_related("created_by"),
        )
        return context


class ImportRunView(ApplicationScopeMixin, TemplateView):
    """The dry-run report: every change and every error, and the button that applies them."""

    template_name = "applications/excel_import_run.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        run = get_object_or_404(self.application.imports.select_related("created_by"), pk=kwargs["run_id"])
        language = _language()
        context.update(
            application=self.application,
            run=run,
            changes=[_change_row(change, language) for change in run.changes],
            errors=[_error_row(error, language) for error in run.errors],
            can_apply=is_ready_to_apply(run) and can_edit_application(self.request.user, self.application),
        )
        return context


def _shown(change: dict[str, Any], text: str, language: str) -> str:
    if change["field"] == "value" and change.get("value_type") == "yes_no" and text in {"yes", "no"}:
        return YES_WORDS[language] if text == "yes" else NO_WORDS[language]
    return text


def _change_row(change: dict[str, Any], language: str) -> dict[str, Any]:
    return {
        "row": change["row"],
        "code": change["code"],
        "name": indicator_name(change["name_th"], change["name_en"], language),
        "field": column_label(change["field"], language),
        "old": _shown(change, change["old"], language),
        "new": _shown(change, change["new"], language),
    }


def _error_row(error: dict[str, Any], language: str) -> dict[str, Any]:
    code = error.get("code", "")  # runs checked before errors named their indicator have none
    return {
        "row": error["row"],
        "indicator": f"{code} {indicator_name(error['name_th'], error['name_en'], language)}" if code else "",
        "column": column_label(error["column"], language) if error["column"] else "",
        "message": error["message"],
    }


class ImportApplyView(ApplicationScopeMixin, View):
    http_method_names = ["post"]

    def post(self, request: AuthenticatedHttpRequest, pk: int, run_id: int) -> HttpResponse:
        self.require_edit()
        run: ImportRun = get_object_or_404(self.application.imports, pk=run_id)
        try:
            run = apply_import(run=run, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            count = len(run.changes)
            messages.success(
                request,
                ngettext(
                    "Import applied: {count} change saved.", "Import applied: {count} changes saved.", count
                ).format(count=count),
            )
        return redirect("applications:excel-import-run", pk=pk, run_id=run_id)

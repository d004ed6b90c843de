"""The Excel round-trip pages: download the fill-in template, upload it for a dry run, review, apply."""

from __future__ import annotations

import logging
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from django.views.generic import FormView, TemplateView

from applications.http import ApplicationMixin
from applications.imports import apply_import, check_import, is_ready_to_apply
from applications.models import Application, ImportRun
from applications.permissions import can_edit_application
from applications.spreadsheets.columns import NO_WORDS, YES_WORDS, column_label, indicator_name
from applications.spreadsheets.template import build_template
from portal.forms import PortalFormMixin
from portal.http import user_of
from portal.i18n import current_language
from portal.uploads import XLSX, sanitise_filename
from portal.views.registration import add_service_errors

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The database connection lost in the middle (a server restart, a network drop): the check and the apply each run in
# one transaction, which the server rolls back, so nothing of the file was saved and the officer can simply retry.
CONNECTION_LOST = (OperationalError, InterfaceError)
logger = logging.getLogger(__name__)


class ImportUploadForm(PortalFormMixin, forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Filled-in template (.xlsx)"),
        help_text=gettext_lazy("At most 5 MB. Nothing is saved before you review the changes and apply them."),
        widget=forms.ClearableFileInput(attrs={"accept": f".xlsx,{XLSX_CONTENT_TYPE}"}),
    )


class ApplicationScopedView(ApplicationMixin):
    """Every Excel page is about the application in the URL: loaded before the handler runs."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        self.load_application(kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)


def template_filename(application: Application, language: str) -> str:
    municipality = application.municipality
    name = municipality.full_name_th if language == "th" else municipality.name_en
    label = "ค่าตัวชี้วัด" if language == "th" else "indicator-values"
    return sanitise_filename(f"{label}_{name}_{application.cycle.code}.xlsx", file_type=XLSX)


class TemplateDownloadView(ApplicationScopedView, View):
    http_method_names = ["get"]

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        language = current_language()
        response = HttpResponse(build_template(self.application, language=language), content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = content_disposition_header(
            True, template_filename(self.application, language)
        )
        return response


class ImportView(ApplicationScopedView, FormView):
    """The upload form (editors of the application) and the history of imports (anyone who sees it)."""

    template_name = "applications/excel_import.html"
    form_class = ImportUploadForm

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.require_edit()
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: ImportUploadForm) -> HttpResponse:
        try:
            run = check_import(application=self.application, file=form.cleaned_data["file"], by=user_of(self.request))
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        except CONNECTION_LOST:
            logger.warning("Database connection lost while checking an import of application %s", self.application.pk)
            form.add_error(
                None,
                _(
                    "The connection to the database was lost while the file was being checked. Nothing was saved: "
                    "upload the file again."
                ),
            )
            return self.form_invalid(form)
        return redirect("applications:excel-import-run", pk=self.application.pk, run_id=run.pk)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            application=self.application,
            can_edit=can_edit_application(user_of(self.request), self.application),
            runs=self.application.imports.select_related("created_by"),
        )
        return context


class ImportRunView(ApplicationScopedView, TemplateView):
    """The dry-run report: every change and every error, and the button that applies them."""

    template_name = "applications/excel_import_run.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        run = get_object_or_404(self.application.imports.select_related("created_by"), pk=kwargs["run_id"])
        language = current_language()
        context.update(
            application=self.application,
            run=run,
            changes=[_change_row(change, language) for change in run.changes],
            errors=[_error_row(error, language) for error in run.errors],
            can_apply=is_ready_to_apply(run) and can_edit_application(user_of(self.request), self.application),
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


class ImportApplyView(ApplicationScopedView, View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int, run_id: int) -> HttpResponse:
        self.require_edit()
        run: ImportRun = get_object_or_404(self.application.imports, pk=run_id)
        try:
            run = apply_import(run=run, by=user_of(request))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        except CONNECTION_LOST:
            logger.warning("Database connection lost while applying import run %s", run_id)
            messages.error(
                request,
                _(
                    "The connection to the database was lost while the file was being applied. Nothing of it was "
                    "saved: apply it again."
                ),
            )
        else:
            count = len(run.changes)
            messages.success(
                request,
                ngettext(
                    "Import applied: {count} change saved.", "Import applied: {count} changes saved.", count
                ).format(count=count),
            )
        return redirect("applications:excel-import-run", pk=pk, run_id=run_id)

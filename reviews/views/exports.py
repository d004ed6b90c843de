"""Exports of a cycle, for admins: the shortlist's ZIP (built by a task, with progress), the Excel and CSV files."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from indicators.views.mixins import CycleMixin
from portal.http import user_of
from reviews.exports import ranking_workbook, values_csv
from reviews.models import ExportRun
from reviews.permissions import can_decide
from reviews.services_export import export_applications, request_export

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RUNS_SHOWN = 20
_NOT_ASCII_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def ascii_name(text: str) -> str:
    """A file name part safe in a Content-Disposition header everywhere: ASCII letters, digits, . _ - only."""
    return _NOT_ASCII_SAFE.sub("_", text).strip("._") or "cycle"


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response


class ExportListView(CycleMixin, TemplateView):
    """The cycle's exports with their progress; POST queues a new build of the ZIP."""

    template_name = "reviews/exports.html"
    allowed = staticmethod(can_decide)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        runs = ExportRun.objects.filter(cycle=self.cycle).select_related("requested_by")[:RUNS_SHOWN]
        return super().get_context_data(
            cycle=self.cycle,
            runs=runs,
            shortlisted=len(export_applications(self.cycle)),
            nominees=len(export_applications(self.cycle, ExportRun.Kind.ASEAN_DOSSIER)),
            **kwargs,
        )

    def post(self, request: HttpRequest, code: str) -> HttpResponse:
        kind = ExportRun.Kind.ASEAN_DOSSIER if request.POST.get("kind") == "asean_dossier" else ExportRun.Kind.SHORTLIST
        try:
            run = request_export(cycle=self.cycle, by=user_of(request), kind=kind)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The ZIP is being built: {count} applications.").format(count=run.total))
        return redirect("reviews:exports", code=code)


class ExportRunMixin(View):
    """Check the predicate first (403), then find the run (404)."""

    run: ExportRun

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not can_decide(user_of(request)):
            raise PermissionDenied
        self.run = get_object_or_404(ExportRun.objects.select_related("cycle"), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)


class ExportProgressView(ExportRunMixin, View):
    """htmx partial polled every second while the build is queued or running."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return render(request, "reviews/_export_progress.html", {"run": self.run})


class ExportDownloadView(ExportRunMixin, View):
    """The ZIP of a finished build; 404 while it is building, after it failed, or once a newer build replaced it."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        run = self.run
        if run.status != ExportRun.Status.DONE or not run.file:
            raise Http404
        try:
            handle = run.file.open("rb")
        except FileNotFoundError as error:
            raise Http404 from error
        name = "export" if run.kind == ExportRun.Kind.SHORTLIST else "asean-dossier"
        filename = f"{ascii_name(run.cycle.code)}-{name}-{run.pk}.zip"
        return FileResponse(handle, as_attachment=True, filename=filename, content_type="application/zip")


class RankingExcelView(CycleMixin, View):
    """Rankings (one sheet per track/category) and every submitted value, as .xlsx."""

    allowed = staticmethod(can_decide)

    def get(self, request: HttpRequest, code: str) -> HttpResponse:
        response = HttpResponse(ranking_workbook(self.cycle), content_type=XLSX)
        return _attachment(response, f"{ascii_name(self.cycle.code)}-rankings.xlsx")


class ValuesCsvView(CycleMixin, View):
    """Every submitted value as CSV (UTF-8 with BOM, so Excel shows Thai)."""

    allowed = staticmethod(can_decide)

    def get(self, request: HttpRequest, code: str) -> HttpResponse:
        response = HttpResponse(values_csv(self.cycle), content_type="text/csv; charset=utf-8")
        return _attachment(response, f"{ascii_name(self.cycle.code)}-values.csv")

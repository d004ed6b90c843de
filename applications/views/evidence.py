"""The evidence pages of an application: upload a file to one indicator, download it (only to whoever may see the
application), delete it; upload and delete answer with the indicator's evidence list."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.clickjacking import xframe_options_sameorigin

from applications.http import ApplicationMixin
from applications.models import Application, Evidence
from applications.permissions import can_edit_application
from applications.services_evidence import delete_evidence, upload_evidence
from indicators.models import Indicator
from portal.http import user_of


def _evidence_list(
    request: HttpRequest, application: Application, indicator: Indicator, errors: list[str]
) -> HttpResponse:
    """The fragment listing the indicator's evidence on the form, with the errors of the upload or deletion."""
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


class EvidenceUploadView(ApplicationMixin, View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int, code: str) -> HttpResponse:
        application = self.load_application(pk, lean=True)
        self.require(can_edit_application(user_of(request), application))
        indicator = get_object_or_404(Indicator, framework_id=application.cycle.framework_id, code=code)
        errors: list[str] = []
        upload = request.FILES.get("file")
        if upload is None:
            errors.append(_("Choose a file to upload."))
        else:
            try:
                upload_evidence(application=application, indicator=indicator, file=upload, by=user_of(request))
            except ValidationError as error:
                errors = error.messages
        return _evidence_list(request, application, indicator, errors)


@method_decorator(xframe_options_sameorigin, name="dispatch")
class EvidenceDownloadView(ApplicationMixin, View):
    """Evidence is never served by URL: only here, to whoever may see the application."""

    def get(self, request: HttpRequest, pk: int, evidence_id: int) -> FileResponse:
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

    def post(self, request: HttpRequest, pk: int, evidence_id: int) -> HttpResponse:
        application = self.load_application(pk)
        self.require(can_edit_application(user_of(request), application))
        evidence = get_object_or_404(
            Evidence.objects.select_related("indicator"), application=application, pk=evidence_id
        )
        indicator = evidence.indicator
        try:
            delete_evidence(evidence=evidence, by=user_of(request))
            errors: list[str] = []
        except ValidationError as error:
            errors = error.messages
        return _evidence_list(request, application, indicator, errors)

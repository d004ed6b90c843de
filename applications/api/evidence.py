"""The applications API's evidence: list the files attached to one indicator, attach one through the same service
and checks as the form."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from applications.api.shared import validation_error_response
from applications.enums import Channel
from applications.http import application_in_scope
from applications.models import Application, Evidence
from applications.permissions import can_edit_application
from applications.services_evidence import upload_evidence
from indicators.models import Indicator
from portal.api import PortalApiView, error_response
from portal.api_schema import LANG_PARAMETER, error_responses
from portal.http import user_of


class EvidenceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    indicator = serializers.CharField(source="indicator.code")
    name = serializers.CharField()
    type = serializers.CharField(source="file_type", help_text="pdf, jpeg, png or xlsx, read from the content.")
    size = serializers.IntegerField(help_text="In bytes.")
    sha256 = serializers.CharField()
    uploaded_at = serializers.DateTimeField()
    uploaded_by = serializers.CharField(source="uploaded_by.full_name")
    url = serializers.SerializerMethodField(help_text="Where whoever may see the application downloads the file.")

    def get_url(self, evidence: Evidence) -> str:
        return reverse("applications:evidence-file", args=[evidence.application_id, evidence.pk])


class EvidenceUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="PDF, JPEG, PNG or Excel (XLSX), up to 20 MB.")


EVIDENCE_EXAMPLE = {
    "id": 7,
    "indicator": "CA-01",
    "name": "aqi-2568.pdf",
    "type": "pdf",
    "size": 182734,
    "sha256": "9f2c5e0d0b8f4a3e6c1d2b7a8e9f0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b",
    "uploaded_at": "2026-05-01T09:30:00+07:00",
    "uploaded_by": "สมชาย ใจดี",
    "url": "/applications/12/evidence/7/",
}


@extend_schema_view(
    get=extend_schema(
        operation_id="application_evidence_list",
        summary="The evidence attached to one indicator",
        description=(
            "Name, type, size, SHA-256 and who uploaded each file, oldest first (order by uploaded_at, name or "
            "size), 50 to a page. Who may call: whoever may see the application (404 otherwise). Read-only tokens "
            "may call it."
        ),
        parameters=[LANG_PARAMETER],
        responses={200: EvidenceSerializer(many=True), **error_responses(400, 401, 404, 429)},
        examples=[OpenApiExample("A PDF", value=EVIDENCE_EXAMPLE, response_only=True)],
    ),
    post=extend_schema(
        operation_id="application_evidence_upload",
        summary="Attach a file to one indicator",
        description=(
            "multipart/form-data with `file`. The same service and checks as the form: the type is read from the "
            "content (PDF, JPEG, PNG or XLSX), at most 20 MB. Who may call: the application's editors and "
            "signatory while it is editable (a read-and-write token); admins get 403; 404 when you may not see "
            "the application."
        ),
        parameters=[LANG_PARAMETER],
        request={"multipart/form-data": EvidenceUploadSerializer},
        responses={201: EvidenceSerializer, **error_responses(400, 401, 403, 404, 429)},
    ),
)
class EvidenceApi(PortalApiView, generics.ListAPIView):
    serializer_class = EvidenceSerializer
    parser_classes = [MultiPartParser, FormParser]
    ordering_fields = ["uploaded_at", "name", "size"]
    ordering = ["uploaded_at", "id"]

    def load(self) -> tuple[Application, Indicator]:
        application = application_in_scope(self.request, self.kwargs["pk"])
        indicator = get_object_or_404(Indicator, framework_id=application.cycle.framework_id, code=self.kwargs["code"])
        return application, indicator

    def get_queryset(self) -> QuerySet[Evidence]:
        if getattr(self, "swagger_fake_view", False):
            return Evidence.objects.none()
        application, indicator = self.load()
        return Evidence.objects.filter(application=application, indicator=indicator).select_related(
            "indicator", "uploaded_by"
        )

    def post(self, request: Request, pk: int, code: str) -> Response:
        application, indicator = self.load()
        if not can_edit_application(user_of(request), application):
            raise PermissionDenied
        upload = request.FILES.get("file")
        if upload is None:
            return error_response(
                "required", _("Choose a file to upload."), field="file", status_code=status.HTTP_400_BAD_REQUEST
            )
        try:
            evidence = upload_evidence(
                application=application, indicator=indicator, file=upload, by=user_of(request), channel=Channel.API
            )
        except ValidationError as error:
            return validation_error_response(error, field="file")
        return Response(EvidenceSerializer(evidence).data, status=status.HTTP_201_CREATED)

"""The applications API's receipt and submission: the receipt digest with what blocks submission, and submitting
through the same service as the submit page."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from applications.api.shared import validation_error_response
from applications.enums import ApplicationStatus
from applications.http import application_in_scope
from applications.models import Application
from applications.permissions import can_submit_application
from applications.selectors import applications_visible_to
from applications.selectors_submission import receipt_digest, submission_report
from applications.services import submit_application
from portal.api import PortalApiView
from portal.api_schema import LANG_PARAMETER, error_responses
from portal.http import user_of


class ReceiptSerializer(serializers.Serializer):
    status = serializers.CharField()
    digest = serializers.CharField(
        help_text=(
            "The SHA-256 of the application's content, as the submit page and the receipt show it. Send it back "
            "to submit: if anything changed since, the submission is refused."
        )
    )
    submitted_at = serializers.DateTimeField(allow_null=True)
    can_submit = serializers.BooleanField(help_text="False while a blocking problem remains.")
    blocking = serializers.ListField(child=serializers.CharField())
    missing = serializers.ListField(child=serializers.CharField())
    warnings = serializers.ListField(child=serializers.CharField())
    answered = serializers.IntegerField()
    applicable = serializers.IntegerField()


def receipt_data(application: Application) -> dict[str, Any]:
    report = submission_report(application)
    submitted = application.status == ApplicationStatus.SUBMITTED and bool(application.receipt_sha256)
    return {
        "status": application.status,
        "digest": application.receipt_sha256 if submitted else receipt_digest(application),
        "submitted_at": application.submitted_at,
        "can_submit": not submitted and report.can_submit,
        "blocking": [str(item) for item in report.blocking],
        "missing": [str(item) for item in report.missing],
        "warnings": [str(item) for item in report.warnings],
        "answered": report.answered,
        "applicable": report.applicable,
    }


RECEIPT_EXAMPLE = {
    "status": "draft",
    "digest": "5d41402abc4b2a76b9719d911017c5925d41402abc4b2a76b9719d911017c592",
    "submitted_at": None,
    "can_submit": False,
    "blocking": ["CA-01: attach the required evidence."],
    "missing": ["CA-03 จำนวนวันที่ค่า PM2.5 เกินมาตรฐาน"],
    "warnings": [],
    "answered": 41,
    "applicable": 42,
}


class ReceiptApi(PortalApiView):
    @extend_schema(
        operation_id="application_receipt",
        summary="The receipt digest and what blocks submission",
        description=(
            "For a draft: the digest the submit page shows, with the same summary (blocking problems, missing "
            "values, warnings); who may call: the municipality's signatory while the application is editable, as "
            "for the submit page (403 otherwise). For a submitted application: the digest on its receipt; who may "
            "call: whoever may see it. 404 when you may not see the application. Read-only tokens may call it."
        ),
        parameters=[LANG_PARAMETER],
        responses={200: ReceiptSerializer, **error_responses(401, 403, 404, 429)},
        examples=[OpenApiExample("A draft with one problem", value=RECEIPT_EXAMPLE, response_only=True)],
    )
    def get(self, request: Request, pk: int) -> Response:
        application = application_in_scope(request, pk)
        submitted = application.status == ApplicationStatus.SUBMITTED and bool(application.receipt_sha256)
        if not submitted and not can_submit_application(user_of(request), application):
            raise PermissionDenied
        return Response(ReceiptSerializer(receipt_data(application)).data)


class SubmitApi(PortalApiView):
    class SubmitSerializer(serializers.Serializer):
        digest = serializers.CharField(help_text="The digest from the receipt endpoint (or the submit page).")

    @extend_schema(
        operation_id="application_submit",
        summary="Submit the application",
        description=(
            "The same service as the submit page: it locks the application and e-mails the receipt. Send the "
            "digest you read: 400 (code `changed`) if the application changed since, 400 (code `blocking`) for "
            "each blocking problem. Sending the receipt's digest again for a submitted application answers 200 "
            "and submits nothing twice. Who may call: the municipality's signatory with a read-and-write token "
            "(403 otherwise); 404 when you may not see the application."
        ),
        parameters=[LANG_PARAMETER],
        request=SubmitSerializer,
        responses={200: ReceiptSerializer, **error_responses(400, 401, 403, 404, 429)},
        examples=[
            OpenApiExample(
                "The digest read",
                value={"digest": "5d41402abc4b2a76b9719d911017c5925d41402abc4b2a76b9719d911017c592"},
                request_only=True,
            )
        ],
    )
    def post(self, request: Request, pk: int) -> Response:
        application = application_in_scope(request, pk)
        serializer = self.SubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        digest = serializer.validated_data["digest"]
        replayed = application.status == ApplicationStatus.SUBMITTED and application.receipt_sha256 == digest
        if not replayed:
            if not can_submit_application(user_of(request), application):
                raise PermissionDenied
            try:
                submit_application(application=application, by=user_of(request), confirmed_digest=digest)
            except ValidationError as error:
                return validation_error_response(error, default_code="blocking")
        application = applications_visible_to(user_of(request)).get(pk=pk)
        return Response(ReceiptSerializer(receipt_data(application)).data)

"""The applications API: list, start and read applications; write values, attach evidence and submit through the
same services, selectors and predicates as the HTML pages; read and answer clarification requests."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from applications.enums import ApplicationStatus, Channel, ClarificationStatus
from applications.models import Application, ClarificationRequest, Evidence, IndicatorValue
from applications.permissions import can_edit_application, can_start_application, can_submit_application
from applications.selectors import applications_visible_to, clarifications_for
from applications.services import (
    StaleValueError,
    answer_clarification,
    receipt_digest,
    save_value,
    start_application,
    submission_report,
    submit_application,
    upload_evidence,
)
from indicators.enums import Track
from indicators.models import AwardCycle, Indicator
from portal.api import PortalApiView, error_response
from portal.api import error as api_error
from portal.api_schema import LANG_PARAMETER, error_responses
from portal.enums import MUNICIPAL_ROLES


class ValueSerializer(serializers.Serializer):
    code = serializers.CharField(source="indicator.code")
    value = serializers.CharField(source="display")
    period = serializers.CharField()
    source = serializers.CharField()
    comment = serializers.CharField()
    version = serializers.IntegerField()
    updated_at = serializers.DateTimeField()


class ApplicationDetailApi(PortalApiView):
    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        cycle = serializers.CharField(source="cycle.code")
        municipality = serializers.CharField(source="municipality.code")
        track = serializers.CharField()
        category = serializers.CharField(source="category_code")
        status = serializers.CharField()
        values = ValueSerializer(many=True)

    @extend_schema(
        operation_id="application_detail",
        summary="An application with its indicator values",
        description=(
            "Who may call: the application's municipal officers (editor, signatory) and admins; reviewers when "
            "assigned to it. Anyone else gets 404, as if it did not exist. Read-only tokens may call it."
        ),
        parameters=[LANG_PARAMETER],
        responses={200: OutputSerializer, **error_responses(401, 404, 429)},
        examples=[
            OpenApiExample(
                "A draft",
                value={
                    "id": 12,
                    "cycle": "esc-2026",
                    "municipality": "09950101",
                    "track": "esc_award",
                    "category": "",
                    "status": "draft",
                    "values": [
                        {
                            "code": "CA-01",
                            "value": "91.5",
                            "period": "2568",
                            "source": "กรมควบคุมมลพิษ",
                            "comment": "",
                            "version": 2,
                            "updated_at": "2026-05-01T09:30:00+07:00",
                        }
                    ],
                },
                response_only=True,
            )
        ],
    )
    def get(self, request: Request, pk: int) -> Response:
        application = get_object_or_404(
            applications_visible_to(request.user).prefetch_related("values__indicator"), pk=pk
        )
        return Response(self.OutputSerializer(application).data)


class ValueUpdateApi(PortalApiView):
    """PUT {"value": "12", "period": "...", "source": "...", "comment": "...", "version": 3}; 409 when stale."""

    class InputSerializer(serializers.Serializer):
        value = serializers.CharField(required=False, allow_blank=True)
        text = serializers.CharField(required=False, allow_blank=True)
        period = serializers.CharField(required=False, allow_blank=True)
        source = serializers.CharField(required=False, allow_blank=True)
        comment = serializers.CharField(required=False, allow_blank=True)
        version = serializers.IntegerField(required=False, allow_null=True)

    class ResultSerializer(serializers.Serializer):
        value = ValueSerializer()
        warnings = serializers.ListField(child=serializers.CharField())
        errors = serializers.ListField(child=serializers.CharField())

    @extend_schema(
        operation_id="application_value_update",
        summary="Save one indicator value",
        description=(
            "The same service and checks as the form. Who may call: the application's editors and signatory while "
            "it is editable (a read-and-write token); admins and others get 403, or 404 when they may not see the "
            "application. Send `version` (from the last read) to be told 409 when someone else saved in between."
        ),
        parameters=[LANG_PARAMETER],
        request=InputSerializer,
        responses={200: ResultSerializer, **error_responses(400, 401, 403, 404, 409, 429)},
        examples=[
            OpenApiExample(
                "A number with its period",
                value={"value": "12", "period": "2568", "source": "", "comment": "", "version": 1},
                request_only=True,
            )
        ],
    )
    def put(self, request: Request, pk: int, code: str) -> Response:
        application: Application = get_object_or_404(applications_visible_to(request.user), pk=pk)
        if not can_edit_application(request.user, application):
            raise PermissionDenied
        indicator = get_object_or_404(Indicator, framework_id=application.cycle.framework_id, code=code)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data: dict[str, Any] = dict(serializer.validated_data)
        version = data.pop("version", None)
        try:
            result = save_value(
                application=application,
                indicator=indicator,
                by=request.user,
                changes=data,
                expected_version=version,
                channel=Channel.API,
            )
        except StaleValueError as stale:
            current: IndicatorValue = stale.current  # type: ignore[assignment]
            return error_response(
                "stale",
                _("Not saved: someone else changed this value. The current value is in “current”."),
                field="version",
                status_code=status.HTTP_409_CONFLICT,
                current=ValueSerializer(current).data,
            )
        return Response(
            {"value": ValueSerializer(result.value).data, "warnings": result.warnings, "errors": result.check_errors}
        )


# --------------------------------------------------------------------------------------------------------------
# The officers' endpoints: list and start applications, evidence, the receipt digest and submission,
# clarification requests. Each calls the same selectors, predicates and services as the HTML views.
# --------------------------------------------------------------------------------------------------------------

OFFICERS_ONLY = "403 for reviewers and admins."


def validation_error_response(
    error: ValidationError,
    *,
    field: str | None = None,
    rename: dict[str, str] | None = None,
    default_code: str = "invalid",
) -> Response:
    """A service's ValidationError as a 400 in the one error format, keeping each error's code."""
    items: list[dict[str, Any]] = []
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            target = None if name == NON_FIELD_ERRORS else (rename or {}).get(name, name)
            items += [api_error(e.code or default_code, message, target) for e in errors for message in e.messages]
    else:
        items = [api_error(e.code or default_code, message, field) for e in error.error_list for message in e.messages]
    return Response({"errors": items}, status=status.HTTP_400_BAD_REQUEST)


class ApplicationSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    cycle = serializers.CharField(source="cycle.code")
    municipality = serializers.CharField(source="municipality.code")
    track = serializers.CharField()
    category = serializers.CharField(source="category_code")
    status = serializers.CharField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    submitted_at = serializers.DateTimeField(allow_null=True)


APPLICATION_SUMMARY_EXAMPLE = {
    "id": 12,
    "cycle": "esc-2026",
    "municipality": "09950101",
    "track": "esc_award",
    "category": "",
    "status": "draft",
    "created_at": "2026-04-01T10:00:00+07:00",
    "updated_at": "2026-05-01T09:30:00+07:00",
    "submitted_at": None,
}


class ApplicationFilter(filters.FilterSet):
    cycle = filters.CharFilter(field_name="cycle__code", help_text=gettext_lazy("The award cycle's code."))
    status = filters.ChoiceFilter(choices=ApplicationStatus.choices)
    track = filters.ChoiceFilter(choices=Track.choices)

    class Meta:
        model = Application
        fields = ["cycle", "status", "track"]


class StartApplicationSerializer(serializers.Serializer):
    cycle = serializers.CharField(help_text=gettext_lazy("The award cycle's code."))
    track = serializers.ChoiceField(choices=Track.choices)
    category = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text=gettext_lazy("The certificate category's code (only for a Certificate of Recognition)."),
    )


class StartedApplicationSerializer(ApplicationSummarySerializer):
    warnings = serializers.ListField(child=serializers.CharField())


@extend_schema_view(
    get=extend_schema(
        operation_id="application_list",
        summary="The applications you may see",
        description=(
            "Officers see their municipality's applications, admins every one, reviewers the submitted ones "
            "assigned to them (or every submitted one once the cycle reaches committee ranking). Filter by cycle, "
            "status or track; order by created_at, updated_at, submitted_at or id (prefix with - to reverse); "
            "50 to a page. Read-only tokens may call it."
        ),
        parameters=[LANG_PARAMETER],
        responses={200: ApplicationSummarySerializer(many=True), **error_responses(400, 401, 404, 429)},
        examples=[OpenApiExample("A draft", value=APPLICATION_SUMMARY_EXAMPLE, response_only=True)],
    ),
    post=extend_schema(
        operation_id="application_start",
        summary="Start an application",
        description=(
            "Open a draft for your municipality in a cycle open for submissions, as the applications page does: "
            "the city profile is taken from the municipality's reference data. Who may call: municipal officers "
            "(editor, signatory) with a read-and-write token, before the deadline; 403 otherwise. 400 for an "
            "unknown cycle, a missing category, or a second application on the same track and category."
        ),
        parameters=[LANG_PARAMETER],
        request=StartApplicationSerializer,
        responses={201: StartedApplicationSerializer, **error_responses(400, 401, 403, 429)},
        examples=[
            OpenApiExample(
                "A Certificate of Recognition",
                value={"cycle": "esc-2026", "track": "certificate", "category": "CA"},
                request_only=True,
            )
        ],
    ),
)
class ApplicationListApi(PortalApiView, generics.ListAPIView):
    serializer_class = ApplicationSummarySerializer
    filterset_class = ApplicationFilter
    ordering_fields = ["created_at", "updated_at", "submitted_at", "id"]
    ordering = ["-cycle__reference_year", "municipality__name_th", "id"]

    def get_queryset(self) -> QuerySet[Application]:
        return applications_visible_to(self.request.user)

    def post(self, request: Request) -> Response:
        serializer = StartApplicationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        cycle = (
            AwardCycle.objects.select_related("framework")
            .defer("framework__source_text")
            .filter(code=data["cycle"])
            .first()
        )
        if cycle is None:
            return error_response(
                "not_found",
                _("There is no award cycle with this code."),
                field="cycle",
                status_code=status.HTTP_400_BAD_REQUEST,
            )
        if not can_start_application(request.user, cycle):
            raise PermissionDenied
        try:
            application = start_application(
                cycle=cycle,
                municipality=request.user.municipality,
                track=data["track"],
                category_code=data["category"],
                by=request.user,
            )
        except ValidationError as error:
            return validation_error_response(error, rename={"category_code": "category"})
        warnings = []
        if application.size_class is None:
            warnings.append(
                _(
                    "The registered population is outside the cycle's size classes. You can still apply; "
                    "the reviewers will decide."
                )
            )
        application = applications_visible_to(request.user).get(pk=application.pk)
        return Response(
            {**ApplicationSummarySerializer(application).data, "warnings": warnings},
            status=status.HTTP_201_CREATED,
            headers={"Location": reverse("api:application-detail", args=[application.pk])},
        )


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
        application = get_object_or_404(applications_visible_to(self.request.user), pk=self.kwargs["pk"])
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
        if not can_edit_application(request.user, application):
            raise PermissionDenied
        upload = request.FILES.get("file")
        if upload is None:
            return error_response(
                "required", _("Choose a file to upload."), field="file", status_code=status.HTTP_400_BAD_REQUEST
            )
        try:
            evidence = upload_evidence(
                application=application, indicator=indicator, file=upload, by=request.user, channel=Channel.API
            )
        except ValidationError as error:
            return validation_error_response(error, field="file")
        return Response(EvidenceSerializer(evidence).data, status=status.HTTP_201_CREATED)


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
        application = get_object_or_404(applications_visible_to(request.user), pk=pk)
        submitted = application.status == ApplicationStatus.SUBMITTED and bool(application.receipt_sha256)
        if not submitted and not can_submit_application(request.user, application):
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
        application = get_object_or_404(applications_visible_to(request.user), pk=pk)
        serializer = self.SubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        digest = serializer.validated_data["digest"]
        replayed = application.status == ApplicationStatus.SUBMITTED and application.receipt_sha256 == digest
        if not replayed:
            if not can_submit_application(request.user, application):
                raise PermissionDenied
            try:
                submit_application(application=application, by=request.user, confirmed_digest=digest)
            except ValidationError as error:
                return validation_error_response(error, default_code="blocking")
        application = applications_visible_to(request.user).get(pk=pk)
        return Response(ReceiptSerializer(receipt_data(application)).data)


class ClarificationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    application = serializers.IntegerField(source="application_id")
    cycle = serializers.CharField(source="application.cycle.code")
    indicator = serializers.CharField(source="indicator.code")
    status = serializers.CharField()
    question = serializers.CharField()
    asked_at = serializers.DateTimeField()
    answer = serializers.CharField()
    answered_at = serializers.DateTimeField(allow_null=True)
    answered_by = serializers.CharField(source="answered_by.full_name", allow_null=True)


CLARIFICATION_EXAMPLE = {
    "id": 3,
    "application": 12,
    "cycle": "esc-2026",
    "indicator": "CA-01",
    "status": "open",
    "question": "โปรดแนบรายงานคุณภาพอากาศรายเดือน",
    "asked_at": "2026-08-01T10:00:00+07:00",
    "answer": "",
    "answered_at": None,
    "answered_by": None,
}


class ClarificationFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=ClarificationStatus.choices)
    application = filters.NumberFilter(field_name="application_id")
    cycle = filters.CharFilter(field_name="application__cycle__code", help_text=gettext_lazy("The award cycle's code."))

    class Meta:
        model = ClarificationRequest
        fields = ["status", "application", "cycle"]


@extend_schema_view(
    get=extend_schema(
        operation_id="clarification_list",
        summary="Clarification requests to your municipality",
        description=(
            "The reviewers' questions to your municipality, open and answered, as on the clarifications page. "
            "Filter by status, application or cycle; order by asked_at or answered_at (prefix with - to reverse); "
            f"50 to a page. Who may call: municipal officers (read-only tokens too); {OFFICERS_ONLY}"
        ),
        parameters=[LANG_PARAMETER],
        responses={200: ClarificationSerializer(many=True), **error_responses(400, 401, 403, 404, 429)},
        examples=[OpenApiExample("An open question", value=CLARIFICATION_EXAMPLE, response_only=True)],
    )
)
class ClarificationListApi(PortalApiView, generics.ListAPIView):
    serializer_class = ClarificationSerializer
    filterset_class = ClarificationFilter
    ordering_fields = ["asked_at", "answered_at"]
    ordering = ["status", "-asked_at", "id"]

    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if request.user.role not in MUNICIPAL_ROLES:
            raise PermissionDenied
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[ClarificationRequest]:
        return clarifications_for(self.request.user)


class ClarificationAnswerApi(PortalApiView):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    class AnswerSerializer(serializers.Serializer):
        answer = serializers.CharField()
        amended_value = serializers.CharField(
            required=False, allow_blank=True, help_text="A corrected value; leave out to keep the submitted one."
        )
        evidence = serializers.FileField(
            required=False, help_text="A document for this indicator (multipart only): PDF, JPEG, PNG or XLSX."
        )

    @extend_schema(
        operation_id="clarification_answer",
        summary="Answer a clarification request",
        description=(
            "The same service as the answer page: the answer, optionally a corrected value (checked as in the "
            "form, even after submission) and a document; the reviewer who asked is told by e-mail. JSON, or "
            "multipart/form-data to attach a document. Who may call: the municipality's officers with a "
            f"read-and-write token; {OFFICERS_ONLY} 404 when you may not see the application. 400 when the "
            "request is no longer open."
        ),
        parameters=[LANG_PARAMETER],
        request={"application/json": AnswerSerializer, "multipart/form-data": AnswerSerializer},
        responses={200: ClarificationSerializer, **error_responses(400, 401, 403, 404, 429)},
        examples=[
            OpenApiExample(
                "An answer with a corrected value",
                value={"answer": "แก้ไขตามรายงานฉบับสมบูรณ์", "amended_value": "88.5"},
                request_only=True,
            )
        ],
    )
    def post(self, request: Request, pk: int) -> Response:
        clarification = get_object_or_404(
            ClarificationRequest.objects.select_related("indicator", "asked_by", "answered_by"), pk=pk
        )
        get_object_or_404(applications_visible_to(request.user), pk=clarification.application_id)
        if request.user.role not in MUNICIPAL_ROLES:
            raise PermissionDenied
        serializer = self.AnswerSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            answered = answer_clarification(
                request=clarification,
                answer=data["answer"],
                amended_value=data.get("amended_value") or None,
                evidence=data.get("evidence"),
                by=request.user,
            )
        except ValidationError as error:
            return validation_error_response(error, rename={"value": "amended_value"})
        answered = clarifications_for(request.user).get(pk=answered.pk)
        return Response(ClarificationSerializer(answered).data)

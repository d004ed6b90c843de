"""The applications API's clarification requests: the reviewers' questions to the caller's municipality, and the
municipality's answer through the same service as the answer page."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from applications.api.shared import validation_error_response
from applications.enums import ClarificationStatus
from applications.http import application_in_scope
from applications.models import ClarificationRequest
from applications.selectors import clarifications_for
from applications.services_clarifications import answer_clarification
from portal.api import PortalApiView
from portal.api_schema import LANG_PARAMETER, error_responses
from portal.enums import MUNICIPAL_ROLES
from portal.http import user_of

OFFICERS_ONLY = "403 for reviewers and admins."


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
        if user_of(request).role not in MUNICIPAL_ROLES:
            raise PermissionDenied
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[ClarificationRequest]:
        if getattr(self, "swagger_fake_view", False):  # the schema: no user
            return ClarificationRequest.objects.none()
        return clarifications_for(user_of(self.request))


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
        application_in_scope(request, clarification.application_id)
        if user_of(request).role not in MUNICIPAL_ROLES:
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
                by=user_of(request),
            )
        except ValidationError as error:
            return validation_error_response(error, rename={"value": "amended_value"})
        answered = clarifications_for(user_of(request)).get(pk=answered.pk)
        return Response(ClarificationSerializer(answered).data)

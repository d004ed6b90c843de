"""The review workflow's API for reviewers: their assignments, verdicts on values, rubric scores and the clarification
requests of an application, listed and closed (the sheet's services and messages). Admins' endpoints (assigning
reviewers, the board's decisions): reviews.api_admin.

Access as on the HTML pages: the predicate first (403), then the application through the caller's scope (404 outside
it: a reviewer's token never reaches an application they are not assigned to)."""

from __future__ import annotations

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from applications.http import application_in_scope
from applications.models import Application, ClarificationRequest, ReviewerAssignment
from indicators.models import Indicator
from portal.api import PortalApiView, error_response
from portal.api_refusals import refusal_response
from portal.api_schema import LANG_PARAMETER, error_responses
from portal.http import user_of
from reviews.enums import VerificationStatus
from reviews.permissions import can_review_application, can_use_review_workspace, unassigned_refusal
from reviews.selectors import applicable_indicator, assignments_of
from reviews.services import review_value, score_rubric
from reviews.services_clarifications import close_clarification

ASSIGNED_REVIEWER = (
    "Who may call: the reviewer assigned to the application (a read-and-write token). Officers and admins get 403; "
    "a reviewer not assigned to it gets 404, as if it did not exist."
)


def _assigned_application(request: Request, pk: int) -> Application:
    """As the sheet: the application through the caller's scope (404), an assigned reviewer only (403)."""
    application = application_in_scope(request, pk)
    if not can_review_application(user_of(request), application):
        raise unassigned_refusal(user_of(request))
    return application


def _reviewed_application(request: Request, pk: int, code: str) -> tuple[Application, Indicator]:
    """The assigned application and one of its own indicators (404 for any other code)."""
    application = _assigned_application(request, pk)
    indicator = applicable_indicator(application, code)
    if indicator is None:
        raise Http404
    return application, indicator


# ---- assignments --------------------------------------------------------------------------------------------------


class AssignmentFilter(django_filters.FilterSet):
    cycle = django_filters.CharFilter(field_name="application__cycle__code", help_text="A cycle's code.")
    status = django_filters.ChoiceFilter(
        choices=[("open", "open"), ("done", "done")], method="by_status", help_text="open or done."
    )
    province = django_filters.NumberFilter(field_name="application__municipality__province_id")

    class Meta:
        model = ReviewerAssignment
        fields = ["cycle", "status", "province"]

    def by_status(self, queryset: QuerySet[ReviewerAssignment], name: str, value: str) -> QuerySet[ReviewerAssignment]:
        return queryset.filter(completed_at__isnull=value == "open")


class AssignmentSerializer(serializers.Serializer):
    application = serializers.IntegerField(source="application_id")
    cycle = serializers.CharField(source="application.cycle.code")
    municipality = serializers.CharField(source="application.municipality.code")
    municipality_name_th = serializers.CharField(source="application.municipality.full_name_th")
    municipality_name_en = serializers.CharField(source="application.municipality.full_name_en")
    province = serializers.IntegerField(source="application.municipality.province_id")
    track = serializers.CharField(source="application.track")
    category = serializers.CharField(source="application.category_code")
    application_status = serializers.CharField(source="application.status")
    assigned_at = serializers.DateTimeField()
    completed_at = serializers.DateTimeField(allow_null=True)
    completed = serializers.SerializerMethodField()

    def get_completed(self, assignment: ReviewerAssignment) -> bool:
        return assignment.completed_at is not None


ASSIGNMENT_EXAMPLE = {
    "application": 12,
    "cycle": "esc-2026",
    "municipality": "09950101",
    "municipality_name_th": "เทศบาลนครยะลา",
    "municipality_name_en": "Yala City Municipality",
    "province": 95,
    "track": "certificate",
    "category": "CW",
    "application_status": "under_review",
    "assigned_at": "2027-04-02T10:00:00+07:00",
    "completed_at": None,
    "completed": False,
}


@extend_schema_view(
    get=extend_schema(
        operation_id="review_assignment_list",
        summary="My assignments, with completion",
        description=(
            "The caller's own assignments, as the reviewer's workspace lists them: open ones first, 50 to a page "
            "(404 past the last). Filter by `cycle` (code), `status` (open, done) and `province` (id); order by "
            "`assigned_at`, `completed_at` (prefix `-` to reverse). Who may call: reviewers (read-only tokens too); "
            "anyone else gets 403."
        ),
        parameters=[LANG_PARAMETER],
        responses={200: AssignmentSerializer(many=True), **error_responses(400, 401, 403, 404, 429)},
        examples=[OpenApiExample("An open assignment", value=ASSIGNMENT_EXAMPLE, response_only=True)],
    )
)
class AssignmentListApi(PortalApiView, generics.ListAPIView):
    serializer_class = AssignmentSerializer
    filterset_class = AssignmentFilter
    ordering_fields = ["assigned_at", "completed_at"]

    def check_permissions(self, request: Request) -> None:
        super().check_permissions(request)
        if not can_use_review_workspace(user_of(request)):
            raise PermissionDenied

    def get_queryset(self) -> QuerySet[ReviewerAssignment]:
        if getattr(self, "swagger_fake_view", False):
            return ReviewerAssignment.objects.none()
        return assignments_of(user_of(self.request)).order_by(
            "completed_at", "application__municipality__name_th", "pk"
        )


# ---- verdicts and rubric scores -----------------------------------------------------------------------------------


class ReviewResultSerializer(serializers.Serializer):
    code = serializers.CharField()
    status = serializers.CharField()
    corrected_number = serializers.DecimalField(max_digits=16, decimal_places=4, allow_null=True)
    corrected_flag = serializers.BooleanField(allow_null=True)
    reason = serializers.CharField()
    updated_at = serializers.DateTimeField()
    message = serializers.CharField(help_text="The sheet's confirmation, in the language asked for.")


class VerdictApi(PortalApiView):
    class VerdictInputSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=VerificationStatus.choices)
        corrected = serializers.CharField(required=False, allow_blank=True, default="")
        reason = serializers.CharField(required=False, allow_blank=True, default="")
        question = serializers.CharField(required=False, allow_blank=True, default="")
        drop_correction = serializers.BooleanField(required=False, default=False)

    @extend_schema(
        operation_id="review_value_verdict",
        summary="Verify, query or correct one value",
        description=(
            "The review sheet's action, through the same service: `verified`; `queried` with a `question` (sent to "
            "the municipality as a clarification request); `corrected` with the `corrected` value and a `reason` "
            "(the submitted value stays beside it and the verified score is recalculated). Replacing your own "
            "correction by a verdict or a question answers 400 with the code `drops_correction` unless "
            f"`drop_correction` is true. {ASSIGNED_REVIEWER}"
        ),
        parameters=[LANG_PARAMETER],
        request=VerdictInputSerializer,
        responses={200: ReviewResultSerializer, **error_responses(400, 401, 403, 404, 429)},
        examples=[
            OpenApiExample(
                "A correction after a site visit",
                value={"status": "corrected", "corrected": "87.5", "reason": "ข้อมูลสถานีตรวจวัดปี 2568"},
                request_only=True,
            ),
            OpenApiExample(
                "Corrected",
                value={
                    "code": "CA-01",
                    "status": "corrected",
                    "corrected_number": "87.5000",
                    "corrected_flag": None,
                    "reason": "ข้อมูลสถานีตรวจวัดปี 2568",
                    "updated_at": "2027-05-02T14:10:00+07:00",
                    "message": "Correction saved; the verified score will be recalculated.",
                },
                response_only=True,
            ),
        ],
    )
    def post(self, request: Request, pk: int, code: str) -> Response:
        application, indicator = _reviewed_application(request, pk, code)
        serializer = self.VerdictInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            review = review_value(application=application, indicator=indicator, reviewer=user_of(request), **data)
        except ValidationError as refused:
            return refusal_response(refused)
        message = {
            VerificationStatus.VERIFIED: _("Marked as verified."),
            VerificationStatus.QUERIED: _("Question sent to the municipality."),
            VerificationStatus.CORRECTED: _("Correction saved; the verified score will be recalculated."),
        }[VerificationStatus(data["status"])]
        return Response(
            ReviewResultSerializer(
                {
                    "code": indicator.code,
                    "status": review.status,
                    "corrected_number": review.corrected_number,
                    "corrected_flag": review.corrected_flag,
                    "reason": review.reason,
                    "updated_at": review.updated_at,
                    "message": message,
                }
            ).data
        )


class RubricResultSerializer(serializers.Serializer):
    code = serializers.CharField()
    points = serializers.IntegerField(allow_null=True)
    abstain = serializers.BooleanField()
    comment = serializers.CharField()
    updated_at = serializers.DateTimeField()
    message = serializers.CharField(help_text="The sheet's confirmation, in the language asked for.")


class RubricScoreApi(PortalApiView):
    class RubricScoreInputSerializer(serializers.Serializer):
        points = serializers.IntegerField(required=False, allow_null=True, min_value=0)
        abstain = serializers.BooleanField(required=False, default=False)
        comment = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(
        operation_id="review_rubric_score",
        summary="Score a rubric indicator, or abstain",
        description=(
            "The review sheet's rubric score, through the same service: a level from 0 to the cycle's maximum "
            "(`points`) with a `comment`, or `abstain: true`. The combined points of the reviewers feed the verified "
            f"score. {ASSIGNED_REVIEWER}"
        ),
        parameters=[LANG_PARAMETER],
        request=RubricScoreInputSerializer,
        responses={200: RubricResultSerializer, **error_responses(400, 401, 403, 404, 429)},
        examples=[
            OpenApiExample("Level 3", value={"points": 3, "comment": "มีแผนและงบประมาณ"}, request_only=True),
            OpenApiExample("Abstain", value={"abstain": True, "comment": ""}, request_only=True),
        ],
    )
    def put(self, request: Request, pk: int, code: str) -> Response:
        application, indicator = _reviewed_application(request, pk, code)
        serializer = self.RubricScoreInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if not data["abstain"] and data.get("points") is None:
            return error_response("required", _("Choose a level, or abstain."), field="points", status_code=400)
        try:
            score = score_rubric(
                application=application,
                indicator=indicator,
                reviewer=user_of(request),
                points=None if data["abstain"] else data["points"],
                comment=data["comment"],
            )
        except ValidationError as refused:
            return refusal_response(refused)
        return Response(
            RubricResultSerializer(
                {
                    "code": indicator.code,
                    "points": score.points,
                    "abstain": score.abstain,
                    "comment": score.comment,
                    "updated_at": score.updated_at,
                    "message": _("Abstention saved.") if score.abstain else _("Score saved."),
                }
            ).data
        )


class ReviewerClarificationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField(source="indicator.code")
    question = serializers.CharField()
    asked_at = serializers.DateTimeField()
    answer = serializers.CharField()
    answered_at = serializers.DateTimeField(allow_null=True)
    status = serializers.CharField()
    closed_at = serializers.DateTimeField(allow_null=True)


CLARIFICATION_EXAMPLE = {
    "id": 7,
    "code": "CA-02",
    "question": "ที่มาของข้อมูล?",
    "asked_at": "2027-05-02T14:10:00+07:00",
    "answer": "",
    "answered_at": None,
    "status": "open",
    "closed_at": None,
}


@extend_schema_view(
    get=extend_schema(
        operation_id="review_clarification_list",
        summary="The clarification requests of one application",
        description=(
            "Every question reviewers asked the municipality about this application, with its answer and state, "
            f"as the review sheet shows them; open ones first, 50 to a page. {ASSIGNED_REVIEWER} Read-only tokens "
            "may call it."
        ),
        parameters=[LANG_PARAMETER],
        responses={200: ReviewerClarificationSerializer(many=True), **error_responses(401, 403, 404, 429)},
        examples=[OpenApiExample("An open question", value=CLARIFICATION_EXAMPLE, response_only=True)],
    )
)
class ClarificationListApi(PortalApiView, generics.ListAPIView):
    serializer_class = ReviewerClarificationSerializer

    def get_queryset(self) -> QuerySet[ClarificationRequest]:
        if getattr(self, "swagger_fake_view", False):
            return ClarificationRequest.objects.none()
        application = _assigned_application(self.request, self.kwargs["pk"])
        return application.clarifications.select_related("indicator").order_by("status", "-asked_at", "pk")


class ClarificationCloseApi(PortalApiView):
    @extend_schema(
        operation_id="review_clarification_close",
        summary="Close a clarification request",
        description=(
            "The review sheet's action, through the same service: the question (asked by querying a value) is "
            f"settled and closed. {ASSIGNED_REVIEWER} Another application's request gets 404."
        ),
        parameters=[LANG_PARAMETER],
        request=None,
        responses={200: ReviewerClarificationSerializer, **error_responses(401, 403, 404, 429)},
        examples=[
            OpenApiExample(
                "Closed",
                value={
                    "id": 7,
                    "code": "CA-02",
                    "question": "ที่มาของข้อมูล?",
                    "asked_at": "2027-05-02T14:10:00+07:00",
                    "answer": "สถานีตรวจวัด 44t",
                    "answered_at": "2027-05-03T09:00:00+07:00",
                    "status": "closed",
                    "closed_at": "2027-05-03T10:00:00+07:00",
                },
                response_only=True,
            )
        ],
    )
    def post(self, request: Request, pk: int, request_id: int) -> Response:
        application = _assigned_application(request, pk)
        clarification = get_object_or_404(
            ClarificationRequest.objects.select_related("indicator"), application=application, pk=request_id
        )
        close_clarification(request=clarification, by=user_of(request))
        return Response(ReviewerClarificationSerializer(clarification).data)

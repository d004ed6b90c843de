"""The applications API's applications: list the applications you may see, start one, read one with its values."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from applications.api.shared import validation_error_response
from applications.api.values import ValueSerializer
from applications.enums import ApplicationStatus
from applications.models import Application
from applications.permissions import can_start_application
from applications.selectors import applications_visible_to
from applications.services import start_application
from indicators.enums import Track
from indicators.models import AwardCycle
from portal.api import PortalApiView, error_response
from portal.api_schema import LANG_PARAMETER, error_responses
from portal.http import user_of


# What the list and the detail both show of an application (a comment: a docstring would be the schema's text).
class ApplicationFieldsSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    cycle = serializers.CharField(source="cycle.code")
    municipality = serializers.CharField(source="municipality.code")
    track = serializers.CharField()
    category = serializers.CharField(source="category_code")
    status = serializers.CharField()


class ApplicationSummarySerializer(ApplicationFieldsSerializer):
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
        if getattr(self, "swagger_fake_view", False):  # the schema: no user
            return Application.objects.none()
        return applications_visible_to(user_of(self.request))

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
        if not can_start_application(user_of(request), cycle):
            raise PermissionDenied
        municipality = user_of(request).municipality
        assert municipality is not None  # an officer (can_start_application), and every officer has one
        try:
            application = start_application(
                cycle=cycle,
                municipality=municipality,
                track=data["track"],
                category_code=data["category"],
                by=user_of(request),
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
        application = applications_visible_to(user_of(request)).get(pk=application.pk)
        return Response(
            {**ApplicationSummarySerializer(application).data, "warnings": warnings},
            status=status.HTTP_201_CREATED,
            headers={"Location": reverse("api:application-detail", args=[application.pk])},
        )


class ApplicationDetailApi(PortalApiView):
    class OutputSerializer(ApplicationFieldsSerializer):
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
            applications_visible_to(user_of(request)).prefetch_related("values__indicator"), pk=pk
        )
        return Response(self.OutputSerializer(application).data)

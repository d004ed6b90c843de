"""The applications API: read an application with its values; write one value through the same service as the form."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from applications.enums import Channel
from applications.models import Application, IndicatorValue
from applications.permissions import can_edit_application
from applications.selectors import applications_visible_to
from applications.services import StaleValueError, save_value
from indicators.models import Indicator
from portal.api import PortalApiView, error_response
from portal.api_schema import LANG_PARAMETER, error_responses


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

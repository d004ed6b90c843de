"""The applications API's indicator values: the value as the API shows it, and saving one value through the same
service and checks as the form (409 when stale)."""

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
from applications.http import application_in_scope
from applications.models import Application, IndicatorValue
from applications.permissions import can_edit_application
from applications.services import StaleValueError, save_value
from indicators.models import Indicator
from portal.api import PortalApiView, error_response
from portal.api_schema import LANG_PARAMETER, error_responses
from portal.http import user_of


class ValueSerializer(serializers.Serializer):
    code = serializers.CharField(source="indicator.code")
    value = serializers.CharField(source="display")
    period = serializers.CharField()
    # A declared field, which DRF takes off the class; the stubs see Field.source.
    source = serializers.CharField()  # type: ignore[assignment]
    comment = serializers.CharField()
    version = serializers.IntegerField()
    updated_at = serializers.DateTimeField()


class ValueUpdateApi(PortalApiView):
    """PUT {"value": "12", "period": "...", "source": "...", "comment": "...", "version": 3}; 409 when stale."""

    class InputSerializer(serializers.Serializer):
        value = serializers.CharField(required=False, allow_blank=True)
        text = serializers.CharField(required=False, allow_blank=True)
        period = serializers.CharField(required=False, allow_blank=True)
        # A declared field, which DRF takes off the class; the stubs see Field.source.
        source = serializers.CharField(required=False, allow_blank=True)  # type: ignore[assignment]
        comment = serializers.CharField(required=False, allow_blank=True)
        version = serializers.IntegerField(required=False, allow_null=True)

    class ResultSerializer(serializers.Serializer):
        value = ValueSerializer()
        warnings = serializers.ListField(child=serializers.CharField())
        # A declared field, which DRF takes off the class; the stubs see Serializer.errors.
        errors = serializers.ListField(child=serializers.CharField())  # type: ignore[assignment]

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
        application: Application = application_in_scope(request, pk)
        if not can_edit_application(user_of(request), application):
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
                by=user_of(request),
                changes=data,
                expected_version=version,
                channel=Channel.API,
            )
        except StaleValueError as stale:
            current = stale.current
            assert isinstance(current, IndicatorValue)  # save_value's
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

"""The applications API: read an application with its values; write one value through the same service as the form."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
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

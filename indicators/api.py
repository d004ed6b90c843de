"""Public API reads of award cycles and their frameworks: areas and indicators with rules and guidance (th, en)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from indicators.models import AwardCycle
from indicators.selectors import framework_areas, public_cycles
from portal.api import PortalApiView, PublicApiMixin
from portal.api_schema import LANG_PARAMETER, error_responses

PUBLIC = "Who may call: anyone, without credentials (throttled per address). Draft cycles are not shown."


class FrameworkSummarySerializer(serializers.Serializer):
    code = serializers.CharField()
    version = serializers.IntegerField()
    name_th = serializers.CharField()
    name_en = serializers.CharField()


class CycleSerializer(serializers.Serializer):
    code = serializers.CharField()
    name_th = serializers.CharField()
    name_en = serializers.CharField()
    phase = serializers.CharField()
    reference_year = serializers.IntegerField()
    call_opens_on = serializers.DateField(allow_null=True)
    submission_deadline = serializers.DateTimeField(allow_null=True)
    framework = FrameworkSummarySerializer()


class IndicatorSerializer(serializers.Serializer):
    code = serializers.CharField()
    name_th = serializers.CharField()
    name_en = serializers.CharField()
    unit = serializers.CharField()
    value_type = serializers.CharField()
    min_value = serializers.DecimalField(max_digits=14, decimal_places=4, allow_null=True)
    max_value = serializers.DecimalField(max_digits=14, decimal_places=4, allow_null=True)
    direction = serializers.CharField()
    weight = serializers.DecimalField(max_digits=8, decimal_places=4)
    rule = serializers.JSONField(help_text="The scoring rule, as the framework file states it.")
    data_preparation_th = serializers.CharField()
    data_preparation_en = serializers.CharField()
    evidence_th = serializers.ListField(child=serializers.CharField())
    evidence_en = serializers.ListField(child=serializers.CharField())
    evidence_required = serializers.BooleanField()


class AreaSerializer(serializers.Serializer):
    code = serializers.CharField()
    name_th = serializers.CharField()
    name_en = serializers.CharField()
    kind = serializers.CharField()
    indicators = IndicatorSerializer(many=True)


class FrameworkSerializer(FrameworkSummarySerializer):
    cycle = serializers.CharField()
    areas = AreaSerializer(many=True)


CYCLE_EXAMPLE = {
    "code": "esc-2026",
    "name_th": "รางวัลเมืองสิ่งแวดล้อมยั่งยืนอาเซียน ปี 2569",
    "name_en": "ASEAN ESC Award 2026",
    "phase": "call_open",
    "reference_year": 2025,
    "call_opens_on": "2026-03-01",
    "submission_deadline": "2026-06-30T16:30:00+07:00",
    "framework": {"code": "esc", "version": 1, "name_th": "เกณฑ์ ESC", "name_en": "ESC framework"},
}


@extend_schema_view(
    get=extend_schema(
        operation_id="cycle_list",
        summary="Award cycles",
        description=f"Every award cycle past its draft, newest first, 50 to a page (404 past the last). {PUBLIC}",
        parameters=[LANG_PARAMETER],
        responses={200: CycleSerializer(many=True), **error_responses(404, 429)},
        examples=[OpenApiExample("A cycle", value=CYCLE_EXAMPLE, response_only=True)],
    )
)
class CycleListApi(PublicApiMixin, PortalApiView, generics.ListAPIView):
    serializer_class = CycleSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[AwardCycle]:
        return public_cycles().order_by("-reference_year", "code")


@extend_schema_view(
    get=extend_schema(
        operation_id="cycle_detail",
        summary="One award cycle",
        description=f"A cycle by its code. {PUBLIC}",
        parameters=[LANG_PARAMETER],
        responses={200: CycleSerializer, **error_responses(404, 429)},
        examples=[OpenApiExample("A cycle", value=CYCLE_EXAMPLE, response_only=True)],
    )
)
class CycleDetailApi(PublicApiMixin, PortalApiView, generics.RetrieveAPIView):
    serializer_class = CycleSerializer
    lookup_field = "code"
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[AwardCycle]:
        return public_cycles()


class CycleFrameworkApi(PublicApiMixin, PortalApiView):
    @extend_schema(
        operation_id="cycle_framework",
        summary="A cycle's framework: areas and indicators with their rules and guidance",
        description=(
            "The indicators in order, each with its unit, plausible range, scoring rule, data preparation and the "
            f"evidence to attach, in Thai and English. {PUBLIC}"
        ),
        parameters=[LANG_PARAMETER],
        responses={200: FrameworkSerializer, **error_responses(404, 429)},
        examples=[
            OpenApiExample(
                "One area, one indicator",
                value={
                    "cycle": "esc-2026",
                    "code": "esc",
                    "version": 1,
                    "name_th": "เกณฑ์ ESC",
                    "name_en": "ESC framework",
                    "areas": [
                        {
                            "code": "CA",
                            "name_th": "อากาศสะอาด",
                            "name_en": "Clean air",
                            "kind": "core",
                            "indicators": [
                                {
                                    "code": "CA-01",
                                    "name_th": "ร้อยละของวันที่คุณภาพอากาศดี",
                                    "name_en": "Share of days with good air quality",
                                    "unit": "%",
                                    "value_type": "number",
                                    "min_value": "0.0000",
                                    "max_value": "100.0000",
                                    "direction": "higher_better",
                                    "weight": "1.0000",
                                    "rule": {"kind": "thresholds", "levels": [50, 70, 85, 95]},
                                    "data_preparation_th": "นับจากข้อมูลสถานีตรวจวัด",
                                    "data_preparation_en": "Count from the monitoring station's data",
                                    "evidence_th": ["รายงานคุณภาพอากาศรายปี"],
                                    "evidence_en": ["Annual air quality report"],
                                    "evidence_required": True,
                                }
                            ],
                        }
                    ],
                },
                response_only=True,
            )
        ],
    )
    def get(self, request: Request, code: str) -> Response:
        cycle = get_object_or_404(public_cycles(), code=code)
        framework = cycle.framework
        data = {
            "cycle": cycle.code,
            "code": framework.code,
            "version": framework.version,
            "name_th": framework.name_th,
            "name_en": framework.name_en,
            "areas": framework_areas(framework),
        }
        return Response(FrameworkSerializer(data).data)

"""Public API reads of award cycles and their frameworks: areas and indicators with rules and guidance (th, en)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from indicators.enums import CyclePhase
from indicators.models import AwardCycle
from indicators.permissions import can_manage_cycles
from indicators.selectors import framework_areas, public_cycles
from indicators.services import change_phase
from portal.api import PortalApiView, PublicApiMixin
from portal.api_refusals import refusal_response
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


class CyclePhaseApi(PortalApiView):
    """Admins: move a cycle to its next phase, through the same service as the cycle page."""

    class PhaseInputSerializer(serializers.Serializer):
        to_phase = serializers.ChoiceField(choices=CyclePhase.choices)
        note = serializers.CharField(required=False, allow_blank=True, default="")

    class PhaseResultSerializer(CycleSerializer):
        message = serializers.CharField(help_text="The cycle page's confirmation, in the language asked for.")

    @extend_schema(
        operation_id="cycle_phase_change",
        summary="Move a cycle to another phase",
        description=(
            "The cycle page's phase change, through the same service: only the next phases the cycle allows (else "
            "400 with the code `illegal_transition` and the allowed ones named); opening the call needs a "
            "submission deadline (code `no_deadline`) and freezes the framework. The change is recorded with its "
            "note. Who may call: admins (a read-and-write token); anyone else gets 403. Draft cycles included."
        ),
        parameters=[LANG_PARAMETER],
        request=PhaseInputSerializer,
        responses={200: PhaseResultSerializer, **error_responses(400, 401, 403, 404, 429)},
        examples=[
            OpenApiExample(
                "Close submissions", value={"to_phase": "submission_closed", "note": "ครบกำหนด"}, request_only=True
            ),
            OpenApiExample(
                "Moved",
                value={**CYCLE_EXAMPLE, "phase": "submission_closed", "message": "The cycle is now in phase “…”."},
                response_only=True,
            ),
        ],
    )
    def post(self, request: Request, code: str) -> Response:
        if not can_manage_cycles(request.user):
            raise PermissionDenied
        cycle = get_object_or_404(AwardCycle, code=code)
        serializer = self.PhaseInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            cycle = change_phase(cycle=cycle, by=request.user, **serializer.validated_data)
        except ValidationError as refused:
            return refusal_response(refused)
        message = _("The cycle is now in phase “{phase}”.").format(phase=cycle.get_phase_display())
        return Response({**CycleSerializer(cycle).data, "message": message})

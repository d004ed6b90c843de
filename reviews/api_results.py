"""Public API reads of a cycle's published results: its nominees with their ASEAN outcome (as the public results page
shows them) and its open data (as the CSV and JSON downloads give it). The same selectors as those pages: an unknown
or unpublished cycle is a 404, in the API's error format."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from portal.api import PortalApiView, PublicApiMixin
from portal.api_schema import LANG_PARAMETER, error_responses
from reviews.opendata import open_data_document
from reviews.results import ResultRow, cycle_results, municipality_name_en, published_cycles

PUBLIC_RESULTS = (
    "Who may call: anyone, without credentials (throttled per address). Only cycles whose results an admin has "
    "published; any other cycle answers 404."
)


class NomineeSerializer(serializers.Serializer):
    municipality = serializers.CharField(source="application.municipality.code", help_text="DLA code.")
    municipality_name_th = serializers.CharField(source="application.municipality.full_name_th")
    municipality_name_en = serializers.SerializerMethodField()
    province = serializers.CharField(source="application.municipality.province.code", help_text="DOPA code.")
    province_name_th = serializers.CharField(source="application.municipality.province.name_th")
    province_name_en = serializers.CharField(source="application.municipality.province.name_en")
    track = serializers.CharField(source="application.track", help_text="esc_award or certificate.")
    category = serializers.CharField(source="application.category_code", help_text="Empty for the ESC Award.")
    size_class = serializers.CharField(source="application.size_class.code", allow_null=True, default=None)
    total = serializers.DecimalField(
        source="score.total", max_digits=5, decimal_places=2, allow_null=True, default=None
    )
    score_basis = serializers.CharField(
        source="score.basis", allow_null=True, default=None, help_text="verified or submitted; null when unscored."
    )
    asean_outcome = serializers.CharField(
        help_text="awarded, certificate or not_selected; empty while none is recorded."
    )

    def get_municipality_name_en(self, row: ResultRow) -> str:
        return municipality_name_en(row.application.municipality)


class CategoryNomineesSerializer(serializers.Serializer):
    category = serializers.CharField(source="code")
    name_th = serializers.CharField(source="area.name_th", allow_null=True, default=None)
    name_en = serializers.CharField(source="area.name_en", allow_null=True, default=None)
    nominees = NomineeSerializer(source="rows", many=True)


class CycleResultsSerializer(serializers.Serializer):
    cycle = serializers.CharField(source="cycle.code")
    name_th = serializers.CharField(source="cycle.name_th")
    name_en = serializers.CharField(source="cycle.name_en")
    published_at = serializers.DateTimeField(source="cycle.results_published_at")
    national = NomineeSerializer(many=True, help_text="The national nominee(s) for the ESC Award.")
    certificates = CategoryNomineesSerializer(
        many=True, help_text="The nominees for the Certificates of Recognition, per category in framework order."
    )


class ColumnSerializer(serializers.Serializer):
    name = serializers.CharField()
    type = serializers.CharField(help_text="string, integer, number or date-time.")
    description_th = serializers.CharField()
    description_en = serializers.CharField()


class OpenDataSerializer(serializers.Serializer):
    cycle = serializers.CharField()
    name_th = serializers.CharField()
    name_en = serializers.CharField()
    published_at = serializers.DateTimeField()
    columns = ColumnSerializer(many=True, help_text="The data dictionary: every column of the rows, in order.")
    rows = serializers.ListField(
        child=serializers.DictField(),
        help_text="One row per submitted application, keyed by the columns' names (area_<code>: an area's score).",
    )


YALA = {
    "municipality": "09950101",
    "municipality_name_th": "เทศบาลนครยะลา",
    "municipality_name_en": "Yala City Municipality",
    "province": "95",
    "province_name_th": "ยะลา",
    "province_name_en": "Yala",
    "track": "esc_award",
    "category": "",
    "size_class": "small",
    "total": "78.40",
    "score_basis": "verified",
    "asean_outcome": "awarded",
}
RESULTS_EXAMPLE = {
    "cycle": "esc-2021",
    "name_th": "รางวัลเมืองสิ่งแวดล้อมยั่งยืนอาเซียน ปี 2564",
    "name_en": "ASEAN ESC Award 2021",
    "published_at": "2021-11-30T10:00:00+07:00",
    "national": [YALA],
    "certificates": [
        {
            "category": "CA",
            "name_th": "อากาศสะอาด",
            "name_en": "Clean Air",
            "nominees": [{**YALA, "track": "certificate", "category": "CA", "asean_outcome": ""}],
        }
    ],
}
OPEN_DATA_EXAMPLE = {
    "cycle": "esc-2021",
    "name_th": "รางวัลเมืองสิ่งแวดล้อมยั่งยืนอาเซียน ปี 2564",
    "name_en": "ASEAN ESC Award 2021",
    "published_at": "2021-11-30T10:00:00+07:00",
    "columns": [
        {
            "name": "cycle",
            "type": "string",
            "description_th": "รหัสรอบการประกวด",
            "description_en": "Code of the award cycle.",
        },
        {
            "name": "total",
            "type": "number",
            "description_th": "คะแนนรวม 0–100",
            "description_en": "Total score, 0–100.",
        },
    ],
    "rows": [{"cycle": "esc-2021", "municipality_code": "09950101", "total": 78.4, "area_CA": 81.25}],
}


class CycleResultsApi(PublicApiMixin, PortalApiView):
    @extend_schema(
        operation_id="cycle_results",
        summary="A cycle's published results: its nominees and their ASEAN outcome",
        description=(
            "The national nominee(s) for the ESC Award and the nominees for the Certificates of Recognition by "
            "category, each with its municipality, size class, published score (verified once every value is "
            f"settled, else submitted) and ASEAN outcome, as the public results page lists them. {PUBLIC_RESULTS}"
        ),
        parameters=[LANG_PARAMETER],
        responses={200: CycleResultsSerializer, **error_responses(404, 429)},
        examples=[OpenApiExample("A published cycle", value=RESULTS_EXAMPLE, response_only=True)],
    )
    def get(self, request: Request, code: str) -> Response:
        cycle = get_object_or_404(published_cycles(), code=code)
        return Response(CycleResultsSerializer(cycle_results(cycle)).data)


class CycleOpenDataApi(PublicApiMixin, PortalApiView):
    @extend_schema(
        operation_id="cycle_open_data",
        summary="A cycle's open data: one row per submitted application, with its data dictionary",
        description=(
            "The published scores of every submitted application of the cycle (total and per area), its latest "
            "national decision and ASEAN outcome, with the dictionary of the columns in Thai and English: the same "
            f"document as the open-data JSON download. {PUBLIC_RESULTS}"
        ),
        parameters=[LANG_PARAMETER],
        responses={200: OpenDataSerializer, **error_responses(404, 429)},
        examples=[OpenApiExample("Two columns of a published cycle", value=OPEN_DATA_EXAMPLE, response_only=True)],
    )
    def get(self, request: Request, code: str) -> Response:
        cycle = get_object_or_404(published_cycles(), code=code)
        return Response(open_data_document(cycle))

"""Public API reads of municipalities: their names and place, in both languages (public reference data)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import generics, serializers

from portal.api import PortalApiView, PublicApiMixin
from portal.api_schema import LANG_PARAMETER, error_responses
from portal.enums import MunicipalityKind
from portal.models import Municipality
from portal.selectors import municipality_search_condition, public_municipalities


class ProvinceSerializer(serializers.Serializer):
    code = serializers.CharField()
    name_th = serializers.CharField()
    name_en = serializers.CharField()


class MunicipalitySerializer(serializers.Serializer):
    code = serializers.CharField()
    kind = serializers.ChoiceField(choices=MunicipalityKind.choices)
    name_th = serializers.CharField()
    name_en = serializers.CharField()
    full_name_th = serializers.CharField()
    full_name_en = serializers.CharField()
    district_th = serializers.CharField()
    district_en = serializers.CharField()
    province = ProvinceSerializer()


class MunicipalityFilter(filters.FilterSet):
    province = filters.CharFilter(field_name="province__code", help_text=_("The province's DOPA code, e.g. 95."))
    kind = filters.ChoiceFilter(choices=MunicipalityKind.choices)
    q = filters.CharFilter(method="search", help_text=_("Part of a Thai or English name, or a code."))

    class Meta:
        model = Municipality
        fields = ["province", "kind", "q"]

    def search(self, queryset: QuerySet[Municipality], name: str, value: str) -> QuerySet[Municipality]:
        return queryset.filter(municipality_search_condition(value.strip())) if value.strip() else queryset


@extend_schema_view(
    get=extend_schema(
        operation_id="municipality_list",
        summary="Municipalities",
        description=(
            "Every municipality's code, type, names and place, in Thai and English; filter by province, type or a "
            "search text, order by name_th, name_en, code (prefix with - to reverse), 50 to a page. Who may call: "
            "anyone, without credentials (throttled per address)."
        ),
        parameters=[LANG_PARAMETER],
        responses={200: MunicipalitySerializer(many=True), **error_responses(400, 404, 429)},
        examples=[
            OpenApiExample(
                "Yala",
                value={
                    "code": "09950101",
                    "kind": "city",
                    "name_th": "ยะลา",
                    "name_en": "Yala",
                    "full_name_th": "เทศบาลนครยะลา",
                    "full_name_en": "Yala City Municipality",
                    "district_th": "เมืองยะลา",
                    "district_en": "Mueang Yala",
                    "province": {"code": "95", "name_th": "ยะลา", "name_en": "Yala"},
                },
                response_only=True,
            )
        ],
    )
)
class MunicipalityListApi(PublicApiMixin, PortalApiView, generics.ListAPIView):
    serializer_class = MunicipalitySerializer
    filterset_class = MunicipalityFilter
    ordering_fields = ["name_th", "name_en", "code"]
    ordering = ["name_th", "code"]

    def get_queryset(self) -> QuerySet[Municipality]:
        return public_municipalities()

"""The cycles API's serializers and the examples its schema shows. The admins' requests are validated by the cycle
pages' forms; their serializers here describe them for the schema (fields from the forms, types from the model)."""

from __future__ import annotations

from rest_framework import serializers

from indicators.forms import CycleCreateForm, CycleSettingsForm
from indicators.models import AwardCycle


class FrameworkSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The framework version's id, which a new cycle names as its framework.")
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


class TierSerializer(serializers.Serializer):
    min_score = serializers.CharField(help_text="The lowest total of the tier, as decimal text; the last tier's is 0.")
    code = serializers.CharField()
    label_th = serializers.CharField()
    label_en = serializers.CharField()


class CycleSettingsSerializer(serializers.ModelSerializer):
    """A cycle as its admin sees it: the public fields, its editions, and every setting of the cycle's settings page
    (CycleSettingsForm's fields). As a request (PATCH), the same settings, each optional, with the change's reason."""

    phase = serializers.CharField(read_only=True)  # as CycleSerializer shows it
    framework = FrameworkSummarySerializer(read_only=True)
    tiers = TierSerializer(many=True, help_text="Highest first, each minimum score once, the last from 0.")
    tie_breaks = serializers.ListField(child=serializers.CharField(), help_text="e.g. completeness, governance")
    reason = serializers.CharField(
        write_only=True, required=False, allow_blank=True, help_text="Kept with the change in the settings history."
    )

    class Meta:
        model = AwardCycle
        fields = [
            "code",
            "phase",
            "esc_award_edition",
            "certificate_edition",
            "framework",
            *CycleSettingsForm.Meta.fields,
            "reason",
        ]
        read_only_fields = ["code", "esc_award_edition", "certificate_edition"]


class CycleSavedSerializer(CycleSettingsSerializer):
    message = serializers.CharField(help_text="The cycle pages' confirmation, in the language asked for.")

    class Meta(CycleSettingsSerializer.Meta):
        fields = [*CycleSettingsSerializer.Meta.fields, "message"]


class CycleCreateInputSerializer(serializers.ModelSerializer):
    """The request that creates a cycle, for the schema: the new-cycle page's form (CycleCreateForm) validates it."""

    framework = serializers.IntegerField(help_text="The id of a framework version (a cycle's `framework.id`).")

    class Meta:
        model = AwardCycle
        fields = list(CycleCreateForm.base_fields)


class ExtensionSerializer(serializers.Serializer):
    cycle = serializers.CharField(source="cycle.code")
    municipality = serializers.CharField(source="municipality.code")
    municipality_name_th = serializers.CharField(source="municipality.full_name_th")
    municipality_name_en = serializers.CharField(source="municipality.full_name_en")
    deadline = serializers.DateTimeField()
    reason = serializers.CharField()
    granted_at = serializers.DateTimeField()


class ExtensionGrantedSerializer(ExtensionSerializer):
    message = serializers.CharField(help_text="The cycle page's confirmation, in the language asked for.")


class ExtensionInputSerializer(serializers.Serializer):
    """The request that grants an extension, for the schema: the extension page's form (ExtensionForm) validates it."""

    municipality = serializers.CharField(help_text="The municipality's local government code, e.g. 09950101.")
    deadline = serializers.DateTimeField(help_text="After the cycle's submission deadline.")
    reason = serializers.CharField()


CYCLE_EXAMPLE = {
    "code": "esc-2026",
    "name_th": "รางวัลเมืองสิ่งแวดล้อมยั่งยืนอาเซียน ปี 2569",
    "name_en": "ASEAN ESC Award 2026",
    "phase": "call_open",
    "reference_year": 2025,
    "call_opens_on": "2026-03-01",
    "submission_deadline": "2026-06-30T16:30:00+07:00",
    "framework": {"id": 3, "code": "esc", "version": 1, "name_th": "เกณฑ์ ESC", "name_en": "ESC framework"},
}


SETTINGS_EXAMPLE = {
    **CYCLE_EXAMPLE,
    "phase": "draft",
    "esc_award_edition": 8,
    "certificate_edition": 7,
    "responsible_agency_th": "กรมการเปลี่ยนแปลงสภาพภูมิอากาศและสิ่งแวดล้อม",
    "responsible_agency_en": "Department of Climate Change and Environment",
    "desk_review_ends_on": "2026-08-31",
    "site_visits_end_on": "2026-10-15",
    "committee_ranking_on": "2026-11-05",
    "national_decision_on": "2026-11-30",
    "packets_due_on": "2026-12-15",
    "max_points": 4,
    "completeness_minimum": "0.800",
    "tiers": [
        {"min_score": "80", "code": "gold", "label_th": "ดีเยี่ยม", "label_en": "Excellent"},
        {"min_score": "0", "code": "entry", "label_th": "เริ่มต้น", "label_en": "Entry"},
    ],
    "esc_award_core_weight": "0.800",
    "esc_award_governance_weight": "0.200",
    "quota_esc_award": 1,
    "quota_certificates_total": 6,
    "quota_per_category_and_size": 1,
    "quota_source": "proposed",
    "tie_breaks": ["completeness", "governance"],
    "normalise_reviewers": False,
    "disagreement_threshold": "1.00",
}


FRAMEWORK_EXAMPLE = {
    "cycle": "esc-2026",
    "id": 3,
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
}

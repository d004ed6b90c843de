"""Unit tests for indicators.rules: framework files, rule validation and rule descriptions."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.utils import translation

from indicators.rules import (
    UNITS,
    FrameworkError,
    FrameworkSpec,
    TierSpec,
    describe_indicator_rule,
    describe_rule,
    parse_framework,
    validate_rule,
)

pytestmark = pytest.mark.unit

FRAMEWORKS = Path(__file__).resolve().parents[2] / "indicators" / "frameworks"

CORE_2021_CODES = [
    *[f"CA-{n:02d}" for n in range(1, 11)],
    *[f"CW-{n:02d}" for n in range(1, 10)],
    *[f"CL-{n:02d}" for n in range(1, 11)],
]
GOV_CODES = [f"GOV-{n:02d}" for n in range(1, 6)]
NEW_2024_CODES = [*[f"UB-{n:02d}" for n in range(1, 5)], *[f"CE-{n:02d}" for n in range(1, 5)]]

RUBRIC_LEVELS = [
    {"points": 0, "label_th": "ไม่มีการดำเนินการ", "label_en": "none"},
    {"points": 1, "label_th": "มีแผน", "label_en": "planned"},
    {"points": 2, "label_th": "ดำเนินการบางพื้นที่", "label_en": "in part of the city"},
    {"points": 3, "label_th": "ดำเนินการทั้งเมือง", "label_en": "city-wide"},
    {"points": 4, "label_th": "มีผลลัพธ์ที่วัดได้", "label_en": "measured results"},
]
COMPLIANCE_BANDS = [
    {"min": 100, "points": 4},
    {"min": 95, "points": 3},
    {"min": 90, "points": 2},
    {"min": 80, "points": 1},
    {"min": 0, "points": 0},
]
GOOD_DAYS_LEVELS = [
    {"min": 90, "points": 4},
    {"min": 80, "points": 3},
    {"min": 70, "points": 2},
    {"min": 50, "points": 1},
    {"min": 0, "points": 0},
]
PM25_DAYS_LEVELS = [
    {"max": 0, "points": 4},
    {"max": 7, "points": 3},
    {"max": 30, "points": 2},
    {"max": 60, "points": 1},
    {"max": None, "points": 0},
]


@pytest.fixture(autouse=True)
def english_messages() -> Iterator[None]:
    """Error messages are English msgids; pin the language so a Thai catalogue cannot change them."""
    with translation.override("en"):
        yield


def _percent_indicator(code: str = "CA-01") -> dict[str, Any]:
    return {
        "code": code,
        "name_th": "ร้อยละของวันที่คุณภาพอากาศดี",
        "name_en": "Days with good air quality",
        "unit": "percent_of_monitored_days",
        "value_type": "percent",
        "direction": "higher_better",
        "range": {"min": 0, "max": 100},
        "weight": 1,
        "scoring": {"type": "thresholds", "direction": "higher_better", "levels": copy.deepcopy(GOOD_DAYS_LEVELS)},
        "provenance": {"status": "proposed", "rule_source": "proposed"},
    }


def _days_indicator(code: str = "CA-02") -> dict[str, Any]:
    return {
        "code": code,
        "name_th": "จำนวนวันที่ PM2.5 เกินมาตรฐาน",
        "name_en": "Days with PM2.5 above the standard",
        "unit": "days_per_year",
        "value_type": "count",
        "direction": "lower_better",
        "range": {"min": 0, "max": 366},
        "weight": 1,
        "scoring": {"type": "thresholds", "direction": "lower_better", "levels": copy.deepcopy(PM25_DAYS_LEVELS)},
        "provenance": {
            "status": "sourced_topic",
            "sources": ["https://tna.mcot.net/business-947383"],
            "rule_source": "proposed",
        },
    }


def _rubric_indicator(code: str = "GOV-01") -> dict[str, Any]:
    return {
        "code": code,
        "name_th": "แผนสิ่งแวดล้อมของเมือง",
        "name_en": "Environmental plan",
        "unit": "rubric",
        "value_type": "rubric",
        "evidence": {"required": True, "from_points": 2, "items_th": ["แผน"], "items_en": ["Plan"]},
        "weight": 1,
        "scoring": {"type": "rubric", "levels": "default"},
        "provenance": {"status": "proposed", "rule_source": "proposed"},
    }


def _framework() -> dict[str, Any]:
    """A small valid framework: CA (two quantitative indicators) and GOV (one rubric indicator)."""
    return {
        "framework": {"code": "test-2021", "version": 1, "name_th": "กรอบทดสอบ", "name_en": "Test framework"},
        "settings": {
            "max_points": 4,
            "area_score_formula": "weighted_mean",
            "completeness_minimum": "0.8",
            "tiers": [
                {"min_score": "80", "code": "gold", "label_th": "ระดับทอง", "label_en": "Gold"},
                {"min_score": "0", "code": "none", "label_th": "ไม่ถึงเกณฑ์", "label_en": "No tier"},
            ],
            "esc_award_weights": {"core": "0.8", "governance": "0.2"},
        },
        "defaults": {
            "rubric_levels": copy.deepcopy(RUBRIC_LEVELS),
            "compliance_bands": copy.deepcopy(COMPLIANCE_BANDS),
        },
        "areas": [
            {
                "code": "CA",
                "kind": "category",
                "name_th": "ด้านอากาศ",
                "name_en": "Clean Air",
                "indicators": [_percent_indicator(), _days_indicator()],
            },
            {
                "code": "GOV",
                "kind": "governance",
                "name_th": "การบริหารจัดการ",
                "name_en": "Governance",
                "indicators": [_rubric_indicator()],
            },
        ],
    }


def _dump(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def _errors(data: dict[str, Any]) -> list[str]:
    with pytest.raises(FrameworkError) as excinfo:
        parse_framework(_dump(data))
    return excinfo.value.errors


def _codes(spec: FrameworkSpec) -> list[str]:
    return [indicator.code for indicator in spec.indicators]


# ---------------------------------------------------------------------------------------------------------------
# Shipped framework files
# ---------------------------------------------------------------------------------------------------------------


def test_parse_framework_2021_file_has_core_and_governance_areas() -> None:
    # Arrange
    text = (FRAMEWORKS / "esc-2021.yaml").read_text(encoding="utf-8")

    # Act
    spec = parse_framework(text)

    # Assert
    assert (spec.code, spec.version) == ("esc-2021", 1)
    assert [area.code for area in spec.areas] == ["CA", "CW", "CL", "GOV"]
    assert [area.kind for area in spec.areas] == ["category", "category", "category", "governance"]
    assert _codes(spec) == [*CORE_2021_CODES, *GOV_CODES]


def test_parse_framework_2024_file_adds_biodiversity_and_circular_economy() -> None:
    # Arrange
    text = (FRAMEWORKS / "esc-2024.yaml").read_text(encoding="utf-8")

    # Act
    spec = parse_framework(text)

    # Assert
    assert (spec.code, spec.version) == ("esc-2024", 1)
    assert [area.code for area in spec.areas] == ["CA", "CW", "CL", "UB", "CE", "GOV"]
    assert _codes(spec) == [*CORE_2021_CODES, *NEW_2024_CODES, *GOV_CODES]


def test_parse_framework_shipped_files_define_shared_indicators_identically() -> None:
    # Arrange
    spec_2021 = parse_framework((FRAMEWORKS / "esc-2021.yaml").read_text(encoding="utf-8"))
    spec_2024 = parse_framework((FRAMEWORKS / "esc-2024.yaml").read_text(encoding="utf-8"))

    # Act
    shared_2024 = [indicator for indicator in spec_2024.indicators if indicator.code[:2] not in {"UB", "CE"}]

    # Assert
    assert list(spec_2021.indicators) == shared_2024
    # The editions differ only in their quotas: 2024 has five certificate categories instead of three.
    assert replace(spec_2021.settings, quotas=None) == replace(spec_2024.settings, quotas=None)


def test_parse_framework_2024_file_carries_the_proposed_settings() -> None:
    # Arrange
    text = (FRAMEWORKS / "esc-2024.yaml").read_text(encoding="utf-8")

    # Act
    settings = parse_framework(text).settings

    # Assert
    assert settings.max_points == 4
    assert settings.area_score_formula == "weighted_mean"
    assert settings.completeness_minimum == Decimal("0.8")
    assert settings.tiers == (
        TierSpec(Decimal(80), "gold", "ระดับทอง", "Gold"),
        TierSpec(Decimal(65), "silver", "ระดับเงิน", "Silver"),
        TierSpec(Decimal(50), "bronze", "ระดับทองแดง", "Bronze"),
        TierSpec(Decimal(0), "none", "ไม่ถึงเกณฑ์ระดับรางวัล", "No tier"),
    )
    assert (settings.esc_award_core_weight, settings.esc_award_governance_weight) == (Decimal("0.8"), Decimal("0.2"))


def test_parse_framework_2024_file_keeps_draft_facts_on_pm25_indicator() -> None:
    # Arrange
    text = (FRAMEWORKS / "esc-2024.yaml").read_text(encoding="utf-8")

    # Act
    indicator = next(item for item in parse_framework(text).indicators if item.code == "CA-02")

    # Assert
    assert (indicator.unit, indicator.value_type, indicator.direction) == ("days_per_year", "count", "lower_better")
    assert (indicator.min_value, indicator.max_value) == (Decimal(0), Decimal(366))
    assert indicator.rule == {
        "type": "thresholds",
        "direction": "lower_better",
        "levels": [
            {"max": "0", "points": 4},
            {"max": "7", "points": 3},
            {"max": "30", "points": 2},
            {"max": "60", "points": 1},
            {"max": None, "points": 0},
        ],
    }
    assert "37.5 µg/m³" in indicator.data_preparation_en
    assert "37.5 ไมโครกรัม/ลบ.ม." in indicator.data_preparation_th
    assert (indicator.provenance, indicator.rule_source) == ("sourced_topic", "proposed")
    assert "https://tna.mcot.net/business-947383" in indicator.sources
    assert (indicator.evidence_required, indicator.evidence_required_from_points) == (True, None)


def test_parse_framework_2024_file_reads_decimal_limits_without_float() -> None:
    # Arrange
    text = (FRAMEWORKS / "esc-2024.yaml").read_text(encoding="utf-8")

    # Act
    indicator = next(item for item in parse_framework(text).indicators if item.code == "CL-09")

    # Assert
    assert [level["min"] for level in indicator.rule["levels"]] == ["5", "3.75", "2.5", "1.25", "0"]
    assert indicator.weight == Decimal(1)


def test_parse_framework_2024_file_requires_rubric_evidence_from_two_points() -> None:
    # Arrange
    text = (FRAMEWORKS / "esc-2024.yaml").read_text(encoding="utf-8")

    # Act
    rubrics = [item for item in parse_framework(text).indicators if item.value_type == "rubric"]

    # Assert
    assert {(item.evidence_required, item.evidence_required_from_points) for item in rubrics} == {(True, 2)}
    assert {item.rule["scored_by"] for item in rubrics if item.code != "CL-10"} == {"reviewer"}
    assert next(item for item in rubrics if item.code == "CL-10").rule["scored_by"] == "site_visit_reviewer"


def test_units_thai_labels_are_written_in_thai() -> None:
    # Arrange
    thai = re.compile("[\u0e00-\u0e7f]")

    # Act
    not_thai = [code for code, unit in UNITS.items() if not thai.search(unit.label_th)]

    # Assert
    assert not_thai == []


# ---------------------------------------------------------------------------------------------------------------
# Refused files: one test per problem, each asserting the exact message
# ---------------------------------------------------------------------------------------------------------------


def test_parse_framework_minimal_file_parses() -> None:
    # Arrange
    data = _framework()

    # Act
    spec = parse_framework(_dump(data))

    # Assert
    assert _codes(spec) == ["CA-01", "CA-02", "GOV-01"]
    assert spec.areas[1].indicators[0].rule["levels"][2] == {
        "points": 2,
        "label_th": "ดำเนินการบางพื้นที่",
        "label_en": "in part of the city",
    }


def test_parse_framework_invalid_yaml_is_refused() -> None:
    # Arrange
    text = "framework: [unclosed\n"

    # Act
    with pytest.raises(FrameworkError) as excinfo:
        parse_framework(text)

    # Assert
    assert len(excinfo.value.errors) == 1
    assert excinfo.value.errors[0].startswith("The file is not valid YAML: ")


def test_parse_framework_duplicate_yaml_key_is_refused() -> None:
    # Arrange
    text = _dump(_framework()).replace("  max_points: 4\n", "  max_points: 4\n  max_points: 5\n", 1)

    # Act
    with pytest.raises(FrameworkError) as excinfo:
        parse_framework(text)

    # Assert
    assert excinfo.value.errors == ["line 8: key “max_points” appears twice in the same block"]


def test_parse_framework_missing_indicator_key_is_refused() -> None:
    # Arrange
    data = _framework()
    del data["areas"][0]["indicators"][0]["unit"]

    # Act
    errors = _errors(data)

    # Assert
    assert errors == ["CA-01: missing required key “unit”"]


def test_parse_framework_missing_top_level_key_is_refused() -> None:
    # Arrange
    data = _framework()
    del data["settings"]

    # Act
    errors = _errors(data)

    # Assert
    assert errors == ["missing top-level key “settings”"]


def test_parse_framework_unknown_rule_type_is_refused() -> None:
    # Arrange
    data = _framework()
    data["areas"][0]["indicators"][0]["scoring"] = {"type": "bands", "levels": GOOD_DAYS_LEVELS}

    # Act
    errors = _errors(data)

    # Assert
    assert errors == ["CA-01: unknown rule type “bands”"]


def test_parse_framework_overlapping_thresholds_are_refused() -> None:
    # Arrange
    data = _framework()
    data["areas"][0]["indicators"][0]["scoring"]["levels"][2]["min"] = 85

    # Act
    errors = _errors(data)

    # Assert
    assert errors == ["CA-01: thresholds overlap or are not monotonic (levels 2 and 3)"]


def test_parse_framework_duplicate_threshold_limit_is_refused() -> None:
    # Arrange
    data = _framework()
    data["areas"][0]["indicators"][1]["scoring"]["levels"][2]["max"] = 7

    # Act
    errors = _errors(data)

    # Assert
    assert errors == ["CA-02: thresholds overlap or are not monotonic (levels 2 and 3)"]


def test_parse_framework_points_rising_for_worse_values_are_refused() -> None:
    # Arrange
    data = _framework()
    data["areas"][0]["indicators"][0]["scoring"]["levels"][3]["points"] = 3

    # Act
    errors = _errors(data)

    # Assert
    assert errors == ["CA-01: points rise as the value gets worse (levels 3 and 4)"]


def test_parse_framework_points_above_max_points_are_refused() -> None:
    # Arrange
    data = _framework()
    data["areas"][0]["indicators"][0]["scoring"]["levels"][0]["points"] = 5

    # Act
    errors = _errors(data)

    # Assert
    assert errors == ["CA-01: points of level 1 must be a whole number from 0 to 4 (got “5”)"]


def test_parse_framework_last_higher_level_above_range_floor_is_refused() -> None:
    # Arrange
    data = _framework()
    data["areas"][0]["indicators"][0]["scoring"]["levels"][4]["min"] = 10

    # Act
    errors = _errors(data)

    # Assert
    assert errors == ["CA-01: the last level (min 10) must start at or below the range minimum 0"]


def test_parse_framework_closed_last_lower_level_is_refused() -> None:
    # Arrange
    data = _framework()
    data["areas"][0]["indicators"][1]["scoring"]["levels"][4]["max"] = 366

    # Act
    errors = _errors(data)

    # Assert
    assert errors == ["CA-02: the last level must be open ended (max: null) so that every value above 366 scores"]


def test_parse_framework_fractional_limit_on_count_is_refused() -> None:
    # Arrange
    data = _framework()
    data["areas"][0]["indicators"][1]["scoring"]["levels"][1]["max"] = 7.5

    # Act
    errors = _errors(data)

    # Assert
    assert errors == ["CA-02: the limit 7.5 of level 2 must be a whole number for a count indicator"]


def test_parse_framework_limit_outside_range_is_refused() -> None:
    # Arrange
    data = _framework()
    data["areas"][0]["indicators"][0]["scoring"]["levels"][0]["min"] = 120

    # Act
    errors = _errors(data)

    # Assert
    assert errors == ["CA-01: the limit 120 of level 1 lies outside the plausible range 0 to 100"]


def test_parse_framework_rule_direction_against_indicator_is_refused() -> None:
    # Arrange
    data = _framework()
    data["areas"][0]["indicators"][0]["direction"] = "lower_better"

    # Act
    errors = _errors(data)

    # Assert
    assert errors == ["CA-01: the scoring rule is higher_better but the indicator is lower_better"]


@pytest.mark.parametrize("weight", [0, -1])
def test_parse_framework_weight_not_above_zero_is_refused(weight: int) -> None:
    # Arrange
    data = _framework()
    data["areas"][0]["indicators"][0]["weight"] = weight

    # Act
    errors = _errors(data)

    # Assert
    assert errors == [f"CA-01: weight must be a number greater than 0 (got “{weight}”)"]


def test_parse_framework_duplicate_indicator_code_is_refused() -> None:
    # Arrange
    data = _framework()
    data["areas"][0]["indicators"][1] = _percent_indicator("CA-01")

    # Act
    errors = _errors(data)

    # Assert
    assert errors == ["CA-01: duplicate indicator code"]


def test_parse_framework_duplicate_area_code_is_refused() -> None:
    # Arrange
    data = _framework()
    data["areas"].append(
        {
            "code": "CA",
            "kind": "category",
            "name_th": "ซ้ำ",
            "name_en": "Again",
            "indicators": [_percent_indicator("CA-09")],
        }
    )

    # Act
    errors = _errors(data)

    # Assert
    assert errors == ["CA: duplicate area code"]


def test_parse_framework_indicator_code_outside_its_area_is_refused() -> None:
    # Arrange
    data = _framework()
    data["areas"][0]["indicators"][0]["code"] = "CW-01"

    # Act
    errors = _errors(data)

    # Assert
    assert errors == ["CW-01: indicator code must start with “CA-”"]


def test_parse_framework_rubric_level_without_label_is_refused() -> None:
    # Arrange
    data = _framework()
    del data["defaults"]["rubric_levels"][2]["label_en"]
    data["areas"][1]["indicators"][0]["scoring"] = {"type": "rubric", "levels": data["defaults"]["rubric_levels"]}

    # Act
    errors = _errors(data)

    # Assert
    assert errors == [
        "defaults.rubric_levels: rubric level 2 has no English label (label_en)",
        "GOV-01: rubric level 2 has no English label (label_en)",
    ]


def test_parse_framework_rubric_missing_a_level_is_refused() -> None:
    # Arrange
    data = _framework()
    data["areas"][1]["indicators"][0]["scoring"] = {"type": "rubric", "levels": RUBRIC_LEVELS[:4]}

    # Act
    errors = _errors(data)

    # Assert
    assert errors == ["GOV-01: rubric level 4 is missing"]


def test_parse_framework_unknown_unit_is_refused() -> None:
    # Arrange
    data = _framework()
    data["areas"][0]["indicators"][0]["unit"] = "percent_of_days"

    # Act
    errors = _errors(data)

    # Assert
    assert errors == ["CA-01: unknown unit “percent_of_days”"]


def test_parse_framework_unknown_value_type_is_refused() -> None:
    # Arrange
    data = _framework()
    data["areas"][0]["indicators"][0]["value_type"] = "decimal"

    # Act
    errors = _errors(data)

    # Assert
    assert errors == ["CA-01: unknown value type “decimal”"]


def test_parse_framework_range_min_above_max_is_refused() -> None:
    # Arrange
    data = _framework()
    data["areas"][0]["indicators"][0]["range"] = {"min": 100, "max": 0}

    # Act
    errors = _errors(data)

    # Assert
    assert errors == ["CA-01: range min 100 must be less than range max 0"]


def test_parse_framework_rubric_rule_on_number_indicator_is_refused() -> None:
    # Arrange
    data = _framework()
    indicator = data["areas"][0]["indicators"][0]
    indicator["value_type"] = "number"
    indicator["scoring"] = {"type": "rubric", "levels": "default"}

    # Act
    errors = _errors(data)

    # Assert
    assert errors == ["CA-01: a “rubric” rule cannot score a “number” indicator (allowed: thresholds, linear)"]


def test_parse_framework_yes_no_rule_on_percent_indicator_is_refused() -> None:
    # Arrange
    data = _framework()
    data["areas"][0]["indicators"][0]["scoring"] = {"type": "yes_no", "yes_points": 4, "no_points": 0}

    # Act
    errors = _errors(data)

    # Assert
    assert errors == [
        "CA-01: a “yes_no” rule cannot score a “percent” indicator (allowed: thresholds, compliance, linear)"
    ]


def test_parse_framework_unknown_provenance_status_is_refused() -> None:
    # Arrange
    data = _framework()
    data["areas"][0]["indicators"][0]["provenance"]["status"] = "official"

    # Act
    errors = _errors(data)

    # Assert
    assert errors == ["CA-01: provenance status “official” must be one of: sourced, sourced_topic, proposed"]


def test_parse_framework_sourced_provenance_without_sources_is_refused() -> None:
    # Arrange
    data = _framework()
    data["areas"][0]["indicators"][1]["provenance"]["sources"] = []

    # Act
    errors = _errors(data)

    # Assert
    assert errors == ["CA-02: provenance status “sourced_topic” needs at least one source address"]


@pytest.mark.parametrize("from_points", [5, -1])
def test_parse_framework_evidence_from_points_outside_scale_is_refused(from_points: int) -> None:
    # Arrange
    data = _framework()
    data["areas"][1]["indicators"][0]["evidence"]["from_points"] = from_points

    # Act
    errors = _errors(data)

    # Assert
    assert errors == [f"GOV-01: evidence from_points must be a whole number from 0 to 4 (got “{from_points}”)"]


def test_parse_framework_evidence_from_points_on_quantitative_indicator_is_refused() -> None:
    # Arrange
    data = _framework()
    data["areas"][0]["indicators"][0]["evidence"] = {"required": True, "from_points": 2}

    # Act
    errors = _errors(data)

    # Assert
    assert errors == ["CA-01: evidence from_points only applies to rubric indicators"]


def test_parse_framework_misspelt_key_is_refused() -> None:
    # Arrange
    data = _framework()
    data["areas"][0]["indicators"][0]["weigth"] = data["areas"][0]["indicators"][0].pop("weight")

    # Act
    errors = _errors(data)

    # Assert
    assert errors == ["CA-01: unknown key “weigth”"]


def test_parse_framework_reports_every_problem_in_one_pass() -> None:
    # Arrange
    data = _framework()
    data["areas"][0]["indicators"][0]["unit"] = "percent_of_days"
    data["areas"][0]["indicators"][1]["weight"] = 0
    data["settings"]["completeness_minimum"] = "1.5"

    # Act
    errors = _errors(data)

    # Assert
    assert errors == [
        "settings: completeness_minimum must lie between 0 and 1 (for example 0.8)",
        "CA-01: unknown unit “percent_of_days”",
        "CA-02: weight must be a number greater than 0 (got “0”)",
    ]


def test_parse_framework_tiers_out_of_order_are_refused() -> None:
    # Arrange
    data = _framework()
    data["settings"]["tiers"].insert(1, {"min_score": "90", "code": "platinum", "label_th": "แพลทินัม", "label_en": "P"})

    # Act
    errors = _errors(data)

    # Assert
    assert errors == ["settings: tiers must run from the highest min_score to the lowest (tiers 1 and 2)"]


def test_parse_framework_esc_award_weights_not_summing_to_one_are_refused() -> None:
    # Arrange
    data = _framework()
    data["settings"]["esc_award_weights"] = {"core": "0.8", "governance": "0.3"}

    # Act
    errors = _errors(data)

    # Assert
    assert errors == ["settings.esc_award_weights: core and governance must be 0 or more and sum to 1 (0.8 + 0.3)"]


# ---------------------------------------------------------------------------------------------------------------
# validate_rule
# ---------------------------------------------------------------------------------------------------------------


def test_validate_rule_thresholds_normalises_numbers_to_decimal_strings() -> None:
    # Arrange
    rule = {
        "type": "thresholds",
        "direction": "lower_better",
        "levels": [{"max": 10.0, "points": 4}, {"max": Decimal("37.50"), "points": "2"}, {"max": None, "points": 0}],
    }

    # Act
    normalised = validate_rule(rule, value_type="number")

    # Assert
    assert normalised == {
        "type": "thresholds",
        "direction": "lower_better",
        "levels": [{"max": "10", "points": 4}, {"max": "37.5", "points": 2}, {"max": None, "points": 0}],
    }


def test_validate_rule_linear_fills_max_points() -> None:
    # Arrange
    rule = {"type": "linear", "floor": 0, "target": "100"}

    # Act
    normalised = validate_rule(rule, value_type="percent")

    # Assert
    assert normalised == {"type": "linear", "floor": "0", "target": "100", "max_points": 4}


def test_validate_rule_linear_equal_floor_and_target_is_refused() -> None:
    # Arrange
    rule = {"type": "linear", "floor": 50, "target": 50, "max_points": 4}

    # Act
    with pytest.raises(FrameworkError) as excinfo:
        validate_rule(rule, value_type="number", code="CA-04")

    # Assert
    assert excinfo.value.errors == ["CA-04: the floor and the target of a linear rule must differ"]


def test_validate_rule_yes_no_fills_default_points() -> None:
    # Arrange
    rule = {"type": "yes_no"}

    # Act
    normalised = validate_rule(rule, value_type="yes_no")

    # Assert
    assert normalised == {"type": "yes_no", "yes_points": 4, "no_points": 0}


def test_validate_rule_compliance_last_band_above_zero_is_refused() -> None:
    # Arrange
    rule = {"type": "compliance", "bands": [{"min": 100, "points": 4}, {"min": 90, "points": 2}]}

    # Act
    with pytest.raises(FrameworkError) as excinfo:
        validate_rule(rule, value_type="percent", code="CW-02")

    # Assert
    assert excinfo.value.errors == ["CW-02: the last compliance band must start at 0 so that every percentage scores"]


def test_validate_rule_without_code_names_the_scoring_rule() -> None:
    # Arrange
    rule = {"type": "text", "weight": 1}

    # Act
    with pytest.raises(FrameworkError) as excinfo:
        validate_rule(rule, value_type="text")

    # Assert
    assert excinfo.value.errors == ["scoring rule: unknown key “weight” in scoring"]


# ---------------------------------------------------------------------------------------------------------------
# describe_rule
# ---------------------------------------------------------------------------------------------------------------

HIGHER_PERCENT_RULE = validate_rule(
    {"type": "thresholds", "direction": "higher_better", "levels": GOOD_DAYS_LEVELS}, value_type="percent"
)
LOWER_DAYS_RULE = validate_rule(
    {"type": "thresholds", "direction": "lower_better", "levels": PM25_DAYS_LEVELS}, value_type="count"
)
LOWER_CONCENTRATION_RULE = {
    "type": "thresholds",
    "direction": "lower_better",
    "levels": [
        {"max": "10", "points": 4},
        {"max": "15", "points": 3},
        {"max": "25", "points": 2},
        {"max": None, "points": 0},
    ],
}
HIGHER_COUNT_RULE = {
    "type": "thresholds",
    "direction": "higher_better",
    "levels": [
        {"min": "10", "points": 4},
        {"min": "5", "points": 2},
        {"min": "1", "points": 1},
        {"min": "0", "points": 0},
    ],
}


def test_describe_rule_thresholds_higher_better_in_thai() -> None:
    # Arrange
    rule = HIGHER_PERCENT_RULE

    # Act
    sentence, rows = describe_rule(rule, unit_symbol="%", language="th")

    # Assert
    assert sentence == "ให้คะแนนตามช่วงของค่า ค่ายิ่งสูงยิ่งได้คะแนนมาก (0–4 คะแนน)"
    assert rows == [
        ("ไม่น้อยกว่า 90 %", 4),
        ("80 – < 90 %", 3),
        ("70 – < 80 %", 2),
        ("50 – < 70 %", 1),
        ("น้อยกว่า 50 %", 0),
    ]


def test_describe_rule_thresholds_higher_better_in_english() -> None:
    # Arrange
    rule = HIGHER_PERCENT_RULE

    # Act
    sentence, rows = describe_rule(rule, unit_symbol="%", language="en")

    # Assert
    assert sentence == "Points by value band: the higher the value, the more points (0–4 points)."
    assert rows == [
        ("at least 90 %", 4),
        ("80 to less than 90 %", 3),
        ("70 to less than 80 %", 2),
        ("50 to less than 70 %", 1),
        ("less than 50 %", 0),
    ]


def test_describe_rule_thresholds_lower_better_days_in_thai() -> None:
    # Arrange
    rule = LOWER_DAYS_RULE

    # Act
    sentence, rows = describe_rule(rule, unit_symbol="วัน", language="th", integer=True)

    # Assert
    assert sentence == "ให้คะแนนตามช่วงของค่า ค่ายิ่งต่ำยิ่งได้คะแนนมาก (0–4 คะแนน)"
    assert rows == [("0 วัน", 4), ("1–7 วัน", 3), ("8–30 วัน", 2), ("31–60 วัน", 1), ("มากกว่า 60 วัน", 0)]


def test_describe_rule_thresholds_lower_better_days_in_english() -> None:
    # Arrange
    rule = LOWER_DAYS_RULE

    # Act
    sentence, rows = describe_rule(rule, unit_symbol="days", language="en", integer=True)

    # Assert
    assert sentence == "Points by value band: the lower the value, the more points (0–4 points)."
    assert rows == [("0 days", 4), ("1–7 days", 3), ("8–30 days", 2), ("31–60 days", 1), ("more than 60 days", 0)]


def test_describe_rule_thresholds_lower_better_continuous_in_both_languages() -> None:
    # Arrange
    rule = LOWER_CONCENTRATION_RULE

    # Act
    _, rows_th = describe_rule(rule, unit_symbol="µg/m³", language="th")
    _, rows_en = describe_rule(rule, unit_symbol="µg/m³", language="en")

    # Assert
    assert rows_th == [
        ("ไม่เกิน 10 µg/m³", 4),
        ("> 10 – ≤ 15 µg/m³", 3),
        ("> 15 – ≤ 25 µg/m³", 2),
        ("มากกว่า 25 µg/m³", 0),
    ]
    assert rows_en == [
        ("at most 10 µg/m³", 4),
        ("more than 10 up to 15 µg/m³", 3),
        ("more than 15 up to 25 µg/m³", 2),
        ("more than 25 µg/m³", 0),
    ]


def test_describe_rule_thresholds_higher_better_counts_in_both_languages() -> None:
    # Arrange
    rule = HIGHER_COUNT_RULE

    # Act
    _, rows_th = describe_rule(rule, unit_symbol="แห่ง", language="th", integer=True)
    _, rows_en = describe_rule(rule, unit_symbol="sites", language="en", integer=True)

    # Assert
    assert rows_th == [("ตั้งแต่ 10 แห่งขึ้นไป", 4), ("5–9 แห่ง", 2), ("1–4 แห่ง", 1), ("0 แห่ง", 0)]
    assert rows_en == [("at least 10 sites", 4), ("5–9 sites", 2), ("1–4 sites", 1), ("0 sites", 0)]


def test_describe_rule_thresholds_level_labels_follow_the_condition() -> None:
    # Arrange
    rule = validate_rule(
        {
            "type": "thresholds",
            "direction": "lower_better",
            "levels": [
                {"below": "180", "points": 4, "label_th": "ดี", "label_en": "good"},
                {"max": 200, "points": 2, "label_th": "ปกติ", "label_en": "normal"},
                {"max": None, "points": 0, "label_th": "สูง", "label_en": "high"},
            ],
        },
        value_type="number",
    )

    # Act
    _, rows_th = describe_rule(rule, unit_symbol="ลิตร/คน/วัน", language="th")
    _, rows_en = describe_rule(rule, unit_symbol="L/person/day", language="en")

    # Assert
    assert rows_th == [
        ("น้อยกว่า 180 ลิตร/คน/วัน (ดี)", 4),
        ("180 – 200 ลิตร/คน/วัน (ปกติ)", 2),
        ("มากกว่า 200 ลิตร/คน/วัน (สูง)", 0),
    ]
    assert rows_en == [
        ("less than 180 L/person/day (good)", 4),
        ("180 to 200 L/person/day (normal)", 2),
        ("more than 200 L/person/day (high)", 0),
    ]


def test_describe_rule_compliance_in_both_languages() -> None:
    # Arrange
    rule = validate_rule({"type": "compliance", "bands": COMPLIANCE_BANDS}, value_type="percent")

    # Act
    sentence_th, rows_th = describe_rule(rule, unit_symbol="%", language="th")
    sentence_en, rows_en = describe_rule(rule, unit_symbol="%", language="en")

    # Assert
    assert sentence_th == "ให้คะแนนตามร้อยละของตัวอย่างหรือแหล่งที่ผ่านเกณฑ์มาตรฐาน (0–4 คะแนน)"
    assert rows_th == [
        ("100 %", 4),
        ("95 – < 100 %", 3),
        ("90 – < 95 %", 2),
        ("80 – < 90 %", 1),
        ("น้อยกว่า 80 %", 0),
    ]
    assert sentence_en == "Points by the percentage of samples or sources that meet the standard (0–4 points)."
    assert rows_en == [
        ("100 %", 4),
        ("95 to less than 100 %", 3),
        ("90 to less than 95 %", 2),
        ("80 to less than 90 %", 1),
        ("less than 80 %", 0),
    ]


def test_describe_rule_linear_in_both_languages() -> None:
    # Arrange
    rule = validate_rule({"type": "linear", "floor": 0, "target": 100, "max_points": 4}, value_type="percent")

    # Act
    sentence_th, rows_th = describe_rule(rule, unit_symbol="%", language="th")
    sentence_en, rows_en = describe_rule(rule, unit_symbol="%", language="en")

    # Assert
    assert sentence_th == "คะแนนเพิ่มขึ้นตามสัดส่วนเชิงเส้น จาก 0 คะแนนที่ 0 % ถึง 4 คะแนนที่ 100 %"
    assert rows_th == [("≥ 100 %", 4), ("≤ 0 %", 0)]
    assert sentence_en == "Points rise in a straight line from 0 points at 0 % to 4 points at 100 %."
    assert rows_en == [("at least 100 %", 4), ("at most 0 %", 0)]


def test_describe_rule_linear_lower_better_in_english() -> None:
    # Arrange
    rule = validate_rule({"type": "linear", "floor": 2, "target": "0.5"}, value_type="number")

    # Act
    sentence, rows = describe_rule(rule, unit_symbol="kg/person/day", language="en")

    # Assert
    assert (
        sentence == "Points rise in a straight line from 0 points at 2 kg/person/day to 4 points at 0.5 kg/person/day."
    )
    assert rows == [("at most 0.5 kg/person/day", 4), ("at least 2 kg/person/day", 0)]


def test_describe_rule_yes_no_in_both_languages() -> None:
    # Arrange
    rule = validate_rule({"type": "yes_no", "yes_points": 4, "no_points": 0}, value_type="yes_no")

    # Act
    sentence_th, rows_th = describe_rule(rule, unit_symbol="", language="th")
    sentence_en, rows_en = describe_rule(rule, unit_symbol="", language="en")

    # Assert
    assert sentence_th == "ได้ 4 คะแนนเมื่อมี/ใช่ และ 0 คะแนนเมื่อไม่มี/ไม่ใช่"
    assert rows_th == [("มี/ใช่", 4), ("ไม่มี/ไม่ใช่", 0)]
    assert sentence_en == "4 points for yes, 0 points for no."
    assert rows_en == [("yes", 4), ("no", 0)]


def test_describe_rule_rubric_in_both_languages() -> None:
    # Arrange
    rule = validate_rule({"type": "rubric", "levels": RUBRIC_LEVELS}, value_type="rubric")

    # Act
    sentence_th, rows_th = describe_rule(rule, unit_symbol="ระดับ", language="th")
    sentence_en, rows_en = describe_rule(rule, unit_symbol="level", language="en")

    # Assert
    assert sentence_th == "เทศบาลประเมินตนเองได้ ผู้ประเมินให้คะแนน 0–4 คะแนนตามระดับการดำเนินงาน"
    assert rows_th == [
        ("มีผลลัพธ์ที่วัดได้", 4),
        ("ดำเนินการทั้งเมือง", 3),
        ("ดำเนินการบางพื้นที่", 2),
        ("มีแผน", 1),
        ("ไม่มีการดำเนินการ", 0),
    ]
    assert (
        sentence_en == "The municipality may self-assess; the reviewer assigns the points (0–4) by level of practice."
    )
    assert rows_en == [
        ("measured results", 4),
        ("city-wide", 3),
        ("in part of the city", 2),
        ("planned", 1),
        ("none", 0),
    ]


def test_describe_rule_text_is_not_scored_in_both_languages() -> None:
    # Arrange
    rule = validate_rule({"type": "text"}, value_type="text")

    # Act
    described_th = describe_rule(rule, unit_symbol="", language="th")
    described_en = describe_rule(rule, unit_symbol="", language="en")

    # Assert
    assert described_th == ("ไม่นำมาคิดคะแนน", [])
    assert described_en == ("Not scored", [])


def test_describe_rule_ignores_the_active_language() -> None:
    # Arrange
    rule = LOWER_DAYS_RULE

    # Act
    with translation.override("th"):
        _, rows = describe_rule(rule, unit_symbol="days", language="en", integer=True)

    # Assert
    assert rows[4] == ("more than 60 days", 0)


def test_describe_rule_unknown_language_is_refused() -> None:
    # Arrange
    rule = LOWER_DAYS_RULE

    # Act / Assert
    with pytest.raises(ValueError, match="language must be one of"):
        describe_rule(rule, unit_symbol="days", language="fr")


def test_describe_indicator_rule_uses_unit_symbol_and_count_wording() -> None:
    # Arrange
    text = (FRAMEWORKS / "esc-2021.yaml").read_text(encoding="utf-8")
    indicator = next(item for item in parse_framework(text).indicators if item.code == "CA-02")

    # Act
    _, rows_th = describe_indicator_rule(indicator, language="th")
    _, rows_en = describe_indicator_rule(indicator, language="en")

    # Assert
    assert rows_th == [("0 วัน", 4), ("1–7 วัน", 3), ("8–30 วัน", 2), ("31–60 วัน", 1), ("มากกว่า 60 วัน", 0)]
    assert rows_en == [("0 days", 4), ("1–7 days", 3), ("8–30 days", 2), ("31–60 days", 1), ("more than 60 days", 0)]


# ---------------------------------------------------------------------------------------------------------------
# Checks across indicators
# ---------------------------------------------------------------------------------------------------------------


def test_parse_framework_reads_checks_across_indicators() -> None:
    data = _framework()
    data["checks"] = [
        {"type": "at_most", "indicator": "CA-02", "other": "CA-01", "message_th": "ข้อความ", "message_en": "Message"},
        {"type": "sum_at_most", "indicators": ["CA-01", "CA-02"], "limit": 100, "message_th": "ก", "message_en": "A"},
    ]

    spec = parse_framework(_dump(data))

    assert [check.as_json() for check in spec.checks] == [
        {
            "type": "at_most",
            "indicators": ["CA-02", "CA-01"],
            "limit": None,
            "message_th": "ข้อความ",
            "message_en": "Message",
        },
        {"type": "sum_at_most", "indicators": ["CA-01", "CA-02"], "limit": "100", "message_th": "ก", "message_en": "A"},
    ]


def test_parse_framework_2024_file_checks_recycled_waste_against_diverted_waste() -> None:
    spec = parse_framework((FRAMEWORKS / "esc-2024.yaml").read_text(encoding="utf-8"))

    assert [(check.type, check.indicators) for check in spec.checks] == [("at_most", ("CL-04", "CE-01"))]


@pytest.mark.parametrize(
    ("check", "message"),
    [
        ({"type": "bigger", "indicator": "CA-01", "other": "CA-02"}, "checks, item 1: unknown check type “bigger”"),
        (
            {"type": "at_most", "indicator": "CA-01", "other": "GOV-01", "message_th": "ก", "message_en": "A"},
            "checks, item 1: needs at least two number, percent or count indicators of this framework",
        ),
        (
            {"type": "at_most", "indicator": "CA-01", "other": "CA-02"},
            "checks, item 1: needs message_th and message_en",
        ),
        (
            {"type": "sum_at_most", "indicators": ["CA-01", "CA-02"], "message_th": "ก", "message_en": "A"},
            "checks, item 1: “limit” must be a number",
        ),
    ],
)
def test_parse_framework_refuses_a_bad_check(check: dict[str, Any], message: str) -> None:
    data = _framework()
    data["checks"] = [check]

    errors = _errors(data)

    assert len(errors) == 1
    assert errors[0].startswith(message)

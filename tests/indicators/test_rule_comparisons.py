"""Strict and inclusive limits in threshold levels and compliance bands: "min" (≥), "above" (>), "max" (≤) and
"below" (<). Validation, normalisation, descriptions in Thai and English, and the shipped frameworks."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.utils import translation

from indicators.rules import FrameworkError, describe_rule, parse_framework, validate_rule

pytestmark = pytest.mark.unit

FRAMEWORKS = Path(__file__).resolve().parents[2] / "indicators" / "frameworks"
PERCENT_RANGE = (Decimal(0), Decimal(100))


@pytest.fixture(autouse=True)
def english_messages() -> Iterator[None]:
    with translation.override("en"):
        yield


def higher(*levels: dict[str, Any]) -> dict[str, Any]:
    return {"type": "thresholds", "direction": "higher_better", "levels": list(levels)}


def lower(*levels: dict[str, Any]) -> dict[str, Any]:
    return {"type": "thresholds", "direction": "lower_better", "levels": list(levels)}


def compliance(*bands: dict[str, Any]) -> dict[str, Any]:
    return {"type": "compliance", "bands": list(bands)}


def refusal(rule: dict[str, Any], *, value_type: str = "percent", value_range=PERCENT_RANGE) -> list[str]:
    with pytest.raises(FrameworkError) as excinfo:
        validate_rule(rule, value_type=value_type, code="X-01", value_range=value_range)
    return excinfo.value.errors


WATER_USE = lower(
    {"below": 180, "points": 4, "label_th": "ดี", "label_en": "good"},
    {"max": 200, "points": 2, "label_th": "ปกติ", "label_en": "normal"},
    {"max": None, "points": 0, "label_th": "สูง", "label_en": "high"},
)


# ---------------------------------------------------------------------------------------------------------------
# Validation and the normalised form
# ---------------------------------------------------------------------------------------------------------------


def test_validate_rule_keeps_the_key_of_a_strict_limit():
    rule = validate_rule(WATER_USE, value_type="number", value_range=(Decimal(0), Decimal(1000)))

    assert rule["levels"] == [
        {"below": "180", "points": 4, "label_th": "ดี", "label_en": "good"},
        {"max": "200", "points": 2, "label_th": "ปกติ", "label_en": "normal"},
        {"max": None, "points": 0, "label_th": "สูง", "label_en": "high"},
    ]


def test_validate_rule_normalised_strict_rule_round_trips_through_json_and_yaml():
    rule = validate_rule(
        higher(
            {"above": "90", "points": 4}, {"min": 50, "points": 2}, {"above": 0, "points": 1}, {"min": 0, "points": 0}
        ),
        value_type="percent",
        value_range=PERCENT_RANGE,
    )

    again = validate_rule(yaml.safe_load(yaml.safe_dump(json.loads(json.dumps(rule)))), value_type="percent")

    assert again == rule
    assert rule["levels"] == [
        {"above": "90", "points": 4},
        {"min": "50", "points": 2},
        {"above": "0", "points": 1},
        {"min": "0", "points": 0},
    ]


def test_validate_rule_accepts_a_compliance_band_above_a_limit():
    rule = validate_rule(
        compliance({"above": 99, "points": 4}, {"min": 95, "points": 3}, {"min": 0, "points": 0}),
        value_type="percent",
    )

    assert rule["bands"] == [{"above": "99", "points": 4}, {"min": "95", "points": 3}, {"min": "0", "points": 0}]


@pytest.mark.parametrize(
    "rule",
    [
        # "< 180 → 4, exactly 180 → 3": one limit, strict then inclusive
        lower({"below": 180, "points": 4}, {"max": 180, "points": 3}, {"max": None, "points": 0}),
        # "> 0 → 1, exactly 0 → 0"
        higher({"min": 5, "points": 4}, {"above": 0, "points": 1}, {"min": 0, "points": 0}),
    ],
)
def test_validate_rule_allows_one_limit_twice_when_strict_comes_first(rule):
    normalised = validate_rule(rule, value_type="number", value_range=(Decimal(0), Decimal(1000)))

    assert len(normalised["levels"]) == len(rule["levels"])


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        # inclusive then strict on one limit: the second level would take nothing the first leaves
        (
            lower({"max": 180, "points": 4}, {"below": 180, "points": 3}, {"max": None, "points": 0}),
            "X-01: thresholds overlap or are not monotonic (levels 1 and 2)",
        ),
        (
            lower({"below": 180, "points": 4}, {"below": 180, "points": 3}, {"max": None, "points": 0}),
            "X-01: thresholds overlap or are not monotonic (levels 1 and 2)",
        ),
        (
            higher({"min": 90, "points": 4}, {"above": 90, "points": 3}, {"min": 0, "points": 0}),
            "X-01: thresholds overlap or are not monotonic (levels 1 and 2)",
        ),
        (
            higher({"above": 50, "points": 4}, {"above": 80, "points": 3}, {"min": 0, "points": 0}),
            "X-01: thresholds overlap or are not monotonic (levels 1 and 2)",
        ),
        (
            lower({"below": 50, "points": 4}, {"below": 20, "points": 3}, {"max": None, "points": 0}),
            "X-01: thresholds overlap or are not monotonic (levels 1 and 2)",
        ),
        (
            compliance({"above": 95, "points": 4}, {"above": 95, "points": 3}, {"min": 0, "points": 0}),
            "X-01: compliance bands overlap or are not monotonic (bands 1 and 2)",
        ),
    ],
)
def test_validate_rule_refuses_steps_out_of_order_under_their_comparisons(rule, message):
    assert refusal(rule, value_range=None) == [message]


def test_validate_rule_refuses_points_rising_with_strict_limits():
    rule = lower({"below": 10, "points": 2}, {"below": 20, "points": 3}, {"max": None, "points": 0})

    assert refusal(rule) == ["X-01: points rise as the value gets worse (levels 1 and 2)"]


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (
            higher({"below": 90, "points": 4}, {"min": 0, "points": 0}),
            "X-01: level 1 uses “below”; this rule needs “min” or “above” on every level",
        ),
        (
            higher({"above": 90, "points": 4}, {"max": 0, "points": 0}),
            "X-01: level 2 uses “max”; this rule needs “min” or “above” on every level",
        ),
        (
            lower({"above": 10, "points": 4}, {"max": None, "points": 0}),
            "X-01: level 1 uses “above”; this rule needs “max” or “below” on every level",
        ),
        (
            compliance({"below": 100, "points": 4}, {"min": 0, "points": 0}),
            "X-01: level 1 uses “below”; this rule needs “min” or “above” on every level",
        ),
    ],
)
def test_validate_rule_refuses_mixing_the_keys_of_both_directions(rule, message):
    assert refusal(rule) == [message]


@pytest.mark.parametrize(
    ("level", "message"),
    [
        ({"min": 90, "above": 90, "points": 4}, "X-01: level 1 has both “min” and “above”; give exactly one"),
        ({"points": 4}, "X-01: level 1 has no “min” or “above”"),
        (
            {"above": None, "points": 4},
            "X-01: level 1 has “above: null”; only “max: null” may leave a level open ended",
        ),
        ({"above": "ninety", "points": 4}, "X-01: the “above” of level 1 must be a number (got “ninety”)"),
        ({"above": 120, "points": 4}, "X-01: the limit 120 of level 1 lies outside the plausible range 0 to 100"),
        ({"above": 100, "points": 4}, "X-01: no plausible value is above 100, so level 1 can never be reached"),
    ],
)
def test_validate_rule_refuses_a_bad_strict_higher_level(level, message):
    assert refusal(higher(level, {"min": 0, "points": 0})) == [message]


@pytest.mark.parametrize(
    ("levels", "message"),
    [
        (
            [{"max": 10, "below": 10, "points": 4}, {"max": None, "points": 0}],
            "X-01: level 1 has both “max” and “below”; give exactly one",
        ),
        (
            [{"below": 0, "points": 4}, {"max": None, "points": 0}],
            "X-01: no plausible value is below 0, so level 1 can never be reached",
        ),
        (
            [{"below": 10, "points": 4}, {"below": 500, "points": 0}],
            "X-01: the last level must be open ended (max: null) so that every value above 500 scores",
        ),
        (
            [{"below": 10, "points": 4}, {"below": None, "points": 0}],
            "X-01: level 2 has “below: null”; only “max: null” may leave a level open ended",
        ),
    ],
)
def test_validate_rule_refuses_a_bad_strict_lower_level(levels, message):
    assert refusal(lower(*levels), value_range=(Decimal(0), Decimal(1000))) == [message]


def test_validate_rule_last_higher_level_above_the_floor_leaves_the_floor_out():
    rule = higher({"min": 50, "points": 2}, {"above": 0, "points": 1})

    assert refusal(rule) == [
        "X-01: the last level (above 0) leaves out the range minimum 0: write “min: 0” or a limit below 0"
    ]


def test_validate_rule_last_higher_level_above_a_limit_below_the_floor_is_accepted():
    rule = validate_rule(
        higher({"min": 50, "points": 2}, {"above": -1, "points": 1}), value_type="number", value_range=PERCENT_RANGE
    )

    assert rule["levels"][-1] == {"above": "-1", "points": 1}


def test_validate_rule_strict_limit_on_a_count_must_be_whole():
    rule = lower({"below": 7.5, "points": 4}, {"max": None, "points": 0})

    assert refusal(rule, value_type="count", value_range=(Decimal(0), Decimal(366))) == [
        "X-01: the limit 7.5 of level 1 must be a whole number for a count indicator"
    ]


@pytest.mark.parametrize(
    ("bands", "message"),
    [
        (
            [{"min": 95, "points": 4}, {"above": 0, "points": 0}],
            "X-01: the last compliance band must be “min: 0”, not “above”, so that a percentage of 0 scores too",
        ),
        (
            [{"above": 100, "points": 4}, {"min": 0, "points": 0}],
            "X-01: no plausible value is above 100, so level 1 can never be reached",
        ),
        (
            [{"above": 101, "points": 4}, {"min": 0, "points": 0}],
            "X-01: band 1 starts at 101; compliance bands must lie between 0 and 100",
        ),
    ],
)
def test_validate_rule_refuses_a_bad_strict_compliance_band(bands, message):
    assert refusal(compliance(*bands)) == [message]


# ---------------------------------------------------------------------------------------------------------------
# Descriptions: the rule in words, as it states it
# ---------------------------------------------------------------------------------------------------------------


def test_describe_rule_water_use_reads_as_its_guidance_in_thai_and_english():
    rule = validate_rule(WATER_USE, value_type="number")

    _, rows_th = describe_rule(rule, unit_symbol="ลิตร/คน/วัน", language="th")
    _, rows_en = describe_rule(rule, unit_symbol="L/person/day", language="en")

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


def test_describe_rule_above_and_min_in_thai_and_english():
    rule = validate_rule(
        higher(
            {"above": 90, "points": 4}, {"min": 50, "points": 2}, {"above": 0, "points": 1}, {"min": 0, "points": 0}
        ),
        value_type="percent",
    )

    _, rows_th = describe_rule(rule, unit_symbol="%", language="th")
    _, rows_en = describe_rule(rule, unit_symbol="%", language="en")

    assert rows_th == [("มากกว่า 90 %", 4), ("50 – 90 %", 2), ("> 0 – < 50 %", 1), ("0 %", 0)]
    assert rows_en == [
        ("more than 90 %", 4),
        ("50 to 90 %", 2),
        ("more than 0 to less than 50 %", 1),
        ("0 %", 0),
    ]


def test_describe_rule_max_then_below_then_open_in_thai_and_english():
    rule = validate_rule(
        lower({"max": 10, "points": 4}, {"below": 50, "points": 2}, {"max": None, "points": 0}), value_type="number"
    )

    _, rows_th = describe_rule(rule, unit_symbol="µg/m³", language="th")
    _, rows_en = describe_rule(rule, unit_symbol="µg/m³", language="en")

    assert rows_th == [("ไม่เกิน 10 µg/m³", 4), ("> 10 – < 50 µg/m³", 2), ("ไม่น้อยกว่า 50 µg/m³", 0)]
    assert rows_en == [
        ("at most 10 µg/m³", 4),
        ("more than 10 to less than 50 µg/m³", 2),
        ("at least 50 µg/m³", 0),
    ]


def test_describe_rule_one_limit_twice_gives_the_limit_its_own_row():
    rule = validate_rule(
        lower({"below": 180, "points": 4}, {"max": 180, "points": 3}, {"max": None, "points": 0}), value_type="number"
    )

    _, rows_th = describe_rule(rule, unit_symbol="ลิตร/คน/วัน", language="th")
    _, rows_en = describe_rule(rule, unit_symbol="L/person/day", language="en")

    assert rows_th == [("น้อยกว่า 180 ลิตร/คน/วัน", 4), ("180 ลิตร/คน/วัน", 3), ("มากกว่า 180 ลิตร/คน/วัน", 0)]
    assert rows_en == [("less than 180 L/person/day", 4), ("180 L/person/day", 3), ("more than 180 L/person/day", 0)]


def test_describe_rule_strict_limits_on_counts_become_whole_number_bands():
    rule = validate_rule(
        lower(
            {"below": 1, "points": 4}, {"below": 8, "points": 3}, {"max": 30, "points": 2}, {"max": None, "points": 0}
        ),
        value_type="count",
    )

    _, rows_th = describe_rule(rule, unit_symbol="วัน", language="th", integer=True)
    _, rows_en = describe_rule(rule, unit_symbol="days", language="en", integer=True)

    assert rows_th == [("0 วัน", 4), ("1–7 วัน", 3), ("8–30 วัน", 2), ("มากกว่า 30 วัน", 0)]
    assert rows_en == [("0 days", 4), ("1–7 days", 3), ("8–30 days", 2), ("more than 30 days", 0)]


def test_describe_rule_counts_above_a_limit_in_thai_and_english():
    rule = validate_rule(
        higher({"above": 9, "points": 4}, {"min": 5, "points": 2}, {"above": 0, "points": 1}, {"min": 0, "points": 0}),
        value_type="count",
    )

    _, rows_th = describe_rule(rule, unit_symbol="แห่ง", language="th", integer=True)
    _, rows_en = describe_rule(rule, unit_symbol="sites", language="en", integer=True)

    assert rows_th == [("มากกว่า 9 แห่ง", 4), ("5–9 แห่ง", 2), ("1–4 แห่ง", 1), ("0 แห่ง", 0)]
    assert rows_en == [("more than 9 sites", 4), ("5–9 sites", 2), ("1–4 sites", 1), ("0 sites", 0)]


def test_describe_rule_count_band_without_a_whole_number_keeps_the_rule_wording():
    # Between "at most 5" and "below 6" no whole number remains: the row says what the rule says.
    rule = validate_rule(
        lower({"max": 5, "points": 4}, {"below": 6, "points": 2}, {"max": None, "points": 0}), value_type="count"
    )

    _, rows_en = describe_rule(rule, unit_symbol="days", language="en", integer=True)

    assert rows_en == [("0–5 days", 4), ("more than 5 to less than 6 days", 2), ("at least 6 days", 0)]


def test_describe_rule_compliance_band_above_a_limit_in_thai_and_english():
    rule = validate_rule(
        compliance({"above": 99, "points": 4}, {"min": 95, "points": 3}, {"min": 0, "points": 0}), value_type="percent"
    )

    _, rows_th = describe_rule(rule, unit_symbol="%", language="th")
    _, rows_en = describe_rule(rule, unit_symbol="%", language="en")

    assert rows_th == [("มากกว่า 99 %", 4), ("95 – 99 %", 3), ("น้อยกว่า 95 %", 0)]
    assert rows_en == [("more than 99 %", 4), ("95 to 99 %", 3), ("less than 95 %", 0)]


# ---------------------------------------------------------------------------------------------------------------
# The shipped frameworks say exactly what their guidance says
# ---------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["esc-2021", "esc-2024"])
def test_shipped_water_use_rule_is_below_180_as_the_guidance_states(name):
    spec = parse_framework((FRAMEWORKS / f"{name}.yaml").read_text(encoding="utf-8"))
    water_use = next(indicator for indicator in spec.indicators if indicator.code == "CW-07")

    assert [(level.get("below"), level.get("max"), level["points"]) for level in water_use.rule["levels"]] == [
        ("180", None, 4),
        (None, "200", 2),
        (None, None, 0),
    ]


def test_shipped_waste_bank_rule_gives_a_point_for_any_active_waste_bank():
    spec = parse_framework((FRAMEWORKS / "esc-2024.yaml").read_text(encoding="utf-8"))
    waste_banks = next(indicator for indicator in spec.indicators if indicator.code == "CE-03")

    assert waste_banks.rule["levels"][-2:] == [{"above": "0", "points": 1}, {"min": "0", "points": 0}]


@pytest.mark.parametrize("name", ["esc-2021", "esc-2024"])
def test_shipped_frameworks_write_no_limit_just_short_of_a_round_number(name):
    # 179.99 for "below 180" or 0.01 for "more than 0" were workarounds for inclusive-only limits.
    spec = parse_framework((FRAMEWORKS / f"{name}.yaml").read_text(encoding="utf-8"))
    limits = [
        (indicator.code, limit)
        for indicator in spec.indicators
        for step in indicator.rule.get("levels", []) + indicator.rule.get("bands", [])
        for key, limit in step.items()
        if key in {"min", "max", "above", "below"} and limit is not None
    ]

    assert [(code, limit) for code, limit in limits if limit.endswith((".99", ".999", ".01", ".001"))] == []

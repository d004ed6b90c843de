"""Hand-computed correctness tests for scoring.engine: one indicator under each rule type, area scores, totals,
completeness, ranking and tiers.

Every expected number below is worked out by hand in the comment or the table next to it; the rules are written
in the normalised format of indicators.rules (numbers as canonical Decimal strings, points as ints).
"""

from __future__ import annotations

import random
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from scoring.engine import (
    AreaRule,
    AreaScore,
    Framework,
    IndicatorRule,
    IndicatorScore,
    Settings,
    Tier,
    applicable_areas,
    score_application,
    score_indicator,
    tier_for,
)

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
D = Decimal

# The shipped esc-2021 rules of CA-01, CA-02 and the default compliance bands, normalised.
GOOD_DAYS = {
    "type": "thresholds",
    "direction": "higher_better",
    "levels": [
        {"min": "90", "points": 4},
        {"min": "80", "points": 3},
        {"min": "70", "points": 2},
        {"min": "50", "points": 1},
        {"min": "0", "points": 0},
    ],
}
PM25_DAYS = {
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
COMPLIANCE = {
    "type": "compliance",
    "bands": [
        {"min": "100", "points": 4},
        {"min": "95", "points": 3},
        {"min": "90", "points": 2},
        {"min": "80", "points": 1},
        {"min": "0", "points": 0},
    ],
}
RUBRIC = {
    "type": "rubric",
    "scored_by": "reviewer",
    "levels": [{"points": n, "label_th": f"ระดับ {n}", "label_en": f"level {n}"} for n in range(5)],
}
YES_NO = {"type": "yes_no", "yes_points": 4, "no_points": 0}
TEXT = {"type": "text"}
LINEAR_UP = {"type": "linear", "floor": "0", "target": "100", "max_points": 4}
LINEAR_DOWN = {"type": "linear", "floor": "200", "target": "100", "max_points": 4}

PERCENT = ("%", "%")
DAYS = ("วัน", "days")
LITRES = ("ลิตร/คน/วัน", "L/person/day")
NO_UNIT = ("", "")

TIERS = (
    Tier(D(80), "gold", "ระดับทอง", "Gold"),
    Tier(D(65), "silver", "ระดับเงิน", "Silver"),
    Tier(D(50), "bronze", "ระดับทองแดง", "Bronze"),
    Tier(D(0), "none", "ไม่ถึงเกณฑ์ระดับรางวัล", "No tier"),
)


def indicator(
    code: str,
    rule: dict[str, Any],
    *,
    area: str | None = None,
    weight: str = "1",
    unit: tuple[str, str] = NO_UNIT,
    value_type: str = "number",
) -> IndicatorRule:
    return IndicatorRule(
        code=code,
        area=area or code.partition("-")[0],
        value_type=value_type,
        weight=D(weight),
        rule=rule,
        unit_th=unit[0],
        unit_en=unit[1],
    )


def explained(score: IndicatorScore) -> tuple[Any, ...]:
    """The parts of an indicator score a person reads: points, both explanations and the next level."""
    return (
        score.points,
        score.explanation_th,
        score.explanation_en,
        score.next_points,
        score.next_condition_th,
        score.next_condition_en,
    )


# --------------------------------------------------------------------------------------------------------------
# The engine is pure Python
# --------------------------------------------------------------------------------------------------------------


def test_the_engine_imports_no_django():
    # sys.executable is the interpreter running pytest: the project's .venv python.
    script = "import scoring.engine, sys; print(any(m == 'django' or m.startswith('django.') for m in sys.modules))"

    completed = subprocess.run(  # noqa: S603 -- a fixed command, no user input
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True, timeout=60
    )

    assert completed.stdout.strip() == "False"


# --------------------------------------------------------------------------------------------------------------
# thresholds, higher is better (CA-01: 90/80/70/50/0 → 4/3/2/1/0)
# --------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # above the top level
        ("100", (D(4), "CA-01: 100 % ≥ 90 % → 4 คะแนน", "CA-01: 100 % ≥ 90 % → 4 points", None, "", "")),
        # exactly at each threshold, and just below it
        ("90", (D(4), "CA-01: 90 % ≥ 90 % → 4 คะแนน", "CA-01: 90 % ≥ 90 % → 4 points", None, "", "")),
        (
            "89.99",
            (D(3), "CA-01: 89.99 % ≥ 80 % → 3 คะแนน", "CA-01: 89.99 % ≥ 80 % → 3 points", D(4), "≥ 90 %", "≥ 90 %"),
        ),
        ("85", (D(3), "CA-01: 85 % ≥ 80 % → 3 คะแนน", "CA-01: 85 % ≥ 80 % → 3 points", D(4), "≥ 90 %", "≥ 90 %")),
        ("80", (D(3), "CA-01: 80 % ≥ 80 % → 3 คะแนน", "CA-01: 80 % ≥ 80 % → 3 points", D(4), "≥ 90 %", "≥ 90 %")),
        (
            "79.99",
            (D(2), "CA-01: 79.99 % ≥ 70 % → 2 คะแนน", "CA-01: 79.99 % ≥ 70 % → 2 points", D(3), "≥ 80 %", "≥ 80 %"),
        ),
        ("70", (D(2), "CA-01: 70 % ≥ 70 % → 2 คะแนน", "CA-01: 70 % ≥ 70 % → 2 points", D(3), "≥ 80 %", "≥ 80 %")),
        (
            "69.99",
            (D(1), "CA-01: 69.99 % ≥ 50 % → 1 คะแนน", "CA-01: 69.99 % ≥ 50 % → 1 point", D(2), "≥ 70 %", "≥ 70 %"),
        ),
        ("50", (D(1), "CA-01: 50 % ≥ 50 % → 1 คะแนน", "CA-01: 50 % ≥ 50 % → 1 point", D(2), "≥ 70 %", "≥ 70 %")),
        (
            "49.99",
            (D(0), "CA-01: 49.99 % ≥ 0 % → 0 คะแนน", "CA-01: 49.99 % ≥ 0 % → 0 points", D(1), "≥ 50 %", "≥ 50 %"),
        ),
        ("0", (D(0), "CA-01: 0 % ≥ 0 % → 0 คะแนน", "CA-01: 0 % ≥ 0 % → 0 points", D(1), "≥ 50 %", "≥ 50 %")),
        # below the last minimum (0): no level is reached
        (
            "-0.01",
            (D(0), "CA-01: -0.01 % < 0 % → 0 คะแนน", "CA-01: -0.01 % < 0 % → 0 points", D(1), "≥ 50 %", "≥ 50 %"),
        ),
        # trailing zeros are not shown
        ("90.00", (D(4), "CA-01: 90 % ≥ 90 % → 4 คะแนน", "CA-01: 90 % ≥ 90 % → 4 points", None, "", "")),
    ],
)
def test_thresholds_higher_better(value, expected):
    rule = indicator("CA-01", GOOD_DAYS, unit=PERCENT, value_type="percent")

    score = score_indicator(rule, D(value))

    assert explained(score) == expected
    assert score.missing is False
    assert score.max_points == 4
    assert score.weight == D(1)
    assert (score.code, score.area) == ("CA-01", "CA")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("50", (D(1), "X-01: 50 % ≥ 50 % → 1 คะแนน", "X-01: 50 % ≥ 50 % → 1 point", D(2), "≥ 70 %", "≥ 70 %")),
        (
            "49.99",
            (D(0), "X-01: 49.99 % < 50 % → 0 คะแนน", "X-01: 49.99 % < 50 % → 0 points", D(1), "≥ 50 %", "≥ 50 %"),
        ),
        ("0", (D(0), "X-01: 0 % < 50 % → 0 คะแนน", "X-01: 0 % < 50 % → 0 points", D(1), "≥ 50 %", "≥ 50 %")),
    ],
)
def test_thresholds_higher_better_below_a_last_minimum_above_the_floor(value, expected):
    # The last level starts at 50, not at the range floor 0: a value below 50 reaches no level and scores 0.
    levels = [{"min": "90", "points": 4}, {"min": "70", "points": 2}, {"min": "50", "points": 1}]
    rule = indicator("X-01", {"type": "thresholds", "direction": "higher_better", "levels": levels}, unit=PERCENT)

    assert explained(score_indicator(rule, D(value))) == expected


def test_thresholds_next_level_skips_levels_worth_the_same_points():
    # 75 reaches the third level (3 points); the second level gives 3 points too, so the next level up is the first.
    levels = [
        {"min": "90", "points": 4},
        {"min": "80", "points": 3},
        {"min": "70", "points": 3},
        {"min": "0", "points": 0},
    ]
    rule = indicator("X-01", {"type": "thresholds", "direction": "higher_better", "levels": levels}, unit=PERCENT)

    score = score_indicator(rule, D(75))

    assert explained(score) == (
        D(3),
        "X-01: 75 % ≥ 70 % → 3 คะแนน",
        "X-01: 75 % ≥ 70 % → 3 points",
        D(4),
        "≥ 90 %",
        "≥ 90 %",
    )


def test_thresholds_without_a_unit_leave_no_trailing_space():
    rule = indicator("X-01", GOOD_DAYS)

    score = score_indicator(rule, D(85))

    assert explained(score) == (D(3), "X-01: 85 ≥ 80 → 3 คะแนน", "X-01: 85 ≥ 80 → 3 points", D(4), "≥ 90", "≥ 90")


# --------------------------------------------------------------------------------------------------------------
# thresholds, lower is better (CA-02: ≤ 0/7/30/60/open → 4/3/2/1/0 days)
# --------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0", (D(4), "CA-02: 0 วัน ≤ 0 วัน → 4 คะแนน", "CA-02: 0 days ≤ 0 days → 4 points", None, "", "")),
        ("1", (D(3), "CA-02: 1 วัน ≤ 7 วัน → 3 คะแนน", "CA-02: 1 days ≤ 7 days → 3 points", D(4), "≤ 0 วัน", "≤ 0 days")),
        ("7", (D(3), "CA-02: 7 วัน ≤ 7 วัน → 3 คะแนน", "CA-02: 7 days ≤ 7 days → 3 points", D(4), "≤ 0 วัน", "≤ 0 days")),
        (
            "8",
            (D(2), "CA-02: 8 วัน ≤ 30 วัน → 2 คะแนน", "CA-02: 8 days ≤ 30 days → 2 points", D(3), "≤ 7 วัน", "≤ 7 days"),
        ),
        # the example
        (
            "12",
            (D(2), "CA-02: 12 วัน ≤ 30 วัน → 2 คะแนน", "CA-02: 12 days ≤ 30 days → 2 points", D(3), "≤ 7 วัน", "≤ 7 days"),
        ),
        (
            "30",
            (D(2), "CA-02: 30 วัน ≤ 30 วัน → 2 คะแนน", "CA-02: 30 days ≤ 30 days → 2 points", D(3), "≤ 7 วัน", "≤ 7 days"),
        ),
        (
            "31",
            (
                D(1),
                "CA-02: 31 วัน ≤ 60 วัน → 1 คะแนน",
                "CA-02: 31 days ≤ 60 days → 1 point",
                D(2),
                "≤ 30 วัน",
                "≤ 30 days",
            ),
        ),
        (
            "60",
            (
                D(1),
                "CA-02: 60 วัน ≤ 60 วัน → 1 คะแนน",
                "CA-02: 60 days ≤ 60 days → 1 point",
                D(2),
                "≤ 30 วัน",
                "≤ 30 days",
            ),
        ),
        # the open end: above the last limit
        (
            "61",
            (
                D(0),
                "CA-02: 61 วัน > 60 วัน → 0 คะแนน",
                "CA-02: 61 days > 60 days → 0 points",
                D(1),
                "≤ 60 วัน",
                "≤ 60 days",
            ),
        ),
        (
            "366",
            (
                D(0),
                "CA-02: 366 วัน > 60 วัน → 0 คะแนน",
                "CA-02: 366 days > 60 days → 0 points",
                D(1),
                "≤ 60 วัน",
                "≤ 60 days",
            ),
        ),
    ],
)
def test_thresholds_lower_better(value, expected):
    rule = indicator("CA-02", PM25_DAYS, unit=DAYS, value_type="count")

    score = score_indicator(rule, D(value))

    assert explained(score) == expected
    assert score.missing is False


@pytest.mark.parametrize(
    ("value", "points"),
    [("35", D(4)), ("35.01", D(2)), ("179.99", D(2)), ("180", D(0))],
)
def test_thresholds_lower_better_with_decimal_limits(value, points):
    # "below 180" is written max: 179.99; limits are inclusive.
    levels = [{"max": "35", "points": 4}, {"max": "179.99", "points": 2}, {"max": None, "points": 0}]
    rule = indicator("CW-07", {"type": "thresholds", "direction": "lower_better", "levels": levels})

    assert score_indicator(rule, D(value)).points == points


# --------------------------------------------------------------------------------------------------------------
# compliance bands (100/95/90/80/0 → 4/3/2/1/0)
# --------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("100", (D(4), "CA-06: 100 % ≥ 100 % → 4 คะแนน", "CA-06: 100 % ≥ 100 % → 4 points", None, "", "")),
        (
            "99.99",
            (D(3), "CA-06: 99.99 % ≥ 95 % → 3 คะแนน", "CA-06: 99.99 % ≥ 95 % → 3 points", D(4), "≥ 100 %", "≥ 100 %"),
        ),
        ("95", (D(3), "CA-06: 95 % ≥ 95 % → 3 คะแนน", "CA-06: 95 % ≥ 95 % → 3 points", D(4), "≥ 100 %", "≥ 100 %")),
        (
            "94.99",
            (D(2), "CA-06: 94.99 % ≥ 90 % → 2 คะแนน", "CA-06: 94.99 % ≥ 90 % → 2 points", D(3), "≥ 95 %", "≥ 95 %"),
        ),
        ("90", (D(2), "CA-06: 90 % ≥ 90 % → 2 คะแนน", "CA-06: 90 % ≥ 90 % → 2 points", D(3), "≥ 95 %", "≥ 95 %")),
        (
            "89.99",
            (D(1), "CA-06: 89.99 % ≥ 80 % → 1 คะแนน", "CA-06: 89.99 % ≥ 80 % → 1 point", D(2), "≥ 90 %", "≥ 90 %"),
        ),
        ("80", (D(1), "CA-06: 80 % ≥ 80 % → 1 คะแนน", "CA-06: 80 % ≥ 80 % → 1 point", D(2), "≥ 90 %", "≥ 90 %")),
        (
            "79.99",
            (D(0), "CA-06: 79.99 % ≥ 0 % → 0 คะแนน", "CA-06: 79.99 % ≥ 0 % → 0 points", D(1), "≥ 80 %", "≥ 80 %"),
        ),
        ("0", (D(0), "CA-06: 0 % ≥ 0 % → 0 คะแนน", "CA-06: 0 % ≥ 0 % → 0 points", D(1), "≥ 80 %", "≥ 80 %")),
    ],
)
def test_compliance_bands(value, expected):
    rule = indicator("CA-06", COMPLIANCE, unit=PERCENT, value_type="percent")

    assert explained(score_indicator(rule, D(value))) == expected


# --------------------------------------------------------------------------------------------------------------
# linear
# --------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # points = 4 × (value − 0) / (100 − 0)
        (
            "50",
            (
                D("2.00"),
                "X-01: 50 % (0 → 0, 100 → 4) → 2 คะแนน",
                "X-01: 50 % (0 → 0, 100 → 4) → 2 points",
                D(4),
                "≥ 100 %",
                "≥ 100 %",
            ),
        ),
        (
            "25",
            (
                D("1.00"),
                "X-01: 25 % (0 → 0, 100 → 4) → 1 คะแนน",
                "X-01: 25 % (0 → 0, 100 → 4) → 1 point",
                D(4),
                "≥ 100 %",
                "≥ 100 %",
            ),
        ),
        (
            "37.5",
            (
                D("1.50"),
                "X-01: 37.5 % (0 → 0, 100 → 4) → 1.5 คะแนน",
                "X-01: 37.5 % (0 → 0, 100 → 4) → 1.5 points",
                D(4),
                "≥ 100 %",
                "≥ 100 %",
            ),
        ),
        # at the floor and clamped below it
        (
            "0",
            (
                D("0.00"),
                "X-01: 0 % (0 → 0, 100 → 4) → 0 คะแนน",
                "X-01: 0 % (0 → 0, 100 → 4) → 0 points",
                D(4),
                "≥ 100 %",
                "≥ 100 %",
            ),
        ),
        (
            "-10",
            (
                D("0.00"),
                "X-01: -10 % (0 → 0, 100 → 4) → 0 คะแนน",
                "X-01: -10 % (0 → 0, 100 → 4) → 0 points",
                D(4),
                "≥ 100 %",
                "≥ 100 %",
            ),
        ),
        # at the target and clamped beyond it: no next level
        (
            "100",
            (
                D("4.00"),
                "X-01: 100 % (0 → 0, 100 → 4) → 4 คะแนน",
                "X-01: 100 % (0 → 0, 100 → 4) → 4 points",
                None,
                "",
                "",
            ),
        ),
        (
            "120",
            (
                D("4.00"),
                "X-01: 120 % (0 → 0, 100 → 4) → 4 คะแนน",
                "X-01: 120 % (0 → 0, 100 → 4) → 4 points",
                None,
                "",
                "",
            ),
        ),
    ],
)
def test_linear_higher_better(value, expected):
    rule = indicator("X-01", LINEAR_UP, unit=PERCENT, value_type="percent")

    assert explained(score_indicator(rule, D(value))) == expected


@pytest.mark.parametrize(
    ("value", "points", "next_points"),
    [
        # points = 4 × (value − 200) / (100 − 200)
        ("150", D("2.00"), D(4)),
        ("175", D("1.00"), D(4)),
        ("200", D("0.00"), D(4)),  # at the floor
        ("250", D("0.00"), D(4)),  # worse than the floor: clamped to 0
        ("100", D("4.00"), None),  # at the target
        ("50", D("4.00"), None),  # better than the target: clamped to max_points
    ],
)
def test_linear_lower_better(value, points, next_points):
    rule = indicator("CW-05", LINEAR_DOWN, unit=LITRES)

    score = score_indicator(rule, D(value))

    assert (score.points, score.next_points) == (points, next_points)


def test_linear_lower_better_explanation_and_next_condition():
    rule = indicator("CW-05", LINEAR_DOWN, unit=LITRES)

    score = score_indicator(rule, D(150))

    assert explained(score) == (
        D("2.00"),
        "CW-05: 150 ลิตร/คน/วัน (200 → 0, 100 → 4) → 2 คะแนน",
        "CW-05: 150 L/person/day (200 → 0, 100 → 4) → 2 points",
        D(4),
        "≤ 100 ลิตร/คน/วัน",
        "≤ 100 L/person/day",
    )


@pytest.mark.parametrize(
    ("target", "value", "points"),
    [
        # 4 × 1/800 = 0.005 → 0.01 (ROUND_HALF_UP; half-even would give 0.00)
        ("800", "1", D("0.01")),
        # 4 × 3/800 = 0.015 → 0.02
        ("800", "3", D("0.02")),
        # 4 × 5/800 = 0.025 → 0.03 (half-even would give 0.02)
        ("800", "5", D("0.03")),
        # 4 × 1/3 = 1.333… → 1.33; 4 × 2/3 = 2.666… → 2.67
        ("3", "1", D("1.33")),
        ("3", "2", D("2.67")),
    ],
)
def test_linear_points_are_quantised_to_cents_half_up(target, value, points):
    rule = indicator("X-01", {"type": "linear", "floor": "0", "target": target, "max_points": 4})

    score = score_indicator(rule, D(value))

    assert score.points == points
    assert score.points.as_tuple().exponent == -2


def test_linear_half_up_tie_in_the_explanation():
    rule = indicator("X-01", {"type": "linear", "floor": "0", "target": "800", "max_points": 4})

    score = score_indicator(rule, D(5))

    assert (score.explanation_th, score.explanation_en) == (
        "X-01: 5 (0 → 0, 800 → 4) → 0.03 คะแนน",
        "X-01: 5 (0 → 0, 800 → 4) → 0.03 points",
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # points = 2 × value / 10
        (
            "5",
            (D("1.00"), "X-01: 5 (0 → 0, 10 → 2) → 1 คะแนน", "X-01: 5 (0 → 0, 10 → 2) → 1 point", D(2), "≥ 10", "≥ 10"),
        ),
        ("10", (D("2.00"), "X-01: 10 (0 → 0, 10 → 2) → 2 คะแนน", "X-01: 10 (0 → 0, 10 → 2) → 2 points", None, "", "")),
    ],
)
def test_linear_custom_max_points(value, expected):
    rule = indicator("X-01", {"type": "linear", "floor": "0", "target": "10", "max_points": 2})

    score = score_indicator(rule, D(value))

    assert explained(score) == expected
    assert score.max_points == 4  # the scale of the area formula stays settings.max_points


def test_linear_without_max_points_uses_the_settings_scale():
    # A rule without max_points tops out at the max_points passed in: 10 × 30/100 = 3.
    rule = indicator("X-01", {"type": "linear", "floor": "0", "target": "100"})

    score = score_indicator(rule, D(30), max_points=10)

    assert (score.points, score.next_points, score.max_points) == (D("3.00"), D(10), 10)


def test_linear_half_up_holds_when_the_share_does_not_terminate():
    # 3.9 / 36 = 0.108333…; 3 × 0.108333… = 0.325 exactly → ROUND_HALF_UP → 0.33.
    rule = indicator("X-01", {"type": "linear", "floor": "0", "target": "36", "max_points": 3})

    score = score_indicator(rule, D("3.9"))

    assert score.points == D("0.33")


# --------------------------------------------------------------------------------------------------------------
# yes_no
# --------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (True, (D(4), "GOV-03: มี → 4 คะแนน", "GOV-03: yes → 4 points", None, "", "")),
        (False, (D(0), "GOV-03: ไม่มี → 0 คะแนน", "GOV-03: no → 0 points", D(4), "มี", "yes")),
    ],
)
def test_yes_no(value, expected):
    rule = indicator("GOV-03", YES_NO, value_type="yes_no")

    score = score_indicator(rule, value)

    assert explained(score) == expected
    assert score.missing is False  # False is an answer, not a missing value


def test_yes_no_with_partial_points():
    rule = indicator("GOV-03", {"type": "yes_no", "yes_points": 1, "no_points": 0}, value_type="yes_no")

    score = score_indicator(rule, True)

    assert explained(score) == (D(1), "GOV-03: มี → 1 คะแนน", "GOV-03: yes → 1 point", None, "", "")


def test_yes_no_where_no_is_better_answered_no():
    # yes_points 0, no_points 4 is a valid rule (the two only have to differ): "no" is the top answer.
    rule = indicator("X-01", {"type": "yes_no", "yes_points": 0, "no_points": 4}, value_type="yes_no")

    score = score_indicator(rule, False)

    assert explained(score) == (D(4), "X-01: ไม่มี → 4 คะแนน", "X-01: no → 4 points", None, "", "")


def test_yes_no_where_no_is_better_answered_yes_offers_no_as_the_next_level():
    rule = indicator("X-01", {"type": "yes_no", "yes_points": 0, "no_points": 4}, value_type="yes_no")

    score = score_indicator(rule, True)

    assert explained(score) == (D(0), "X-01: มี → 0 คะแนน", "X-01: yes → 0 points", D(4), "ไม่มี", "no")


# --------------------------------------------------------------------------------------------------------------
# rubric (the value is the level a reviewer gave)
# --------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0", (D(0), "GOV-01: ระดับ 0 → 0 คะแนน", "GOV-01: level 0 → 0 points", D(1), "ระดับ 1", "level 1")),
        ("1", (D(1), "GOV-01: ระดับ 1 → 1 คะแนน", "GOV-01: level 1 → 1 point", D(2), "ระดับ 2", "level 2")),
        ("2", (D(2), "GOV-01: ระดับ 2 → 2 คะแนน", "GOV-01: level 2 → 2 points", D(3), "ระดับ 3", "level 3")),
        ("3", (D(3), "GOV-01: ระดับ 3 → 3 คะแนน", "GOV-01: level 3 → 3 points", D(4), "ระดับ 4", "level 4")),
        ("4", (D(4), "GOV-01: ระดับ 4 → 4 คะแนน", "GOV-01: level 4 → 4 points", None, "", "")),
        ("3.0", (D(3), "GOV-01: ระดับ 3 → 3 คะแนน", "GOV-01: level 3 → 3 points", D(4), "ระดับ 4", "level 4")),
        # out of the scale: clamped to 0..max_points
        ("5", (D(4), "GOV-01: ระดับ 4 → 4 คะแนน", "GOV-01: level 4 → 4 points", None, "", "")),
        ("-1", (D(0), "GOV-01: ระดับ 0 → 0 คะแนน", "GOV-01: level 0 → 0 points", D(1), "ระดับ 1", "level 1")),
    ],
)
def test_rubric(value, expected):
    rule = indicator("GOV-01", RUBRIC, value_type="rubric")

    assert explained(score_indicator(rule, D(value))) == expected


def test_rubric_follows_the_max_points_passed_in():
    rule = indicator("GOV-01", RUBRIC, value_type="rubric")

    assert explained(score_indicator(rule, D(7), max_points=10)) == (
        D(7),
        "GOV-01: ระดับ 7 → 7 คะแนน",
        "GOV-01: level 7 → 7 points",
        D(8),
        "ระดับ 8",
        "level 8",
    )
    assert score_indicator(rule, D(4), max_points=3).points == D(3)


# --------------------------------------------------------------------------------------------------------------
# text and missing values
# --------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "missing"), [(None, True), ("ข้อความอธิบาย", False)])
def test_text_is_not_scored(value, missing):
    rule = indicator("GOV-05", TEXT, value_type="text")

    score = score_indicator(rule, value)

    assert explained(score) == (None, "GOV-05: ไม่นำมาคิดคะแนน", "GOV-05: not scored", None, "", "")
    assert score.missing is missing


@pytest.mark.parametrize(
    "rule",
    [GOOD_DAYS, PM25_DAYS, COMPLIANCE, LINEAR_UP, LINEAR_DOWN, YES_NO, RUBRIC],
    ids=["higher_better", "lower_better", "compliance", "linear_up", "linear_down", "yes_no", "rubric"],
)
def test_a_missing_value_scores_zero_and_is_flagged(rule):
    item = indicator("CA-01", rule, unit=PERCENT)

    score = score_indicator(item, None)

    assert explained(score) == (D(0), "CA-01: ไม่มีข้อมูล → 0 คะแนน", "CA-01: no value → 0 points", None, "", "")
    assert score.missing is True


# --------------------------------------------------------------------------------------------------------------
# Area scores: 100 × Σ(w·s) / (max_points × Σw)
# --------------------------------------------------------------------------------------------------------------


def one_area(*items: IndicatorRule, settings: Settings | None = None) -> Framework:
    return Framework(areas=(AreaRule("CA", "category"),), indicators=items, settings=settings or Settings())


def test_area_score_with_unequal_weights():
    # points 4, 3, 1 with weights 1, 2, 3: Σw·s = 4 + 6 + 3 = 13; 100 × 13 / (4 × 6) = 54.1666… → 54.17
    framework = one_area(
        indicator("CA-01", RUBRIC, weight="1"),
        indicator("CA-02", RUBRIC, weight="2"),
        indicator("CA-03", RUBRIC, weight="3"),
    )

    result = score_application(
        framework, {"CA-01": D(4), "CA-02": D(3), "CA-03": D(1)}, track="certificate", category="CA"
    )

    assert result.areas == (AreaScore("CA", D("54.17"), 3, 3),)
    assert result.total == D("54.17")


def test_area_score_with_decimal_weights_and_fractional_points():
    # weights 0.5 and 1.5, points 2.00 (linear 50 %) and 3 (CA-01 85 %): Σw·s = 1 + 4.5 = 5.5;
    # 100 × 5.5 / (4 × 2) = 68.75
    framework = one_area(
        indicator("CA-01", LINEAR_UP, weight="0.5"),
        indicator("CA-02", GOOD_DAYS, weight="1.5"),
    )

    result = score_application(framework, {"CA-01": D(50), "CA-02": D(85)}, track="certificate", category="CA")

    assert result.area("CA") == AreaScore("CA", D("68.75"), 2, 2)


def test_area_score_rounds_half_up():
    # points 1 (weight 1) and 0 (weight 7): 100 × 1 / (4 × 8) = 3.125 → 3.13
    framework = one_area(indicator("CA-01", RUBRIC, weight="1"), indicator("CA-02", RUBRIC, weight="7"))

    result = score_application(framework, {"CA-01": D(1), "CA-02": D(0)}, track="certificate", category="CA")

    assert result.area("CA").score == D("3.13")


def test_area_score_uses_settings_max_points_even_under_a_smaller_linear_top():
    # A linear rule with max_points 2 at its target gives 2 points on the 4-point scale: 100 × 2 / (4 × 1) = 50
    framework = one_area(indicator("CA-01", {"type": "linear", "floor": "0", "target": "10", "max_points": 2}))

    result = score_application(framework, {"CA-01": D(10)}, track="certificate", category="CA")

    assert result.area("CA").score == D("50.00")


def test_area_score_on_another_points_scale():
    # max_points 10: rubric 7 (weight 1) and 10 (weight 3): Σw·s = 37; 100 × 37 / (10 × 4) = 92.5
    framework = one_area(
        indicator("CA-01", RUBRIC, weight="1"),
        indicator("CA-02", RUBRIC, weight="3"),
        settings=Settings(max_points=10),
    )

    result = score_application(framework, {"CA-01": D(7), "CA-02": D(10)}, track="certificate", category="CA")

    assert result.area("CA") == AreaScore("CA", D("92.50"), 2, 2)
    assert result.indicators[0].max_points == 10


def test_text_indicators_do_not_count_in_the_area_score():
    # Only CA-01 (4 points, weight 1) counts: 100 × 4 / (4 × 1) = 100; the text indicator's weight 5 is ignored.
    framework = one_area(indicator("CA-01", RUBRIC), indicator("CA-02", TEXT, weight="5"))

    result = score_application(framework, {"CA-01": D(4), "CA-02": None}, track="certificate", category="CA")

    assert result.area("CA") == AreaScore("CA", D("100.00"), 1, 1)
    assert result.completeness == D("1.000")


def test_missing_values_count_as_zero_points_and_as_unanswered():
    # CA-01 4 points (weight 1), CA-02 missing (weight 1): 100 × 4 / (4 × 2) = 50
    framework = one_area(indicator("CA-01", RUBRIC), indicator("CA-02", GOOD_DAYS))

    result = score_application(framework, {"CA-01": D(4)}, track="certificate", category="CA")

    assert result.area("CA") == AreaScore("CA", D("50.00"), 1, 2)
    assert [score.missing for score in result.indicators] == [False, True]


def test_an_area_with_only_text_indicators_scores_zero():
    framework = one_area(indicator("CA-01", TEXT), indicator("CA-02", TEXT))

    result = score_application(framework, {"CA-01": None, "CA-02": None}, track="certificate", category="CA")

    assert result.areas == (AreaScore("CA", D(0), 0, 0),)
    assert result.total == D(0)
    assert result.completeness == D(0)  # nothing applicable
    assert result.ranked is False


# --------------------------------------------------------------------------------------------------------------
# Applications: tracks, totals, completeness, ranking, tiers
# --------------------------------------------------------------------------------------------------------------

# CA, CW (categories) and GOV (governance):
FRAMEWORK = Framework(
    areas=(AreaRule("CA", "category"), AreaRule("CW", "category"), AreaRule("GOV", "governance")),
    indicators=(
        indicator("CA-01", GOOD_DAYS, weight="1", unit=PERCENT),
        indicator("CA-02", PM25_DAYS, weight="2", unit=DAYS),
        indicator("CA-03", TEXT, weight="1"),
        indicator("CW-01", COMPLIANCE, weight="1", unit=PERCENT),
        indicator("CW-02", YES_NO, weight="1"),
        indicator("GOV-01", RUBRIC, weight="1"),
        indicator("GOV-02", LINEAR_UP, weight="3", unit=PERCENT),
    ),
    settings=Settings(tiers=TIERS),
)
VALUES = {
    "CA-01": D(85),  # 3 points
    "CA-02": D(12),  # 2 points
    "CA-03": None,  # text: not scored
    "CW-01": D(96),  # 3 points
    # CW-02 missing: 0 points
    "GOV-01": D(2),  # 2 points
    "GOV-02": D(50),  # 2.00 points
}
# CA:  (1·3 + 2·2) / (4 × 3) × 100 = 7/12 × 100 = 58.333… → 58.33 (2 of 2 answered)
# CW:  (1·3 + 1·0) / (4 × 2) × 100 = 37.5 → 37.50 (1 of 2 answered)
# GOV: (1·2 + 3·2) / (4 × 4) × 100 = 50 → 50.00 (2 of 2 answered)
CA_SCORE = AreaScore("CA", D("58.33"), 2, 2)
CW_SCORE = AreaScore("CW", D("37.50"), 1, 2)
GOV_SCORE = AreaScore("GOV", D("50.00"), 2, 2)


def test_esc_award_scores_every_area():
    # total = 0.8 × (58.33 + 37.50) / 2 + 0.2 × 50.00 = 0.8 × 47.915 + 10 = 38.332 + 10 = 48.332 → 48.33
    # completeness = 5 answered / 6 applicable (CA-03 is text) = 0.8333… → 0.833
    result = score_application(FRAMEWORK, VALUES, track="esc_award")

    assert result.areas == (CA_SCORE, CW_SCORE, GOV_SCORE)
    assert [score.code for score in result.indicators] == [
        "CA-01",
        "CA-02",
        "CA-03",
        "CW-01",
        "CW-02",
        "GOV-01",
        "GOV-02",
    ]
    assert result.total == D("48.33")
    assert result.completeness == D("0.833")
    assert result.ranked is True
    assert result.tier == "none"


def test_esc_award_ignores_a_category_argument():
    assert score_application(FRAMEWORK, VALUES, track="esc_award", category="CA").total == D("48.33")


def test_esc_award_with_other_composite_weights():
    # total = 0.5 × 47.915 + 0.5 × 50.00 = 23.9575 + 25 = 48.9575 → 48.96
    framework = Framework(
        FRAMEWORK.areas,
        FRAMEWORK.indicators,
        Settings(core_weight=D("0.5"), governance_weight=D("0.5")),
    )

    assert score_application(framework, VALUES, track="esc_award").total == D("48.96")


def test_esc_award_without_a_governance_area_is_the_mean_of_the_categories():
    # total = (58.33 + 37.50) / 2 = 47.915 → 47.92; completeness 3 of 4 = 0.750
    framework = Framework(FRAMEWORK.areas[:2], FRAMEWORK.indicators[:5], Settings(tiers=TIERS))

    result = score_application(framework, VALUES, track="esc_award")

    assert result.areas == (CA_SCORE, CW_SCORE)
    assert result.total == D("47.92")
    assert result.completeness == D("0.750")
    assert result.ranked is False


def test_esc_award_mean_over_three_categories():
    # CA 58.33, CW 37.50, CL 100.00 (one rubric at 4): mean = 195.83 / 3 = 65.2766… → 65.28 → silver
    framework = Framework(
        (*FRAMEWORK.areas[:2], AreaRule("CL", "category")),
        (*FRAMEWORK.indicators[:5], indicator("CL-01", RUBRIC)),
        Settings(tiers=TIERS),
    )

    result = score_application(framework, {**VALUES, "CL-01": D(4)}, track="esc_award")

    assert result.total == D("65.28")
    assert result.tier == "silver"


def test_esc_award_with_only_a_governance_area():
    # No category area: the category mean counts as 0, total = 0.8 × 0 + 0.2 × 50.00 = 10.00
    framework = Framework((FRAMEWORK.areas[2],), FRAMEWORK.indicators[5:], Settings())

    result = score_application(framework, VALUES, track="esc_award")

    assert result.areas == (GOV_SCORE,)
    assert result.total == D("10.00")


def test_esc_award_total_rounds_half_up_over_three_categories():
    # Single-indicator areas (linear 0 → 0, 100 → 4, weight 1): area score = 25 × points.
    # CA 25 % → 1.00 point → 25.00; CW 7.5 % → 0.30 → 7.50; CL 0 → 0.00; GOV 0 → 0.00
    # total = 0.75 × (25 + 7.5 + 0) / 3 + 0.25 × 0 = 0.75 × 10.8333… = 8.125 → 8.13
    areas = (
        AreaRule("CA", "category"),
        AreaRule("CW", "category"),
        AreaRule("CL", "category"),
        AreaRule("GOV", "governance"),
    )
    items = tuple(indicator(f"{area.code}-01", LINEAR_UP) for area in areas)
    framework = Framework(areas, items, Settings(core_weight=D("0.75"), governance_weight=D("0.25")))
    values = {"CA-01": D(25), "CW-01": D("7.5"), "CL-01": D(0), "GOV-01": D(0)}

    result = score_application(framework, values, track="esc_award")

    assert [area.score for area in result.areas] == [D("25.00"), D("7.50"), D("0.00"), D("0.00")]
    assert result.total == D("8.13")


def test_certificate_total_is_its_category_score():
    # Only CW and GOV apply; total = CW = 37.50; completeness (CW 1/2 + GOV 2/2) = 3/4 = 0.750
    result = score_application(FRAMEWORK, VALUES, track="certificate", category="CW")

    assert result.areas == (CW_SCORE, GOV_SCORE)
    assert [score.code for score in result.indicators] == ["CW-01", "CW-02", "GOV-01", "GOV-02"]
    assert result.total == D("37.50")
    assert result.completeness == D("0.750")
    assert result.ranked is False
    assert result.tier == "none"
    assert result.area("CA") is None


def test_certificate_of_another_category():
    # Only CA and GOV apply; total = CA = 58.33 (bronze); completeness 4/4 (CA-03 is text) = 1.000
    result = score_application(FRAMEWORK, VALUES, track="certificate", category="CA")

    assert result.areas == (CA_SCORE, GOV_SCORE)
    assert result.total == D("58.33")
    assert result.completeness == D("1.000")
    assert result.ranked is True
    assert result.tier == "bronze"
    assert result.area("GOV") == GOV_SCORE


def test_certificate_without_a_known_category_scores_zero():
    # No category matches: only the governance area applies and the total (the category's score) is 0.
    result = score_application(FRAMEWORK, VALUES, track="certificate")

    assert result.areas == (GOV_SCORE,)
    assert result.total == D(0)


def test_applicable_areas():
    areas = FRAMEWORK.areas

    assert applicable_areas(FRAMEWORK, track="esc_award", category=None) == areas
    assert applicable_areas(FRAMEWORK, track="certificate", category="CA") == (areas[0], areas[2])
    assert applicable_areas(FRAMEWORK, track="certificate", category="CW") == (areas[1], areas[2])


def test_an_empty_application_scores_zero_everywhere():
    result = score_application(FRAMEWORK, {}, track="esc_award")

    assert [area.score for area in result.areas] == [D("0.00"), D("0.00"), D("0.00")]
    assert result.total == D("0.00")
    assert result.completeness == D("0.000")
    assert result.ranked is False
    assert result.tier == "none"
    assert all(score.missing for score in result.indicators)


def test_a_full_marks_application_scores_100():
    values = {"CA-01": D(90), "CA-02": D(0), "CW-01": D(100), "CW-02": True, "GOV-01": D(4), "GOV-02": D(100)}

    result = score_application(FRAMEWORK, values, track="esc_award")

    assert [area.score for area in result.areas] == [D("100.00"), D("100.00"), D("100.00")]
    assert result.total == D("100.00")
    assert result.completeness == D("1.000")
    assert result.tier == "gold"


def completeness_framework(minimum: str) -> Framework:
    # Five rubric indicators and one text indicator (never counted).
    items = (*(indicator(f"CA-0{n}", RUBRIC) for n in range(1, 6)), indicator("CA-06", TEXT))
    return one_area(*items, settings=Settings(completeness_minimum=D(minimum)))


@pytest.mark.parametrize(
    ("answered", "minimum", "completeness", "ranked"),
    [
        (4, "0.8", D("0.800"), True),  # 4/5 = 0.8: exactly at the minimum
        (3, "0.8", D("0.600"), False),  # 3/5 = 0.6: below it
        (5, "0.8", D("1.000"), True),
        (4, "0.801", D("0.800"), False),  # just above 4/5
        (0, "0", D("0.000"), True),  # a minimum of 0 ranks everyone
    ],
)
def test_completeness_and_ranking_at_the_minimum(answered, minimum, completeness, ranked):
    framework = completeness_framework(minimum)
    values = {f"CA-0{n}": D(1) for n in range(1, answered + 1)}

    result = score_application(framework, values, track="certificate", category="CA")

    assert (result.completeness, result.ranked) == (completeness, ranked)


def test_completeness_is_quantised_to_three_decimals():
    # 2 of 3 answered: 0.6666… → 0.667
    framework = one_area(*(indicator(f"CA-0{n}", RUBRIC) for n in range(1, 4)))

    result = score_application(framework, {"CA-01": D(1), "CA-02": D(0)}, track="certificate", category="CA")

    assert result.completeness == D("0.667")
    assert result.completeness.as_tuple().exponent == -3


@pytest.mark.parametrize(
    ("total", "tier"),
    [
        ("100", "gold"),
        ("80", "gold"),
        ("79.99", "silver"),
        ("65", "silver"),
        ("64.99", "bronze"),
        ("50", "bronze"),
        ("49.99", "none"),
        ("0", "none"),
    ],
)
def test_tier_for_at_the_boundaries(total, tier):
    shuffled = list(TIERS)
    random.Random(7).shuffle(shuffled)

    assert tier_for(D(total), TIERS) == tier
    assert tier_for(D(total), tuple(reversed(TIERS))) == tier
    assert tier_for(D(total), shuffled) == tier


def test_tier_for_without_tiers_or_below_every_tier():
    assert tier_for(D(100), ()) == ""
    assert tier_for(D("49.99"), TIERS[:3]) == ""


def test_the_tier_of_an_application_follows_its_total():
    # Certificate CA: total 58.33 → bronze with the tiers, "" without.
    framework = Framework(FRAMEWORK.areas, FRAMEWORK.indicators, Settings())

    assert score_application(framework, VALUES, track="certificate", category="CA").tier == ""


# --------------------------------------------------------------------------------------------------------------
# A memo shared across the applications of one framework
# --------------------------------------------------------------------------------------------------------------


def test_a_shared_memo_gives_the_same_results_and_reuses_indicator_scores() -> None:
    memo: dict = {}
    other_values = {**VALUES, "CA-01": D(95)}  # CA-01 differs; every other value repeats

    first = score_application(FRAMEWORK, VALUES, track="esc_award", memo=memo)
    second = score_application(FRAMEWORK, other_values, track="esc_award", memo=memo)
    certificate = score_application(FRAMEWORK, VALUES, track="certificate", category="CW", memo=memo)

    assert first == score_application(FRAMEWORK, VALUES, track="esc_award")
    assert second == score_application(FRAMEWORK, other_values, track="esc_award")
    assert certificate == score_application(FRAMEWORK, VALUES, track="certificate", category="CW")
    assert second.indicators[0] is not first.indicators[0]  # CA-01: 85 % then 95 %
    assert all(a is b for a, b in zip(first.indicators[1:], second.indicators[1:], strict=True))
    assert certificate.indicators == first.indicators[3:]
    assert all(a is b for a, b in zip(certificate.indicators, first.indicators[3:], strict=True))


def test_a_memo_keeps_true_apart_from_decimal_one() -> None:
    # bool is a subclass of int, and True == Decimal(1): the two answers must not share a memo entry.
    framework = one_area(indicator("CA-01", YES_NO, value_type="yes_no"))
    memo: dict = {}

    by_bool = score_application(framework, {"CA-01": True}, track="esc_award", memo=memo)
    by_decimal = score_application(framework, {"CA-01": D(1)}, track="esc_award", memo=memo)

    assert len(memo) == 2
    assert by_bool.indicators[0] is not by_decimal.indicators[0]
    assert by_bool.indicators[0].points == by_decimal.indicators[0].points == D(4)


# --------------------------------------------------------------------------------------------------------------
# strict and inclusive limits: "min" ≥, "above" >, "max" ≤, "below" < (docs/framework-format.md)
# --------------------------------------------------------------------------------------------------------------

# CW-07 as its guidance states it: good below 180, normal 180–200, high above 200 L/person/day.
WATER_USE = {
    "type": "thresholds",
    "direction": "lower_better",
    "levels": [
        {"below": "180", "points": 4, "label_th": "ดี", "label_en": "good"},
        {"max": "200", "points": 2, "label_th": "ปกติ", "label_en": "normal"},
        {"max": None, "points": 0, "label_th": "สูง", "label_en": "high"},
    ],
}


def water(points, comparison, limit, next_points=None, next_condition=""):
    """Expected explained() of CW-07 for the value in `comparison` (e.g. "179.995 < 180")."""
    value, sign = comparison.split(" ")
    th = f"CW-07: {value} ลิตร/คน/วัน {sign} {limit} ลิตร/คน/วัน → {points} คะแนน"
    en = f"CW-07: {value} L/person/day {sign} {limit} L/person/day → {points} point{'' if points == 1 else 's'}"
    next_th = f"{next_condition} ลิตร/คน/วัน" if next_condition else ""
    next_en = f"{next_condition} L/person/day" if next_condition else ""
    return (D(points), th, en, next_points, next_th, next_en)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # below 180: just inside, exactly at the limit, just outside
        ("179.995", water(4, "179.995 <", "180")),
        ("180", water(2, "180 ≤", "200", D(4), "< 180")),
        ("180.005", water(2, "180.005 ≤", "200", D(4), "< 180")),
        # at most 200, then the open level: "more than 200" after max: 200
        ("199.995", water(2, "199.995 ≤", "200", D(4), "< 180")),
        ("200", water(2, "200 ≤", "200", D(4), "< 180")),
        ("200.005", water(0, "200.005 >", "200", D(2), "≤ 200")),
    ],
)
def test_thresholds_below_scores_values_under_the_limit_only(value, expected):
    rule = indicator("CW-07", WATER_USE, unit=LITRES)

    assert explained(score_indicator(rule, D(value))) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("179.995", (D(4), "X-01: 179.995 ≤ 180 → 4 คะแนน", "X-01: 179.995 ≤ 180 → 4 points", None, "", "")),
        ("180", (D(4), "X-01: 180 ≤ 180 → 4 คะแนน", "X-01: 180 ≤ 180 → 4 points", None, "", "")),
        ("180.005", (D(2), "X-01: 180.005 < 200 → 2 คะแนน", "X-01: 180.005 < 200 → 2 points", D(4), "≤ 180", "≤ 180")),
        ("199.995", (D(2), "X-01: 199.995 < 200 → 2 คะแนน", "X-01: 199.995 < 200 → 2 points", D(4), "≤ 180", "≤ 180")),
        # the open level after "below: 200" takes 200 itself: "≥ 200", not "> 200"
        ("200", (D(0), "X-01: 200 ≥ 200 → 0 คะแนน", "X-01: 200 ≥ 200 → 0 points", D(2), "< 200", "< 200")),
        ("200.005", (D(0), "X-01: 200.005 ≥ 200 → 0 คะแนน", "X-01: 200.005 ≥ 200 → 0 points", D(2), "< 200", "< 200")),
    ],
)
def test_thresholds_max_includes_its_limit_and_the_open_level_after_below_starts_at_it(value, expected):
    levels = [{"max": "180", "points": 4}, {"below": "200", "points": 2}, {"max": None, "points": 0}]
    rule = indicator("X-01", {"type": "thresholds", "direction": "lower_better", "levels": levels})

    assert explained(score_indicator(rule, D(value))) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # above 90: just outside, exactly at the limit (not reached), just inside
        ("90.005", (D(4), "X-01: 90.005 % > 90 % → 4 คะแนน", "X-01: 90.005 % > 90 % → 4 points", None, "", "")),
        ("90", (D(2), "X-01: 90 % ≥ 50 % → 2 คะแนน", "X-01: 90 % ≥ 50 % → 2 points", D(4), "> 90 %", "> 90 %")),
        (
            "89.995",
            (D(2), "X-01: 89.995 % ≥ 50 % → 2 คะแนน", "X-01: 89.995 % ≥ 50 % → 2 points", D(4), "> 90 %", "> 90 %"),
        ),
        # at least 50
        ("50", (D(2), "X-01: 50 % ≥ 50 % → 2 คะแนน", "X-01: 50 % ≥ 50 % → 2 points", D(4), "> 90 %", "> 90 %")),
        (
            "49.995",
            (D(1), "X-01: 49.995 % > 0 % → 1 คะแนน", "X-01: 49.995 % > 0 % → 1 point", D(2), "≥ 50 %", "≥ 50 %"),
        ),
        # above 0, then exactly 0 (one limit, strict then inclusive)
        ("0.005", (D(1), "X-01: 0.005 % > 0 % → 1 คะแนน", "X-01: 0.005 % > 0 % → 1 point", D(2), "≥ 50 %", "≥ 50 %")),
        ("0", (D(0), "X-01: 0 % ≥ 0 % → 0 คะแนน", "X-01: 0 % ≥ 0 % → 0 points", D(1), "> 0 %", "> 0 %")),
        ("-0.005", (D(0), "X-01: -0.005 % < 0 % → 0 คะแนน", "X-01: -0.005 % < 0 % → 0 points", D(1), "> 0 %", "> 0 %")),
    ],
)
def test_thresholds_above_scores_values_over_the_limit_only(value, expected):
    levels = [
        {"above": "90", "points": 4},
        {"min": "50", "points": 2},
        {"above": "0", "points": 1},
        {"min": "0", "points": 0},
    ]
    rule = indicator("X-01", {"type": "thresholds", "direction": "higher_better", "levels": levels}, unit=PERCENT)

    assert explained(score_indicator(rule, D(value))) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("10.005", (D(1), "X-01: 10.005 > 10 → 1 คะแนน", "X-01: 10.005 > 10 → 1 point", D(2), "≥ 50", "≥ 50")),
        # not above the last limit: the explanation says "at most", the complement of "above"
        ("10", (D(0), "X-01: 10 ≤ 10 → 0 คะแนน", "X-01: 10 ≤ 10 → 0 points", D(1), "> 10", "> 10")),
        ("9.995", (D(0), "X-01: 9.995 ≤ 10 → 0 คะแนน", "X-01: 9.995 ≤ 10 → 0 points", D(1), "> 10", "> 10")),
    ],
)
def test_thresholds_value_not_above_the_last_limit_scores_zero(value, expected):
    levels = [{"min": "50", "points": 2}, {"above": "10", "points": 1}]
    rule = indicator("X-01", {"type": "thresholds", "direction": "higher_better", "levels": levels})

    assert explained(score_indicator(rule, D(value))) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("179.995", (D(4), "X-01: 179.995 < 180 → 4 คะแนน", "X-01: 179.995 < 180 → 4 points", None, "", "")),
        ("180", (D(3), "X-01: 180 ≤ 180 → 3 คะแนน", "X-01: 180 ≤ 180 → 3 points", D(4), "< 180", "< 180")),
        ("180.005", (D(0), "X-01: 180.005 > 180 → 0 คะแนน", "X-01: 180.005 > 180 → 0 points", D(3), "≤ 180", "≤ 180")),
    ],
)
def test_thresholds_below_then_max_on_one_limit_gives_the_limit_its_own_band(value, expected):
    # "< 180 → 4, exactly 180 → 3, more than 180 → 0".
    levels = [{"below": "180", "points": 4}, {"max": "180", "points": 3}, {"max": None, "points": 0}]
    rule = indicator("X-01", {"type": "thresholds", "direction": "lower_better", "levels": levels})

    assert explained(score_indicator(rule, D(value))) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("99.995", (D(4), "CA-06: 99.995 % > 99 % → 4 คะแนน", "CA-06: 99.995 % > 99 % → 4 points", None, "", "")),
        ("99", (D(3), "CA-06: 99 % ≥ 95 % → 3 คะแนน", "CA-06: 99 % ≥ 95 % → 3 points", D(4), "> 99 %", "> 99 %")),
        (
            "98.995",
            (D(3), "CA-06: 98.995 % ≥ 95 % → 3 คะแนน", "CA-06: 98.995 % ≥ 95 % → 3 points", D(4), "> 99 %", "> 99 %"),
        ),
    ],
)
def test_compliance_band_above_a_limit(value, expected):
    bands = [{"above": "99", "points": 4}, {"min": "95", "points": 3}, {"min": "0", "points": 0}]
    rule = indicator("CA-06", {"type": "compliance", "bands": bands}, unit=PERCENT, value_type="percent")

    assert explained(score_indicator(rule, D(value))) == expected


@pytest.mark.parametrize(
    "levels",
    [
        [
            {"above": "90", "points": 4},
            {"min": "90", "points": 3},
            {"above": "10", "points": 2},
            {"min": "0", "points": 0},
        ],
        [{"min": "90", "points": 4}, {"above": "50", "points": 3}, {"min": "50", "points": 1}],
    ],
)
def test_points_never_fall_as_a_value_improves_under_mixed_higher_comparisons(levels):
    rule = indicator("X-01", {"type": "thresholds", "direction": "higher_better", "levels": levels})
    grid = [D(n) / 1000 for n in range(-1000, 101_000, 5)]  # -1 to 101 by 0.005: every limit and both sides

    points = [score_indicator(rule, value).points for value in grid]

    assert points == sorted(points)


@pytest.mark.parametrize(
    "levels",
    [
        [
            {"below": "10", "points": 4},
            {"max": "10", "points": 3},
            {"below": "50", "points": 2},
            {"max": None, "points": 0},
        ],
        [
            {"max": "10", "points": 4},
            {"below": "50", "points": 3},
            {"max": "50", "points": 1},
            {"max": None, "points": 0},
        ],
    ],
)
def test_points_never_rise_as_a_value_worsens_under_mixed_lower_comparisons(levels):
    rule = indicator("X-01", {"type": "thresholds", "direction": "lower_better", "levels": levels})
    grid = [D(n) / 1000 for n in range(-1000, 101_000, 5)]

    points = [score_indicator(rule, value).points for value in grid]

    assert points == sorted(points, reverse=True)

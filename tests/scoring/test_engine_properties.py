"""Property tests for scoring.engine (hypothesis).

(a) Points never decrease as a value improves, for random valid thresholds (both directions), compliance bands,
linear rules (both directions) and rubric levels. (b) For random frameworks and applications every area score and
the total lie within 0–100 and completeness within 0–1. (c) The order of indicators and of areas does not change
any area score or the total.

Runs are reproducible (derandomize, no example database) and small enough to stay fast.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring.engine import (
    AreaRule,
    Framework,
    IndicatorRule,
    ScoreResult,
    Settings,
    Tier,
    score_application,
    score_indicator,
)

pytestmark = pytest.mark.unit

PROPERTY = settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)

ZERO, HUNDRED = Decimal(0), Decimal(100)
TIERS = (
    Tier(Decimal(80), "gold", "ระดับทอง", "Gold"),
    Tier(Decimal(65), "silver", "ระดับเงิน", "Silver"),
    Tier(Decimal(50), "bronze", "ระดับทองแดง", "Bronze"),
    Tier(Decimal(0), "none", "ไม่ถึงเกณฑ์ระดับรางวัล", "No tier"),
)


def cents(low: int | str, high: int | str) -> st.SearchStrategy[Decimal]:
    return st.decimals(min_value=low, max_value=high, places=2, allow_nan=False, allow_infinity=False)


VALUES = cents(-1000, 1000)
PERCENTAGES = cents(-10, 110)
WEIGHTS = cents("0.01", 100)


def indicator(rule: dict[str, Any], *, code: str = "X-01", area: str = "X", weight: Decimal = Decimal(1)):
    return IndicatorRule(code=code, area=area, value_type="number", weight=weight, rule=rule)


def points(rule: dict[str, Any], value: Decimal, max_points: int = 4) -> Decimal:
    score = score_indicator(indicator(rule), value, max_points=max_points)
    assert score.points is not None
    assert ZERO <= score.points <= max_points
    if score.next_points is not None:  # a next level is always worth more than the points reached
        assert score.next_points > score.points
    return score.points


@st.composite
def falling_points(draw: st.DrawFn, size: int, max_points: int) -> list[int]:
    """Points of levels listed best first: whole numbers that never rise."""
    return sorted(draw(st.lists(st.integers(0, max_points), min_size=size, max_size=size)), reverse=True)


@st.composite
def higher_better(draw: st.DrawFn, max_points: int = 4) -> dict[str, Any]:
    minimums = sorted(draw(st.lists(VALUES, min_size=2, max_size=6, unique=True)), reverse=True)
    levels = draw(falling_points(len(minimums), max_points))
    return {
        "type": "thresholds",
        "direction": "higher_better",
        "levels": [{"min": str(limit), "points": level} for limit, level in zip(minimums, levels, strict=True)],
    }


@st.composite
def lower_better(draw: st.DrawFn, max_points: int = 4) -> dict[str, Any]:
    maximums: list[Decimal | None] = [*sorted(draw(st.lists(VALUES, min_size=1, max_size=5, unique=True))), None]
    levels = draw(falling_points(len(maximums), max_points))
    return {
        "type": "thresholds",
        "direction": "lower_better",
        "levels": [
            {"max": None if limit is None else str(limit), "points": level}
            for limit, level in zip(maximums, levels, strict=True)
        ],
    }


@st.composite
def compliance(draw: st.DrawFn, max_points: int = 4) -> dict[str, Any]:
    minimums = [*sorted(draw(st.lists(cents("0.01", 100), min_size=1, max_size=5, unique=True)), reverse=True), ZERO]
    levels = draw(falling_points(len(minimums), max_points))
    return {
        "type": "compliance",
        "bands": [{"min": str(limit), "points": level} for limit, level in zip(minimums, levels, strict=True)],
    }


@st.composite
def linear(draw: st.DrawFn, max_points: int = 4) -> dict[str, Any]:
    floor, target = draw(st.lists(VALUES, min_size=2, max_size=2, unique=True))
    return {
        "type": "linear",
        "floor": str(floor),
        "target": str(target),
        "max_points": draw(st.integers(1, max_points)),
    }


@st.composite
def yes_no(draw: st.DrawFn, max_points: int = 4) -> dict[str, Any]:
    yes, no = draw(st.lists(st.integers(0, max_points), min_size=2, max_size=2, unique=True))
    return {"type": "yes_no", "yes_points": yes, "no_points": no}


def rubric(max_points: int) -> dict[str, Any]:
    return {
        "type": "rubric",
        "levels": [{"points": n, "label_th": f"ระดับ {n}", "label_en": f"level {n}"} for n in range(max_points + 1)],
    }


def ordered(a: Decimal, b: Decimal) -> tuple[Decimal, Decimal]:
    return (a, b) if a <= b else (b, a)


# --------------------------------------------------------------------------------------------------------------
# (a) Points never decrease as a value improves
# --------------------------------------------------------------------------------------------------------------


@PROPERTY
@given(rule=higher_better(), a=VALUES, b=VALUES)
def test_higher_better_thresholds_never_lose_points_for_a_higher_value(rule, a, b):
    worse, better = ordered(a, b)

    assert points(rule, better) >= points(rule, worse)


@PROPERTY
@given(rule=lower_better(), a=VALUES, b=VALUES)
def test_lower_better_thresholds_never_lose_points_for_a_lower_value(rule, a, b):
    better, worse = ordered(a, b)

    assert points(rule, better) >= points(rule, worse)


@PROPERTY
@given(rule=compliance(), a=PERCENTAGES, b=PERCENTAGES)
def test_compliance_never_loses_points_for_a_higher_share(rule, a, b):
    worse, better = ordered(a, b)

    assert points(rule, better) >= points(rule, worse)


@PROPERTY
@given(rule=linear(), a=VALUES, b=VALUES)
def test_linear_never_loses_points_as_the_value_moves_towards_the_target(rule, a, b):
    low, high = ordered(a, b)
    higher_is_better = Decimal(rule["target"]) > Decimal(rule["floor"])
    worse, better = (low, high) if higher_is_better else (high, low)

    assert points(rule, better) >= points(rule, worse)


@PROPERTY
@given(max_points=st.integers(1, 10), a=st.integers(-2, 12), b=st.integers(-2, 12))
def test_rubric_never_loses_points_for_a_higher_level(max_points, a, b):
    lower, higher = ordered(Decimal(a), Decimal(b))

    assert points(rubric(max_points), higher, max_points) >= points(rubric(max_points), lower, max_points)


# --------------------------------------------------------------------------------------------------------------
# Random frameworks and applications
# --------------------------------------------------------------------------------------------------------------


def rule_and_values(max_points: int) -> st.SearchStrategy[tuple[dict[str, Any], st.SearchStrategy[Any]]]:
    """A random rule together with the strategy of values that can be entered under it."""
    numbers = st.one_of(higher_better(max_points), lower_better(max_points), linear(max_points))
    return st.one_of(
        numbers.map(lambda rule: (rule, VALUES)),
        compliance(max_points).map(lambda rule: (rule, PERCENTAGES)),
        yes_no(max_points).map(lambda rule: (rule, st.booleans())),
        st.just((rubric(max_points), st.integers(-1, max_points + 1).map(Decimal))),
        st.just(({"type": "text"}, st.just("ข้อความ"))),
    )


@st.composite
def applications(draw: st.DrawFn, *, count: int = 1) -> tuple[Framework, list[dict[str, Any]]]:
    """A framework of 1–4 areas × 1–6 indicators (at most one governance area, at least one category) and `count`
    applications' values, each value possibly missing."""
    max_points = draw(st.integers(1, 10))
    area_count = draw(st.integers(1, 4))
    governance = area_count > 1 and draw(st.booleans())
    areas = tuple(
        AreaRule(code, "governance" if governance and index == area_count - 1 else "category")
        for index, code in enumerate(("CA", "CW", "CL", "GOV")[:area_count])
    )
    indicators, value_strategies = [], {}
    for area in areas:
        for number in range(1, draw(st.integers(1, 6)) + 1):
            rule, values = draw(rule_and_values(max_points))
            code = f"{area.code}-{number:02d}"
            indicators.append(IndicatorRule(code, area.code, "number", draw(WEIGHTS), rule))
            value_strategies[code] = values
    core = draw(cents(0, 1))
    framework_settings = Settings(
        max_points=max_points,
        completeness_minimum=draw(cents(0, 1)),
        tiers=TIERS,
        core_weight=core,
        governance_weight=1 - core,
    )
    framework = Framework(areas, tuple(indicators), framework_settings)
    value_sets = [{code: draw(st.none() | values) for code, values in value_strategies.items()} for _ in range(count)]
    return framework, value_sets


def tracks(framework: Framework) -> list[tuple[str, str | None]]:
    categories = [area.code for area in framework.areas if area.kind == "category"]
    return [("esc_award", None), *(("certificate", code) for code in categories)]


def summary(result: ScoreResult) -> tuple[Any, ...]:
    """What an order of indicators or areas must not change."""
    return (
        {area.code: area for area in result.areas},
        {score.code: score for score in result.indicators},
        result.total,
        result.completeness,
        result.tier,
        result.ranked,
    )


# --------------------------------------------------------------------------------------------------------------
# (b) Scores stay within 0–100, completeness within 0–1
# --------------------------------------------------------------------------------------------------------------


@PROPERTY
@given(application=applications())
def test_area_scores_and_totals_stay_within_0_and_100(application):
    framework, (values,) = application

    for track, category in tracks(framework):
        result = score_application(framework, values, track=track, category=category)

        assert all(ZERO <= area.score <= HUNDRED for area in result.areas)
        assert all(0 <= area.answered <= area.applicable for area in result.areas)
        assert ZERO <= result.total <= HUNDRED
        assert ZERO <= result.completeness <= 1
        assert result.ranked == (result.completeness >= framework.settings.completeness_minimum)


# --------------------------------------------------------------------------------------------------------------
# (c) The order of indicators and areas does not change a score
# --------------------------------------------------------------------------------------------------------------


@PROPERTY
@given(application=applications(), data=st.data())
def test_the_order_of_indicators_and_areas_does_not_change_any_score(application, data):
    framework, (values,) = application
    shuffled = Framework(
        areas=tuple(data.draw(st.permutations(framework.areas), label="areas")),
        indicators=tuple(data.draw(st.permutations(framework.indicators), label="indicators")),
        settings=framework.settings,
    )

    for track, category in tracks(framework):
        original = score_application(framework, values, track=track, category=category)
        reordered = score_application(shuffled, values, track=track, category=category)

        assert summary(reordered) == summary(original)


# --------------------------------------------------------------------------------------------------------------
# A shared memo never changes a result
# --------------------------------------------------------------------------------------------------------------


@PROPERTY
@given(application=applications(count=3))
def test_a_shared_memo_never_changes_a_result(application) -> None:
    framework, value_sets = application
    memo: dict = {}

    for values in value_sets:
        for track, category in tracks(framework):
            with_memo = score_application(framework, values, track=track, category=category, memo=memo)

            assert with_memo == score_application(framework, values, track=track, category=category)

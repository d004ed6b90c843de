"""Verified-score inputs that reviewers have not settled: left out of the score and counted, never scored 0."""

from __future__ import annotations

from decimal import Decimal

import pytest

from scoring.engine import (
    AWAITING_REVIEW,
    NEEDS_REVIEWER,
    AreaRule,
    AreaScore,
    Framework,
    IndicatorRule,
    Settings,
    score_application,
    score_indicator,
)

pytestmark = pytest.mark.unit

D = Decimal
RUBRIC = {
    "type": "rubric",
    "scored_by": "reviewer",
    "levels": [{"points": n, "label_th": f"ระดับ {n}", "label_en": f"level {n}"} for n in range(5)],
}
SHARE = {
    "type": "thresholds",
    "direction": "higher_better",
    "levels": [{"min": "90", "points": 4}, {"min": "50", "points": 2}, {"min": "0", "points": 0}],
}
PLAN = IndicatorRule(code="GOV-01", area="GOV", value_type="rubric", weight=D(1), rule=RUBRIC)
SORTED = IndicatorRule(code="CL-01", area="CL", value_type="percent", weight=D(1), rule=SHARE, unit_en="%")
FRAMEWORK = Framework(
    areas=(AreaRule("CL", "category"), AreaRule("GOV", "governance")),
    indicators=(SORTED, PLAN),
    settings=Settings(completeness_minimum=D("0.5")),
)


def test_awaiting_review_is_not_scored_and_says_so():
    score = score_indicator(PLAN, AWAITING_REVIEW)

    assert (score.points, score.missing, score.pending) == (None, False, "awaiting")
    assert (score.explanation_th, score.explanation_en) == (
        "GOV-01: รอผลการตรวจสอบของผู้ประเมิน",
        "GOV-01: awaiting review",
    )


def test_every_reviewer_abstaining_asks_for_another_reviewer():
    score = score_indicator(PLAN, NEEDS_REVIEWER)

    assert (score.points, score.missing, score.pending) == (None, False, "abstained")
    assert score.explanation_en == "GOV-01: every reviewer abstained; needs another reviewer"
    assert score.explanation_th == "GOV-01: ผู้ประเมินทุกคนงดให้คะแนน ต้องมีผู้ประเมินเพิ่ม"


def test_pending_indicators_are_counted_and_left_out_of_the_area_score():
    # CL-01 95 % → 4 points; GOV-01 unsettled. Certificate CL total = the CL area = 100 × 4 / 4.
    result = score_application(
        FRAMEWORK, {"CL-01": D(95), "GOV-01": AWAITING_REVIEW}, track="certificate", category="CL"
    )

    assert (result.total, result.pending, result.needs_reviewer, result.is_final) == (D("100.00"), 1, 0, False)
    # GOV has only the waiting indicator: no area score, but it counts as answered for completeness.
    assert result.area("GOV") == AreaScore("GOV", D(0), 1, 1)
    assert result.completeness == D(1)


def test_abstained_indicators_are_counted_apart_from_awaiting_ones():
    result = score_application(FRAMEWORK, {"CL-01": AWAITING_REVIEW, "GOV-01": NEEDS_REVIEWER}, track="esc_award")

    assert (result.pending, result.needs_reviewer, result.is_final) == (1, 1, False)


def test_a_fully_settled_result_is_final():
    result = score_application(FRAMEWORK, {"CL-01": D(95), "GOV-01": D(3)}, track="esc_award")

    assert (result.pending, result.needs_reviewer, result.is_final) == (0, 0, True)


def test_the_memo_keeps_pending_apart_from_real_values() -> None:
    memo: dict = {}

    waiting = score_application(FRAMEWORK, {"GOV-01": AWAITING_REVIEW}, track="esc_award", memo=memo)
    scored = score_application(FRAMEWORK, {"GOV-01": D(3)}, track="esc_award", memo=memo)

    assert [item.pending for item in waiting.indicators] == ["", "awaiting"]
    assert [item.points for item in scored.indicators] == [D(0), D(3)]

"""The scoring engine: framework rules and an application's values in, explained scores out.

Pure Python: no Django, no I/O, no clock. Decimal throughout, quantised to 0.01 where a score is reported.
Explanations are written in Thai and English here (not through gettext) so that a packet in one language can be
rendered while the page is in the other.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Any, NamedTuple

CENT = Decimal("0.01")
ZERO = Decimal(0)
HUNDRED = Decimal(100)
CERTIFICATE = "certificate"
ESC_AWARD = "esc_award"
GOVERNANCE = "governance"


@dataclass(frozen=True, slots=True, eq=False)
class Pending:
    """A verified-score input that reviewers have not settled: it is left out of the score, never counted as 0.

    Use the two instances below; they compare and hash by identity, which keeps a whole-cycle pass fast.
    """

    reason: str  # AWAITING or ABSTAINED


AWAITING = "awaiting"  # nobody has verified, corrected or scored the indicator yet
ABSTAINED = "abstained"  # every reviewer abstained: another reviewer must score it
AWAITING_REVIEW = Pending(AWAITING)
NEEDS_REVIEWER = Pending(ABSTAINED)

Value = Decimal | bool | Pending | None


@dataclass(frozen=True, slots=True)
class IndicatorRule:
    """One indicator as the engine needs it. `rule` is the normalised rule of the framework file format."""

    code: str
    area: str
    value_type: str
    weight: Decimal
    rule: Mapping[str, Any]
    unit_th: str = ""
    unit_en: str = ""
    # The rule's steps parsed once (limits, comparisons, their text): a whole-cycle pass scores thousands of values.
    _steps: dict[str, tuple[_Limit, ...]] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class AreaRule:
    code: str
    kind: str  # "category" or "governance"


@dataclass(frozen=True, slots=True)
class Tier:
    min_score: Decimal
    code: str
    label_th: str
    label_en: str


@dataclass(frozen=True, slots=True)
class Settings:
    max_points: int = 4
    completeness_minimum: Decimal = Decimal("0.8")
    tiers: tuple[Tier, ...] = ()
    core_weight: Decimal = Decimal("0.8")
    governance_weight: Decimal = Decimal("0.2")


@dataclass(frozen=True, slots=True)
class Framework:
    areas: tuple[AreaRule, ...]
    indicators: tuple[IndicatorRule, ...]
    settings: Settings
    # The areas and indicators that apply to each (track, category), worked out once per framework.
    _plans: dict[tuple[str, str | None], _Plan] = field(default_factory=dict, compare=False, repr=False)

    def plan(self, track: str, category: str | None) -> _Plan:
        """The applicable areas, the applicable indicators in the framework's order, and for each area the
        positions of its indicators among them."""
        found = self._plans.get((track, category))
        if found is None:
            areas = applicable_areas(self, track=track, category=category)
            codes = {area.code for area in areas}
            items = tuple(item for item in self.indicators if item.area in codes)
            positions = tuple(
                tuple(index for index, item in enumerate(items) if item.area == area.code) for area in areas
            )
            found = self._plans[(track, category)] = (areas, items, positions)
        return found


@dataclass(frozen=True, slots=True)
class IndicatorScore:
    code: str
    area: str
    points: Decimal | None  # None: not scored (text)
    max_points: int
    weight: Decimal
    missing: bool
    explanation_th: str
    explanation_en: str
    next_points: Decimal | None = None  # the next level up, if any
    next_condition_th: str = ""  # what the value must be to reach it
    next_condition_en: str = ""
    pending: str = ""  # AWAITING or ABSTAINED: not scored until reviewers settle it (points None)


@dataclass(frozen=True, slots=True)
class AreaScore:
    code: str
    score: Decimal  # 0..100
    answered: int
    applicable: int


@dataclass(frozen=True, slots=True)
class ScoreResult:
    indicators: tuple[IndicatorScore, ...]
    areas: tuple[AreaScore, ...]
    total: Decimal  # 0..100
    completeness: Decimal  # 0..1
    tier: str
    ranked: bool  # completeness reaches the cycle's minimum
    pending: int = 0  # indicators awaiting review (verified score only)
    needs_reviewer: int = 0  # indicators every reviewer abstained on

    @property
    def is_final(self) -> bool:
        return self.pending == 0 and self.needs_reviewer == 0

    def area(self, code: str) -> AreaScore | None:
        return next((area for area in self.areas if area.code == code), None)


# --------------------------------------------------------------------------------------------------------------
# One indicator
# --------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Outcome:
    points: Decimal
    condition_th: str
    condition_en: str
    next_points: Decimal | None = None
    next_th: str = ""
    next_en: str = ""


def _number(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _amount(value: Decimal, unit: str) -> str:
    return f"{_number(value)} {unit}".rstrip()


# The comparison a value fails when it does not reach a step: what the next step down is left with.
_COMPLEMENT = {"≥": "<", ">": "≤", "≤": ">", "<": "≥"}


class _Limit(NamedTuple):
    limit: Decimal
    sign: str
    points: Decimal
    text_th: str  # the limit with its unit
    text_en: str


def _reaches(value: Decimal, limit: Decimal, sign: str) -> bool:
    if sign == "≥":
        return value >= limit
    if sign == ">":
        return value > limit
    if sign == "≤":
        return value <= limit
    return value < limit


def _limits(item: IndicatorRule, steps: Sequence[Mapping[str, Any]], *, higher: bool) -> tuple[_Limit, ...]:
    """Each step's limit and comparison, as the rule states it: "min" ≥, "above" >, "max" ≤, "below" <.

    The open last level of a lower-is-better rule ("max": None) takes what the level before it leaves: "> 60" after
    "max: 60", "≥ 180" after "below: 180". Parsed once per rule.
    """
    cache_key = "higher" if higher else "lower"
    parsed = item._steps.get(cache_key)
    if parsed is not None:
        return parsed
    strict_key, key, strict_sign, sign = ("above", "min", ">", "≥") if higher else ("below", "max", "<", "≤")
    limits: list[tuple[Decimal, str]] = []
    for step in steps:
        if strict_key in step:
            limits.append((Decimal(step[strict_key]), strict_sign))
        elif step[key] is None:
            before, before_sign = limits[-1]
            limits.append((before, _COMPLEMENT[before_sign]))
        else:
            limits.append((Decimal(step[key]), sign))
    parsed = item._steps[cache_key] = tuple(
        _Limit(limit, sign, Decimal(step["points"]), _amount(limit, item.unit_th), _amount(limit, item.unit_en))
        for (limit, sign), step in zip(limits, steps, strict=True)
    )
    return parsed


def _steps(item: IndicatorRule, value: Decimal, steps: Sequence[Mapping[str, Any]], *, key: str) -> _Outcome:
    """Thresholds and compliance bands, listed best first: the first step the value reaches gives its points.

    key "min": higher is better (each step has "min", value ≥ limit, or "above", value > limit); key "max": lower is
    better ("max", value ≤ limit, or "below", value < limit; the last max open). The explanation and the next
    level's condition print the comparison exactly as the rule states it.
    """
    limits = _limits(item, steps, higher=key == "min")
    reached = next((index for index, step in enumerate(limits) if _reaches(value, step.limit, step.sign)), None)
    if reached is None:  # below the last minimum: the value fails the last step's comparison
        last = limits[-1]
        sign, text_th, text_en = _COMPLEMENT[last.sign], last.text_th, last.text_en
        points, reached = ZERO, len(steps)
    else:
        step = limits[reached]
        sign, text_th, text_en, points = step.sign, step.text_th, step.text_en, step.points
    number = _number(value)
    value_th = f"{number} {item.unit_th}".rstrip()
    value_en = f"{number} {item.unit_en}".rstrip()
    outcome = _Outcome(points, f"{value_th} {sign} {text_th}", f"{value_en} {sign} {text_en}")
    better = next((index for index in reversed(range(reached)) if limits[index].points > points), None)
    if better is None:
        return outcome
    step = limits[better]
    return _Outcome(
        points,
        outcome.condition_th,
        outcome.condition_en,
        step.points,
        f"{step.sign} {step.text_th}",
        f"{step.sign} {step.text_en}",
    )


def _linear(item: IndicatorRule, value: Decimal, max_points: int) -> _Outcome:
    floor, target = Decimal(item.rule["floor"]), Decimal(item.rule["target"])
    top = Decimal(item.rule.get("max_points", max_points))
    # Multiply before dividing: a share that does not terminate must not cut an exact .xx5 tie below it.
    points = min(max(top * (value - floor) / (target - floor), ZERO), top).quantize(CENT, rounding=ROUND_HALF_UP)
    scale = f"({_number(floor)} → 0, {_number(target)} → {_number(top)})"
    outcome = _Outcome(points, f"{_amount(value, item.unit_th)} {scale}", f"{_amount(value, item.unit_en)} {scale}")
    if points >= top:
        return outcome
    sign = "≥" if target > floor else "≤"
    return _Outcome(
        points,
        outcome.condition_th,
        outcome.condition_en,
        top,
        f"{sign} {_amount(target, item.unit_th)}",
        f"{sign} {_amount(target, item.unit_en)}",
    )


def _yes_no(item: IndicatorRule, value: bool) -> _Outcome:
    yes, no = Decimal(item.rule["yes_points"]), Decimal(item.rule["no_points"])
    if value:
        return _Outcome(yes, "มี", "yes", no, "ไม่มี", "no") if no > yes else _Outcome(yes, "มี", "yes")
    return _Outcome(no, "ไม่มี", "no", yes, "มี", "yes") if yes > no else _Outcome(no, "ไม่มี", "no")


def _rubric(value: Decimal, max_points: int) -> _Outcome:
    # Reviewers' combined points may be a mean (2.67): kept to the cent, not rounded to a level.
    level = min(max(value, ZERO), Decimal(max_points)).quantize(CENT, rounding=ROUND_HALF_UP).normalize()
    outcome = _Outcome(level, f"ระดับ {_number(level)}", f"level {_number(level)}")
    if level >= max_points:
        return outcome
    following = level.to_integral_value(rounding=ROUND_FLOOR) + 1
    return _Outcome(
        level, outcome.condition_th, outcome.condition_en, following, f"ระดับ {following}", f"level {following}"
    )


def _outcome(item: IndicatorRule, value: Decimal | bool, max_points: int) -> _Outcome:
    rule_type = item.rule["type"]
    if rule_type == "yes_no":
        return _yes_no(item, bool(value))
    number = Decimal(value)
    if rule_type == "rubric":
        return _rubric(number, max_points)
    if rule_type == "linear":
        return _linear(item, number, max_points)
    if rule_type == "compliance":
        return _steps(item, number, item.rule["bands"], key="min")
    key = "max" if item.rule.get("direction") == "lower_better" else "min"
    return _steps(item, number, item.rule["levels"], key=key)


def score_indicator(item: IndicatorRule, value: Value, *, max_points: int = 4) -> IndicatorScore:
    """Points for one indicator under its rule, with a one-line explanation in Thai and English.

    A missing value scores 0 and is flagged; a text indicator is not scored (points None).
    """
    if item.rule["type"] == "text":
        return IndicatorScore(
            item.code, item.area, None, max_points, item.weight, value is None,
            f"{item.code}: ไม่นำมาคิดคะแนน", f"{item.code}: not scored",
        )  # fmt: skip
    if value is None:
        return IndicatorScore(
            item.code, item.area, ZERO, max_points, item.weight, True,
            f"{item.code}: ไม่มีข้อมูล → 0 คะแนน", f"{item.code}: no value → 0 points",
        )  # fmt: skip
    if isinstance(value, Pending):
        if value.reason == ABSTAINED:
            th = f"{item.code}: ผู้ประเมินทุกคนงดให้คะแนน ต้องมีผู้ประเมินเพิ่ม"
            en = f"{item.code}: every reviewer abstained; needs another reviewer"
        else:
            th, en = f"{item.code}: รอผลการตรวจสอบของผู้ประเมิน", f"{item.code}: awaiting review"
        return IndicatorScore(item.code, item.area, None, max_points, item.weight, False, th, en, pending=value.reason)
    outcome = _outcome(item, value, max_points)
    points = _number(outcome.points)
    return IndicatorScore(
        code=item.code,
        area=item.area,
        points=outcome.points,
        max_points=max_points,
        weight=item.weight,
        missing=False,
        explanation_th=f"{item.code}: {outcome.condition_th} → {points} คะแนน",
        explanation_en=f"{item.code}: {outcome.condition_en} → {points} point{'' if outcome.points == 1 else 's'}",
        next_points=outcome.next_points,
        next_condition_th=outcome.next_th,
        next_condition_en=outcome.next_en,
    )


# --------------------------------------------------------------------------------------------------------------
# An application
# --------------------------------------------------------------------------------------------------------------


_Plan = tuple[tuple[AreaRule, ...], tuple[IndicatorRule, ...], tuple[tuple[int, ...], ...]]
Memo = dict[tuple[str, type, Value], IndicatorScore]


def _scores(
    items: Sequence[IndicatorRule], values: Mapping[str, Value], max_points: int, memo: Memo | None
) -> list[IndicatorScore]:
    if memo is None:
        return [score_indicator(item, values.get(item.code), max_points=max_points) for item in items]
    scores = []
    for item in items:
        value = values.get(item.code)
        # bool is a subclass of int: keep True and Decimal(1) apart in the key.
        key = (item.code, type(value), value)
        score = memo.get(key)
        if score is None:
            score = memo[key] = score_indicator(item, value, max_points=max_points)
        scores.append(score)
    return scores


def _area_score(scores: Iterable[IndicatorScore], max_points: int) -> tuple[Decimal, int, int]:
    """Area score over the scored indicators; answered and applicable counts for completeness, where an indicator
    waiting for reviewers counts as answered (it has its value; only its verdict is missing)."""
    weights = earned = ZERO
    scored = answered = waiting = 0
    for item in scores:
        if item.points is None:
            waiting += 1 if item.pending else 0
            continue
        scored += 1
        weights += item.weight
        earned += item.weight * item.points
        answered += 0 if item.missing else 1
    if weights == 0:
        return ZERO, waiting, waiting
    score = (HUNDRED * earned / (Decimal(max_points) * weights)).quantize(CENT, rounding=ROUND_HALF_UP)
    return score, answered + waiting, scored + waiting


def applicable_areas(framework: Framework, *, track: str, category: str | None) -> tuple[AreaRule, ...]:
    """ESC Award: every area. Certificate: its category and the governance area."""
    if track == CERTIFICATE:
        return tuple(area for area in framework.areas if area.code == category or area.kind == GOVERNANCE)
    return framework.areas


def tier_for(total: Decimal, tiers: Sequence[Tier]) -> str:
    for tier in sorted(tiers, key=lambda tier: tier.min_score, reverse=True):
        if total >= tier.min_score:
            return tier.code
    return ""


def score_application(
    framework: Framework,
    values: Mapping[str, Value],
    *,
    track: str,
    category: str | None = None,
    memo: Memo | None = None,
) -> ScoreResult:
    """Score one application. Certificate: the total is its category's area score. ESC Award: core_weight × the
    mean of the category areas + governance_weight × the governance area (the mean alone without governance).

    `memo` (optional, shared across the applications of one framework) reuses an indicator's score for a value
    already scored: a whole-cycle pass then scores each distinct (indicator, value) pair once.
    """
    settings = framework.settings
    areas, items, positions = framework.plan(track, category)
    indicators = tuple(_scores(items, values, settings.max_points, memo))
    area_scores = []
    for area, indexes in zip(areas, positions, strict=True):
        score, answered, applicable = _area_score((indicators[index] for index in indexes), settings.max_points)
        area_scores.append(AreaScore(area.code, score, answered, applicable))
    total = _total(areas, area_scores, settings, track=track, category=category)
    answered = sum(area.answered for area in area_scores)
    applicable = sum(area.applicable for area in area_scores)
    completeness = (
        (Decimal(answered) / Decimal(applicable)).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)
        if applicable
        else ZERO
    )
    return ScoreResult(
        indicators=indicators,
        areas=tuple(area_scores),
        total=total,
        completeness=completeness,
        tier=tier_for(total, settings.tiers),
        ranked=completeness >= settings.completeness_minimum,
        pending=sum(1 for item in indicators if item.pending == AWAITING),
        needs_reviewer=sum(1 for item in indicators if item.pending == ABSTAINED),
    )


def _total(
    areas: Sequence[AreaRule], scores: Sequence[AreaScore], settings: Settings, *, track: str, category: str | None
) -> Decimal:
    by_code = {score.code: score.score for score in scores}
    if track == CERTIFICATE:
        return by_code.get(category or "", ZERO)
    core = [by_code[area.code] for area in areas if area.kind != GOVERNANCE]
    governance = [by_code[area.code] for area in areas if area.kind == GOVERNANCE]
    if not core:
        core, count = [ZERO], 1
    else:
        count = len(core)
    if not governance:
        return (sum(core, ZERO) / count).quantize(CENT, rounding=ROUND_HALF_UP)
    # One expression, dividing last, so that an exact tie is not cut below .xx5 by a non-terminating mean.
    total = (settings.core_weight * sum(core, ZERO) + settings.governance_weight * governance[0] * count) / count
    return total.quantize(CENT, rounding=ROUND_HALF_UP)

"""Checking and normalising one scoring rule (``validate_rule``); the file parser and the admin forms share it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final, NamedTuple

from django.utils.translation import gettext as _

from indicators.rules.readers import Checker, canonical_number, is_text, to_decimal, to_whole
from indicators.rules.specs import FrameworkError
from indicators.rules.vocabulary import (
    DIRECTIONS,
    HUNDRED,
    RUBRIC_SCORERS,
    RULE_TYPES,
    RULE_TYPES_BY_VALUE_TYPE,
    VALUE_TYPES,
)


@dataclass(slots=True)
class RuleCheck(Checker):
    """A checker that also knows what the rule will score."""

    value_type: str = "number"
    max_points: int = 4
    value_range: tuple[Decimal, Decimal] | None = None

    def points(self, level: Mapping[str, Any], position: int) -> int | None:
        raw = level.get("points")
        points = to_whole(raw)
        if points is None or not 0 <= points <= self.max_points:
            self.fail(
                _(
                    "{code}: points of level {position} must be a whole number from 0 to {max_points} (got “{value}”)"
                ).format(code=self.where, position=position, max_points=self.max_points, value=raw)
            )
            return None
        return points


@dataclass(frozen=True, slots=True)
class _StepWords:
    """Messages for a list of steps; thresholds call them levels, compliance rules call them bands."""

    overlap: str
    rising: str
    too_few: str
    not_mapping: str


def _threshold_words() -> _StepWords:
    return _StepWords(
        overlap=_("{code}: thresholds overlap or are not monotonic (levels {first} and {second})"),
        rising=_("{code}: points rise as the value gets worse (levels {first} and {second})"),
        too_few=_("{code}: thresholds need at least two levels"),
        not_mapping=_("{code}: level {position} must be a mapping with “{key}” and “points”"),
    )


def _compliance_words() -> _StepWords:
    return _StepWords(
        overlap=_("{code}: compliance bands overlap or are not monotonic (bands {first} and {second})"),
        rising=_("{code}: points rise as the percentage gets worse (bands {first} and {second})"),
        too_few=_("{code}: a compliance rule needs at least two bands"),
        not_mapping=_("{code}: band {position} must be a mapping with “{key}” and “points”"),
    )


class _Step(NamedTuple):
    limit: Decimal | None
    points: int | None
    normalised: dict[str, Any]


def _read_step(
    check: RuleCheck, level: Mapping[str, Any], *, position: int, limit_key: str, is_last: bool, labels: bool
) -> _Step:
    """Read one threshold level or compliance band; ``limit_key`` is "min" or "max"."""
    other_key = "max" if limit_key == "min" else "min"
    allowed = [limit_key, "points", *(["label_th", "label_en"] if labels else [])]
    if other_key in level:
        check.fail(
            _("{code}: level {position} uses “{other}”; this rule needs “{key}” on every level").format(
                code=check.where, position=position, other=other_key, key=limit_key
            )
        )
    check.keys({key: value for key, value in level.items() if key != other_key}, allowed, section=_("scoring"))
    open_ended_allowed = limit_key == "max" and is_last
    limit: Decimal | None = None
    if limit_key not in level:
        if other_key not in level:  # else the wrong key was already reported above
            check.fail(
                _("{code}: level {position} has no “{key}”").format(code=check.where, position=position, key=limit_key)
            )
    elif level[limit_key] is None:
        if limit_key == "min":
            check.fail(
                _("{code}: the “min” of level {position} must be a number").format(code=check.where, position=position)
            )
        elif not open_ended_allowed:
            check.fail(
                _("{code}: only the last level may be open ended (level {position} has max: null)").format(
                    code=check.where, position=position
                )
            )
    else:
        limit = to_decimal(level[limit_key])
        if limit is None:
            check.fail(
                _("{code}: the “{key}” of level {position} must be a number (got “{value}”)").format(
                    code=check.where, key=limit_key, position=position, value=level[limit_key]
                )
            )
        elif open_ended_allowed:
            check.fail(
                _(
                    "{code}: the last level must be open ended (max: null) so that every value above {limit} scores"
                ).format(code=check.where, limit=canonical_number(limit))
            )
    points = check.points(level, position)
    normalised: dict[str, Any] = {limit_key: None if limit is None else canonical_number(limit), "points": points}
    if labels and ("label_th" in level or "label_en" in level):
        label_th, label_en = level.get("label_th"), level.get("label_en")
        if not (is_text(label_th) and is_text(label_en)):
            check.fail(
                _("{code}: level {position} needs both label_th and label_en, or neither").format(
                    code=check.where, position=position
                )
            )
        else:
            normalised["label_th"], normalised["label_en"] = str(label_th).strip(), str(label_en).strip()
    return _Step(limit, points, normalised)


def _read_steps(check: RuleCheck, raw: object, *, limit_key: str, words: _StepWords, labels: bool) -> list[_Step]:
    """Read and cross-check the ordered steps of a thresholds or compliance rule.

    Steps run from the best values to the worst: "min" limits strictly fall, "max" limits strictly rise, and points
    never rise along the way, so a better value can never earn fewer points.
    """
    if not isinstance(raw, list) or len(raw) < 2:
        check.fail(words.too_few.format(code=check.where))
        return []
    steps: list[_Step] = []
    for position, level in enumerate(raw, start=1):
        if not isinstance(level, Mapping):
            check.fail(words.not_mapping.format(code=check.where, position=position, key=limit_key))
            steps.append(_Step(None, None, {}))
            continue
        steps.append(
            _read_step(
                check, level, position=position, limit_key=limit_key, is_last=position == len(raw), labels=labels
            )
        )
    for position in range(1, len(steps)):
        better, worse = steps[position - 1], steps[position]
        if better.limit is not None and worse.limit is not None:
            ordered = worse.limit < better.limit if limit_key == "min" else worse.limit > better.limit
            if not ordered:
                check.fail(words.overlap.format(code=check.where, first=position, second=position + 1))
        if better.points is not None and worse.points is not None and worse.points > better.points:
            check.fail(words.rising.format(code=check.where, first=position, second=position + 1))
    return steps


def _check_limits_in_range(check: RuleCheck, steps: list[_Step], *, limit_key: str) -> None:
    """Check every limit against the indicator's plausible range; the worst "min" level must reach its floor."""
    if check.value_range is None:
        return
    low, high = check.value_range
    for position, step in enumerate(steps, start=1):
        if step.limit is None:
            continue
        is_floor_level = limit_key == "min" and position == len(steps)
        if is_floor_level and step.limit > low:
            check.fail(
                _("{code}: the last level (min {limit}) must start at or below the range minimum {floor}").format(
                    code=check.where, limit=canonical_number(step.limit), floor=canonical_number(low)
                )
            )
        elif not (is_floor_level or low <= step.limit <= high):
            check.fail(
                _(
                    "{code}: the limit {limit} of level {position} lies outside the plausible range {low} to {high}"
                ).format(
                    code=check.where,
                    limit=canonical_number(step.limit),
                    position=position,
                    low=canonical_number(low),
                    high=canonical_number(high),
                )
            )


def _check_whole_limits(check: RuleCheck, steps: list[_Step]) -> None:
    """Counts are whole numbers, so a limit of 7.5 days would be a typo, not a threshold."""
    if check.value_type != "count":
        return
    for position, step in enumerate(steps, start=1):
        if step.limit is not None and step.limit != step.limit.to_integral_value():
            check.fail(
                _("{code}: the limit {limit} of level {position} must be a whole number for a count indicator").format(
                    code=check.where, limit=canonical_number(step.limit), position=position
                )
            )


def _check_thresholds(check: RuleCheck, rule: Mapping[str, Any]) -> dict[str, Any]:
    check.keys(rule, ["type", "direction", "levels"], section=_("scoring"))
    direction = rule.get("direction")
    if direction is None:
        check.missing("direction")
        return {}
    if direction not in DIRECTIONS:
        check.fail(_("{code}: unknown direction “{direction}”").format(code=check.where, direction=direction))
        return {}
    limit_key = "min" if direction == "higher_better" else "max"
    steps = _read_steps(check, rule.get("levels"), limit_key=limit_key, words=_threshold_words(), labels=True)
    _check_whole_limits(check, steps)
    _check_limits_in_range(check, steps, limit_key=limit_key)
    return {"type": "thresholds", "direction": direction, "levels": [step.normalised for step in steps]}


def _check_compliance(check: RuleCheck, rule: Mapping[str, Any]) -> dict[str, Any]:
    check.keys(rule, ["type", "bands"], section=_("scoring"))
    steps = _read_steps(check, rule.get("bands"), limit_key="min", words=_compliance_words(), labels=False)
    for position, step in enumerate(steps, start=1):
        if step.limit is not None and not 0 <= step.limit <= HUNDRED:
            check.fail(
                _("{code}: band {position} starts at {limit}; compliance bands must lie between 0 and 100").format(
                    code=check.where, position=position, limit=canonical_number(step.limit)
                )
            )
    if steps and steps[-1].limit not in (None, Decimal(0)):
        check.fail(
            _("{code}: the last compliance band must start at 0 so that every percentage scores").format(
                code=check.where
            )
        )
    return {"type": "compliance", "bands": [step.normalised for step in steps]}


def _check_linear(check: RuleCheck, rule: Mapping[str, Any]) -> dict[str, Any]:
    check.keys(rule, ["type", "floor", "target", "max_points"], section=_("scoring"))
    floor = check.number(rule, "floor")
    target = check.number(rule, "target")
    max_points = check.whole(rule, "max_points", low=1, high=check.max_points, default=check.max_points)
    if floor is not None and target is not None and floor == target:
        check.fail(_("{code}: the floor and the target of a linear rule must differ").format(code=check.where))
    if check.value_range is not None:
        low, high = check.value_range
        for key, number in (("floor", floor), ("target", target)):
            if number is not None and not low <= number <= high:
                check.fail(
                    _("{code}: the {key} {limit} lies outside the plausible range {low} to {high}").format(
                        code=check.where,
                        key=key,
                        limit=canonical_number(number),
                        low=canonical_number(low),
                        high=canonical_number(high),
                    )
                )
    return {
        "type": "linear",
        "floor": None if floor is None else canonical_number(floor),
        "target": None if target is None else canonical_number(target),
        "max_points": max_points,
    }


def _check_yes_no(check: RuleCheck, rule: Mapping[str, Any]) -> dict[str, Any]:
    check.keys(rule, ["type", "yes_points", "no_points"], section=_("scoring"))
    yes_points = check.whole(rule, "yes_points", low=0, high=check.max_points, default=check.max_points)
    no_points = check.whole(rule, "no_points", low=0, high=check.max_points, default=0)
    if yes_points is not None and yes_points == no_points:
        check.fail(_("{code}: yes and no must not earn the same points").format(code=check.where))
    return {"type": "yes_no", "yes_points": yes_points, "no_points": no_points}


def _check_rubric(check: RuleCheck, rule: Mapping[str, Any]) -> dict[str, Any]:
    check.keys(rule, ["type", "levels", "scored_by"], section=_("scoring"))
    scored_by = rule.get("scored_by", "reviewer")
    if scored_by not in RUBRIC_SCORERS:
        check.fail(
            _("{code}: scored_by “{value}” must be one of: {choices}").format(
                code=check.where, value=scored_by, choices=", ".join(RUBRIC_SCORERS)
            )
        )
    raw = rule.get("levels")
    if not isinstance(raw, list):
        check.fail(
            _(
                "{code}: a rubric needs a list of levels from 0 to {max_points} points, each with label_th and label_en"
            ).format(code=check.where, max_points=check.max_points)
        )
        return {}
    by_points: dict[int, dict[str, Any]] = {}
    for position, level in enumerate(raw, start=1):
        if not isinstance(level, Mapping):
            check.fail(
                _("{code}: rubric level {position} must be a mapping with points, label_th and label_en").format(
                    code=check.where, position=position
                )
            )
            continue
        check.keys(level, ["points", "label_th", "label_en"], section=_("scoring"))
        points = check.points(level, position)
        if points is None:
            continue
        if points in by_points:
            check.fail(_("{code}: rubric level {points} appears twice").format(code=check.where, points=points))
        if not is_text(level.get("label_th")):
            check.fail(
                _("{code}: rubric level {points} has no Thai label (label_th)").format(code=check.where, points=points)
            )
        if not is_text(level.get("label_en")):
            check.fail(
                _("{code}: rubric level {points} has no English label (label_en)").format(
                    code=check.where, points=points
                )
            )
        by_points[points] = {
            "points": points,
            "label_th": str(level.get("label_th") or "").strip(),
            "label_en": str(level.get("label_en") or "").strip(),
        }
    for points in range(check.max_points + 1):
        if points not in by_points:
            check.fail(_("{code}: rubric level {points} is missing").format(code=check.where, points=points))
    return {"type": "rubric", "levels": [by_points[p] for p in sorted(by_points)], "scored_by": scored_by}


def _check_text(check: RuleCheck, rule: Mapping[str, Any]) -> dict[str, Any]:
    check.keys(rule, ["type"], section=_("scoring"))
    return {"type": "text"}


_RULE_CHECKS: Final[dict[str, Callable[[RuleCheck, Mapping[str, Any]], dict[str, Any]]]] = {
    "thresholds": _check_thresholds,
    "compliance": _check_compliance,
    "linear": _check_linear,
    "yes_no": _check_yes_no,
    "rubric": _check_rubric,
    "text": _check_text,
}


def check_rule(check: RuleCheck, rule: object) -> dict[str, Any]:
    """Check ``rule`` into ``check.errors`` and return its normalised form (meaningless when errors were added)."""
    if not isinstance(rule, Mapping):
        check.fail(_("{code}: the scoring rule must be a mapping with a “type” key").format(code=check.where))
        return {}
    rule_type = rule.get("type")
    if rule_type is None:
        check.missing("type")
        return {}
    if rule_type not in RULE_TYPES:
        check.fail(_("{code}: unknown rule type “{rule_type}”").format(code=check.where, rule_type=rule_type))
        return {}
    if check.value_type not in VALUE_TYPES:
        check.fail(_("{code}: unknown value type “{value_type}”").format(code=check.where, value_type=check.value_type))
        return {}
    if rule_type not in RULE_TYPES_BY_VALUE_TYPE[check.value_type]:
        check.fail(
            _("{code}: a “{rule_type}” rule cannot score a “{value_type}” indicator (allowed: {allowed})").format(
                code=check.where,
                rule_type=rule_type,
                value_type=check.value_type,
                allowed=", ".join(RULE_TYPES_BY_VALUE_TYPE[check.value_type]),
            )
        )
        return {}
    return _RULE_CHECKS[rule_type](check, rule)


def validate_rule(
    rule: Mapping[str, Any],
    *,
    value_type: str,
    max_points: int = 4,
    code: str | None = None,
    value_range: tuple[Decimal, Decimal] | None = None,
) -> dict[str, Any]:
    """Check a scoring rule and return it normalised, or raise ``FrameworkError`` listing every problem.

    ``value_type`` is the indicator's value type (the rule type must suit it); ``max_points`` is the top of the
    points scale; ``code`` names the indicator in messages (default: "scoring rule"); ``value_range`` is the
    indicator's plausible (min, max), against which threshold limits are checked when given.

    The normalised rule holds every number as a canonical Decimal string and every point value as an int, lists
    threshold levels and compliance bands from the best values to the worst, rubric levels from 0 points up, and
    fills the defaults (``max_points`` of a linear rule; yes = max_points and no = 0 of a yes/no rule;
    ``scored_by: reviewer`` of a rubric). "default" level lists are resolved by ``parse_framework`` only.
    """
    errors: list[str] = []
    check = RuleCheck(
        where=code or _("scoring rule"),
        errors=errors,
        value_type=value_type,
        max_points=max_points,
        value_range=value_range,
    )
    normalised = check_rule(check, rule)
    if errors:
        raise FrameworkError(errors)
    return normalised

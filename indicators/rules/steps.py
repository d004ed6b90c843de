"""Threshold levels and compliance bands: ordered steps from the best values to the worst, each with one limit.

A higher-is-better step has "min" (value ≥ limit) or "above" (value > limit); a lower-is-better step has "max"
(value ≤ limit) or "below" (value < limit), and the last lower-is-better step is "max: null" (open ended). The
normalised step keeps the key the file used, so that a rule round-trips through the admin's YAML editor.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

from django.utils.translation import gettext as _

from indicators.rules.readers import RuleCheck, is_text, to_decimal
from indicators.rules.vocabulary import DIRECTIONS, HIGHER_LIMIT_KEYS, HUNDRED, LOWER_LIMIT_KEYS
from portal.values import canonical_number


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
        not_mapping=_("{code}: level {position} must be a mapping with “{key}” or “{strict}”, and “points”"),
    )


def _compliance_words() -> _StepWords:
    return _StepWords(
        overlap=_("{code}: compliance bands overlap or are not monotonic (bands {first} and {second})"),
        rising=_("{code}: points rise as the percentage gets worse (bands {first} and {second})"),
        too_few=_("{code}: a compliance rule needs at least two bands"),
        not_mapping=_("{code}: band {position} must be a mapping with “{key}” or “{strict}”, and “points”"),
    )


class _Step(NamedTuple):
    """One level or band as read: its limit (None when open or unusable), whether the comparison is strict
    ("above"/"below") and its points."""

    limit: Decimal | None
    strict: bool
    points: int | None
    normalised: dict[str, Any]


def _limit_key(check: RuleCheck, level: Mapping[str, Any], *, position: int, higher: bool) -> str | None:
    """The one limit key a level uses, or None (after reporting why) when it has none, both, or the other
    direction's keys."""
    inclusive, strict = HIGHER_LIMIT_KEYS if higher else LOWER_LIMIT_KEYS
    wrong = [key for key in (LOWER_LIMIT_KEYS if higher else HIGHER_LIMIT_KEYS) if key in level]
    present = [key for key in (inclusive, strict) if key in level]
    if wrong:
        check.fail(
            _("{code}: level {position} uses “{other}”; this rule needs “{key}” or “{strict}” on every level").format(
                code=check.where, position=position, other=wrong[0], key=inclusive, strict=strict
            )
        )
    if len(present) == 2:
        check.fail(
            _("{code}: level {position} has both “{key}” and “{strict}”; give exactly one").format(
                code=check.where, position=position, key=inclusive, strict=strict
            )
        )
        return None
    if not present:
        if not wrong:  # else the wrong key was already reported above
            check.fail(
                _("{code}: level {position} has no “{key}” or “{strict}”").format(
                    code=check.where, position=position, key=inclusive, strict=strict
                )
            )
        return None
    return present[0]


def _read_limit(
    check: RuleCheck, level: Mapping[str, Any], key: str, *, position: int, open_ended: bool
) -> Decimal | None:
    """The number under ``key``; None when it is null (allowed only as "max: null" on an open-ended last level)."""
    if level[key] is None:
        if key != "max":
            check.fail(
                _("{code}: level {position} has “{key}: null”; only “max: null” may leave a level open ended").format(
                    code=check.where, position=position, key=key
                )
            )
        elif not open_ended:
            check.fail(
                _("{code}: only the last level may be open ended (level {position} has max: null)").format(
                    code=check.where, position=position
                )
            )
        return None
    limit = to_decimal(level[key])
    if limit is None:
        check.fail(
            _("{code}: the “{key}” of level {position} must be a number (got “{value}”)").format(
                code=check.where, key=key, position=position, value=level[key]
            )
        )
    elif open_ended:
        check.fail(
            _("{code}: the last level must be open ended (max: null) so that every value above {limit} scores").format(
                code=check.where, limit=canonical_number(limit)
            )
        )
    return limit


def _read_step(
    check: RuleCheck, level: Mapping[str, Any], *, position: int, higher: bool, is_last: bool, labels: bool
) -> _Step:
    """Read one threshold level or compliance band; ``higher`` says whether higher values are better."""
    other_keys = LOWER_LIMIT_KEYS if higher else HIGHER_LIMIT_KEYS
    allowed = [
        *(HIGHER_LIMIT_KEYS if higher else LOWER_LIMIT_KEYS),
        "points",
        *(["label_th", "label_en"] if labels else []),
    ]
    check.keys({key: value for key, value in level.items() if key not in other_keys}, allowed, section=_("scoring"))
    key = _limit_key(check, level, position=position, higher=higher)
    open_ended_allowed = not higher and is_last
    limit = None if key is None else _read_limit(check, level, key, position=position, open_ended=open_ended_allowed)
    points = check.points(level, position)
    name = key or (HIGHER_LIMIT_KEYS if higher else LOWER_LIMIT_KEYS)[0]
    normalised: dict[str, Any] = {name: None if limit is None else canonical_number(limit), "points": points}
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
    return _Step(limit, key in {"above", "below"}, points, normalised)


def _ordered(better: _Step, worse: _Step, *, higher: bool) -> bool:
    """True when every value that reaches ``better`` also reaches ``worse``, and some value reaches only ``worse``
    (or when a limit is open or unreadable, which is reported elsewhere).

    Limits move away from the best values; one limit may repeat when the better step is strict and the worse one
    inclusive ("below: 180" then "max: 180": less than 180, then exactly 180).
    """
    if better.limit is None or worse.limit is None:
        return True
    if better.limit == worse.limit:
        return better.strict and not worse.strict
    return worse.limit < better.limit if higher else worse.limit > better.limit


def _read_steps(check: RuleCheck, raw: object, *, higher: bool, words: _StepWords, labels: bool) -> list[_Step]:
    """Read and cross-check the ordered steps of a thresholds or compliance rule.

    Steps run from the best values to the worst: limits fall (higher is better) or rise (lower is better) from
    one step to the next, and points never rise along the way, so a better value can never earn fewer points.
    """
    if not isinstance(raw, list) or len(raw) < 2:
        check.fail(words.too_few.format(code=check.where))
        return []
    steps: list[_Step] = []
    for position, level in enumerate(raw, start=1):
        if not isinstance(level, Mapping):
            inclusive, strict = HIGHER_LIMIT_KEYS if higher else LOWER_LIMIT_KEYS
            check.fail(words.not_mapping.format(code=check.where, position=position, key=inclusive, strict=strict))
            steps.append(_Step(None, False, None, {}))
            continue
        steps.append(
            _read_step(check, level, position=position, higher=higher, is_last=position == len(raw), labels=labels)
        )
    for position in range(1, len(steps)):
        better, worse = steps[position - 1], steps[position]
        if not _ordered(better, worse, higher=higher):
            check.fail(words.overlap.format(code=check.where, first=position, second=position + 1))
        if better.points is not None and worse.points is not None and worse.points > better.points:
            check.fail(words.rising.format(code=check.where, first=position, second=position + 1))
    return steps


def _check_reachable(check: RuleCheck, step: _Step, *, position: int, low: Decimal, high: Decimal) -> None:
    """A strict limit at the edge of the range leaves its level empty: nothing plausible is above the maximum."""
    if not step.strict or step.limit is None:
        return
    if "above" in step.normalised and step.limit >= high:
        check.fail(
            _("{code}: no plausible value is above {limit}, so level {position} can never be reached").format(
                code=check.where, limit=canonical_number(step.limit), position=position
            )
        )
    elif "below" in step.normalised and step.limit <= low:
        check.fail(
            _("{code}: no plausible value is below {limit}, so level {position} can never be reached").format(
                code=check.where, limit=canonical_number(step.limit), position=position
            )
        )


def _check_limits_in_range(check: RuleCheck, steps: list[_Step], *, higher: bool) -> None:
    """Check every limit against the indicator's plausible range.

    The worst level of a higher-is-better rule must take every value down to the range minimum: "min" at or below
    it, "above" strictly below it (above 0 leaves out 0 itself). A strict limit must leave its level some
    plausible value.
    """
    if check.value_range is None:
        return
    low, high = check.value_range
    for position, step in enumerate(steps, start=1):
        if step.limit is None:
            continue
        if higher and position == len(steps):
            if step.strict and step.limit >= low:
                check.fail(
                    _(
                        "{code}: the last level (above {limit}) leaves out the range minimum {floor}: "
                        "write “min: {floor}” or a limit below {floor}"
                    ).format(code=check.where, limit=canonical_number(step.limit), floor=canonical_number(low))
                )
            elif step.limit > low:
                check.fail(
                    _("{code}: the last level (min {limit}) must start at or below the range minimum {floor}").format(
                        code=check.where, limit=canonical_number(step.limit), floor=canonical_number(low)
                    )
                )
            continue
        if not low <= step.limit <= high:
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
        else:
            _check_reachable(check, step, position=position, low=low, high=high)


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


def check_thresholds(check: RuleCheck, rule: Mapping[str, Any]) -> dict[str, Any]:
    check.keys(rule, ["type", "direction", "levels"], section=_("scoring"))
    direction = rule.get("direction")
    if direction is None:
        check.missing("direction")
        return {}
    if direction not in DIRECTIONS:
        check.fail(_("{code}: unknown direction “{direction}”").format(code=check.where, direction=direction))
        return {}
    higher = direction == "higher_better"
    steps = _read_steps(check, rule.get("levels"), higher=higher, words=_threshold_words(), labels=True)
    _check_whole_limits(check, steps)
    _check_limits_in_range(check, steps, higher=higher)
    return {"type": "thresholds", "direction": direction, "levels": [step.normalised for step in steps]}


def check_compliance(check: RuleCheck, rule: Mapping[str, Any]) -> dict[str, Any]:
    check.keys(rule, ["type", "bands"], section=_("scoring"))
    steps = _read_steps(check, rule.get("bands"), higher=True, words=_compliance_words(), labels=False)
    for position, step in enumerate(steps, start=1):
        if step.limit is not None and not 0 <= step.limit <= HUNDRED:
            check.fail(
                _("{code}: band {position} starts at {limit}; compliance bands must lie between 0 and 100").format(
                    code=check.where, position=position, limit=canonical_number(step.limit)
                )
            )
        elif position < len(steps):
            _check_reachable(check, step, position=position, low=Decimal(0), high=HUNDRED)
    if steps and steps[-1].strict:
        check.fail(
            _(
                "{code}: the last compliance band must be “min: 0”, not “above”, so that a percentage of 0 scores too"
            ).format(code=check.where)
        )
    elif steps and steps[-1].limit not in (None, Decimal(0)):
        check.fail(
            _("{code}: the last compliance band must start at 0 so that every percentage scores").format(
                code=check.where
            )
        )
    return {"type": "compliance", "bands": [step.normalised for step in steps]}

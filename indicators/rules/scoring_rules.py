"""Checking and normalising one scoring rule (``validate_rule``); the file parser and the admin forms share it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, Final

from django.utils.translation import gettext as _

from indicators.rules.readers import RuleCheck, is_text
from indicators.rules.specs import FrameworkError
from indicators.rules.steps import check_compliance, check_thresholds
from indicators.rules.vocabulary import (
    RUBRIC_SCORERS,
    RULE_TYPES,
    RULE_TYPES_BY_VALUE_TYPE,
    VALUE_TYPES,
)
from portal.values import canonical_number


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
    "thresholds": check_thresholds,
    "compliance": check_compliance,
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

"""Scoring rules described as a sentence and a table of (condition, points) rows, in Thai or English."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any, Final, NamedTuple

from indicators.rules.readers import is_whole
from indicators.rules.specs import IndicatorSpec
from indicators.rules.vocabulary import HIGHER_LIMIT_KEYS, HUNDRED, LOWER_LIMIT_KEYS, UNITS
from portal.values import canonical_number

# ---------------------------------------------------------------------------------------------------------------
# Rule descriptions. Built explicitly per language (no gettext) so that a Thai page can show the English wording
# of the nomination packet and vice versa, whatever language is active.
# ---------------------------------------------------------------------------------------------------------------

_LANGUAGES: Final = ("th", "en")
# Ranges are written with an en dash, as in print; spelled by name so that it cannot be mistaken for a hyphen.
_DASH: Final = "\N{EN DASH}"


def _with_unit(number: str, unit_symbol: str) -> str:
    return f"{number} {unit_symbol}" if unit_symbol else number


def _span(low: Decimal, high: Decimal, unit_symbol: str) -> str:
    """A closed range of whole numbers: "1–7 days", or "8 days" when both ends meet."""
    text = canonical_number(low) if low == high else f"{canonical_number(low)}{_DASH}{canonical_number(high)}"
    return _with_unit(text, unit_symbol)


def _points_span(points: Sequence[int]) -> str:
    return f"{min(points)}{_DASH}{max(points)}" if points else "0"


class _Bound(NamedTuple):
    """One side of a band: the limit, and whether the limit itself is left out (> or <)."""

    limit: Decimal
    strict: bool


def _step_bound(level: Mapping[str, Any], *, higher: bool) -> _Bound | None:
    """A step's own limit (None for the open last level of a lower-is-better rule)."""
    inclusive, strict = HIGHER_LIMIT_KEYS if higher else LOWER_LIMIT_KEYS
    key = strict if strict in level else inclusive
    return None if level.get(key) is None else _Bound(Decimal(str(level[key])), key == strict)


def _bands(levels: Sequence[Mapping[str, Any]], *, higher: bool) -> list[tuple[_Bound | None, _Bound | None]]:
    """(lower, upper) bound of the values that score each step, best first.

    A step takes what reaches its own limit and not the better step's: the better step's limit, with the other
    comparison ("min: 90" leaves "< 90" to the next step, "below: 180" leaves "≥ 180"), bounds it on the side of
    the better values.
    """
    own = [_step_bound(level, higher=higher) for level in levels]
    bands: list[tuple[_Bound | None, _Bound | None]] = []
    for index, bound in enumerate(own):
        better = own[index - 1] if index else None
        beyond = None if better is None else _Bound(better.limit, not better.strict)
        bands.append((bound, beyond) if higher else (beyond, bound))
    return bands


def _one_side(bound: _Bound, unit: str, language: str, *, lower: bool) -> str:
    """ "at least 90 %", "more than 200 L/person/day", "at most 10 µg/m³", "less than 180 L/person/day"."""
    text = _with_unit(canonical_number(bound.limit), unit)
    if lower:
        words = ("มากกว่า", "more than") if bound.strict else ("ไม่น้อยกว่า", "at least")
    else:
        words = ("น้อยกว่า", "less than") if bound.strict else ("ไม่เกิน", "at most")
    return f"{words[0] if language == 'th' else words[1]} {text}"


def _two_sides(low: _Bound, high: _Bound, unit: str, language: str) -> str:
    """ "180 – 200", "80 – < 90", "> 10 – ≤ 15" (Thai); "180 to 200", "80 to less than 90", "more than 10 up to
    15" (English); a band whose two limits meet holds that one value: "180"."""
    low_text, high_text = canonical_number(low.limit), _with_unit(canonical_number(high.limit), unit)
    if low.limit == high.limit:
        return high_text
    if not (low.strict or high.strict):
        return f"{low_text} {_DASH} {high_text}" if language == "th" else f"{low_text} to {high_text}"
    if language == "th":
        return f"{'> ' if low.strict else ''}{low_text} {_DASH} {'<' if high.strict else '≤'} {high_text}"
    return f"{'more than ' if low.strict else ''}{low_text} {'to less than' if high.strict else 'up to'} {high_text}"


def _whole_condition(low: _Bound | None, high: _Bound | None, unit: str, language: str) -> str | None:
    """Whole-number wording for counts: "1–7 days", "0 days", "at least 10 sites" (ตั้งแต่ 10 แห่งขึ้นไป); None when
    the band holds no whole number, so that the continuous wording shows it as the rule says."""
    first = None if low is None else low.limit + 1 if low.strict else low.limit
    last = None if high is None else high.limit - 1 if high.strict else high.limit
    if first is not None and last is not None:
        return _span(first, last, unit) if first <= last else None
    if first is not None and low is not None and not low.strict:
        # Thai joins a unit word straight onto ขึ้นไป ("ตั้งแต่ 10 วันขึ้นไป"); a bare number needs a space.
        number = canonical_number(first)
        thai = f"ตั้งแต่ {number} {unit}ขึ้นไป" if unit else f"ตั้งแต่ {number} ขึ้นไป"
        return thai if language == "th" else f"at least {_with_unit(number, unit)}"
    if last is not None and last >= 0:  # the best band of a lower-is-better count starts at 0
        return _span(Decimal(0), last, unit)
    return None


def _condition(low: _Bound | None, high: _Bound | None, unit: str, language: str, *, whole: bool) -> str:
    worded = _whole_condition(low, high, unit, language) if whole else None
    if worded is not None:
        return worded
    if low is not None and high is not None:
        return _two_sides(low, high, unit, language)
    if low is not None:
        return _one_side(low, unit, language, lower=True)
    assert high is not None
    return _one_side(high, unit, language, lower=False)


def _step_table(
    levels: Sequence[Mapping[str, Any]],
    *,
    higher: bool,
    unit_symbol: str,
    language: str,
    integer: bool,
    full_top: bool,
) -> list[tuple[str, int]]:
    """Rows for thresholds levels or compliance bands, best first. ``full_top`` words a top "min: 100" as exactly
    "100 %"; the worst higher-is-better level, which reaches down to the range floor, shows only its upper side
    ("less than 50 %") unless it holds a single value or the values are counted."""
    bands = _bands(levels, higher=higher)
    limits = [bound.limit for band in bands for bound in band if bound is not None]
    whole = integer and all(is_whole(limit) for limit in limits)
    rows: list[tuple[str, int]] = []
    for index, (band, level) in enumerate(zip(bands, levels, strict=True)):
        low, high = band
        if full_top and index == 0 and low is not None and not low.strict and low.limit == HUNDRED:
            condition = _with_unit(canonical_number(HUNDRED), unit_symbol)
        else:
            floor_level = higher and index == len(bands) - 1 and index > 0
            if floor_level and not whole and low is not None and high is not None and low.limit != high.limit:
                low = None
            condition = _condition(low, high, unit_symbol, language, whole=whole)
        label = level.get(f"label_{language}")
        rows.append((f"{condition} ({label})" if label else condition, int(level["points"])))
    return rows


def _describe_thresholds(
    rule: Mapping[str, Any], unit_symbol: str, language: str, integer: bool
) -> tuple[str, list[tuple[str, int]]]:
    higher = rule["direction"] == "higher_better"
    levels = rule["levels"]
    span = _points_span([int(level["points"]) for level in levels])
    if language == "th":
        trend = "ค่ายิ่งสูงยิ่งได้คะแนนมาก" if higher else "ค่ายิ่งต่ำยิ่งได้คะแนนมาก"
        sentence = f"ให้คะแนนตามช่วงของค่า {trend} ({span} คะแนน)"
    else:
        trend = "the higher the value, the more points" if higher else "the lower the value, the more points"
        sentence = f"Points by value band: {trend} ({span} points)."
    table = _step_table(
        levels,
        higher=higher,
        unit_symbol=unit_symbol,
        language=language,
        integer=integer,
        full_top=False,
    )
    return sentence, table


def _describe_compliance(
    rule: Mapping[str, Any], unit_symbol: str, language: str, integer: bool
) -> tuple[str, list[tuple[str, int]]]:
    bands = rule["bands"]
    span = _points_span([int(band["points"]) for band in bands])
    if language == "th":
        sentence = f"ให้คะแนนตามร้อยละของตัวอย่างหรือแหล่งที่ผ่านเกณฑ์มาตรฐาน ({span} คะแนน)"
    else:
        sentence = f"Points by the percentage of samples or sources that meet the standard ({span} points)."
    table = _step_table(bands, higher=True, unit_symbol=unit_symbol, language=language, integer=False, full_top=True)
    return sentence, table


def _describe_linear(
    rule: Mapping[str, Any], unit_symbol: str, language: str, integer: bool
) -> tuple[str, list[tuple[str, int]]]:
    floor, target = Decimal(str(rule["floor"])), Decimal(str(rule["target"]))
    max_points = int(rule["max_points"])
    floor_text = _with_unit(canonical_number(floor), unit_symbol)
    target_text = _with_unit(canonical_number(target), unit_symbol)
    higher = floor < target
    if language == "th":
        sentence = f"คะแนนเพิ่มขึ้นตามสัดส่วนเชิงเส้น จาก 0 คะแนนที่ {floor_text} ถึง {max_points} คะแนนที่ {target_text}"
        best = f"≥ {target_text}" if higher else f"≤ {target_text}"
        worst = f"≤ {floor_text}" if higher else f"≥ {floor_text}"
    else:
        sentence = (
            f"Points rise in a straight line from 0 points at {floor_text} to {max_points} points at {target_text}."
        )
        best = f"at least {target_text}" if higher else f"at most {target_text}"
        worst = f"at most {floor_text}" if higher else f"at least {floor_text}"
    return sentence, [(best, max_points), (worst, 0)]


def _describe_yes_no(
    rule: Mapping[str, Any], unit_symbol: str, language: str, integer: bool
) -> tuple[str, list[tuple[str, int]]]:
    yes_points, no_points = int(rule["yes_points"]), int(rule["no_points"])
    if language == "th":
        sentence = f"ได้ {yes_points} คะแนนเมื่อมี/ใช่ และ {no_points} คะแนนเมื่อไม่มี/ไม่ใช่"
        return sentence, [("มี/ใช่", yes_points), ("ไม่มี/ไม่ใช่", no_points)]
    return f"{yes_points} points for yes, {no_points} points for no.", [("yes", yes_points), ("no", no_points)]


def _describe_rubric(
    rule: Mapping[str, Any], unit_symbol: str, language: str, integer: bool
) -> tuple[str, list[tuple[str, int]]]:
    levels = sorted(rule["levels"], key=lambda level: int(level["points"]), reverse=True)
    span = _points_span([int(level["points"]) for level in levels])
    on_site = rule.get("scored_by") == "site_visit_reviewer"
    if language == "th":
        scorer = "ผู้ประเมินให้คะแนนจากการตรวจพื้นที่" if on_site else "ผู้ประเมินให้คะแนน"
        sentence = f"เทศบาลประเมินตนเองได้ {scorer} {span} คะแนนตามระดับการดำเนินงาน"
    else:
        scorer = "the reviewer assigns the points on the site visit" if on_site else "the reviewer assigns the points"
        sentence = f"The municipality may self-assess; {scorer} ({span}) by level of practice."
    return sentence, [(str(level[f"label_{language}"]), int(level["points"])) for level in levels]


def _describe_text(
    rule: Mapping[str, Any], unit_symbol: str, language: str, integer: bool
) -> tuple[str, list[tuple[str, int]]]:
    return ("ไม่นำมาคิดคะแนน" if language == "th" else "Not scored"), []


_DESCRIBERS: Final[dict[str, Callable[[Mapping[str, Any], str, str, bool], tuple[str, list[tuple[str, int]]]]]] = {
    "thresholds": _describe_thresholds,
    "compliance": _describe_compliance,
    "linear": _describe_linear,
    "yes_no": _describe_yes_no,
    "rubric": _describe_rubric,
    "text": _describe_text,
}


def describe_rule(
    rule: Mapping[str, Any], *, unit_symbol: str, language: str, integer: bool = False
) -> tuple[str, list[tuple[str, int]]]:
    """Describe a normalised scoring rule as (one sentence, [(condition, points), ...]) in Thai or English.

    ``language`` is "th" or "en" (ValueError otherwise); the wording does not depend on the active Django
    language. ``unit_symbol`` is written after numbers and should be the unit's symbol in that language
    (``Unit.symbol``). ``integer`` selects whole-number wording for counts such as days ("1–7 วัน", "more than
    60 days"); otherwise values are treated as continuous ("≥ 90 %", "80 – < 90 %"). Rows run from the most
    points to the fewest, except yes/no (yes first). A text rule gives ("ไม่นำมาคิดคะแนน" / "Not scored", []).
    """
    if language not in _LANGUAGES:
        raise ValueError(f"language must be one of {_LANGUAGES}, not {language!r}")
    describer = _DESCRIBERS.get(str(rule.get("type")))
    if describer is None:
        raise ValueError(f"unknown rule type {rule.get('type')!r}")
    return describer(rule, unit_symbol, language, integer)


def describe_indicator_rule(indicator: IndicatorSpec, *, language: str) -> tuple[str, list[tuple[str, int]]]:
    """``describe_rule`` for an indicator: its unit symbol in ``language``, whole-number wording for counts."""
    unit = UNITS.get(indicator.unit)
    return describe_rule(
        indicator.rule,
        unit_symbol=unit.symbol(language) if unit else "",
        language=language,
        integer=indicator.value_type == "count",
    )

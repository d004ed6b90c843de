"""Scoring rules described as a sentence and a table of (condition, points) rows, in Thai or English."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any, Final

from indicators.rules.readers import canonical_number, is_whole
from indicators.rules.specs import IndicatorSpec
from indicators.rules.vocabulary import HUNDRED, UNITS

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


def _higher_rows(limits: list[Decimal], unit: str, language: str, *, whole: bool, full_top: bool) -> list[str]:
    """Conditions for "min" steps (best first). ``full_top`` words a top limit of 100 as exactly "100 %"."""
    rows: list[str] = []
    for index, limit in enumerate(limits):
        number = canonical_number(limit)
        if index == 0:
            if full_top and limit == HUNDRED:
                rows.append(_with_unit(number, unit))
            elif whole:
                # Thai joins a unit word straight onto ขึ้นไป ("ตั้งแต่ 10 วันขึ้นไป"); a bare number needs a space.
                thai = f"ตั้งแต่ {number} {unit}ขึ้นไป" if unit else f"ตั้งแต่ {number} ขึ้นไป"
                rows.append(thai if language == "th" else f"at least {_with_unit(number, unit)}")
            else:
                rows.append(
                    f"≥ {_with_unit(number, unit)}" if language == "th" else f"at least {_with_unit(number, unit)}"
                )
            continue
        upper = limits[index - 1]
        if whole:
            rows.append(_span(limit, upper - 1, unit))
        elif index == len(limits) - 1:
            upper_text = _with_unit(canonical_number(upper), unit)
            rows.append(f"< {upper_text}" if language == "th" else f"less than {upper_text}")
        else:
            upper_text = _with_unit(canonical_number(upper), unit)
            rows.append(
                f"{number} {_DASH} < {upper_text}" if language == "th" else f"{number} to less than {upper_text}"
            )
    return rows


def _lower_rows(limits: list[Decimal | None], unit: str, language: str, *, whole: bool) -> list[str]:
    """Conditions for "max" steps (best first); the last step is open ended."""
    rows: list[str] = []
    for index, limit in enumerate(limits):
        previous = limits[index - 1] if index else None
        if limit is None:
            text = _with_unit(canonical_number(previous or Decimal(0)), unit)
            thai = f"มากกว่า {text}" if whole else f"> {text}"
            rows.append(thai if language == "th" else f"more than {text}")
        elif index == 0 and whole and limit >= 0:
            rows.append(_span(Decimal(0), limit, unit))
        elif index == 0:
            text = _with_unit(canonical_number(limit), unit)
            rows.append(f"≤ {text}" if language == "th" else f"at most {text}")
        elif whole and previous is not None:
            rows.append(_span(previous + 1, limit, unit))
        else:
            low = canonical_number(previous or Decimal(0))
            high = _with_unit(canonical_number(limit), unit)
            rows.append(f"> {low} {_DASH} ≤ {high}" if language == "th" else f"more than {low} up to {high}")
    return rows


def _step_table(
    levels: Sequence[Mapping[str, Any]],
    *,
    limit_key: str,
    unit_symbol: str,
    language: str,
    integer: bool,
    full_top: bool,
) -> list[tuple[str, int]]:
    limits = [None if level.get(limit_key) is None else Decimal(str(level[limit_key])) for level in levels]
    whole = integer and all(limit is None or is_whole(limit) for limit in limits)
    if limit_key == "min":
        conditions = _higher_rows(
            [limit or Decimal(0) for limit in limits], unit_symbol, language, whole=whole, full_top=full_top
        )
    else:
        conditions = _lower_rows(limits, unit_symbol, language, whole=whole)
    rows: list[tuple[str, int]] = []
    for condition, level in zip(conditions, levels, strict=True):
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
        limit_key="min" if higher else "max",
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
    table = _step_table(
        bands, limit_key="min", unit_symbol=unit_symbol, language=language, integer=False, full_top=True
    )
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

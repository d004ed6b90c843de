"""Indicator frameworks as data: parsing and validating framework files, and describing scoring rules.

A framework file (YAML, format in docs/framework-format.md) lists the indicator areas of one ASEAN ESC Award
cycle and, for every indicator, its unit, plausible range, guidance, evidence rule, weight, scoring rule and
provenance. ``parse_framework`` turns such a file into frozen dataclasses or refuses it with *every* problem
found, so that an admin at ONEP/DCCE can fix a file in one pass. ``validate_rule`` checks and normalises a single
scoring rule (the file parser and the admin edit forms share it). ``describe_rule`` renders a rule as a sentence
and a table of (condition, points) rows in Thai or English.

Contracts shared by the whole module:

* Numbers are ``Decimal``, never ``float``: points and thresholds are compared for equality and shown back to
  people, and binary floats would print 0.1 as 0.1000000000000000055.
* In a normalised rule every number is a string holding a canonical Decimal ("37.5", "100", "0.01") and every
  point value is an ``int``, so the dict round-trips through JSON unchanged.
* Error messages are English msgids wrapped in ``gettext`` with named placeholders; each names the indicator
  code (or area code, or top-level key) first.

The module imports nothing from Django except gettext and has no models or ORM access, so it can be used in
migrations, management commands and pure unit tests alike.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Final, NamedTuple

from django.utils.translation import gettext as _

# ---------------------------------------------------------------------------------------------------------------
# Vocabulary
# ---------------------------------------------------------------------------------------------------------------


class Unit(NamedTuple):
    """Labels of one unit of measurement.

    ``label_th``/``label_en`` are the long labels shown next to an input field; ``symbol_th``/``symbol_en`` are the
    short forms written after a number in tables ("37.5 µg/m³", "7 วัน" / "7 days"). Symbols are per language
    because most units in this domain have no language-neutral symbol (วัน/days, ลิตร/คน/วัน/L/person/day).
    """

    label_th: str
    label_en: str
    symbol_th: str
    symbol_en: str

    def symbol(self, language: str) -> str:
        """Return the short symbol for ``language`` ("th" or "en"; anything else falls back to English)."""
        return self.symbol_th if language == "th" else self.symbol_en


UNITS: Final[dict[str, Unit]] = {
    # Generic units.
    "percent": Unit("ร้อยละ", "percent", "%", "%"),
    "count": Unit("จำนวน", "number", "", ""),
    "rubric": Unit("ระดับการดำเนินงาน (0–4)", "level of practice (0–4)", "ระดับ", "level"),
    "yes_no": Unit("มี/ไม่มี", "yes/no", "", ""),
    "text": Unit("ข้อความ", "text", "", ""),
    # Shares of a named base: the label says what the percentage is taken of.
    "percent_of_monitored_days": Unit("ร้อยละของวันที่ตรวจวัด", "% of monitored days", "%", "%"),
    "percent_of_tested_vehicles": Unit("ร้อยละของยานพาหนะที่ตรวจวัด", "% of vehicles tested", "%", "%"),
    "percent_of_inspected_sources": Unit("ร้อยละของแหล่งกำเนิดที่ตรวจสอบ", "% of sources inspected", "%", "%"),
    "percent_of_households": Unit("ร้อยละของหลังคาเรือน", "% of households", "%", "%"),
    "percent_of_population": Unit("ร้อยละของประชากร", "% of population", "%", "%"),
    "percent_of_samples": Unit("ร้อยละของตัวอย่างที่ตรวจวิเคราะห์", "% of samples tested", "%", "%"),
    "percent_of_sampling_points": Unit("ร้อยละของจุดตรวจวัด", "% of sampling points", "%", "%"),
    "percent_of_generated_flow": Unit("ร้อยละของปริมาณน้ำเสียที่เกิดขึ้น", "% of wastewater generated", "%", "%"),
    "percent_of_water_produced": Unit("ร้อยละของปริมาณน้ำที่ผลิต", "% of water produced", "%", "%"),
    "percent_of_generated": Unit("ร้อยละของปริมาณขยะที่เกิดขึ้น", "% of waste generated", "%", "%"),
    "percent_of_collected": Unit("ร้อยละของปริมาณขยะที่เก็บขน", "% of waste collected", "%", "%"),
    "percent_of_area": Unit("ร้อยละของพื้นที่เขตเทศบาล", "% of municipal area", "%", "%"),
    "percent_of_green_area": Unit("ร้อยละของพื้นที่สีเขียวทั้งหมด", "% of total green area", "%", "%"),
    "percent_of_target": Unit("ร้อยละของค่าเป้าหมาย", "% of target", "%", "%"),
    # Physical quantities.
    "days_per_year": Unit("วัน/ปี", "days per year", "วัน", "days"),
    "ug_m3": Unit("ไมโครกรัม/ลบ.ม.", "micrograms per cubic metre", "µg/m³", "µg/m³"),
    "mg_l": Unit("มิลลิกรัม/ลิตร", "milligrams per litre", "มก./ล.", "mg/l"),
    "l_per_person_day": Unit("ลิตร/คน/วัน", "litres per person per day", "ลิตร/คน/วัน", "L/person/day"),
    "kg_per_person_day": Unit("กิโลกรัม/คน/วัน", "kilograms per person per day", "กก./คน/วัน", "kg/person/day"),
    "m2_per_person": Unit("ตารางเมตร/คน", "square metres per person", "ตร.ม./คน", "m²/person"),
    "tonnes_per_day": Unit("ตัน/วัน", "tonnes per day", "ตัน/วัน", "t/day"),
    "tonnes_per_year": Unit("ตัน/ปี", "tonnes per year", "ตัน/ปี", "t/year"),
    "count_per_10000_population": Unit(
        "จำนวนต่อประชากร 10,000 คน", "number per 10,000 population", "ต่อประชากร 10,000 คน", "per 10,000 population"
    ),
}

VALUE_TYPES: Final[tuple[str, ...]] = ("number", "percent", "count", "yes_no", "rubric", "text")
QUANTITATIVE_VALUE_TYPES: Final[tuple[str, ...]] = ("number", "percent", "count")
DIRECTIONS: Final[tuple[str, ...]] = ("higher_better", "lower_better")
RULE_TYPES: Final[tuple[str, ...]] = ("thresholds", "compliance", "linear", "yes_no", "rubric", "text")
PROVENANCE_STATUSES: Final[tuple[str, ...]] = ("sourced", "sourced_topic", "proposed")
AREA_KINDS: Final[tuple[str, ...]] = ("category", "governance")
RUBRIC_SCORERS: Final[tuple[str, ...]] = ("reviewer", "site_visit_reviewer")
AREA_SCORE_FORMULAS: Final[tuple[str, ...]] = ("weighted_mean",)

# Which rule types may score which value type. A rubric needs a reviewer-assigned level, a yes/no rule needs a
# yes/no answer and compliance bands are percentages, so anything else would score values that cannot occur.
RULE_TYPES_BY_VALUE_TYPE: Final[dict[str, tuple[str, ...]]] = {
    "number": ("thresholds", "linear"),
    "percent": ("thresholds", "compliance", "linear"),
    "count": ("thresholds", "linear"),
    "yes_no": ("yes_no",),
    "rubric": ("rubric",),
    "text": ("text",),
}

_MAX_POINTS_CEILING: Final = 10
_HUNDRED: Final = Decimal(100)
_URL_PATTERN: Final = re.compile(r"^https?://\S+$")
_FRAMEWORK_CODE_PATTERN: Final = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_AREA_CODE_PATTERN: Final = re.compile(r"^[A-Z]{2,6}$")
_TIER_CODE_PATTERN: Final = re.compile(r"^[a-z][a-z0-9_]*$")

# ---------------------------------------------------------------------------------------------------------------
# Parsed framework
# ---------------------------------------------------------------------------------------------------------------


class FrameworkError(ValueError):
    """A framework file or scoring rule was refused.

    ``errors`` holds every problem found, one translated sentence each, in file order.
    """

    def __init__(self, errors: Sequence[str]) -> None:
        self.errors: list[str] = list(errors)
        super().__init__("\n".join(self.errors))


class TierSpec(NamedTuple):
    """One award tier: a composite score of at least ``min_score`` (0–100) earns ``code``."""

    min_score: Decimal
    code: str
    label_th: str
    label_en: str


@dataclass(frozen=True, slots=True)
class CycleSettingsSpec:
    """Settings a cycle starts from; the portal copies them into editable cycle settings.

    ``tiers`` run from the highest ``min_score`` to the lowest, and the last tier starts at 0. The two ESC Award
    weights sum to 1.
    """

    max_points: int
    area_score_formula: str
    completeness_minimum: Decimal
    tiers: tuple[TierSpec, ...]
    esc_award_core_weight: Decimal
    esc_award_governance_weight: Decimal


@dataclass(frozen=True, slots=True)
class IndicatorSpec:
    """One indicator as read from a framework file.

    ``min_value``/``max_value`` are the plausible range of an entered value (None for yes/no and text; 0 to
    max_points for rubric). ``rule`` is the normalised scoring rule (see ``validate_rule``); it is a plain dict so
    that it can be stored as JSON, and must not be mutated. ``evidence_required_from_points`` is only set for rubric
    indicators: evidence is then required when the claimed level is at least that many points; for other
    indicators ``evidence_required`` alone decides. ``position`` is 1-based within the area.
    """

    code: str
    name_th: str
    name_en: str
    unit: str
    value_type: str
    min_value: Decimal | None
    max_value: Decimal | None
    direction: str
    data_preparation_th: str
    data_preparation_en: str
    evidence_th: tuple[str, ...]
    evidence_en: tuple[str, ...]
    evidence_required: bool
    evidence_required_from_points: int | None
    weight: Decimal
    rule: dict[str, Any]
    provenance: str
    sources: tuple[str, ...]
    rule_source: str
    position: int
    provenance_note_th: str = ""
    provenance_note_en: str = ""


@dataclass(frozen=True, slots=True)
class AreaSpec:
    """One indicator area (COR category or the governance area); ``position`` is 1-based in the file."""

    code: str
    name_th: str
    name_en: str
    kind: str
    position: int
    indicators: tuple[IndicatorSpec, ...]
    sources: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CheckSpec:
    """A rule across indicators, checked when values are entered: ``at_most`` (the first indicator's value may
    not exceed the second's) or ``sum_at_most`` (the listed values may not add up to more than ``limit``)."""

    type: str
    indicators: tuple[str, ...]
    limit: Decimal | None
    message_th: str
    message_en: str

    def as_json(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "indicators": list(self.indicators),
            "limit": None if self.limit is None else canonical_number(self.limit),
            "message_th": self.message_th,
            "message_en": self.message_en,
        }


@dataclass(frozen=True, slots=True)
class FrameworkSpec:
    """A whole framework file; ``code`` and ``version`` together identify it."""

    code: str
    version: int
    name_th: str
    name_en: str
    description_th: str
    description_en: str
    settings: CycleSettingsSpec
    areas: tuple[AreaSpec, ...]
    checks: tuple[CheckSpec, ...] = ()

    @property
    def indicators(self) -> tuple[IndicatorSpec, ...]:
        """Every indicator of every area, in file order."""
        return tuple(indicator for area in self.areas for indicator in area.indicators)


# ---------------------------------------------------------------------------------------------------------------
# Small value readers. Each returns None when the value is unusable; the caller words the error, because only
# the caller knows which indicator and key the value belongs to.
# ---------------------------------------------------------------------------------------------------------------


def _to_decimal(value: object) -> Decimal | None:
    """Read a finite Decimal from an int, Decimal, float or numeric string; None otherwise (bool is not a number)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float | str):
        # str() of a float gives its shortest round-trip repr, so 0.1 becomes Decimal("0.1"), not the binary value.
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            return None
    else:
        return None
    return number if number.is_finite() else None


def _to_whole(value: object) -> int | None:
    """Read a whole number from an int, an integral Decimal or a digit string; None otherwise."""
    number = _to_decimal(value)
    if number is None or number != number.to_integral_value():
        return None
    return int(number)


def canonical_number(number: Decimal) -> str:
    """Return the canonical text of ``number``: plain notation, no trailing zeros ("100", "37.5", "0.01")."""
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text


def _is_text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


# ---------------------------------------------------------------------------------------------------------------
# Problem collection
# ---------------------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Checker:
    """Collects problems about one named thing (indicator, area or top-level key) and reads its fields."""

    where: str
    errors: list[str]

    def fail(self, message: str) -> None:
        self.errors.append(message)

    def keys(self, data: Mapping[str, Any], allowed: Sequence[str], *, section: str = "") -> None:
        """Report every key of ``data`` that is not in ``allowed`` (typos such as "weigth" would else be lost)."""
        for key in data:
            if key in allowed:
                continue
            if section:
                self.fail(
                    _("{code}: unknown key “{key}” in {section}").format(code=self.where, key=key, section=section)
                )
            else:
                self.fail(_("{code}: unknown key “{key}”").format(code=self.where, key=key))

    def missing(self, key: str) -> None:
        self.fail(_("{code}: missing required key “{key}”").format(code=self.where, key=key))

    def text(self, data: Mapping[str, Any], key: str, *, required: bool = True) -> str:
        """Read a non-empty text; a missing optional key gives ""."""
        if data.get(key) is None:
            if required:
                self.missing(key)
            return ""
        value = data[key]
        if not _is_text(value):
            self.fail(_("{code}: “{key}” must be non-empty text").format(code=self.where, key=key))
            return ""
        return str(value).strip()

    def number(self, data: Mapping[str, Any], key: str) -> Decimal | None:
        """Read a required number."""
        if data.get(key) is None:
            self.missing(key)
            return None
        number = _to_decimal(data[key])
        if number is None:
            self.fail(
                _("{code}: “{key}” must be a number (got “{value}”)").format(code=self.where, key=key, value=data[key])
            )
        return number

    def whole(
        self, data: Mapping[str, Any], key: str, *, low: int, high: int, default: int | None = None
    ) -> int | None:
        """Read a whole number in low..high; a missing key gives ``default`` (an error when there is no default)."""
        if data.get(key) is None:
            if default is None:
                self.missing(key)
            return default
        number = _to_whole(data[key])
        if number is None or not low <= number <= high:
            self.fail(
                _("{code}: “{key}” must be a whole number from {low} to {high} (got “{value}”)").format(
                    code=self.where, key=key, low=low, high=high, value=data[key]
                )
            )
            return None
        return number

    def mapping(self, data: Mapping[str, Any], key: str, *, required: bool = True) -> Mapping[str, Any] | None:
        if data.get(key) is None:
            if required:
                self.missing(key)
            return None
        value = data[key]
        if not isinstance(value, Mapping):
            self.fail(_("{code}: “{key}” must be a mapping of keys and values").format(code=self.where, key=key))
            return None
        return value

    def sequence(self, data: Mapping[str, Any], key: str, *, required: bool = True) -> list[Any] | None:
        if data.get(key) is None:
            if required:
                self.missing(key)
            return None
        value = data[key]
        if not isinstance(value, list):
            self.fail(_("{code}: “{key}” must be a list").format(code=self.where, key=key))
            return None
        return value

    def texts(self, data: Mapping[str, Any], key: str) -> tuple[str, ...]:
        """Read an optional list of non-empty texts."""
        items = self.sequence(data, key, required=False) or []
        if not all(_is_text(item) for item in items):
            self.fail(_("{code}: every item of “{key}” must be non-empty text").format(code=self.where, key=key))
            return ()
        return tuple(str(item).strip() for item in items)

    def urls(self, data: Mapping[str, Any], key: str) -> tuple[str, ...]:
        """Read an optional list of web addresses."""
        urls = self.texts(data, key)
        for url in urls:
            if not _URL_PATTERN.match(url):
                self.fail(
                    _("{code}: source “{url}” is not a web address (it must start with http:// or https://)").format(
                        code=self.where, url=url
                    )
                )
        return urls


# ---------------------------------------------------------------------------------------------------------------
# Scoring rules
# ---------------------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _RuleCheck(_Checker):
    """A checker that also knows what the rule will score."""

    value_type: str = "number"
    max_points: int = 4
    value_range: tuple[Decimal, Decimal] | None = None

    def points(self, level: Mapping[str, Any], position: int) -> int | None:
        raw = level.get("points")
        points = _to_whole(raw)
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
    check: _RuleCheck, level: Mapping[str, Any], *, position: int, limit_key: str, is_last: bool, labels: bool
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
        limit = _to_decimal(level[limit_key])
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
        if not (_is_text(label_th) and _is_text(label_en)):
            check.fail(
                _("{code}: level {position} needs both label_th and label_en, or neither").format(
                    code=check.where, position=position
                )
            )
        else:
            normalised["label_th"], normalised["label_en"] = str(label_th).strip(), str(label_en).strip()
    return _Step(limit, points, normalised)


def _read_steps(check: _RuleCheck, raw: object, *, limit_key: str, words: _StepWords, labels: bool) -> list[_Step]:
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


def _check_limits_in_range(check: _RuleCheck, steps: list[_Step], *, limit_key: str) -> None:
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


def _check_whole_limits(check: _RuleCheck, steps: list[_Step]) -> None:
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


def _check_thresholds(check: _RuleCheck, rule: Mapping[str, Any]) -> dict[str, Any]:
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


def _check_compliance(check: _RuleCheck, rule: Mapping[str, Any]) -> dict[str, Any]:
    check.keys(rule, ["type", "bands"], section=_("scoring"))
    steps = _read_steps(check, rule.get("bands"), limit_key="min", words=_compliance_words(), labels=False)
    for position, step in enumerate(steps, start=1):
        if step.limit is not None and not 0 <= step.limit <= _HUNDRED:
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


def _check_linear(check: _RuleCheck, rule: Mapping[str, Any]) -> dict[str, Any]:
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


def _check_yes_no(check: _RuleCheck, rule: Mapping[str, Any]) -> dict[str, Any]:
    check.keys(rule, ["type", "yes_points", "no_points"], section=_("scoring"))
    yes_points = check.whole(rule, "yes_points", low=0, high=check.max_points, default=check.max_points)
    no_points = check.whole(rule, "no_points", low=0, high=check.max_points, default=0)
    if yes_points is not None and yes_points == no_points:
        check.fail(_("{code}: yes and no must not earn the same points").format(code=check.where))
    return {"type": "yes_no", "yes_points": yes_points, "no_points": no_points}


def _check_rubric(check: _RuleCheck, rule: Mapping[str, Any]) -> dict[str, Any]:
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
        if not _is_text(level.get("label_th")):
            check.fail(
                _("{code}: rubric level {points} has no Thai label (label_th)").format(code=check.where, points=points)
            )
        if not _is_text(level.get("label_en")):
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


def _check_text(check: _RuleCheck, rule: Mapping[str, Any]) -> dict[str, Any]:
    check.keys(rule, ["type"], section=_("scoring"))
    return {"type": "text"}


_RULE_CHECKS: Final[dict[str, Callable[[_RuleCheck, Mapping[str, Any]], dict[str, Any]]]] = {
    "thresholds": _check_thresholds,
    "compliance": _check_compliance,
    "linear": _check_linear,
    "yes_no": _check_yes_no,
    "rubric": _check_rubric,
    "text": _check_text,
}


def _check_rule(check: _RuleCheck, rule: object) -> dict[str, Any]:
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
    check = _RuleCheck(
        where=code or _("scoring rule"),
        errors=errors,
        value_type=value_type,
        max_points=max_points,
        value_range=value_range,
    )
    normalised = _check_rule(check, rule)
    if errors:
        raise FrameworkError(errors)
    return normalised


# ---------------------------------------------------------------------------------------------------------------
# Rule descriptions. Built explicitly per language (no gettext) so that a Thai page can show the English wording
# of the nomination packet and vice versa, whatever language is active.
# ---------------------------------------------------------------------------------------------------------------

_LANGUAGES: Final = ("th", "en")
# Ranges are written with an en dash, as in print; spelled by name so that it cannot be mistaken for a hyphen.
_DASH: Final = "\N{EN DASH}"


def _with_unit(number: str, unit_symbol: str) -> str:
    return f"{number} {unit_symbol}" if unit_symbol else number


def _is_whole(number: Decimal) -> bool:
    return number == number.to_integral_value()


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
            if full_top and limit == _HUNDRED:
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
    whole = integer and all(limit is None or _is_whole(limit) for limit in limits)
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


# ---------------------------------------------------------------------------------------------------------------
# Framework files
# ---------------------------------------------------------------------------------------------------------------

_TOP_KEYS: Final = ("framework", "settings", "defaults", "areas", "checks")
CHECK_TYPES: Final = ("at_most", "sum_at_most")
_FRAMEWORK_KEYS: Final = ("code", "version", "name_th", "name_en", "description_th", "description_en")
_SETTINGS_KEYS: Final = ("max_points", "area_score_formula", "completeness_minimum", "tiers", "esc_award_weights")
_DEFAULTS_KEYS: Final = ("rubric_levels", "compliance_bands")
_AREA_KEYS: Final = ("code", "kind", "name_th", "name_en", "sources", "indicators")
_INDICATOR_KEYS: Final = (
    "code",
    "name_th",
    "name_en",
    "unit",
    "value_type",
    "direction",
    "range",
    "data_preparation_th",
    "data_preparation_en",
    "evidence",
    "weight",
    "scoring",
    "provenance",
)
_EVIDENCE_KEYS: Final = ("required", "items_th", "items_en", "from_points")
_PROVENANCE_KEYS: Final = ("status", "sources", "rule_source", "note_th", "note_en")


@dataclass(frozen=True, slots=True)
class _Defaults:
    rubric_levels: list[dict[str, Any]] | None
    compliance_bands: list[dict[str, Any]] | None


class _Header(NamedTuple):
    code: str
    version: int
    name_th: str
    name_en: str
    description_th: str
    description_en: str


def _parse_header(data: Mapping[str, Any], errors: list[str]) -> _Header:
    check = _Checker("framework", errors)
    section = check.mapping(data, "framework")
    if section is None:
        return _Header("", 1, "", "", "", "")
    check.keys(section, _FRAMEWORK_KEYS)
    code = check.text(section, "code")
    if code and not _FRAMEWORK_CODE_PATTERN.match(code):
        check.fail(
            _("framework: code “{value}” may only contain lower-case letters, digits and hyphens").format(value=code)
        )
    version = check.whole(section, "version", low=1, high=10_000)
    return _Header(
        code=code,
        version=version or 1,
        name_th=check.text(section, "name_th"),
        name_en=check.text(section, "name_en"),
        description_th=check.text(section, "description_th", required=False),
        description_en=check.text(section, "description_en", required=False),
    )


def _parse_tiers(check: _Checker, raw: list[Any]) -> tuple[TierSpec, ...]:
    """Tiers run from the highest minimum score to 0, so every composite score falls in exactly one tier."""
    tiers: list[TierSpec] = []
    for position, item in enumerate(raw, start=1):
        where = _Checker(_("settings.tiers, tier {position}").format(position=position), check.errors)
        if not isinstance(item, Mapping):
            where.fail(
                _("{code}: must be a mapping with min_score, code, label_th and label_en").format(code=where.where)
            )
            continue
        where.keys(item, ("min_score", "code", "label_th", "label_en"))
        min_score = where.number(item, "min_score")
        code = where.text(item, "code")
        if code and not _TIER_CODE_PATTERN.match(code):
            where.fail(
                _("{code}: tier code “{value}” must be lower-case letters, digits and _").format(
                    code=where.where, value=code
                )
            )
        if min_score is not None and not 0 <= min_score <= _HUNDRED:
            where.fail(_("{code}: min_score must lie between 0 and 100").format(code=where.where))
        tiers.append(
            TierSpec(
                min_score if min_score is not None else Decimal(0),
                code,
                where.text(item, "label_th"),
                where.text(item, "label_en"),
            )
        )
    if not tiers:
        check.fail(_("settings: “tiers” must list at least one tier"))
        return ()
    for position in range(1, len(tiers)):
        if tiers[position].min_score >= tiers[position - 1].min_score:
            check.fail(
                _(
                    "settings: tiers must run from the highest min_score to the lowest (tiers {first} and {second})"
                ).format(first=position, second=position + 1)
            )
    codes = [tier.code for tier in tiers]
    for code in sorted({code for code in codes if code and codes.count(code) > 1}):
        check.fail(_("settings: tier code “{value}” is used twice").format(value=code))
    if tiers[-1].min_score != 0:
        check.fail(_("settings: the last tier must start at min_score 0 so that every score has a tier"))
    return tuple(tiers)


def _parse_settings(data: Mapping[str, Any], errors: list[str]) -> CycleSettingsSpec:
    check = _Checker("settings", errors)
    section = check.mapping(data, "settings") or {}
    check.keys(section, _SETTINGS_KEYS)
    max_points = (check.whole(section, "max_points", low=1, high=_MAX_POINTS_CEILING) if section else None) or 4
    formula = check.text(section, "area_score_formula") if section else ""
    if formula and formula not in AREA_SCORE_FORMULAS:
        check.fail(
            _("settings: unknown area_score_formula “{value}” (known: {choices})").format(
                value=formula, choices=", ".join(AREA_SCORE_FORMULAS)
            )
        )
    completeness = check.number(section, "completeness_minimum") if section else None
    if completeness is not None and not 0 <= completeness <= 1:
        check.fail(_("settings: completeness_minimum must lie between 0 and 1 (for example 0.8)"))
    raw_tiers = check.sequence(section, "tiers") if section else None
    tiers = _parse_tiers(check, raw_tiers) if raw_tiers is not None else ()
    weights = (check.mapping(section, "esc_award_weights") if section else None) or {}
    weights_check = _Checker("settings.esc_award_weights", errors)
    weights_check.keys(weights, ("core", "governance"))
    core = weights_check.number(weights, "core") if weights else None
    governance = weights_check.number(weights, "governance") if weights else None
    if core is not None and governance is not None and (core < 0 or governance < 0 or core + governance != 1):
        weights_check.fail(
            _(
                "settings.esc_award_weights: core and governance must be 0 or more and sum to 1 ({core} + {governance})"
            ).format(core=canonical_number(core), governance=canonical_number(governance))
        )
    return CycleSettingsSpec(
        max_points=max_points,
        area_score_formula=formula,
        completeness_minimum=completeness if completeness is not None else Decimal(0),
        tiers=tiers,
        esc_award_core_weight=core if core is not None else Decimal(0),
        esc_award_governance_weight=governance if governance is not None else Decimal(0),
    )


def _parse_defaults(data: Mapping[str, Any], max_points: int, errors: list[str]) -> _Defaults:
    section = _Checker("defaults", errors).mapping(data, "defaults", required=False) or {}
    _Checker("defaults", errors).keys(section, _DEFAULTS_KEYS)
    rubric_levels = compliance_bands = None
    if section.get("rubric_levels") is not None:
        check = _RuleCheck("defaults.rubric_levels", errors, value_type="rubric", max_points=max_points)
        rubric_levels = _check_rule(check, {"type": "rubric", "levels": section["rubric_levels"]}).get("levels")
    if section.get("compliance_bands") is not None:
        check = _RuleCheck("defaults.compliance_bands", errors, value_type="percent", max_points=max_points)
        compliance_bands = _check_rule(check, {"type": "compliance", "bands": section["compliance_bands"]}).get("bands")
    return _Defaults(rubric_levels, compliance_bands)


def _parse_range(
    check: _Checker, data: Mapping[str, Any], value_type: str, max_points: int
) -> tuple[Decimal | None, Decimal | None]:
    """Quantitative indicators declare a plausible range; a rubric runs 0..max_points; yes/no and text have none."""
    if value_type not in VALUE_TYPES:
        return None, None  # the unknown value type is reported once, by the caller
    if value_type not in QUANTITATIVE_VALUE_TYPES:
        if data.get("range") is not None:
            check.fail(
                _("{code}: “range” only applies to number, percent and count indicators").format(code=check.where)
            )
        return (Decimal(0), Decimal(max_points)) if value_type == "rubric" else (None, None)
    section = check.mapping(data, "range")
    if section is None:
        return None, None
    check.keys(section, ("min", "max"), section="range")
    low, high = check.number(section, "min"), check.number(section, "max")
    if low is not None and high is not None and low >= high:
        check.fail(
            _("{code}: range min {low} must be less than range max {high}").format(
                code=check.where, low=canonical_number(low), high=canonical_number(high)
            )
        )
    if low is not None and low < 0 and value_type in {"percent", "count"}:
        check.fail(
            _("{code}: a {value_type} indicator cannot have a negative range min ({low})").format(
                code=check.where, value_type=value_type, low=canonical_number(low)
            )
        )
    if value_type == "count" and any(n is not None and not _is_whole(n) for n in (low, high)):
        check.fail(_("{code}: the range of a count indicator must be whole numbers").format(code=check.where))
    return low, high


class _Evidence(NamedTuple):
    required: bool
    items_th: tuple[str, ...]
    items_en: tuple[str, ...]
    from_points: int | None


def _parse_evidence(check: _Checker, data: Mapping[str, Any], value_type: str, max_points: int) -> _Evidence:
    section = check.mapping(data, "evidence", required=False)
    if section is None:
        return _Evidence(required=False, items_th=(), items_en=(), from_points=None)
    check.keys(section, _EVIDENCE_KEYS, section="evidence")
    required = section.get("required")
    if not isinstance(required, bool):
        check.fail(_("{code}: evidence “required” must be true or false").format(code=check.where))
        required = None
    items_th, items_en = check.texts(section, "items_th"), check.texts(section, "items_en")
    if len(items_th) != len(items_en):
        check.fail(
            _("{code}: evidence items_th and items_en must list the same documents ({th} and {en} items)").format(
                code=check.where, th=len(items_th), en=len(items_en)
            )
        )
    from_points: int | None = None
    raw = section.get("from_points")
    if raw is not None:
        from_points = _to_whole(raw)
        if value_type != "rubric":
            check.fail(_("{code}: evidence from_points only applies to rubric indicators").format(code=check.where))
            from_points = None
        elif from_points is None or not 0 <= from_points <= max_points:
            check.fail(
                _("{code}: evidence from_points must be a whole number from 0 to {max_points} (got “{value}”)").format(
                    code=check.where, max_points=max_points, value=raw
                )
            )
            from_points = None
        elif required is False:
            check.fail(_("{code}: evidence from_points needs “required: true”").format(code=check.where))
            from_points = None
    return _Evidence(bool(required), items_th, items_en, from_points)


def _parse_weight(check: _Checker, data: Mapping[str, Any]) -> Decimal:
    if data.get("weight") is None:
        return Decimal(1)
    weight = _to_decimal(data["weight"])
    if weight is None or weight <= 0:
        check.fail(
            _("{code}: weight must be a number greater than 0 (got “{value}”)").format(
                code=check.where, value=data["weight"]
            )
        )
        return Decimal(1)
    return weight


def _resolve_rule_defaults(check: _Checker, raw: object, defaults: _Defaults) -> object | None:
    """Replace ``levels: default`` / ``bands: default`` with the file's shared lists.

    Returns None (after reporting it) when the file has no such list, so the rule is not checked a second time.
    """
    if not isinstance(raw, Mapping):
        return raw
    rule = dict(raw)
    if rule.get("type") == "rubric" and rule.get("levels") == "default":
        if defaults.rubric_levels is None:
            check.fail(_("{code}: “levels: default” needs defaults.rubric_levels in the file").format(code=check.where))
            return None
        rule["levels"] = defaults.rubric_levels
    if rule.get("type") == "compliance" and rule.get("bands") == "default":
        if defaults.compliance_bands is None:
            check.fail(
                _("{code}: “bands: default” needs defaults.compliance_bands in the file").format(code=check.where)
            )
            return None
        rule["bands"] = defaults.compliance_bands
    return rule


def _check_rule_direction(check: _Checker, rule: Mapping[str, Any], direction: str) -> None:
    """The rule's own notion of "better" must agree with the indicator's direction."""
    rule_direction: str | None = None
    if rule.get("type") == "thresholds":
        rule_direction = rule.get("direction")
    elif rule.get("type") == "compliance":
        rule_direction = "higher_better"
    elif rule.get("type") == "linear" and rule.get("floor") is not None and rule.get("target") is not None:
        higher = Decimal(rule["floor"]) < Decimal(rule["target"])
        rule_direction = "higher_better" if higher else "lower_better"
    if rule_direction is not None and rule_direction != direction:
        check.fail(
            _("{code}: the scoring rule is {rule_direction} but the indicator is {direction}").format(
                code=check.where, rule_direction=rule_direction, direction=direction
            )
        )


class _Provenance(NamedTuple):
    status: str
    sources: tuple[str, ...]
    rule_source: str
    note_th: str
    note_en: str


def _parse_provenance(check: _Checker, data: Mapping[str, Any]) -> _Provenance:
    section = check.mapping(data, "provenance")
    if section is None:
        return _Provenance("proposed", (), "proposed", "", "")
    check.keys(section, _PROVENANCE_KEYS, section="provenance")
    status = check.text(section, "status")
    if status and status not in PROVENANCE_STATUSES:
        check.fail(
            _("{code}: provenance status “{status}” must be one of: {choices}").format(
                code=check.where, status=status, choices=", ".join(PROVENANCE_STATUSES)
            )
        )
    sources = check.urls(section, "sources")
    if status in {"sourced", "sourced_topic"} and not sources:
        check.fail(
            _("{code}: provenance status “{status}” needs at least one source address").format(
                code=check.where, status=status
            )
        )
    rule_source = check.text(section, "rule_source")
    if rule_source and rule_source != "proposed" and not _URL_PATTERN.match(rule_source):
        check.fail(
            _("{code}: rule_source must be a web address or “proposed” (got “{value}”)").format(
                code=check.where, value=rule_source
            )
        )
    return _Provenance(
        status,
        sources,
        rule_source,
        check.text(section, "note_th", required=False),
        check.text(section, "note_en", required=False),
    )


def _parse_indicator(
    raw: Mapping[str, Any], *, area_code: str, position: int, max_points: int, defaults: _Defaults, errors: list[str]
) -> IndicatorSpec:
    code = raw.get("code")
    where = str(code) if _is_text(code) else _("{area}, indicator {position}").format(area=area_code, position=position)
    check = _Checker(where, errors)
    check.keys(raw, _INDICATOR_KEYS)
    code = check.text(raw, "code")
    if code and area_code and not code.startswith(f"{area_code}-"):
        check.fail(_("{code}: indicator code must start with “{prefix}”").format(code=code, prefix=f"{area_code}-"))
    name_th, name_en = check.text(raw, "name_th"), check.text(raw, "name_en")
    unit = check.text(raw, "unit")
    if unit and unit not in UNITS:
        check.fail(_("{code}: unknown unit “{unit}”").format(code=where, unit=unit))
    value_type = check.text(raw, "value_type")
    if value_type and value_type not in VALUE_TYPES:
        check.fail(_("{code}: unknown value type “{value_type}”").format(code=where, value_type=value_type))
    quantitative = value_type in QUANTITATIVE_VALUE_TYPES
    direction = check.text(raw, "direction", required=quantitative) or "higher_better"
    if direction not in DIRECTIONS:
        check.fail(_("{code}: unknown direction “{direction}”").format(code=where, direction=direction))
    low, high = _parse_range(check, raw, value_type, max_points)
    evidence = _parse_evidence(check, raw, value_type, max_points)
    weight = _parse_weight(check, raw)
    rule: dict[str, Any] = {}
    if raw.get("scoring") is None:
        check.missing("scoring")
    elif value_type in VALUE_TYPES:
        value_range = (low, high) if low is not None and high is not None and low < high else None
        rule_check = _RuleCheck(where, errors, value_type=value_type, max_points=max_points, value_range=value_range)
        resolved = _resolve_rule_defaults(check, raw["scoring"], defaults)
        rule = _check_rule(rule_check, resolved) if resolved is not None else {}
        if direction in DIRECTIONS:
            _check_rule_direction(check, rule, direction)
    provenance = _parse_provenance(check, raw)
    return IndicatorSpec(
        code=code,
        name_th=name_th,
        name_en=name_en,
        unit=unit,
        value_type=value_type,
        min_value=low,
        max_value=high,
        direction=direction,
        data_preparation_th=check.text(raw, "data_preparation_th", required=False),
        data_preparation_en=check.text(raw, "data_preparation_en", required=False),
        evidence_th=evidence.items_th,
        evidence_en=evidence.items_en,
        evidence_required=evidence.required,
        evidence_required_from_points=evidence.from_points,
        weight=weight,
        rule=rule,
        provenance=provenance.status,
        sources=provenance.sources,
        rule_source=provenance.rule_source,
        position=position,
        provenance_note_th=provenance.note_th,
        provenance_note_en=provenance.note_en,
    )


def _parse_area(
    raw: Mapping[str, Any], *, position: int, max_points: int, defaults: _Defaults, errors: list[str]
) -> AreaSpec:
    code = raw.get("code")
    check = _Checker(str(code) if _is_text(code) else _("area {position}").format(position=position), errors)
    check.keys(raw, _AREA_KEYS)
    code = check.text(raw, "code")
    if code and not _AREA_CODE_PATTERN.match(code):
        check.fail(_("{code}: area code must be 2 to 6 capital letters").format(code=code))
    kind = check.text(raw, "kind")
    if kind and kind not in AREA_KINDS:
        check.fail(
            _("{code}: area kind “{kind}” must be one of: {choices}").format(
                code=check.where, kind=kind, choices=", ".join(AREA_KINDS)
            )
        )
    name_th, name_en, sources = check.text(raw, "name_th"), check.text(raw, "name_en"), check.urls(raw, "sources")
    indicators: list[IndicatorSpec] = []
    raw_indicators = check.sequence(raw, "indicators")
    if raw_indicators is not None and not raw_indicators:
        check.fail(_("{code}: an area needs at least one indicator").format(code=check.where))
    for index, item in enumerate(raw_indicators or [], start=1):
        if not isinstance(item, Mapping):
            check.fail(
                _("{code}: indicator {position} must be a mapping of keys").format(code=check.where, position=index)
            )
            continue
        indicators.append(
            _parse_indicator(
                item,
                area_code=code if _AREA_CODE_PATTERN.match(code) else "",
                position=index,
                max_points=max_points,
                defaults=defaults,
                errors=errors,
            )
        )
    return AreaSpec(
        code=code,
        name_th=name_th,
        name_en=name_en,
        kind=kind,
        position=position,
        indicators=tuple(indicators),
        sources=sources,
    )


def _check_codes_unique(areas: Sequence[AreaSpec], settings: CycleSettingsSpec, errors: list[str]) -> None:
    seen_areas: set[str] = set()
    seen_indicators: set[str] = set()
    for area in areas:
        if area.code and area.code in seen_areas:
            errors.append(_("{code}: duplicate area code").format(code=area.code))
        seen_areas.add(area.code)
        for indicator in area.indicators:
            if indicator.code and indicator.code in seen_indicators:
                errors.append(_("{code}: duplicate indicator code").format(code=indicator.code))
            seen_indicators.add(indicator.code)
    governance = [area.code for area in areas if area.kind == "governance"]
    if len(governance) > 1:
        errors.append(
            _("areas: only one area may be of kind governance (found {codes})").format(codes=", ".join(governance))
        )
    if not any(area.kind == "category" for area in areas):
        errors.append(_("areas: at least one area must be of kind category"))
    if not governance and settings.esc_award_governance_weight > 0:
        errors.append(_("areas: esc_award_weights gives governance a weight but no area is of kind governance"))


def _parse_areas(
    data: Mapping[str, Any], *, max_points: int, defaults: _Defaults, errors: list[str]
) -> tuple[AreaSpec, ...]:
    raw_areas = _Checker("areas", errors).sequence(data, "areas")
    if raw_areas is None:
        return ()
    if not raw_areas:
        errors.append(_("areas: the file needs at least one area"))
    areas: list[AreaSpec] = []
    for position, item in enumerate(raw_areas, start=1):
        if not isinstance(item, Mapping):
            errors.append(_("areas: area {position} must be a mapping of keys").format(position=position))
            continue
        areas.append(_parse_area(item, position=position, max_points=max_points, defaults=defaults, errors=errors))
    return tuple(areas)


def _load_yaml(yaml: Any, text: str) -> object:
    """Load YAML safely with floats read as Decimal, refusing duplicate keys (YAML would silently keep the last).

    ``yaml`` is the PyYAML module, imported by ``parse_framework`` only.
    """
    duplicates: list[str] = []

    class _Loader(yaml.SafeLoader):
        def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:
            if isinstance(node, yaml.MappingNode):
                self.flatten_mapping(node)
                seen: set[object] = set()
                for key_node, _value_node in node.value:
                    key = self.construct_object(key_node, deep=True)
                    if isinstance(key, str | int) and key in seen:
                        duplicates.append(
                            _("line {line}: key “{key}” appears twice in the same block").format(
                                line=key_node.start_mark.line + 1, key=key
                            )
                        )
                    if isinstance(key, str | int):
                        seen.add(key)
            return dict(super().construct_mapping(node, deep=deep))

    def construct_decimal(loader: Any, node: Any) -> object:
        scalar = str(loader.construct_scalar(node)).replace("_", "")
        try:
            return Decimal(scalar)
        except InvalidOperation:
            # ".inf" and ".nan" are not plausible values; keep the text so the field check reports it.
            return scalar

    _Loader.add_constructor("tag:yaml.org,2002:float", construct_decimal)
    try:
        data = yaml.load(text, Loader=_Loader)  # _Loader derives from SafeLoader: no arbitrary objects
    except yaml.YAMLError as exc:
        raise FrameworkError([_("The file is not valid YAML: {problem}").format(problem=exc)]) from exc
    if duplicates:
        raise FrameworkError(duplicates)
    return data


def _parse_checks(raw: object, areas: tuple[AreaSpec, ...], errors: list[str]) -> tuple[CheckSpec, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        errors.append(_("checks: must be a list"))
        return ()
    quantitative = {
        item.code for area in areas for item in area.indicators if item.value_type in QUANTITATIVE_VALUE_TYPES
    }
    checks = []
    for position, item in enumerate(raw, start=1):
        where = _("checks, item {position}").format(position=position)
        if not isinstance(item, Mapping):
            errors.append(_("{where}: must be a mapping").format(where=where))
            continue
        check_type = item.get("type")
        if check_type not in CHECK_TYPES:
            errors.append(
                _("{where}: unknown check type “{value}” (known: {choices})").format(
                    where=where, value=check_type, choices=", ".join(CHECK_TYPES)
                )
            )
            continue
        if check_type == "at_most":
            codes = (item.get("indicator"), item.get("other"))
            limit = None
        else:
            listed = item.get("indicators")
            codes = tuple(listed) if isinstance(listed, list) else ()
            limit = _to_decimal(item.get("limit"))
            if limit is None:
                errors.append(_("{where}: “limit” must be a number").format(where=where))
        if len(codes) < 2 or any(code not in quantitative for code in codes):
            errors.append(
                _("{where}: needs at least two number, percent or count indicators of this framework").format(
                    where=where
                )
            )
            continue
        message_th, message_en = item.get("message_th"), item.get("message_en")
        if not _is_text(message_th) or not _is_text(message_en):
            errors.append(_("{where}: needs message_th and message_en").format(where=where))
            continue
        checks.append(
            CheckSpec(
                type=check_type,
                indicators=tuple(codes),
                limit=limit,
                message_th=message_th.strip(),
                message_en=message_en.strip(),
            )
        )
    return tuple(checks)


def parse_framework(text: str) -> FrameworkSpec:
    """Parse a framework file (YAML text) into a ``FrameworkSpec``.

    Raises ``FrameworkError`` whose ``errors`` list every problem in the file (invalid YAML and duplicate keys stop
    the check early, since nothing after them can be trusted). See docs/framework-format.md for the format.
    """
    import yaml  # noqa: PLC0415 -- only file parsing needs PyYAML; rule validation and descriptions do not

    data = _load_yaml(yaml, text)
    if not isinstance(data, Mapping):
        raise FrameworkError(
            [_("The file must be a YAML mapping with the keys framework, settings, defaults and areas")]
        )
    errors: list[str] = []
    for key in data:
        if key not in _TOP_KEYS:
            errors.append(_("unknown top-level key “{key}”").format(key=key))
    for key in ("framework", "settings", "areas"):
        if data.get(key) is None:
            errors.append(_("missing top-level key “{key}”").format(key=key))
    header = _parse_header(data, errors) if data.get("framework") is not None else None
    settings = _parse_settings(data, errors) if data.get("settings") is not None else None
    max_points = settings.max_points if settings else 4
    defaults = _parse_defaults(data, max_points, errors)
    areas: tuple[AreaSpec, ...] = ()
    if data.get("areas") is not None:
        areas = _parse_areas(data, max_points=max_points, defaults=defaults, errors=errors)
    if settings is not None and areas:
        _check_codes_unique(areas, settings, errors)
    checks = _parse_checks(data.get("checks"), areas, errors)
    if errors or header is None or settings is None:
        raise FrameworkError(errors)
    return FrameworkSpec(
        checks=checks,
        code=header.code,
        version=header.version,
        name_th=header.name_th,
        name_en=header.name_en,
        description_th=header.description_th,
        description_en=header.description_en,
        settings=settings,
        areas=areas,
    )

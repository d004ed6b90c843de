"""The areas section of a framework file: areas, their indicators, and each indicator's keys."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, Final, NamedTuple

from django.utils.translation import gettext as _

from indicators.rules.readers import Checker, RuleCheck, is_text, is_whole, to_decimal, to_whole
from indicators.rules.scoring_rules import check_rule
from indicators.rules.settings_section import Defaults
from indicators.rules.specs import AreaSpec, CycleSettingsSpec, IndicatorSpec
from indicators.rules.vocabulary import (
    AREA_CODE_PATTERN,
    AREA_KINDS,
    DIRECTIONS,
    PROVENANCE_STATUSES,
    QUANTITATIVE_VALUE_TYPES,
    UNITS,
    URL_PATTERN,
    VALUE_TYPES,
)
from portal.values import canonical_number

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


def _parse_range(
    check: Checker, data: Mapping[str, Any], value_type: str, max_points: int
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
    if value_type == "count" and any(n is not None and not is_whole(n) for n in (low, high)):
        check.fail(_("{code}: the range of a count indicator must be whole numbers").format(code=check.where))
    return low, high


class _Evidence(NamedTuple):
    required: bool
    items_th: tuple[str, ...]
    items_en: tuple[str, ...]
    from_points: int | None


def _parse_evidence(check: Checker, data: Mapping[str, Any], value_type: str, max_points: int) -> _Evidence:
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
        from_points = to_whole(raw)
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


def _parse_weight(check: Checker, data: Mapping[str, Any]) -> Decimal:
    if data.get("weight") is None:
        return Decimal(1)
    weight = to_decimal(data["weight"])
    if weight is None or weight <= 0:
        check.fail(
            _("{code}: weight must be a number greater than 0 (got “{value}”)").format(
                code=check.where, value=data["weight"]
            )
        )
        return Decimal(1)
    return weight


def _resolve_rule_defaults(check: Checker, raw: object, defaults: Defaults) -> object | None:
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


def _check_rule_direction(check: Checker, rule: Mapping[str, Any], direction: str) -> None:
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


def _parse_provenance(check: Checker, data: Mapping[str, Any]) -> _Provenance:
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
    if rule_source and rule_source != "proposed" and not URL_PATTERN.match(rule_source):
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
    raw: Mapping[str, Any], *, area_code: str, position: int, max_points: int, defaults: Defaults, errors: list[str]
) -> IndicatorSpec:
    code = raw.get("code")
    where = str(code) if is_text(code) else _("{area}, indicator {position}").format(area=area_code, position=position)
    check = Checker(where, errors)
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
        rule_check = RuleCheck(where, errors, value_type=value_type, max_points=max_points, value_range=value_range)
        resolved = _resolve_rule_defaults(check, raw["scoring"], defaults)
        rule = check_rule(rule_check, resolved) if resolved is not None else {}
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
    raw: Mapping[str, Any], *, position: int, max_points: int, defaults: Defaults, errors: list[str]
) -> AreaSpec:
    code = raw.get("code")
    check = Checker(str(code) if is_text(code) else _("area {position}").format(position=position), errors)
    check.keys(raw, _AREA_KEYS)
    code = check.text(raw, "code")
    if code and not AREA_CODE_PATTERN.match(code):
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
                area_code=code if AREA_CODE_PATTERN.match(code) else "",
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


def check_codes_unique(areas: Sequence[AreaSpec], settings: CycleSettingsSpec, errors: list[str]) -> None:
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


def parse_areas(
    data: Mapping[str, Any], *, max_points: int, defaults: Defaults, errors: list[str]
) -> tuple[AreaSpec, ...]:
    raw_areas = Checker("areas", errors).sequence(data, "areas")
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

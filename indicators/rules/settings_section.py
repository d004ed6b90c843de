"""The framework, settings and defaults sections of a framework file."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final, NamedTuple

from django.utils.translation import gettext as _

from indicators.rules.cycle_data import parse_quotas, parse_size_classes
from indicators.rules.readers import Checker, RuleCheck
from indicators.rules.scoring_rules import check_rule
from indicators.rules.specs import CycleSettingsSpec, TierSpec
from indicators.rules.vocabulary import (
    AREA_SCORE_FORMULAS,
    FRAMEWORK_CODE_PATTERN,
    HUNDRED,
    MAX_POINTS_CEILING,
    TIER_CODE_PATTERN,
)
from portal.values import canonical_number

_FRAMEWORK_KEYS: Final = ("code", "version", "name_th", "name_en", "description_th", "description_en")
_SETTINGS_KEYS: Final = (
    "max_points",
    "area_score_formula",
    "completeness_minimum",
    "tiers",
    "esc_award_weights",
    "size_classes",
    "quotas",
)
_DEFAULTS_KEYS: Final = ("rubric_levels", "compliance_bands")


@dataclass(frozen=True, slots=True)
class Defaults:
    rubric_levels: list[dict[str, Any]] | None
    compliance_bands: list[dict[str, Any]] | None


class _Header(NamedTuple):
    code: str
    version: int
    name_th: str
    name_en: str
    description_th: str
    description_en: str


def parse_header(data: Mapping[str, Any], errors: list[str]) -> _Header:
    check = Checker("framework", errors)
    section = check.mapping(data, "framework")
    if section is None:
        return _Header("", 1, "", "", "", "")
    check.keys(section, _FRAMEWORK_KEYS)
    code = check.text(section, "code")
    if code and not FRAMEWORK_CODE_PATTERN.match(code):
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


def _parse_tiers(check: Checker, raw: list[Any]) -> tuple[TierSpec, ...]:
    """Tiers run from the highest minimum score to 0, so every composite score falls in exactly one tier."""
    tiers: list[TierSpec] = []
    for position, item in enumerate(raw, start=1):
        where = Checker(_("settings.tiers, tier {position}").format(position=position), check.errors)
        if not isinstance(item, Mapping):
            where.fail(
                _("{code}: must be a mapping with min_score, code, label_th and label_en").format(code=where.where)
            )
            continue
        where.keys(item, ("min_score", "code", "label_th", "label_en"))
        min_score = where.number(item, "min_score")
        code = where.text(item, "code")
        if code and not TIER_CODE_PATTERN.match(code):
            where.fail(
                _("{code}: tier code “{value}” must be lower-case letters, digits and _").format(
                    code=where.where, value=code
                )
            )
        if min_score is not None and not 0 <= min_score <= HUNDRED:
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


def parse_settings(data: Mapping[str, Any], errors: list[str]) -> CycleSettingsSpec:
    check = Checker("settings", errors)
    section = check.mapping(data, "settings") or {}
    check.keys(section, _SETTINGS_KEYS)
    max_points = (check.whole(section, "max_points", low=1, high=MAX_POINTS_CEILING) if section else None) or 4
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
    weights_check = Checker("settings.esc_award_weights", errors)
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
        size_classes=parse_size_classes(errors, section["size_classes"]) if "size_classes" in section else (),
        quotas=parse_quotas(errors, section["quotas"]) if "quotas" in section else None,
    )


def parse_defaults(data: Mapping[str, Any], max_points: int, errors: list[str]) -> Defaults:
    section = Checker("defaults", errors).mapping(data, "defaults", required=False) or {}
    Checker("defaults", errors).keys(section, _DEFAULTS_KEYS)
    rubric_levels = compliance_bands = None
    if section.get("rubric_levels") is not None:
        check = RuleCheck("defaults.rubric_levels", errors, value_type="rubric", max_points=max_points)
        rubric_levels = check_rule(check, {"type": "rubric", "levels": section["rubric_levels"]}).get("levels")
    if section.get("compliance_bands") is not None:
        check = RuleCheck("defaults.compliance_bands", errors, value_type="percent", max_points=max_points)
        compliance_bands = check_rule(check, {"type": "compliance", "bands": section["compliance_bands"]}).get("bands")
    return Defaults(rubric_levels, compliance_bands)

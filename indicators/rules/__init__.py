"""Indicator frameworks as data: parsing and validating framework files, and describing scoring rules.

A framework file (YAML, format in docs/framework-format.md) lists the indicator areas of one ASEAN ESC Award
cycle and, for every indicator, its unit, plausible range, guidance, evidence rule, weight, scoring rule and
provenance. ``parse_framework`` turns such a file into frozen dataclasses or refuses it with *every* problem
found, so that an admin at ONEP/DCCE can fix a file in one pass. ``validate_rule`` checks and normalises a single
scoring rule (the file parser and the admin edit forms share it). ``describe_rule`` renders a rule as a sentence
and a table of (condition, points) rows in Thai or English.

Contracts shared by the whole package:

* Numbers are ``Decimal``, never ``float``: points and thresholds are compared for equality and shown back to
  people, and binary floats would print 0.1 as 0.1000000000000000055.
* In a normalised rule every number is a string holding a canonical Decimal ("37.5", "100", "0.01") and every
  point value is an ``int``, so the dict round-trips through JSON unchanged.
* Error messages are English msgids wrapped in ``gettext`` with named placeholders; each names the indicator
  code (or area code, or top-level key) first.

The package imports nothing from Django except gettext and has no models or ORM access, so it can be used in
migrations, management commands and pure unit tests alike. Its modules, from the bottom up: ``vocabulary``
(units and codes), ``readers`` (reading values, collecting problems), ``specs`` (the parsed dataclasses),
``steps`` (threshold levels and compliance bands: "min", "above", "max", "below"), ``scoring_rules`` (one rule),
``descriptions`` (a rule in words), ``cycle_data`` (size classes and quotas), ``settings_section`` and
``indicator_section`` (the parts of a file) and ``files`` (a whole file). Import the names below from
``indicators.rules``, not from the modules.
"""

from indicators.rules.cycle_data import (
    DEFAULT_QUOTAS,
    DEFAULT_SIZE_CLASSES,
    is_source,
    quota_problems,
    quotas_from_json,
    size_class_problems,
    size_classes_from_json,
)
from indicators.rules.descriptions import describe_indicator_rule, describe_rule
from indicators.rules.files import parse_framework
from indicators.rules.scoring_rules import validate_rule
from indicators.rules.specs import (
    AreaSpec,
    CheckSpec,
    CycleSettingsSpec,
    FrameworkError,
    FrameworkSpec,
    IndicatorSpec,
    QuotaSpec,
    SizeClassSpec,
    TierSpec,
)
from indicators.rules.vocabulary import (
    AREA_KINDS,
    AREA_SCORE_FORMULAS,
    CHECK_TYPES,
    DIRECTIONS,
    PROVENANCE_STATUSES,
    QUANTITATIVE_VALUE_TYPES,
    RUBRIC_SCORERS,
    RULE_TYPES,
    RULE_TYPES_BY_VALUE_TYPE,
    UNITS,
    VALUE_TYPES,
    Unit,
    with_unit,
)
from portal.values import canonical_number

__all__ = [
    "AREA_KINDS",
    "AREA_SCORE_FORMULAS",
    "CHECK_TYPES",
    "DEFAULT_QUOTAS",
    "DEFAULT_SIZE_CLASSES",
    "DIRECTIONS",
    "PROVENANCE_STATUSES",
    "QUANTITATIVE_VALUE_TYPES",
    "RUBRIC_SCORERS",
    "RULE_TYPES",
    "RULE_TYPES_BY_VALUE_TYPE",
    "UNITS",
    "VALUE_TYPES",
    "AreaSpec",
    "CheckSpec",
    "CycleSettingsSpec",
    "FrameworkError",
    "FrameworkSpec",
    "IndicatorSpec",
    "QuotaSpec",
    "SizeClassSpec",
    "TierSpec",
    "Unit",
    "canonical_number",
    "describe_indicator_rule",
    "describe_rule",
    "is_source",
    "parse_framework",
    "quota_problems",
    "quotas_from_json",
    "size_class_problems",
    "size_classes_from_json",
    "validate_rule",
    "with_unit",
]

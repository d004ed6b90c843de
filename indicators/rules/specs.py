"""A parsed framework file as frozen dataclasses, and the error that refuses one."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

from portal.values import canonical_number


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
class SizeClassSpec:
    """A population band candidates compete in: ``min_population`` ≤ population < ``max_population`` (None: no
    upper limit). ``source`` is a web address or "proposed"."""

    code: str
    name_th: str
    name_en: str
    min_population: int
    max_population: int | None
    source: str

    def as_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name_th": self.name_th,
            "name_en": self.name_en,
            "min_population": self.min_population,
            "max_population": self.max_population,
            "source": self.source,
        }


@dataclass(frozen=True, slots=True)
class QuotaSpec:
    """Nominees each ASEAN member state may put forward in a cycle; ``source`` is a web address or "proposed"."""

    esc_award: int
    certificates_total: int
    per_category_and_size: int
    source: str

    def as_json(self) -> dict[str, Any]:
        return {
            "esc_award": self.esc_award,
            "certificates_total": self.certificates_total,
            "per_category_and_size": self.per_category_and_size,
            "source": self.source,
        }


@dataclass(frozen=True, slots=True)
class CycleSettingsSpec:
    """Settings a cycle starts from; the portal copies them into editable cycle settings.

    ``tiers`` run from the highest ``min_score`` to the lowest, and the last tier starts at 0. The two ESC Award
    weights sum to 1. ``size_classes`` (from the smallest population up, not overlapping) and ``quotas`` are empty
    and None when the file leaves them out: a cycle then starts from the portal's defaults (``cycle_data``).
    """

    max_points: int
    area_score_formula: str
    completeness_minimum: Decimal
    tiers: tuple[TierSpec, ...]
    esc_award_core_weight: Decimal
    esc_award_governance_weight: Decimal
    size_classes: tuple[SizeClassSpec, ...] = ()
    quotas: QuotaSpec | None = None


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

"""The public indicator guide (no login): how to prepare each indicator's data and how it is scored."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from django.contrib.auth.decorators import login_not_required
from django.db.models import QuerySet
from django.utils.decorators import method_decorator
from django.views.generic import DetailView, ListView

from indicators.enums import AreaKind
from indicators.models import Area, AwardCycle, Indicator
from indicators.presenters import cycle_timeline
from indicators.rules import QUANTITATIVE_VALUE_TYPES, UNITS, canonical_number, describe_rule
from indicators.selectors import framework_areas, public_cycles
from portal.i18n import Language, current_language
from portal.thai import buddhist_year

_DASH = "\N{EN DASH}"
_HUNDRED = Decimal(100)
_LINK_TEXT_LIMIT = 60


def _localized(obj: object, field: str, language: Language) -> Any:
    return getattr(obj, f"{field}_{language}")


def _percent(fraction: Decimal) -> str:
    return canonical_number(fraction * _HUNDRED)


@dataclass(frozen=True, slots=True)
class SourceLink:
    """A source address and the short text the link shows (the print stylesheet prints the full address)."""

    url: str
    label: str


def source_link(url: str) -> SourceLink:
    parts = urlsplit(url)
    text = parts.netloc.removeprefix("www.") + parts.path.rstrip("/")
    if parts.query:
        text = f"{text}?{parts.query}"
    if len(text) > _LINK_TEXT_LIMIT:
        text = text[: _LINK_TEXT_LIMIT - 1] + "…"
    return SourceLink(url=url, label=text or url)


@dataclass(frozen=True, slots=True)
class CycleSummary:
    cycle: AwardCycle
    name: str


@dataclass(frozen=True, slots=True)
class EvidenceLevel:
    """The rubric level from which evidence must be attached."""

    points: int
    label: str


@dataclass(frozen=True, slots=True)
class IndicatorGuide:
    """One indicator as the guide shows it, with every text already in the guide's language."""

    indicator: Indicator
    name: str
    unit_label: str
    plausible_range: str
    # Only quantitative values have a better direction; a yes/no, rubric or text value does not.
    direction: str
    data_preparation: str
    evidence: tuple[str, ...]
    evidence_from_level: EvidenceLevel | None
    rule_sentence: str
    rule_rows: tuple[tuple[str, int], ...]
    weight: str
    provenance_note: str
    sources: tuple[SourceLink, ...]
    rule_source: SourceLink | None

    @property
    def code(self) -> str:
        return self.indicator.code


@dataclass(frozen=True, slots=True)
class AreaGuide:
    code: str
    name: str
    is_governance: bool
    sources: tuple[SourceLink, ...]
    indicators: tuple[IndicatorGuide, ...]


@dataclass(frozen=True, slots=True)
class TierGuide:
    min_score: str
    label: str


@dataclass(frozen=True, slots=True)
class ScoringGuide:
    """How the cycle turns indicator points into area scores, a ranking and the ESC Award composite."""

    max_points: int
    completeness_percent: str
    tiers: tuple[TierGuide, ...]
    core_weight_percent: str
    governance_weight_percent: str
    core_areas: tuple[str, ...]
    governance_area: str


@dataclass(frozen=True, slots=True)
class CycleGuide:
    cycle: AwardCycle
    name: str
    responsible_agency: str
    reference_year: str
    framework_name: str
    framework_description: str
    scoring: ScoringGuide
    areas: tuple[AreaGuide, ...]


def _plausible_range(indicator: Indicator, unit_symbol: str) -> str:
    low = None if indicator.min_value is None else canonical_number(indicator.min_value)
    high = None if indicator.max_value is None else canonical_number(indicator.max_value)
    if low is None and high is None:
        return ""
    if low is None:
        text = f"≤ {high}"
    elif high is None:
        text = f"≥ {low}"
    else:
        text = f"{low}{_DASH}{high}"
    return f"{text} {unit_symbol}" if unit_symbol else text


def _evidence_from_level(indicator: Indicator, language: Language) -> EvidenceLevel | None:
    points = indicator.evidence_required_from_points
    if points is None:
        return None
    labels = {int(level["points"]): level.get(f"label_{language}", "") for level in indicator.rule.get("levels", [])}
    return EvidenceLevel(points=points, label=labels.get(points, ""))


def indicator_guide(indicator: Indicator, language: Language) -> IndicatorGuide:
    unit = UNITS.get(indicator.unit)
    unit_symbol = unit.symbol(language) if unit else ""
    sentence, rows = describe_rule(
        indicator.rule, unit_symbol=unit_symbol, language=language, integer=indicator.value_type == "count"
    )
    quantitative = indicator.value_type in QUANTITATIVE_VALUE_TYPES
    return IndicatorGuide(
        indicator=indicator,
        name=_localized(indicator, "name", language),
        unit_label=_localized(unit, "label", language) if unit else indicator.unit,
        # A rubric's range is its levels, already named by the unit ("level of practice (0-4)").
        plausible_range=_plausible_range(indicator, "" if indicator.value_type == "rubric" else unit_symbol),
        direction=str(indicator.get_direction_display()) if quantitative else "",
        data_preparation=_localized(indicator, "data_preparation", language),
        evidence=tuple(_localized(indicator, "evidence", language)),
        evidence_from_level=_evidence_from_level(indicator, language),
        rule_sentence=sentence,
        rule_rows=tuple(rows),
        weight=canonical_number(indicator.weight),
        provenance_note=_localized(indicator, "provenance_note", language),
        sources=tuple(source_link(url) for url in indicator.sources),
        rule_source=None if indicator.rule_is_proposed else source_link(indicator.rule_source),
    )


def _scoring_guide(cycle: AwardCycle, areas: list[Area], language: Language) -> ScoringGuide:
    governance = [area for area in areas if area.kind == AreaKind.GOVERNANCE]
    return ScoringGuide(
        max_points=cycle.max_points,
        completeness_percent=_percent(cycle.completeness_minimum),
        tiers=tuple(
            TierGuide(min_score=canonical_number(Decimal(str(tier["min_score"]))), label=tier[f"label_{language}"])
            for tier in cycle.tiers
        ),
        core_weight_percent=_percent(cycle.esc_award_core_weight),
        governance_weight_percent=_percent(cycle.esc_award_governance_weight),
        core_areas=tuple(_localized(area, "name", language) for area in areas if area.kind == AreaKind.CATEGORY),
        governance_area=_localized(governance[0], "name", language) if governance else "",
    )


def cycle_guide(cycle: AwardCycle, language: Language) -> CycleGuide:
    """Everything the guide page of ``cycle`` shows, in ``language`` (two queries: areas, then indicators)."""
    areas = framework_areas(cycle.framework)
    return CycleGuide(
        cycle=cycle,
        name=_localized(cycle, "name", language),
        responsible_agency=_localized(cycle, "responsible_agency", language),
        reference_year=(
            f"พ.ศ. {buddhist_year(cycle.reference_year)}" if language == "th" else str(cycle.reference_year)
        ),
        framework_name=_localized(cycle.framework, "name", language),
        framework_description=_localized(cycle.framework, "description", language),
        scoring=_scoring_guide(cycle, areas, language),
        areas=tuple(
            AreaGuide(
                code=area.code,
                name=_localized(area, "name", language),
                is_governance=area.kind == AreaKind.GOVERNANCE,
                sources=tuple(source_link(url) for url in area.sources),
                indicators=tuple(indicator_guide(indicator, language) for indicator in area.indicators.all()),
            )
            for area in areas
        ),
    )


@method_decorator(login_not_required, name="dispatch")
class GuideIndexView(ListView):
    """Every published cycle, with a link to its guide."""

    template_name = "indicators/guide/guide_index.html"
    context_object_name = "cycles"

    def get_queryset(self) -> QuerySet[AwardCycle]:
        return public_cycles()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        language = current_language()
        context["entries"] = [
            CycleSummary(cycle=cycle, name=_localized(cycle, "name", language)) for cycle in context["cycles"]
        ]
        return context


@method_decorator(login_not_required, name="dispatch")
class GuideCycleView(DetailView):
    """One cycle's framework: every indicator's data preparation, evidence and scoring rule (404 for a draft)."""

    template_name = "indicators/guide/guide_cycle.html"
    context_object_name = "cycle"
    slug_field = "code"
    slug_url_kwarg = "cycle_code"

    def get_queryset(self) -> QuerySet[AwardCycle]:
        return public_cycles()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["guide"] = cycle_guide(self.object, current_language())
        context["timeline"] = cycle_timeline(self.object)
        return context

"""Reads for scoring: the engine's inputs built from the ORM in bulk, and stored results."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import QuerySet

from applications.enums import ApplicationStatus
from applications.models import Application, IndicatorValue
from indicators.models import AwardCycle, FrameworkVersion
from indicators.rules import UNITS
from scoring import engine
from scoring.enums import ScoreKind
from scoring.models import ApplicationScore, ScoreRun, VerifiedValue

SCORED_STATUSES = (
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.UNDER_REVIEW,
    ApplicationStatus.SHORTLISTED,
    ApplicationStatus.NOT_SHORTLISTED,
    ApplicationStatus.NOMINATED,
)


def engine_framework(framework: FrameworkVersion, cycle: AwardCycle) -> engine.Framework:
    """The framework version and the cycle's settings as the engine's frozen dataclasses (two queries)."""
    areas = tuple(engine.AreaRule(area.code, area.kind) for area in framework.areas.order_by("position"))
    indicators = []
    for item in framework.indicators.select_related("area").order_by("area__position", "position"):
        unit = UNITS.get(item.unit)
        indicators.append(
            engine.IndicatorRule(
                code=item.code,
                area=item.area.code,
                value_type=item.value_type,
                weight=item.weight,
                rule=item.rule,
                unit_th=unit.symbol_th if unit else "",
                unit_en=unit.symbol_en if unit else "",
            )
        )
    tiers = tuple(
        engine.Tier(Decimal(tier["min_score"]), tier["code"], tier["label_th"], tier["label_en"])
        for tier in cycle.tiers
    )
    settings = engine.Settings(
        max_points=cycle.max_points,
        completeness_minimum=cycle.completeness_minimum,
        tiers=tiers,
        core_weight=cycle.esc_award_core_weight,
        governance_weight=cycle.esc_award_governance_weight,
    )
    return engine.Framework(areas=areas, indicators=tuple(indicators), settings=settings)


def _as_engine_value(number: Decimal | None, flag: bool | None, level: int | Decimal | None) -> engine.Value:
    if level is not None:
        return Decimal(level)
    if flag is not None:
        return flag
    return number


def submitted_values(application_ids: list[int]) -> dict[int, dict[str, engine.Value]]:
    """Each application's submitted values by indicator code (one query). Rubric: the self-assessed level."""
    values: dict[int, dict[str, engine.Value]] = defaultdict(dict)
    rows = IndicatorValue.objects.filter(application_id__in=application_ids).values_list(
        "application_id", "indicator__code", "number", "flag", "level"
    )
    for application_id, code, number, flag, level in rows:
        value = _as_engine_value(number, flag, level)
        if value is not None:
            values[application_id][code] = value
    return values


def verified_values(
    application_ids: list[int], submitted: dict[int, dict[str, engine.Value]]
) -> dict[int, dict[str, engine.Value]]:
    """Submitted values overlaid with what reviewers verified or scored (one query).

    Rubric indicators count only when reviewers gave points: a self-assessment is not a verified score.
    """
    overrides: dict[int, dict[str, engine.Value]] = defaultdict(dict)
    rows = VerifiedValue.objects.filter(application_id__in=application_ids).values_list(
        "application_id", "indicator__code", "number", "flag", "points"
    )
    for application_id, code, number, flag, points in rows:
        overrides[application_id][code] = _as_engine_value(number, flag, points)
    return {
        application_id: {**submitted.get(application_id, {}), **overrides.get(application_id, {})}
        for application_id in application_ids
    }


def rubric_codes(framework: engine.Framework) -> frozenset[str]:
    return frozenset(item.code for item in framework.indicators if item.rule["type"] == "rubric")


def scored_applications(cycle: AwardCycle) -> QuerySet[Application]:
    return Application.objects.filter(cycle=cycle, status__in=SCORED_STATUSES)


def current_scores(application: Application) -> dict[str, ApplicationScore]:
    return {
        score.kind: score
        for score in ApplicationScore.objects.filter(application=application, is_current=True).select_related(
            "framework"
        )
    }


def latest_runs(cycle: AwardCycle, limit: int = 10) -> QuerySet[ScoreRun]:
    return ScoreRun.objects.filter(cycle=cycle).select_related("framework", "created_by", "application__municipality")[
        :limit
    ]


def kinds() -> tuple[str, ...]:
    return (ScoreKind.SUBMITTED, ScoreKind.VERIFIED)


# --------------------------------------------------------------------------------------------------------------
# Rankings
# --------------------------------------------------------------------------------------------------------------

TIE_BREAK_FIELDS = {"completeness": "-completeness", "governance": "-governance"}


def ranking_groups(cycle: AwardCycle) -> list[tuple[str, str, int | None]]:
    """The (track, category, size class) groups that have scored applications, in a stable order."""
    groups = (
        scored_applications(cycle)
        .values_list("track", "category_code", "size_class_id")
        .distinct()
        .order_by("track", "category_code", "size_class_id")
    )
    return list(groups)


def ranking(
    cycle: AwardCycle, *, track: str, category: str, size_class_id: int | None, kind: str
) -> tuple[list[ApplicationScore], list[ApplicationScore]]:
    """Ranked and unranked (below the completeness minimum) current scores of one group, in one query.

    Order: total, then the cycle's tie-breaks (completeness, governance area score), then name for stability.
    Each ranked row gets `.rank` (equal keys share a rank).
    """
    order = ["-total", *[TIE_BREAK_FIELDS[key] for key in cycle.tie_breaks if key in TIE_BREAK_FIELDS]]
    scores = list(
        ApplicationScore.objects.filter(
            is_current=True,
            kind=kind,
            application__cycle=cycle,
            application__track=track,
            application__category_code=category,
            application__size_class_id=size_class_id,
            application__status__in=SCORED_STATUSES,
        )
        .select_related("application__municipality__province", "application__size_class")
        .order_by(*order, "application__municipality__name_th")
    )
    ranked = [score for score in scores if score.ranked]
    keys = [key.lstrip("-") for key in order]
    previous: tuple | None = None
    for position, score in enumerate(ranked, start=1):
        key = tuple(getattr(score, name) for name in keys)
        score.rank = ranked[position - 2].rank if key == previous else position  # type: ignore[attr-defined]
        previous = key
    return ranked, [score for score in scores if not score.ranked]

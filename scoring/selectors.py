"""Reads for scoring: the engine's inputs built from the ORM in bulk, and stored results."""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import QuerySet

from applications.enums import ApplicationStatus
from applications.models import Application, IndicatorValue
from indicators.models import AwardCycle, FrameworkVersion
from indicators.rules import UNITS
from indicators.selectors import results_are_published
from scoring import engine
from scoring.enums import ScoreKind, VerifiedStatus
from scoring.models import ApplicationScore, ScoreRun, Standing, VerifiedValue

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


def _of(model: type[IndicatorValue] | type[VerifiedValue], application_ids: list[int], cycle: AwardCycle | None) -> Any:
    """Rows of the applications: by id, or for a whole cycle's scored applications by a join (much cheaper to plan
    than a list of 2,500 ids)."""
    # No ordering: the models' default order (by municipality name in Thai collation) would sort 100,000 rows for
    # nothing.
    if cycle is None:
        return model.objects.filter(application_id__in=application_ids).order_by()
    return model.objects.filter(application__cycle=cycle, application__status__in=SCORED_STATUSES).order_by()


def submitted_values(
    application_ids: list[int], *, cycle: AwardCycle | None = None
) -> dict[int, dict[str, engine.Value]]:
    """Each application's submitted values by indicator code (one query). Rubric: the self-assessed level.

    With `cycle`, the applications are the cycle's scored ones (`application_ids` must be exactly those).
    """
    values: dict[int, dict[str, engine.Value]] = defaultdict(dict)
    rows = _of(IndicatorValue, application_ids, cycle).values_list(
        "application_id", "indicator__code", "number", "flag", "level"
    )
    for application_id, code, number, flag, level in _raw_rows(rows):
        if level is not None:
            values[application_id][code] = Decimal(level)
        elif flag is not None:
            values[application_id][code] = flag
        elif number is not None:
            values[application_id][code] = number
    return values


def _raw_rows(rows: QuerySet[Any]) -> list[tuple[Any, ...]]:
    """The rows of a values_list query as the database driver gives them (decimals, booleans, integers), without
    the ORM's per-value conversion: a whole-cycle run reads about 100,000 of them. SQLite's driver gives a decimal as
    a float (40.9 read as 40.899999…): there the ORM converts them back."""
    if connection.vendor != "postgresql":
        return list(rows)
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def verified_values(
    application_ids: list[int],
    submitted: dict[int, dict[str, engine.Value]],
    framework: engine.Framework,
    *,
    cycle: AwardCycle | None = None,
) -> tuple[dict[int, dict[str, engine.Value]], dict[int, bool]]:
    """What the verified score uses, by application and indicator code (one query), and which applications have
    reviewers disagreeing on some rubric indicator.

    Settled indicators use what reviewers settled (the submitted value confirmed, a correction, the combined rubric
    points). An indicator nobody has settled waits ("awaiting review"): a rubric indicator always needs reviewers'
    points (a self-assessment is not a verified score), any other once it has a submitted value; one every reviewer
    abstained on needs another reviewer. Neither is ever counted as 0.
    """
    settled: dict[int, dict[str, tuple[str, Decimal | None, bool | None, Decimal | None]]] = defaultdict(dict)
    disagreement: dict[int, bool] = {}
    rows = _of(VerifiedValue, application_ids, cycle).values_list(
        "application_id", "indicator__code", "status", "number", "flag", "points", "disagreement"
    )
    for application_id, code, status, number, flag, points, disagrees in rows:
        settled[application_id][code] = (status, number, flag, points)
        if disagrees:
            disagreement[application_id] = True
    scored = [
        (item.code, item.rule["type"] == "rubric") for item in framework.indicators if item.rule["type"] != "text"
    ]
    values: dict[int, dict[str, engine.Value]] = {}
    for application_id in application_ids:
        own, mine = submitted.get(application_id, {}), settled.get(application_id, {})
        result: dict[str, engine.Value] = {}
        for code, is_rubric in scored:
            verdict = mine.get(code)
            if verdict is None:
                if is_rubric or code in own:
                    result[code] = engine.AWAITING_REVIEW
                continue
            status, number, flag, points = verdict
            if status == VerifiedStatus.VERIFIED:
                # A rubric indicator is settled by reviewers' points only, never by a self-assessment verified.
                value = engine.AWAITING_REVIEW if is_rubric else own.get(code)
            elif status == VerifiedStatus.CORRECTED:
                value = _as_engine_value(number, flag, None)
            elif status == VerifiedStatus.SCORED:
                value = points
            else:
                value = engine.NEEDS_REVIEWER
            if value is not None:
                result[code] = value
        values[application_id] = result
    return values, disagreement


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
    runs = ScoreRun.objects.filter(cycle=cycle).select_related("framework", "created_by", "application__municipality")
    return runs.defer("framework__source_text")[:limit]


def kinds() -> tuple[str, ...]:
    return (ScoreKind.SUBMITTED, ScoreKind.VERIFIED)


# --------------------------------------------------------------------------------------------------------------
# Standings: stored by the score runs, read here
# --------------------------------------------------------------------------------------------------------------


def standings_of(cycle: AwardCycle, kind: str) -> list[Standing]:
    """The cycle's ranking groups on one basis, each with the run that last ranked it (one query)."""
    return list(Standing.objects.filter(cycle=cycle, kind=kind).select_related("size_class", "run"))


def standing_rows(cycle: AwardCycle, kind: str, group: str) -> QuerySet[ApplicationScore]:
    """The current rows of one group in its stored order: ranked rows by rank, then the unranked ones."""
    return ApplicationScore.objects.filter(
        cycle=cycle, kind=kind, group_key=group, is_current=True, position__isnull=False
    ).order_by("position")


def group_counts(cycle: AwardCycle, kind: str, groups: list[str]) -> dict[str, int]:
    """How many rows each group ranks (from the stored standings, one query)."""
    return dict(
        Standing.objects.filter(cycle=cycle, kind=kind, group_key__in=groups).values_list("group_key", "ranked")
    )


# --------------------------------------------------------------------------------------------------------------
# Benchmarks: where an application stands against the others of its size class
# --------------------------------------------------------------------------------------------------------------

CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class Benchmark:
    """The median and the best of one score (an area's score or an indicator's points) over `count` applications."""

    median: Decimal
    best: Decimal
    count: int


@dataclass(frozen=True, slots=True)
class SizeClassBenchmarks:
    """Benchmarks of one size class within one track, by area code (area scores, 0–100) and by indicator code
    (points)."""

    areas: dict[str, Benchmark] = field(default_factory=dict)
    indicators: dict[str, Benchmark] = field(default_factory=dict)


BenchmarkKey = tuple[str, int | None]  # (track, size class id); None: outside every band


def benchmark_key(application: Application) -> BenchmarkKey:
    return (application.track, application.size_class_id)


def _benchmark(scores: list[Decimal]) -> Benchmark:
    return Benchmark(
        median=Decimal(statistics.median(scores)).quantize(CENT), best=max(scores).quantize(CENT), count=len(scores)
    )


def size_class_benchmarks(
    cycle: AwardCycle, *, kind: str = ScoreKind.SUBMITTED, keys: Iterable[BenchmarkKey] | None = None
) -> dict[BenchmarkKey, SizeClassBenchmarks]:
    """Per (track, size class): the median and the best of every area's score and every indicator's points, over
    the current scores of `kind` of the cycle's scored applications (one query).

    The one computation of "the size class's median and best", for the nomination packets and the feedback
    reports. Within a track, a size class is the ranking group of the ESC Award and, area by area, of each
    certificate category (a certificate application is scored on its category's area only). A verified score
    counts only once final (a score still waiting for reviewers is not one). `keys` limits the result to those
    groups (all of the cycle's by default). An even count's median is the mean of the two middle scores.
    """
    rows = ApplicationScore.objects.filter(
        cycle=cycle, kind=kind, is_current=True, application__status__in=SCORED_STATUSES
    )
    if kind == ScoreKind.VERIFIED:
        rows = rows.filter(pending=0, needs_reviewer=0)
    if keys is not None:
        wanted = set(keys)
        tracks = {track for track, _ in wanted}
        sizes = {size for _, size in wanted if size is not None}
        rows = rows.filter(application__track__in=tracks)
        if None not in {size for _, size in wanted}:
            rows = rows.filter(application__size_class_id__in=sizes)
    area_scores: dict[BenchmarkKey, dict[str, list[Decimal]]] = defaultdict(lambda: defaultdict(list))
    points: dict[BenchmarkKey, dict[str, list[Decimal]]] = defaultdict(lambda: defaultdict(list))
    for track, size_class_id, areas, indicators in rows.order_by().values_list(
        "application__track", "application__size_class_id", "areas", "indicators"
    ):
        key = (track, size_class_id)
        if keys is not None and key not in wanted:
            continue
        for code, area in areas.items():
            if area.get("score") not in (None, ""):
                area_scores[key][code].append(Decimal(str(area["score"])))
        for item in indicators:
            if item.get("points") not in (None, ""):
                points[key][item["code"]].append(Decimal(str(item["points"])))
    return {
        key: SizeClassBenchmarks(
            areas={code: _benchmark(scores) for code, scores in area_scores[key].items()},
            indicators={code: _benchmark(scores) for code, scores in points[key].items()},
        )
        for key in area_scores.keys() | points.keys()
    }


def feedback_available(application: Application) -> bool:
    """The one gate of the feedback report: the cycle's results are published, and the application was submitted
    (a draft has no score to explain)."""
    return application.status != ApplicationStatus.DRAFT and results_are_published(application.cycle)

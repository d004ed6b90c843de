"""The municipality dashboard's figures: one municipality's applications, deadlines, open questions and its cycles
year over year, as its officers see them, in a fixed number of queries whatever the number of cycles."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypedDict, cast

from applications.enums import ApplicationStatus
from applications.models import Application, IndicatorValue
from applications.selectors import OpenCall, open_calls_for, with_completeness
from indicators.models import AwardCycle, Indicator
from portal.models import Municipality, User
from reviews.models import AseanOutcome
from reviews.selectors import open_clarifications_for
from scoring.enums import ScoreKind
from scoring.models import ApplicationScore

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


@dataclass(frozen=True)
class CyclePoint:
    """One cycle of a year-over-year series: the municipality's application there, and its current scores."""

    cycle: AwardCycle
    application: Application
    submitted: ApplicationScore | None
    verified: ApplicationScore | None


@dataclass(frozen=True)
class IndicatorTrend:
    """One indicator's values across the series' cycles (oldest first; None where there is no value)."""

    indicator: Indicator
    values: list[IndicatorValue | None]

    @property
    def change(self) -> Decimal | None:
        """The latest number minus the one before it (None unless both are numbers)."""
        numbers = [value.number if value is not None else None for value in self.values]
        if len(numbers) < 2 or numbers[-1] is None or numbers[-2] is None:
            return None
        return numbers[-1] - numbers[-2]

    @property
    def improved(self) -> bool | None:
        change = self.change
        if change is None or change == 0:
            return None
        return (change > 0) == (self.indicator.direction == "higher_better")


@dataclass(frozen=True)
class Series:
    """The municipality's applications on one track and category along the cycles' `previous` chain."""

    track: str
    category_code: str
    points: list[CyclePoint]  # oldest first
    indicators: list[IndicatorTrend]

    @property
    def latest(self) -> CyclePoint:
        return self.points[-1]


@dataclass(frozen=True)
class MunicipalityFigures:
    municipality: Municipality
    open_calls: list[OpenCall]
    applications: list[WithAnnotations[Application, DashboardApplication]]  # newest cycle first, each also with
    # answered_count / applicable_count
    clarifications: list[Any]
    series: list[Series] = field(default_factory=list)


class DashboardApplication(TypedDict):
    current_scores: dict[str, ApplicationScore]  # by kind
    asean_result: AseanOutcome | None
    is_nominee: bool


def municipality_figures(user: User) -> MunicipalityFigures:
    """What the officer's municipality dashboard shows, for the officer's own municipality only (nine queries). Each
    application carries its current scores, is_nominee and asean_result (its ASEAN outcome or None, joined in)."""
    municipality = user.municipality
    assert municipality is not None  # the view lets only officers with a municipality in
    applications = cast(
        "list[WithAnnotations[Application, DashboardApplication]]",  # the three are set below
        list(
            with_completeness(
                Application.objects.filter(municipality=municipality).select_related(
                    "cycle", "size_class", "asean_outcome"
                )
            ).order_by("-cycle__reference_year", "-cycle_id", "track", "category_code")
        ),
    )
    scores = _current_scores([application.pk for application in applications])
    for application in applications:
        application.current_scores = scores.get(application.pk, {})
        outcome = getattr(application, "asean_outcome", None)  # an AseanOutcome, or None while none is recorded
        application.asean_result = outcome
        application.is_nominee = application.status == ApplicationStatus.NOMINATED or outcome is not None
    return MunicipalityFigures(
        municipality=municipality,
        open_calls=open_calls_for(user),
        applications=applications,
        clarifications=list(open_clarifications_for(user).order_by("-asked_at")),
        series=_series(applications, scores),
    )


def _current_scores(application_ids: list[int]) -> dict[int, dict[str, ApplicationScore]]:
    scores: dict[int, dict[str, ApplicationScore]] = defaultdict(dict)
    for score in ApplicationScore.objects.filter(application_id__in=application_ids, is_current=True).defer(
        "indicators"
    ):
        scores[score.application_id][score.kind] = score
    return scores


def _chains() -> dict[int, list[int]]:
    """Each cycle's `previous` chain, itself first (one query over the cycles; a loop in the data stops it)."""
    previous = dict(AwardCycle.objects.values_list("pk", "previous_id"))
    chains: dict[int, list[int]] = {}
    for pk in previous:
        chain = [pk]
        while (before := previous.get(chain[-1])) is not None and before not in chain:
            chain.append(before)
        chains[pk] = chain
    return chains


def _series(applications: Sequence[Application], scores: dict[int, dict[str, ApplicationScore]]) -> list[Series]:
    """A series per track and category, from the newest application back along its cycle's `previous` chain; only
    those with at least two cycles compare anything (two queries: the cycles and the values)."""
    if not applications:
        return []
    chains = _chains()
    by_key: dict[tuple[int, str, str], Application] = {
        (application.cycle_id, application.track, application.category_code): application
        for application in applications
    }
    series_points: list[tuple[str, str, list[Application]]] = []
    seen: set[tuple[str, str]] = set()
    for application in applications:  # newest cycle first: the first of each track and category leads its series
        key = (application.track, application.category_code)
        if key in seen:
            continue
        seen.add(key)
        chain = [
            by_key[(cycle_id, *key)] for cycle_id in chains.get(application.cycle_id, []) if (cycle_id, *key) in by_key
        ]
        if len(chain) > 1:
            series_points.append((*key, list(reversed(chain))))
    if not series_points:
        return []
    wanted = [application.pk for _, _, chain in series_points for application in chain]
    values: dict[int, dict[str, IndicatorValue]] = defaultdict(dict)
    for value in (
        IndicatorValue.objects.filter(application_id__in=wanted)
        .select_related("indicator__area")
        .order_by("indicator__area__position", "indicator__position")
    ):
        values[value.application_id][value.indicator.code] = value
    result = []
    for track, category, chain in series_points:
        points = [
            CyclePoint(
                cycle=application.cycle,
                application=application,
                submitted=scores.get(application.pk, {}).get(ScoreKind.SUBMITTED),
                verified=scores.get(application.pk, {}).get(ScoreKind.VERIFIED),
            )
            for application in chain
        ]
        # The latest cycle's indicators in its form's order, then those only older cycles answered.
        rows: dict[str, Indicator] = {}
        for application in reversed(chain):
            for code, value in values[application.pk].items():
                rows.setdefault(code, value.indicator)
        trends = [
            IndicatorTrend(indicator, [values[application.pk].get(code) for application in chain])
            for code, indicator in rows.items()
        ]
        result.append(Series(track=track, category_code=category, points=points, indicators=trends))
    return result

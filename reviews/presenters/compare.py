"""The side-by-side comparison of 2–4 cities as its template shows it: each city's profile (rank, tier, totals),
bars by area, and indicator by indicator each city's value and points, the best marked."""

from __future__ import annotations

from typing import Any

from applications.models import Application, IndicatorValue
from indicators.display import stored_value_text
from indicators.models import Area, AwardCycle, Indicator
from portal.i18n import current_language, localized
from portal.values import stored_decimal
from scoring.enums import ScoreKind
from scoring.models import ApplicationScore
from scoring.selectors import group_counts

COMPARE_MIN, COMPARE_MAX = 2, 4


def compare_context(cycle: AwardCycle, applications: list[Application], kind: str) -> dict[str, Any]:
    """The comparison of `applications` (in the order asked for) on the basis `kind`."""
    language = current_language()
    ids = [application.pk for application in applications]
    scores: dict[tuple[int, str], ApplicationScore] = {
        (score.application_id, score.kind): score
        for score in ApplicationScore.objects.filter(application_id__in=ids, is_current=True)
    }
    values: dict[tuple[int, int], IndicatorValue] = {
        (value.application_id, value.indicator_id): value
        for value in IndicatorValue.objects.filter(application_id__in=ids)
    }
    indicators = list(
        Indicator.objects.filter(framework_id=cycle.framework_id)
        .select_related("area")
        .order_by("area__position", "position")
    )
    tiers = cycle.tier_labels(language)
    cities: list[dict[str, Any]] = [
        {
            "index": index,
            "application": application,
            "score": scores.get((application.pk, kind)),
            "submitted": scores.get((application.pk, ScoreKind.SUBMITTED)),
            "verified": scores.get((application.pk, ScoreKind.VERIFIED)),
        }
        for index, application in enumerate(applications, start=1)
    ]
    counts = group_counts(cycle, kind, [city["score"].group_key for city in cities if city["score"]])
    for city in cities:
        score = city["score"]
        # The stored standing's rank, the same number as on the board, the packet and the export.
        city["rank"] = score.rank if score else None
        city["ranked_count"] = counts.get(score.group_key, 0) if score else 0
        city["final"] = score.is_final if score else False
        city["tier"] = tiers.get(score.tier, "") if score and score.is_final else ""
        city["points"] = {item["code"]: item for item in (score.indicators if score else [])}
        city["areas"] = score.areas if score else {}
    areas = list({indicator.area.pk: indicator.area for indicator in indicators}.values())
    return {
        "cities": cities,
        "area_bars": area_bars(areas, cities, language),
        "sections": sections(indicators, cities, values, language),
        "ids": ",".join(str(pk) for pk in ids),
    }


def area_bars(areas: list[Area], cities: list[dict[str, Any]], language: str) -> list[dict[str, Any]]:
    bars = []
    for area in areas:
        if not any(area.code in city["areas"] for city in cities):
            continue
        bars.append(
            {
                "area": area,
                "name": localized(area, "name", language),
                "cities": [
                    {"city": city, "score": stored_decimal(city["areas"].get(area.code, {}).get("score"))}
                    for city in cities
                ],
            }
        )
    return bars


def sections(
    indicators: list[Indicator],
    cities: list[dict[str, Any]],
    values: dict[tuple[int, int], IndicatorValue],
    language: str,
) -> list[dict[str, Any]]:
    """Indicator by indicator, grouped by area: each city's value with its unit and its points; the best
    points are marked when at least one other city has fewer (or none)."""
    by_area: dict[int, dict[str, Any]] = {}
    for indicator in indicators:
        if not any(indicator.code in city["points"] for city in cities):
            continue
        cells = []
        for city in cities:
            item = city["points"].get(indicator.code)
            cells.append(
                {
                    "applicable": item is not None,
                    "value": stored_value_text(
                        indicator, values.get((city["application"].pk, indicator.pk)), describe_text=True
                    ),
                    "points": stored_decimal(item.get("points")) if item else None,
                    "max": item.get("max") if item else None,
                    "best": False,
                }
            )
        scored = [cell["points"] for cell in cells if cell["points"] is not None]
        if scored and (len(set(scored)) > 1 or len(scored) < sum(1 for cell in cells if cell["applicable"])):
            best = max(scored)
            for cell in cells:
                cell["best"] = cell["points"] == best
        section = by_area.setdefault(
            indicator.area_id,
            {
                "area": indicator.area,
                "name": localized(indicator.area, "name", language),
            },
        )
        section.setdefault("rows", []).append(
            {
                "indicator": indicator,
                "name": localized(indicator, "name", language),
                "cells": cells,
            }
        )
    return list(by_area.values())

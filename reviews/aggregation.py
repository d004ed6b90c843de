"""Combining reviewers' rubric points: mean, median, spread, and an optional per-reviewer z-score normalisation.

Pure Python, Decimal in and out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from statistics import mean, median, pstdev

CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class Combined:
    mean: Decimal
    median: Decimal
    spread: Decimal  # population standard deviation of the points
    count: int
    disagreement: bool


def combine(points: Sequence[Decimal], *, threshold: Decimal) -> Combined | None:
    """Mean, median and spread of several reviewers' points; None when nobody scored."""
    if not points:
        return None
    values = [Decimal(p) for p in points]
    spread = Decimal(pstdev(values)) if len(values) > 1 else Decimal(0)
    return Combined(
        mean=Decimal(mean(values)).quantize(CENT, rounding=ROUND_HALF_UP),
        median=Decimal(median(values)).quantize(CENT, rounding=ROUND_HALF_UP),
        spread=spread.quantize(CENT, rounding=ROUND_HALF_UP),
        count=len(values),
        disagreement=spread > threshold,
    )


def normalise(scores: Sequence[tuple[int, str, Decimal]], *, max_points: int) -> dict[tuple[int, str], Decimal]:
    """Per-reviewer z-scores mapped back onto the common scale.

    `scores` are (reviewer id, key, points) over the whole cycle. A reviewer's points become
    overall_mean + z × overall_sd, with z against that reviewer's own mean and spread, clamped to 0..max_points.
    A reviewer with fewer than 2 scores, or with no spread, keeps their points.
    """
    all_points = [points for _reviewer, _key, points in scores]
    if len(all_points) < 2:
        return {(reviewer, key): points for reviewer, key, points in scores}
    overall_mean, overall_sd = Decimal(mean(all_points)), Decimal(pstdev(all_points))
    by_reviewer: dict[int, list[Decimal]] = defaultdict(list)
    for reviewer, _key, points in scores:
        by_reviewer[reviewer].append(points)
    stats: Mapping[int, tuple[Decimal, Decimal]] = {
        reviewer: (Decimal(mean(values)), Decimal(pstdev(values)) if len(values) > 1 else Decimal(0))
        for reviewer, values in by_reviewer.items()
    }
    result = {}
    for reviewer, key, points in scores:
        own_mean, own_sd = stats[reviewer]
        if own_sd == 0 or overall_sd == 0:
            result[(reviewer, key)] = points
            continue
        z = (points - own_mean) / own_sd
        value = overall_mean + z * overall_sd
        result[(reviewer, key)] = min(max(value, Decimal(0)), Decimal(max_points)).quantize(
            CENT, rounding=ROUND_HALF_UP
        )
    return result

"""Chart geometry for the dashboards' server-drawn SVG and CSS charts: bar lengths as shares of the largest bar,
and the participation map's colour steps. Pure functions of the figures; no queries."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

# The map's colour steps above "no applications" (the CSS classes map-level-1 … map-level-4).
MAP_LEVELS = 4


def percent(count: int | Decimal, largest: int | Decimal) -> int:
    """A bar's length in percent of the largest bar's (0 when nothing is counted; at least 1 for any count)."""
    if not largest or not count:
        return 0
    return max(1, round(100 * count / largest))


def lengths(counts: list[int]) -> list[int]:
    """Each count's bar length in percent of the largest."""
    largest = max(counts, default=0)
    return [percent(count, largest) for count in counts]


@dataclass(frozen=True)
class Column:
    """One column of a column chart in a 100 × 100 SVG viewBox (y grows downwards)."""

    label: str
    count: int
    x: float
    width: float
    y: int
    height: int


def columns(items: list[tuple[str, int]]) -> list[Column]:
    """Columns side by side over the whole width, each with a small gap, heights as shares of the tallest."""
    if not items:
        return []
    largest = max(count for _, count in items)
    slot = 100 / len(items)
    gap = min(slot * 0.2, 1.5)
    result = []
    for index, (label, count) in enumerate(items):
        height = percent(count, largest)
        result.append(
            Column(label, count, round(index * slot + gap / 2, 3), round(slot - gap, 3), 100 - height, height)
        )
    return result


@dataclass(frozen=True)
class LegendStep:
    level: int
    low: int
    high: int


def map_level(count: int, largest: int) -> int:
    """0 for no applications, else 1 … MAP_LEVELS by the share of the largest count."""
    if count <= 0 or largest <= 0:
        return 0
    return min(MAP_LEVELS, max(1, math.ceil(MAP_LEVELS * count / largest)))


def map_legend(largest: int) -> list[LegendStep]:
    """The count range of each colour step that some count can reach (step 0 is "none")."""
    steps = [LegendStep(0, 0, 0)]
    for level in range(1, MAP_LEVELS + 1):
        low, high = (level - 1) * largest // MAP_LEVELS + 1, level * largest // MAP_LEVELS
        if low <= high:
            steps.append(LegendStep(level, low, high))
    return steps

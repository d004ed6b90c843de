"""Timing helpers shared by the benchmarks: best-of-n wall time, and a figure with its baseline ratio."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass


@dataclass(frozen=True, slots=True)
class Figure:
    name: str
    seconds: float
    baseline_name: str
    baseline_seconds: float
    goal: str

    @property
    def ratio(self) -> float:
        return self.baseline_seconds / self.seconds if self.seconds else float("inf")

    def as_dict(self) -> dict[str, object]:
        return {**asdict(self), "ratio": round(self.ratio, 2)}


def best_of(repeat: int, action: Callable[[], object], *, setup: Callable[[], object] | None = None) -> float:
    """The fastest of `repeat` runs (the least disturbed by other load on a shared machine)."""
    timings = []
    for _ in range(repeat):
        if setup is not None:
            setup()
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return min(timings)


def best_of_interleaved(repeat: int, actions: Mapping[str, Callable[[], object]]) -> dict[str, float]:
    """The fastest of `repeat` runs of each action, taking turns (a, b, c, a, b, c, ...).

    For figures compared as a ratio: a slow spell of a shared machine then falls on every action alike, rather
    than on whichever happened to be running during it.
    """
    timings: dict[str, list[float]] = {name: [] for name in actions}
    for _ in range(repeat):
        for name, action in actions.items():
            started = time.perf_counter()
            action()
            timings[name].append(time.perf_counter() - started)
    return {name: min(values) for name, values in timings.items()}

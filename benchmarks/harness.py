"""Timing helpers shared by the benchmarks: best-of-n wall time, and a figure with its baseline ratio."""

from __future__ import annotations

import time
from collections.abc import Callable
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

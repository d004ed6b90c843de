"""Score the demo cycle so rankings and score pages have something to show."""

from __future__ import annotations

from typing import TextIO

from indicators.models import AwardCycle
from scoring.enums import RunStatus
from scoring.models import ScoreRun
from scoring.services import execute_run, request_cycle_rescore


def seed(stdout: TextIO) -> None:
    cycle = AwardCycle.objects.filter(code="esc-2027").first()
    if cycle is None or ScoreRun.objects.filter(cycle=cycle, status=RunStatus.DONE).exists():
        return
    run = execute_run(request_cycle_rescore(cycle=cycle, reason="demo").pk)
    assert run is not None  # requested just above
    stdout.write(f"Scores: {run.done} applications of {cycle.code} scored.")

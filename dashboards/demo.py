"""Demo data for the dashboards: scores for the 2021 edition (so that Yala's year-over-year shows a score beside its
values), and the current cycle's submissions spread over the weeks since the call opened (so that "submissions
over time" has a shape). Idempotent; runs after the other apps' demo data."""

from __future__ import annotations

import datetime as dt
from typing import TextIO

from django.utils import timezone

from applications.models import Application
from indicators.models import AwardCycle
from scoring.enums import RunStatus
from scoring.models import ScoreRun
from scoring.services import execute_run, request_cycle_rescore

# Days before "now" that the current cycle's submissions are dated, in the order of their primary keys (the
# applications/demo.py order); a submission keeps the date it has when it is older already.
SUBMITTED_DAYS_AGO = (3, 24, 19, 30, 12, 9, 27, 5, 16, 3, 22, 8, 14, 6, 11, 4)


def seed(stdout: TextIO) -> None:
    previous = AwardCycle.objects.filter(code="esc-2021").first()
    if previous is not None and not ScoreRun.objects.filter(cycle=previous, status=RunStatus.DONE).exists():
        run = execute_run(request_cycle_rescore(cycle=previous, reason="demo", enqueue=False).pk)
        assert run is not None  # requested just above
        stdout.write(f"Scores: {run.done} applications of {previous.code} scored (year-over-year).")
    current = AwardCycle.objects.filter(code="esc-2027").first()
    if current is None:
        return
    now = timezone.now()
    submitted = Application.objects.filter(cycle=current, submitted_at__isnull=False).order_by("pk")
    for application, days in zip(submitted, SUBMITTED_DAYS_AGO, strict=False):
        submitted_at = now - dt.timedelta(days=days, hours=days % 7)
        if current.call_opens_on is not None and submitted_at.date() < current.call_opens_on:
            continue
        assert application.submitted_at is not None  # filtered on submitted_at__isnull=False
        if application.submitted_at > submitted_at:
            Application.objects.filter(pk=application.pk).update(submitted_at=submitted_at)

"""Score runs as Celery tasks: they take ids, are idempotent, acknowledge late and retry only transient errors.

A run whose retries are spent, or that fails for any other reason, is marked failed with its error, so that the
runs page never shows "running" for a run nobody is running.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from celery import shared_task
from django.db import InterfaceError, OperationalError

from scoring.services import execute_run, fail_stale_runs, mark_failed

logger = logging.getLogger(__name__)
TRANSIENT = (OperationalError, InterfaceError)
MAX_RETRIES = 3
# A running run that has reported no progress for this long lost its worker (longer than the task's time limit).
STALE_AFTER = dt.timedelta(minutes=35)


@shared_task(
    name="scoring.run_scores",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=MAX_RETRIES,
    time_limit=30 * 60,
    soft_time_limit=28 * 60,
)
def run_scores_task(self: Any, *, run_id: int) -> str:
    try:
        run = execute_run(run_id)
    except TRANSIENT as error:
        if self.request.retries >= MAX_RETRIES:
            mark_failed(run_id, f"{type(error).__name__} after {MAX_RETRIES} retries: {error}")
            raise
        raise self.retry(exc=error, countdown=2 ** (self.request.retries + 1)) from error
    except Exception as error:
        mark_failed(run_id, f"{type(error).__name__}: {error}")
        raise
    return "vanished" if run is None else run.status


@shared_task(name="scoring.fail_stale_runs")
def fail_stale_runs_task() -> int:
    return fail_stale_runs(silent_for=STALE_AFTER)

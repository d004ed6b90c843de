"""Export builds as Celery tasks: they take ids, are idempotent, acknowledge late and retry only transient errors.

`reviews.build_export` starts a run: with workers, it queues one `reviews.render_export_packets` per chunk of
applications (so every worker process renders packets) and the chunk that completes the set queues
`reviews.assemble_export`, which writes the ZIP; in the embedded mode (eager, no worker) it builds the run in this
one thread. `reviews.fail_stale_exports` (beat) fails runs whose workers died and whose tasks were lost;
`reviews.send_reminders` (beat, daily) reminds reviewers of pending assignments.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from celery import Task, current_app, shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from portal.celery import DAILY_JOB
from reviews.reminders import send_review_reminders
from reviews.services_export import (
    assemble_export,
    build_export,
    fail_stale_exports,
    mark_export_failed,
    render_export_chunk,
    start_export,
)

logger = logging.getLogger(__name__)

STALE_AFTER = dt.timedelta(minutes=30)
RETRIED: dict[str, Any] = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": True,
    "max_retries": 3,
    "time_limit": 30 * 60,
    "soft_time_limit": 28 * 60,
}


def _fail_after_last_retry(task: Task[Any, Any], run_id: int, error: Exception) -> None:
    # Retried with backoff; after the last retry the run would otherwise stay "building" until the stale check.
    if task.request.retries >= (task.max_retries or 0):
        mark_export_failed(run_id, f"{type(error).__name__}: {error}")


@shared_task(name="reviews.build_export", **RETRIED)
def build_export_task(*, run_id: int) -> str:
    try:
        if current_app.conf.task_always_eager:
            # Embedded mode: one process, no workers to share with; build here, one packet after another.
            run = build_export(run_id)
            return "vanished" if run is None else run.status
        chunks = start_export(run_id)
    except (OperationalError, InterfaceError) as error:
        _fail_after_last_retry(build_export_task, run_id, error)
        raise
    if chunks is None:
        return "skipped"
    for application_ids in chunks:
        render_export_packets_task.delay(run_id=run_id, application_ids=application_ids)
    if not chunks:
        assemble_export_task.delay(run_id=run_id)
    return f"{len(chunks)} chunks"


@shared_task(name="reviews.render_export_packets", **RETRIED)
def render_export_packets_task(*, run_id: int, application_ids: list[int]) -> str:
    try:
        completed = render_export_chunk(run_id, application_ids)
    except (OperationalError, InterfaceError) as error:
        _fail_after_last_retry(render_export_packets_task, run_id, error)
        raise
    except Exception as error:
        # A packet that cannot be rendered fails the run (rendering again would fail the same way).
        logger.exception("Export run %s failed rendering packets", run_id)
        mark_export_failed(run_id, f"{type(error).__name__}: {error}")
        return "failed"
    if completed:
        assemble_export_task.delay(run_id=run_id)
    return "completed" if completed else "rendered"


@shared_task(name="reviews.assemble_export", **RETRIED)
def assemble_export_task(*, run_id: int) -> str:
    try:
        run = assemble_export(run_id)
    except (OperationalError, InterfaceError) as error:
        _fail_after_last_retry(assemble_export_task, run_id, error)
        raise
    # Any other error has marked the run FAILED inside assemble_export (with the traceback logged).
    return "vanished" if run is None else run.status


@shared_task(name="reviews.fail_stale_exports")
def fail_stale_exports_task() -> int:
    return fail_stale_exports(silent_for=STALE_AFTER)


@shared_task(name="reviews.send_reminders", **DAILY_JOB)
def send_reminders_task() -> dict[str, int]:
    """Send the reviewers' reminders due now; safe to run any number of times a day."""
    return {"reviews": send_review_reminders(now=timezone.now())}

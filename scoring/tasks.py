"""Score runs as Celery tasks: they take ids, are idempotent, acknowledge late and retry only transient errors."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError

logger = logging.getLogger(__name__)


@shared_task(
    name="scoring.run_scores",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    max_retries=3,
    time_limit=30 * 60,
    soft_time_limit=28 * 60,
)
def run_scores_task(*, run_id: int) -> str:
    from scoring.services import execute_run, mark_failed  # noqa: PLC0415 -- leaf import

    try:
        run = execute_run(run_id)
    except (OperationalError, InterfaceError):
        raise
    except Exception as error:
        mark_failed(run_id, f"{type(error).__name__}: {error}")
        raise
    return "vanished" if run is None else run.status

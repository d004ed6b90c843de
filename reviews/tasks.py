"""Export builds as Celery tasks: they take ids, are idempotent, acknowledge late and retry only transient errors."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError

logger = logging.getLogger(__name__)


@shared_task(
    name="reviews.build_export",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    max_retries=3,
    time_limit=30 * 60,
    soft_time_limit=28 * 60,
)
def build_export_task(*, run_id: int) -> str:
    from reviews.services_export import build_export, mark_export_failed  # noqa: PLC0415 -- leaf import

    try:
        run = build_export(run_id)
    except (OperationalError, InterfaceError) as error:
        # Retried with backoff; after the last retry the run would otherwise stay "building" for ever.
        if build_export_task.request.retries >= (build_export_task.max_retries or 0):
            mark_export_failed(run_id, f"{type(error).__name__}: {error}")
        raise
    # Any other error has marked the run FAILED inside build_export (with the traceback logged): nothing to retry.
    return "vanished" if run is None else run.status

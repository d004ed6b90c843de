"""Portal-level tasks."""

import logging
from functools import partial
from typing import Any

from celery import Task, shared_task
from django.db import OperationalError, transaction
from django.db.models import F
from django.utils import timezone

from portal.models import WorkerHeartbeat

logger = logging.getLogger(__name__)


@shared_task(
    name="portal.record_worker_heartbeat",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
    time_limit=30,
    soft_time_limit=20,
)
def record_worker_heartbeat_task(*, hostname: str = "") -> int:
    """Record that a worker ran a task (beat schedules it; tests use it to see a round trip)."""
    name = hostname or record_worker_heartbeat_task.request.hostname or "unknown"
    heartbeat, created = WorkerHeartbeat.objects.get_or_create(
        hostname=name, defaults={"seen_at": timezone.now(), "beats": 1}
    )
    if not created:
        WorkerHeartbeat.objects.filter(pk=heartbeat.pk).update(seen_at=timezone.now(), beats=F("beats") + 1)
    return heartbeat.pk


def enqueue_after_commit(task: Task, /, **kwargs: Any) -> None:
    """Send task.delay(**kwargs) once the current transaction commits (at once outside a transaction).

    Services call this instead of .delay(): a worker never sees a row the transaction may still roll back.
    """
    transaction.on_commit(partial(task.delay, **kwargs))

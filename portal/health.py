"""Health of the parts the portal depends on: database, Redis, Celery workers."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import connection

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    ok: bool
    detail: str


def check_database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:
        return Check("database", ok=False, detail=type(error).__name__)
    return Check("database", ok=True, detail=connection.vendor)


def check_redis() -> Check | None:
    if not settings.REDIS_URL:
        return None
    import redis  # noqa: PLC0415 -- only needed in full-stack mode

    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1).ping()
    except redis.RedisError as error:
        return Check("redis", ok=False, detail=type(error).__name__)
    return Check("redis", ok=True, detail="pong")


def portal_queue_workers(*, timeout: float = 1.0) -> int:
    """How many Celery workers consuming the portal's own queue answer on the broker.

    Workers of other queues on the same broker (another deployment, another test run) do not count.
    Raises OSError (or a kombu error) when the broker does not answer.
    """
    from portal.celery import app  # noqa: PLC0415 -- only the full stack talks to the broker

    queues = app.control.inspect(timeout=timeout).active_queues() or {}
    wanted = settings.CELERY_TASK_DEFAULT_QUEUE
    return sum(any(queue.get("name") == wanted for queue in consumed) for consumed in queues.values())


def check_workers(*, timeout: float = 1.0) -> Check:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return Check("workers", ok=True, detail="in-process")
    try:
        answered = portal_queue_workers(timeout=timeout)
    except Exception as error:
        return Check("workers", ok=False, detail=type(error).__name__)
    if not answered:
        return Check("workers", ok=False, detail="no worker answered")
    return Check("workers", ok=True, detail=f"{answered} answered")


def run_checks() -> list[Check]:
    checks = [check_database(), check_redis(), check_workers()]
    return [check for check in checks if check is not None]

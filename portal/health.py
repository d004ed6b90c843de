"""Health of the parts the portal depends on: database, Redis, Celery workers (checks: any failure is 503), and
Celery beat and the task queue (signals: a stale beat or a long queue makes the portal "degraded", still 200).

Everything is read in a few cheap calls: one query, one Redis round trip (PING aside) and the workers' ping.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

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


@dataclass(frozen=True, slots=True)
class Signal:
    """Something worth an operator's look that does not stop the portal serving pages."""

    name: str
    ok: bool
    detail: str
    figures: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "detail": self.detail, **self.figures}


# Celery's Redis transport keeps a queue's messages of priority 3, 6 and 9 in lists of their own beside the queue.
_PRIORITY_SEPARATOR = "\x06\x16"
_PRIORITIES = ("3", "6", "9")


def beat_key() -> str:
    """The Redis key of beat's heartbeat, one per queue, so that deployments sharing a Redis do not mix."""
    return f"portal:beat-heartbeat:{settings.CELERY_TASK_DEFAULT_QUEUE}"


def _redis() -> Any:
    import redis  # noqa: PLC0415 -- only needed in full-stack mode

    return redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)


def record_beat_heartbeat() -> int:
    """Store the Redis server's clock as beat's last heartbeat (the task beat schedules calls this); returns it.

    The server's clock, not this host's, so that the age /healthz computes does not depend on two hosts' clocks.
    """
    client = _redis()
    seconds, _micros = client.time()
    client.set(beat_key(), seconds)
    return int(seconds)


def queue_keys() -> list[str]:
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    return [queue, *(f"{queue}{_PRIORITY_SEPARATOR}{priority}" for priority in _PRIORITIES)]


def read_signals(*, database_ok: bool) -> list[Signal]:
    """Beat's heartbeat age and the queue's depth (one Redis round trip), and the tasks kept unsent (one query).

    Empty in the embedded mode, which has neither beat nor a queue.
    """
    if not settings.REDIS_URL:
        return []
    try:
        pipeline = _redis().pipeline(transaction=False)
        pipeline.time()
        pipeline.get(beat_key())
        for key in queue_keys():
            pipeline.llen(key)
        (now, _micros), beat, *lengths = pipeline.execute()
    except Exception as error:
        detail = f"redis: {type(error).__name__}"
        return [Signal("beat", ok=False, detail=detail), Signal("queue", ok=False, detail=detail)]
    return [_beat_signal(now, beat), _queue_signal(sum(lengths), database_ok=database_ok)]


def _beat_signal(now: int, beat: bytes | None) -> Signal:
    limit = settings.HEALTH_BEAT_MAX_AGE
    if beat is None:
        return Signal("beat", ok=False, detail="never seen", figures={"age_seconds": None, "max_age_seconds": limit})
    age = max(0, int(now) - int(beat))
    ok = age <= limit
    detail = f"last heartbeat {age} s ago" if ok else f"stale: last heartbeat {age} s ago"
    return Signal("beat", ok=ok, detail=detail, figures={"age_seconds": age, "max_age_seconds": limit})


def _queue_signal(depth: int, *, database_ok: bool) -> Signal:
    from portal.queueing import unsent_count  # noqa: PLC0415 -- portal.queueing imports the models

    limit = settings.HEALTH_QUEUE_MAX_DEPTH
    unsent = unsent_count() if database_ok else None
    problems = [f"{depth} waiting, more than {limit}"] if depth > limit else []
    if unsent:
        problems.append(f"{unsent} kept unsent while the broker was unreachable")
    figures = {"depth": depth, "max_depth": limit, "unsent": unsent}
    return Signal("queue", ok=not problems, detail="; ".join(problems) or f"{depth} waiting", figures=figures)

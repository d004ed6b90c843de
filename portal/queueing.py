"""Queueing tasks after commit, so that an unreachable broker loses nothing.

Services queue work with `enqueue_after_commit`, naming the task ("scoring.run_scores"): a service never imports the
tasks that call it; tasks import services, never the other way round. When the broker (Redis) does not take the
message, the task is kept as an UnsentTask row in the database, which has just committed the work the task is about,
and the request carries on as if it had been queued: a submission stays submitted, its receipt and score follow. Beat
runs `portal.send_unsent_tasks` every minute, which sends what was kept once the broker answers again. Every task the
portal queues is idempotent, so a message that reached the broker although sending it raised costs nothing.
"""

from __future__ import annotations

import contextvars
import logging
from functools import partial
from typing import Any

from celery import Task, current_app
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerOperationalError

from portal.models import UnsentTask
from portal.request_context import bound_request_id, current_request_id

logger = logging.getLogger(__name__)

# What sending raises when the broker cannot be reached: kombu wraps the connection errors; a socket error may still
# come through bare.
BROKER_ERRORS = (BrokerOperationalError, OSError)
SWEEP_LIMIT = 500
# How many tasks this context (a request, a task) has had to keep: a view compares it before and after a service to
# tell the user that what the service queued (a receipt e-mail, a score) comes later than usual.
_kept = contextvars.ContextVar("kept_tasks", default=0)


def task_named(name: str) -> Task | None:
    """The registered task of that name; the apps' task modules are imported on the first miss (a web process has
    not imported them: nothing there calls a task directly). None when no task has that name."""
    if name not in current_app.tasks:
        current_app.loader.import_default_modules()
    return current_app.tasks.get(name)


def enqueue_after_commit(task: Task | str, /, **kwargs: Any) -> None:
    """Send task.delay(**kwargs) once the current transaction commits (at once outside a transaction); kept as an
    UnsentTask when the broker does not answer. A worker never sees a row the transaction may still roll back.
    `task` is the task or its name."""
    transaction.on_commit(partial(send_or_keep, task, kwargs))


def kept_count() -> int:
    """Tasks kept unsent so far in this context; only grows."""
    return _kept.get()


def send_or_keep(task: Task | str, kwargs: dict[str, Any]) -> bool:
    """Queue the task now; if the broker does not answer, keep it to be sent later. True when it was queued."""
    if isinstance(task, str):
        found = task_named(task)
        if found is None:
            raise LookupError(f"No task is named {task!r}.")
        task = found
    if task.app.conf.task_always_eager:  # in-process (embedded mode): no broker to miss
        task.delay(**kwargs)
        return True
    try:
        task.delay(**kwargs)
    except BROKER_ERRORS as error:
        UnsentTask.objects.create(
            name=task.name, kwargs=kwargs, request_id=current_request_id() or "", error=_describe(error)
        )
        _kept.set(_kept.get() + 1)
        logger.warning("Broker unreachable: %s %s kept to be sent later (%s)", task.name, kwargs, _describe(error))
        return False
    return True


def send_unsent_tasks(*, limit: int = SWEEP_LIMIT) -> int:
    """Send the kept tasks, oldest first, each with the request id it was queued under; returns how many were sent.

    Stops at the first one the broker refuses again (it is still unreachable) and records the attempt. Two sweeps at
    once share the work: each takes the rows the other has not locked.
    """
    sent = 0
    with transaction.atomic():
        for unsent in UnsentTask.objects.select_for_update(skip_locked=True)[:limit]:
            task = task_named(unsent.name)
            if task is None:  # a task renamed or removed by an upgrade: nothing can run it
                logger.error("Unsent task %s dropped: no task of that name exists", unsent.name)
                unsent.delete()
                continue
            try:
                with bound_request_id(unsent.request_id or None):
                    task.delay(**unsent.kwargs)
            except BROKER_ERRORS as error:
                UnsentTask.objects.filter(pk=unsent.pk).update(
                    attempts=F("attempts") + 1, tried_at=timezone.now(), error=_describe(error)
                )
                logger.warning("Broker still unreachable: %s unsent tasks wait (%s)", unsent_count(), _describe(error))
                break
            unsent.delete()
            sent += 1
    if sent:
        logger.info("Sent %s tasks kept while the broker was unreachable", sent)
    return sent


def unsent_count() -> int:
    return UnsentTask.objects.count()


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:1000]

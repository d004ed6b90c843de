"""The Celery application. Settings come from Django settings under the CELERY_ namespace.

Embedded default (no REDIS_URL): there is no worker, so tasks run in this process. They run eagerly, but on a
thread of their own (TASKS_IN_THREADS), so a long job (a ZIP of packets, a whole-cycle rescore) never holds the
request that queued it: the page answers at once and shows the job's progress, as it does with a worker.
"""

import contextvars
import logging
import os
import threading
from typing import Any

from celery import Celery, Task
from celery.utils import uuid
from django.db import InterfaceError, OperationalError

from portal import request_context  # noqa: F401 -- connects the signals that carry the request id into tasks

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.local")

logger = logging.getLogger(__name__)

# The options of a scheduled daily job (reminders): idempotent, so acknowledged late and retried on a lost database
# connection; bounded in time.
DAILY_JOB: dict[str, Any] = {
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": True,
    "max_retries": 3,
    "acks_late": True,
    "time_limit": 15 * 60,
    "soft_time_limit": 14 * 60,
}


class PortalTask(Task):
    def apply_async(
        self, args: Any = None, kwargs: Any = None, task_id: str | None = None, *more: Any, **options: Any
    ) -> Any:
        from django.conf import settings  # noqa: PLC0415 -- Celery loads this module before Django's settings

        if not (self.app.conf.task_always_eager and getattr(settings, "TASKS_IN_THREADS", False)):
            return super().apply_async(args, kwargs, task_id, *more, **options)
        task_id = task_id or uuid()
        # The thread runs in a copy of this context: its log lines carry the request id of the request that queued it.
        context = contextvars.copy_context()
        thread = threading.Thread(
            target=context.run,
            args=(_run_in_thread, self, args, kwargs, task_id),
            name=f"task {self.name}",
            daemon=False,
        )
        thread.start()
        return self.AsyncResult(task_id)


def _run_in_thread(task: Task, args: Any, kwargs: Any, task_id: str) -> None:
    from django.db import connections  # noqa: PLC0415

    try:
        task.apply(args, kwargs, task_id=task_id, throw=True)
    except Exception:
        logger.exception("Task %s (%s) failed", task.name, task_id)
    finally:
        connections.close_all()


app = Celery("portal", task_cls=PortalTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

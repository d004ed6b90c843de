"""A URLconf for the operations tests: the portal's own URLs plus three views and two tasks that exist only here.

The tasks are registered on the portal's Celery app when this module is imported, so a test worker (a thread of the
test process) runs them; what they saw is put on `seen` for the test to read.
"""

import logging
import queue

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from portal.celery import app
from portal.request_context import current_request_id

logger = logging.getLogger("tests.ops")
seen: queue.Queue[str | None] = queue.Queue()


@app.task(name="tests.ops.record_request_id")
def record_request_id_task() -> None:
    logger.info("task ran")
    seen.put(current_request_id())


@app.task(name="tests.ops.explode")
def explode_task(*, message: str) -> None:
    raise ValueError(message)


@login_not_required
def log_and_queue(request: HttpRequest) -> HttpResponse:
    logger.info("view ran")
    record_request_id_task.delay()
    return HttpResponse("queued")


def explode(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("the view broke: ทดสอบ")


def explode_later(request: HttpRequest) -> HttpResponse:
    explode_task.delay(message="the task broke")
    return HttpResponse("queued")


urlpatterns = [
    path("ops-test/log-and-queue/", log_and_queue),
    path("ops-test/explode/", explode),
    path("ops-test/explode-later/", explode_later),
    path("", include("portal.urls")),
]

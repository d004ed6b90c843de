"""The request id: one per HTTP request, carried into the Celery tasks the request queues, on every log record.

RequestIdMiddleware (portal.middleware) binds it for the request (request_finished unbinds it); before_task_publish
copies it into the message headers of every task sent meanwhile, and task_prerun binds it again in the worker, so a
task's log lines carry the id of the request that caused them. Tasks queued with no request behind them (beat,
commands) get none.
"""

from __future__ import annotations

import contextvars
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from celery.signals import before_task_publish, task_postrun, task_prerun
from django.core.signals import request_finished
from django.dispatch import receiver

HEADER = "X-Request-ID"
TASK_HEADER = "request_id"
# What a proxy or a client may hand us: a uuid, a hex or base64url token, a trace id. Anything else is replaced,
# so that a log line never carries a forged structure or an unbounded string.
_SANE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{7,127}")

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
task_var: contextvars.ContextVar[tuple[str, str] | None] = contextvars.ContextVar("task", default=None)
_task_tokens: dict[str, tuple[contextvars.Token[str | None], contextvars.Token[tuple[str, str] | None]]] = {}


def current_request_id() -> str | None:
    return request_id_var.get()


def current_task() -> tuple[str, str] | None:
    """(task name, task id) of the Celery task running in this context, if any."""
    return task_var.get()


def new_request_id() -> str:
    return uuid.uuid4().hex


def accepted_request_id(incoming: str | None) -> str:
    """The incoming X-Request-ID when it is sane (8–128 characters of letters, digits and . _ : -), else a new id."""
    if incoming and _SANE.fullmatch(incoming):
        return incoming
    return new_request_id()


@contextmanager
def bound_request_id(request_id: str | None) -> Iterator[None]:
    """Bind `request_id` for the duration of the block (log records and queued tasks carry it)."""
    token = request_id_var.set(request_id)
    try:
        yield
    finally:
        request_id_var.reset(token)


@receiver(request_finished, dispatch_uid="portal.request_context.finished")
def _unbind_request_id(**kwargs: Any) -> None:
    request_id_var.set(None)


@before_task_publish.connect(dispatch_uid="portal.request_context.publish")
def _add_request_id_header(headers: dict[str, Any] | None = None, **kwargs: Any) -> None:
    request_id = request_id_var.get()
    if request_id is not None and headers is not None:
        headers.setdefault(TASK_HEADER, request_id)


@task_prerun.connect(dispatch_uid="portal.request_context.prerun")
def _bind_task_context(task_id: str | None = None, task: Any = None, **kwargs: Any) -> None:
    if task is None or task_id is None:
        return
    request = task.request
    sent_with = getattr(request, TASK_HEADER, None)
    # A task run in-process (embedded mode) keeps the id of the request it runs for; a worker takes the header's.
    request_id = sent_with if sent_with is not None or not request.is_eager else request_id_var.get()
    _task_tokens[task_id] = (request_id_var.set(request_id), task_var.set((task.name, task_id)))


@task_postrun.connect(dispatch_uid="portal.request_context.postrun")
def _unbind_task_context(task_id: str | None = None, **kwargs: Any) -> None:
    tokens = _task_tokens.pop(task_id or "", None)
    if tokens is None:
        return
    request_token, task_token = tokens
    try:
        task_var.reset(task_token)
        request_id_var.reset(request_token)
    except ValueError:  # reset from another context (a thread that did not set it): nothing of ours to undo there
        task_var.set(None)
        request_id_var.set(None)

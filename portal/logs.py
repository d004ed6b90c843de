"""Logging parts named in settings.LOGGING: the request id on every record, JSON lines, and the error-report hook.

- RequestIdFilter puts the request id (portal.request_context) on each record as `request_id`.
- JsonFormatter writes one JSON object per line (production's default; LOG_FORMAT=json elsewhere).
- ErrorReportHandler POSTs unhandled request exceptions and failed tasks as JSON to ERROR_REPORT_URL when it is set.
  It never raises and never waits on the network in the caller's thread: reports go through a bounded queue to a
  sender thread with a short timeout; when the queue is full, reports are dropped (and counted).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import queue
import socket
import threading
import traceback
import urllib.request
from types import TracebackType
from typing import Any

from portal.request_context import current_request_id, current_task

# Attributes every LogRecord has; anything else on a record came from `extra=` and is worth keeping.
_STANDARD = frozenset(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime", "request_id"}

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]
sender_log = logging.getLogger("portal.error_report")


class RequestIdFilter(logging.Filter):
    """Adds `request_id` (or "-" outside a request and a task queued by one) to every record it sees."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id() or "-"
        return True


def _request_id_of(record: logging.LogRecord) -> str | None:
    request_id = getattr(record, "request_id", None)
    if request_id in (None, "-"):
        return current_request_id()
    return str(request_id)


def _exception_of(record: logging.LogRecord) -> ExcInfo | None:
    exc_info = record.exc_info
    if not exc_info or exc_info[0] is None or exc_info[1] is None:
        return None
    return exc_info


def _exception_type(exc_info: ExcInfo) -> str:
    kind = exc_info[0]
    return kind.__qualname__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, request_id, the running task, the
    record's `extra=` values that are plain (strings, numbers, booleans), and the exception with its traceback."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": _request_id_of(record),
        }
        task = current_task()
        if task is not None:
            entry["task"], entry["task_id"] = task
        for key, value in record.__dict__.items():
            if key not in _STANDARD and key not in entry and isinstance(value, str | int | float | bool):
                entry[key] = value
        exc_info = _exception_of(record)
        if exc_info is not None:
            entry["exc_type"] = _exception_type(exc_info)
            entry["exc"] = self.formatException(exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def error_report(record: logging.LogRecord) -> dict[str, Any]:
    """What ErrorReportHandler sends for one record: where it happened (request or task), who, and the exception."""
    report: dict[str, Any] = {
        "time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(timespec="milliseconds"),
        "host": socket.gethostname(),
        "logger": record.name,
        "level": record.levelname,
        "message": record.getMessage(),
        "request_id": _request_id_of(record),
    }
    request = getattr(record, "request", None)
    if request is not None:
        report["path"] = getattr(request, "path", None)
        report["method"] = getattr(request, "method", None)
        report["status_code"] = getattr(record, "status_code", None)
        report["user_id"] = _user_id(request)
    task_data = getattr(record, "data", None)  # Celery's failure record: {"name", "id", "exc", "traceback", ...}
    task = current_task()
    if isinstance(task_data, dict) and task_data.get("name"):
        report["task"], report["task_id"] = task_data.get("name"), task_data.get("id")
    elif task is not None:
        report["task"], report["task_id"] = task
    exc_info = _exception_of(record)
    if exc_info is not None:
        report["exception"] = {
            "type": _exception_type(exc_info),
            "message": str(exc_info[1]),
            "traceback": "".join(traceback.format_exception(*exc_info)),
        }
    return report


def _user_id(request: Any) -> int | None:
    try:
        user = request.user
        return user.pk if user.is_authenticated else None
    except Exception:  # the session may be what failed: the report goes without the user
        return None


def _report_url() -> str:
    from django.conf import settings  # noqa: PLC0415 -- read when a record comes, not when logging is configured

    return str(getattr(settings, "ERROR_REPORT_URL", "") or "")


class ErrorReportHandler(logging.Handler):
    """POST each record at ERROR or above that carries an exception as JSON to settings.ERROR_REPORT_URL (nothing when
    it is empty).

    The caller only builds the report and puts it on a queue; a daemon thread (one per process, started on the first
    report, again after a fork) sends it with a short timeout. Neither side raises: a failed send is logged as a
    warning by `portal.error_report` (which this handler does not listen to), a full queue drops the report.
    """

    def __init__(self, level: int = logging.ERROR, *, timeout: float = 3.0, capacity: int = 100) -> None:
        super().__init__(level)
        self.timeout = timeout
        self.capacity = capacity
        self.dropped = 0
        self._reset()
        os.register_at_fork(after_in_child=self._reset)

    def _reset(self) -> None:
        self._outbox_lock = threading.Lock()
        self._outbox: queue.Queue[tuple[str, dict[str, Any]]] | None = None
        self._sender: threading.Thread | None = None

    def emit(self, record: logging.LogRecord) -> None:
        try:
            # An exception, not an error status alone: a 503 from /healthz polled during an outage is no report.
            if _exception_of(record) is None:
                return
            url = _report_url()
            if url:
                self._queue().put_nowait((url, error_report(record)))
        except queue.Full:
            self.dropped += 1
        except Exception:  # noqa: S110 -- reporting an error must never raise another one where it happened
            pass

    def _queue(self) -> queue.Queue[tuple[str, dict[str, Any]]]:
        with self._outbox_lock:
            if self._outbox is None:
                self._outbox = queue.Queue(self.capacity)
            if self._sender is None or not self._sender.is_alive():  # the first report, or the sender was lost
                self._sender = threading.Thread(
                    target=self._send_forever, args=(self._outbox,), name="error-report", daemon=True
                )
                self._sender.start()
            return self._outbox

    def _send_forever(self, outbox: queue.Queue[tuple[str, dict[str, Any]]]) -> None:
        while True:
            url, report = outbox.get()
            try:
                post_json(url, report, timeout=self.timeout)
            except Exception as error:  # the sender thread must outlive any one failed report
                sender_log.warning("Error report to %s not sent: %s", url, error)


def post_json(url: str, body: dict[str, Any], *, timeout: float) -> None:
    request = urllib.request.Request(  # noqa: S310 -- settings accept only http(s) URLs for ERROR_REPORT_URL
        url,
        data=json.dumps(body, ensure_ascii=False, default=str).encode(),
        headers={"Content-Type": "application/json; charset=utf-8", "User-Agent": "esc-award-portal"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 -- as above
        response.read()

"""JSON log lines, and the error-report hook: unhandled request exceptions and failed tasks POSTed to a webhook."""

import json
import logging
import logging.handlers
import queue
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import Client
from django.urls import reverse

from portal.logs import ErrorReportHandler, JsonFormatter, RequestIdFilter
from portal.request_context import bound_request_id

pytestmark = pytest.mark.integration


def record_of(logger_name, level, message, *args, exc_info=None, **extra):
    record = logging.getLogger(logger_name).makeRecord(
        logger_name, level, "file.py", 1, message, args, exc_info, extra=extra or None
    )
    RequestIdFilter().filter(record)
    return record


def test_json_formatter_writes_one_object_with_the_request_id_and_plain_extras():
    with bound_request_id("req-json-0001"):
        record = record_of("portal.x", logging.WARNING, "%s ครั้ง", 3, status_code=404, request=object())

    line = JsonFormatter().format(record)

    entry = json.loads(line)
    assert "\n" not in line
    assert {key: value for key, value in entry.items() if key != "time"} == {
        "level": "WARNING",
        "logger": "portal.x",
        "message": "3 ครั้ง",
        "request_id": "req-json-0001",
        "status_code": 404,
    }
    assert entry["time"].endswith("+00:00")


def test_json_formatter_writes_the_exception_with_its_traceback():
    try:
        raise KeyError("missing")
    except KeyError:
        import sys

        record = record_of("portal.x", logging.ERROR, "failed", exc_info=sys.exc_info())

    entry = json.loads(JsonFormatter().format(record))

    assert (entry["exc_type"], entry["request_id"]) == ("KeyError", None)
    assert entry["exc"].startswith("Traceback (most recent call last):")
    assert entry["exc"].endswith("KeyError: 'missing'")


# ---- the error-report hook --------------------------------------------------------------------------------------


class _Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.reports.put((self.path, self.headers["Content-Type"], json.loads(body)))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def report_server(settings):
    """A real HTTP server on a thread, receiving the portal's error reports; ERROR_REPORT_URL points at it."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    server.reports = queue.Queue()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.ERROR_REPORT_URL = f"http://127.0.0.1:{server.server_port}/hooks/portal"
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def ops_urlconf(settings):
    settings.ROOT_URLCONF = "tests.portal.ops_urls"


def test_an_unhandled_exception_in_a_request_is_reported(cast, ops_urlconf, report_server):
    client = Client(raise_request_exception=False)
    client.force_login(cast.editor_a)

    response = client.get("/ops-test/explode/", headers={"X-Request-ID": "req-boom-0001"})

    path, content_type, report = report_server.reports.get(timeout=30)
    assert response.status_code == 500
    assert (path, content_type) == ("/hooks/portal", "application/json; charset=utf-8")
    assert {key: report[key] for key in ("request_id", "path", "method", "status_code", "user_id", "logger")} == {
        "request_id": "req-boom-0001",
        "path": "/ops-test/explode/",
        "method": "GET",
        "status_code": 500,
        "user_id": cast.editor_a.pk,
        "logger": "django.request",
    }
    assert (report["exception"]["type"], report["exception"]["message"]) == ("RuntimeError", "the view broke: ทดสอบ")
    assert report["exception"]["traceback"].splitlines()[-1] == "RuntimeError: the view broke: ทดสอบ"
    assert 'raise RuntimeError("the view broke: ทดสอบ")' in report["exception"]["traceback"]


def test_a_task_that_fails_on_a_real_worker_is_reported_with_the_request_that_queued_it(
    cast, ops_urlconf, report_server, celery_worker
):
    client = Client()
    client.force_login(cast.editor_a)

    client.get("/ops-test/explode-later/", headers={"X-Request-ID": "req-boom-0002"})

    _path, _type, report = report_server.reports.get(timeout=30)
    assert {key: report[key] for key in ("request_id", "task", "logger")} == {
        "request_id": "req-boom-0002",
        "task": "tests.ops.explode",
        "logger": "celery.app.trace",
    }
    assert (report["exception"]["type"], report["exception"]["message"]) == ("ValueError", "the task broke")
    assert report["task_id"]


def test_a_4xx_a_503_without_an_exception_or_a_warning_is_not_reported(cast, ops_urlconf, report_server):
    client = Client(raise_request_exception=False)
    client.force_login(cast.editor_a)

    not_found = client.get("/ops-test/nowhere/")
    unavailable = client.get(reverse("healthz"))  # no worker answers: 503, logged at ERROR by Django
    logging.getLogger("portal.anything").warning("a warning is not an error report")
    client.get("/ops-test/explode/", headers={"X-Request-ID": "req-boom-last"})  # reported, after any of the above

    _path, _type, report = report_server.reports.get(timeout=30)
    assert (not_found.status_code, unavailable.status_code) == (404, 503)
    assert report["request_id"] == "req-boom-last"
    assert report_server.reports.empty()


class _Refuser(BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(503)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def failing_endpoint():
    """Report endpoints that fail in the two ways a real one does, both on this machine (a closed port is not one:
    some networks take the connection and hold it): `refusing` answers every report 503, `silent` takes the connection
    and never answers."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Refuser)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    silent = socket.create_server(("127.0.0.1", 0))
    yield {
        "refusing": f"http://127.0.0.1:{server.server_port}/hooks/portal",
        "silent": f"http://127.0.0.1:{silent.getsockname()[1]}/hooks/portal",
    }
    silent.close()
    server.shutdown()
    server.server_close()


@pytest.fixture
def sender_warnings():
    """The warnings the sending thread logs, heard on its own logger (from any thread)."""
    heard: queue.Queue[logging.LogRecord] = queue.Queue()
    handler = logging.handlers.QueueHandler(heard)
    sender_logger = logging.getLogger("portal.error_report")
    sender_logger.addHandler(handler)
    yield heard
    sender_logger.removeHandler(handler)


def test_a_report_endpoint_that_fails_never_breaks_the_request(
    cast, ops_urlconf, settings, failing_endpoint, sender_warnings
):
    settings.ERROR_REPORT_URL = failing_endpoint["refusing"]
    client = Client(raise_request_exception=False)
    client.force_login(cast.editor_a)
    # A handler of the test's own on django.request, so the test does not depend on what earlier tests did to the
    # process's sender.
    reporter = ErrorReportHandler()
    logging.getLogger("django.request").addHandler(reporter)
    try:
        response = client.get("/ops-test/explode/")
        record = sender_warnings.get(timeout=30)
    finally:
        logging.getLogger("django.request").removeHandler(reporter)

    assert response.status_code == 500
    assert record.getMessage() == (
        f"Error report to {failing_endpoint['refusing']} not sent: HTTP Error 503: Service Unavailable"
    )


def test_a_report_endpoint_that_never_answers_is_given_up_and_the_next_report_still_goes(
    failing_endpoint, report_server, settings, sender_warnings
):
    reporter = ErrorReportHandler(timeout=0.5)
    try:
        raise RuntimeError("while the endpoint hangs")
    except RuntimeError:
        record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "boom", (), sys.exc_info())
    report_url = settings.ERROR_REPORT_URL

    settings.ERROR_REPORT_URL = failing_endpoint["silent"]
    reporter.emit(record)
    warning = sender_warnings.get(timeout=30)
    settings.ERROR_REPORT_URL = report_url
    reporter.emit(record)

    _path, _type, report = report_server.reports.get(timeout=30)
    assert warning.getMessage() == f"Error report to {failing_endpoint['silent']} not sent: timed out"
    assert report["exception"]["message"] == "while the endpoint hangs"


def test_a_sender_that_was_lost_is_started_again_by_the_next_report(report_server):
    handler = ErrorReportHandler()
    handler._queue()
    lost = threading.Thread(target=lambda: None)
    lost.start()
    lost.join()
    handler._sender = lost  # as if the sending thread had died
    try:
        raise RuntimeError("after the sender was lost")
    except RuntimeError:
        record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "boom", (), sys.exc_info())

    handler.emit(record)

    _path, _type, report = report_server.reports.get(timeout=30)
    assert report["exception"]["message"] == "after the sender was lost"
    assert handler._sender is not lost
    assert handler._sender.is_alive()

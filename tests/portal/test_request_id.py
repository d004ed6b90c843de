"""Every request has an id, returned in X-Request-ID and carried by its log records and by the tasks it queues."""

import io
import json
import logging
import re

import pytest
from django.urls import reverse

from portal.logs import JsonFormatter, RequestIdFilter
from tests.portal import ops_urls

pytestmark = pytest.mark.integration

GENERATED = re.compile(r"[0-9a-f]{32}")


@pytest.fixture
def ops_urlconf(settings):
    settings.ROOT_URLCONF = "tests.portal.ops_urls"


@pytest.fixture
def json_lines():
    """The JSON lines the production formatter writes for the test logger `tests.ops`, from any thread."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("tests.ops")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    logger.removeHandler(handler)
    logger.setLevel(logging.NOTSET)


@pytest.mark.django_db
def test_a_request_without_an_id_gets_a_new_one_in_the_response(client):
    first = client.get(reverse("login"))
    second = client.get(reverse("login"))

    assert GENERATED.fullmatch(first["X-Request-ID"])
    assert GENERATED.fullmatch(second["X-Request-ID"])
    assert first["X-Request-ID"] != second["X-Request-ID"]


@pytest.mark.django_db
@pytest.mark.parametrize("incoming", ["0f8fad5b-d9cb-469f-a165-70867728950e", "lb.trace:1a2b3c4d_5e6f"])
def test_a_sane_incoming_request_id_is_kept(client, incoming):
    response = client.get(reverse("login"), headers={"X-Request-ID": incoming})

    assert response["X-Request-ID"] == incoming


@pytest.mark.django_db
@pytest.mark.parametrize(
    "incoming",
    ["short", "x" * 129, "has spaces in it", '{"forged": "json"}', "-starts-with-a-dash", "ไทยไทยไทยไทย"],
    ids=["too-short", "too-long", "spaces", "json", "leading-dash", "not-ascii"],
)
def test_an_insane_incoming_request_id_is_replaced(client, incoming):
    response = client.get(reverse("login"), headers={"X-Request-ID": incoming})

    assert GENERATED.fullmatch(response["X-Request-ID"])


@pytest.mark.django_db
def test_log_records_of_a_request_carry_its_id_and_none_after_it(client, ops_urlconf, json_lines):
    response = client.get("/ops-test/log-and-queue/", headers={"X-Request-ID": "req-0001-abcd"})
    logging.getLogger("tests.ops").info("after the request")

    lines = json_lines()
    assert response["X-Request-ID"] == "req-0001-abcd"
    assert [(line["message"], line["request_id"]) for line in lines] == [
        ("view ran", "req-0001-abcd"),
        ("after the request", None),
    ]
    assert (lines[0]["level"], lines[0]["logger"]) == ("INFO", "tests.ops")


def test_a_task_queued_by_a_request_logs_with_the_request_id_on_a_real_worker(
    client, ops_urlconf, json_lines, celery_worker
):
    client.get("/ops-test/log-and-queue/", headers={"X-Request-ID": "req-0002-abcd"})

    seen_by_task = ops_urls.seen.get(timeout=30)

    assert seen_by_task == "req-0002-abcd"
    task_line = next(line for line in json_lines() if line["message"] == "task ran")
    assert (task_line["request_id"], task_line["task"]) == ("req-0002-abcd", "tests.ops.record_request_id")


def test_a_task_queued_with_no_request_behind_it_has_no_request_id(celery_worker):
    ops_urls.record_request_id_task.delay()

    assert ops_urls.seen.get(timeout=30) is None


@pytest.mark.django_db
def test_a_task_run_in_process_on_its_own_thread_keeps_the_request_id(client, ops_urlconf, settings):
    """The embedded mode runs tasks eagerly, each on a thread of its own (portal.celery.PortalTask)."""
    from portal.celery import app

    settings.TASKS_IN_THREADS = True
    app.conf.task_always_eager = True
    try:
        client.get("/ops-test/log-and-queue/", headers={"X-Request-ID": "req-0003-abcd"})
        seen_by_task = ops_urls.seen.get(timeout=30)
    finally:
        app.conf.task_always_eager = False

    assert seen_by_task == "req-0003-abcd"

"""Tasks queued while the broker is unreachable are kept in the database and sent once it answers again."""

import base64
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction
from kombu.transport.redis import Channel as RedisChannel

from portal.celery import app
from portal.models import UnsentTask
from portal.queueing import enqueue_after_commit, send_unsent_tasks
from portal.request_context import bound_request_id
from portal.tasks import record_worker_heartbeat_task

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _empty_queue():
    app.control.purge()
    yield
    app.control.purge()


def queued() -> list[tuple[str, dict, str | None]]:
    """(task name, kwargs, request id header) of each message waiting in the test queue."""
    with app.connection_for_write() as connection:
        channel = connection.default_channel
        assert isinstance(channel, RedisChannel)  # the test broker is Redis
        raw = channel.client.lrange(settings.CELERY_TASK_DEFAULT_QUEUE, 0, -1)
    messages = [json.loads(item) for item in reversed(raw)]
    return [
        (
            message["headers"]["task"],
            json.loads(base64.b64decode(message["body"]))[1],
            message["headers"].get("request_id"),
        )
        for message in messages
    ]


def test_a_task_the_broker_refuses_is_kept_with_its_request_id(broker_link):
    broker_link.cut()

    with bound_request_id("req-unsent-0001"), transaction.atomic():
        enqueue_after_commit(record_worker_heartbeat_task, hostname="kept")

    kept = UnsentTask.objects.get()
    assert (kept.name, kept.kwargs, kept.request_id, kept.attempts) == (
        "portal.record_worker_heartbeat",
        {"hostname": "kept"},
        "req-unsent-0001",
        1,
    )
    assert kept.error.startswith("OperationalError: ")


def test_the_sweep_leaves_the_tasks_while_the_broker_is_still_unreachable(broker_link):
    broker_link.cut()
    with transaction.atomic():
        enqueue_after_commit(record_worker_heartbeat_task, hostname="first")
        enqueue_after_commit(record_worker_heartbeat_task, hostname="second")

    sent = send_unsent_tasks()

    assert sent == 0
    assert list(UnsentTask.objects.values_list("kwargs", "attempts")) == [
        ({"hostname": "first"}, 2),
        ({"hostname": "second"}, 1),
    ]


def test_the_sweep_sends_the_kept_tasks_in_order_with_their_request_id_once_the_broker_answers(broker_link):
    broker_link.cut()
    with bound_request_id("req-unsent-0002"), transaction.atomic():
        enqueue_after_commit(record_worker_heartbeat_task, hostname="first")
        enqueue_after_commit(record_worker_heartbeat_task, hostname="second")
    broker_link.restore()

    sent = send_unsent_tasks()

    assert sent == 2
    assert UnsentTask.objects.count() == 0
    assert queued() == [
        ("portal.record_worker_heartbeat", {"hostname": "first"}, "req-unsent-0002"),
        ("portal.record_worker_heartbeat", {"hostname": "second"}, "req-unsent-0002"),
    ]


def test_a_task_the_broker_takes_is_not_kept():
    with transaction.atomic():
        enqueue_after_commit(record_worker_heartbeat_task, hostname="sent")

    assert UnsentTask.objects.count() == 0
    assert queued() == [("portal.record_worker_heartbeat", {"hostname": "sent"}, None)]


def test_a_kept_task_whose_name_no_longer_exists_is_dropped():
    UnsentTask.objects.create(name="portal.renamed_long_ago", kwargs={})

    sent = send_unsent_tasks()

    assert (sent, UnsentTask.objects.count(), queued()) == (0, 0, [])


@pytest.mark.django_db(transaction=False)
def test_a_process_that_never_imported_the_task_modules_finds_a_task_by_name():
    # A web process queues tasks by name and imports no task module itself: the name must still find the task.
    script = (
        "import sys; from portal.queueing import task_named; "
        "assert 'scoring.tasks' not in sys.modules; "
        "print(task_named('scoring.run_scores').name, task_named('reviews.build_export').name, task_named('nope'))"
    )
    result = subprocess.run(  # noqa: S603 -- fixed command line
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", script],
        cwd=Path(settings.BASE_DIR),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == ["scoring.run_scores", "reviews.build_export", "None"]

"""Celery is wired to Redis: tasks go through the broker to a real worker and change the database."""

import pytest
from django.conf import settings
from kombu.transport.redis import Channel as RedisChannel

from portal.celery import app
from portal.models import WorkerHeartbeat
from portal.tasks import record_worker_heartbeat_task
from tests.waiting import wait_for

pytestmark = pytest.mark.integration


def test_celery_configuration_is_json_acks_late_with_time_limits():
    assert app.conf.task_serializer == "json"
    assert app.conf.accept_content == ["json"]
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.task_soft_time_limit < app.conf.task_time_limit
    assert app.conf.task_always_eager is False
    assert app.conf.task_default_queue == settings.CELERY_TASK_DEFAULT_QUEUE
    assert app.conf.task_default_queue.startswith("portal-test")
    assert app.conf.broker_url == settings.REDIS_URL


def test_task_runs_on_a_real_worker_through_redis(celery_worker):
    record_worker_heartbeat_task.delay(hostname="worker-under-test")

    heartbeat = wait_for(lambda: WorkerHeartbeat.objects.filter(hostname="worker-under-test").first())

    assert heartbeat is not None
    assert heartbeat.beats == 1


def test_task_run_twice_updates_the_same_row(celery_worker):
    record_worker_heartbeat_task.delay(hostname="twice")
    record_worker_heartbeat_task.delay(hostname="twice")

    heartbeat = wait_for(lambda: WorkerHeartbeat.objects.filter(hostname="twice", beats=2).first())

    assert heartbeat is not None
    assert WorkerHeartbeat.objects.filter(hostname="twice").count() == 1


def queued_messages() -> int:
    with app.connection_for_write() as connection:
        channel = connection.default_channel
        assert isinstance(channel, RedisChannel)  # the test broker is Redis
        return channel.client.llen(settings.CELERY_TASK_DEFAULT_QUEUE)


@pytest.mark.django_db(transaction=True)
def test_enqueue_after_commit_sends_nothing_until_the_transaction_commits():
    from django.db import transaction

    from portal.queueing import enqueue_after_commit

    app.control.purge()

    with transaction.atomic():
        enqueue_after_commit(record_worker_heartbeat_task, hostname="after-commit")
        inside = queued_messages()
    after = queued_messages()
    app.control.purge()

    assert (inside, after) == (0, 1)


@pytest.mark.django_db(transaction=True)
def test_enqueue_after_commit_sends_nothing_when_the_transaction_rolls_back():
    from django.db import transaction

    from portal.queueing import enqueue_after_commit

    app.control.purge()

    def enqueue_then_fail():
        with transaction.atomic():
            enqueue_after_commit(record_worker_heartbeat_task, hostname="rolled-back")
            raise RuntimeError

    with pytest.raises(RuntimeError):
        enqueue_then_fail()

    assert queued_messages() == 0

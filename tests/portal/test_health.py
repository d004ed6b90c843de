import pytest
from django.conf import settings
from django.urls import reverse

from portal.celery import app
from portal.health import beat_key, record_beat_heartbeat
from portal.models import UnsentTask
from portal.tasks import record_beat_heartbeat_task, record_worker_heartbeat_task
from tests.waiting import wait_for

pytestmark = pytest.mark.integration


@pytest.fixture
def broker_redis():
    """The broker's Redis (the test queue's database): beat's heartbeat key cleared, the queue emptied, after too."""
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL)
    client.delete(beat_key())
    app.control.purge()
    yield client
    client.delete(beat_key())
    app.control.purge()


def test_healthz_is_public_and_healthy_with_database_redis_and_a_worker(client, celery_worker, broker_redis):
    record_beat_heartbeat()

    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert {name: check["ok"] for name, check in body["checks"].items()} == {
        "database": True,
        "redis": True,
        "workers": True,
    }


@pytest.mark.django_db
def test_healthz_is_503_when_no_worker_answers(client):
    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert response.json()["checks"]["workers"] == {"ok": False, "detail": "no worker answered"}


@pytest.mark.django_db
def test_healthz_is_503_when_redis_does_not_answer(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"

    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert response.json()["checks"]["redis"]["ok"] is False
    assert response.json()["beat"] == {"ok": False, "detail": "redis: ConnectionError"}
    assert response.json()["queue"] == {"ok": False, "detail": "redis: ConnectionError"}


@pytest.mark.django_db
def test_healthz_in_embedded_mode_is_healthy_when_the_database_answers(client, settings):
    settings.REDIS_URL = ""
    settings.CELERY_TASK_ALWAYS_EAGER = True

    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {
            "database": {"ok": True, "detail": "postgresql"},
            "workers": {"ok": True, "detail": "in-process"},
        },
    }


def test_healthz_does_not_count_a_worker_of_another_queue(client, settings, celery_worker):
    settings.CELERY_TASK_DEFAULT_QUEUE = "another-deployment"

    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert response.json()["checks"]["workers"] == {"ok": False, "detail": "no worker answered"}


def test_healthz_reports_beat_and_the_queue_once_a_worker_ran_beats_heartbeat_task(client, celery_worker, broker_redis):
    record_beat_heartbeat_task.delay()
    wait_for(lambda: broker_redis.get(beat_key()) is not None)

    body = client.get(reverse("healthz")).json()

    assert body["status"] == "ok"
    assert body["beat"]["ok"] is True
    assert body["beat"]["max_age_seconds"] == 180
    assert body["beat"]["age_seconds"] in range(181)
    assert body["queue"] == {"ok": True, "detail": "0 waiting", "depth": 0, "max_depth": 1000, "unsent": 0}


@pytest.mark.django_db
def test_healthz_is_degraded_but_200_when_beat_was_never_seen(client, broker_redis, celery_worker):
    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["beat"] == {"ok": False, "detail": "never seen", "age_seconds": None, "max_age_seconds": 180}


def test_healthz_is_degraded_when_beats_heartbeat_is_stale(client, broker_redis, celery_worker):
    now, _micros = broker_redis.time()
    broker_redis.set(beat_key(), now - 600)

    response = client.get(reverse("healthz"))

    body = response.json()
    assert (response.status_code, body["status"]) == (200, "degraded")
    age = body["beat"]["age_seconds"]
    assert body["beat"] == {
        "ok": False,
        "detail": f"stale: last heartbeat {age} s ago",
        "age_seconds": age,
        "max_age_seconds": 180,
    }
    assert age >= 600


@pytest.mark.django_db
def test_healthz_reports_the_queue_depth_and_degrades_past_the_limit(client, broker_redis, settings):
    settings.HEALTH_QUEUE_MAX_DEPTH = 2
    record_beat_heartbeat()
    for number in range(3):  # no worker: they wait in the queue
        record_worker_heartbeat_task.delay(hostname=f"waiting-{number}")

    response = client.get(reverse("healthz"))

    body = response.json()
    assert (response.status_code, body["status"]) == (503, "unavailable")  # no worker answers, as well
    assert body["queue"] == {
        "ok": False,
        "detail": "3 waiting, more than 2",
        "depth": 3,
        "max_depth": 2,
        "unsent": 0,
    }


def test_healthz_is_degraded_while_tasks_wait_unsent(client, broker_redis, celery_worker):
    record_beat_heartbeat()
    UnsentTask.objects.create(name="portal.send_mail", kwargs={"sent_mail_id": 1})

    body = client.get(reverse("healthz")).json()

    assert body["status"] == "degraded"
    assert body["queue"] == {
        "ok": False,
        "detail": "1 kept unsent while the broker was unreachable",
        "depth": 0,
        "max_depth": 1000,
        "unsent": 1,
    }

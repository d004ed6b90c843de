import pytest
from django.urls import reverse

pytestmark = pytest.mark.integration


def test_healthz_is_public_and_healthy_with_database_redis_and_a_worker(client, celery_worker):
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


@pytest.mark.django_db
def test_healthz_in_embedded_mode_is_healthy_when_the_database_answers(client, settings):
    settings.REDIS_URL = ""
    settings.CELERY_TASK_ALWAYS_EAGER = True

    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response.json()["checks"] == {
        "database": {"ok": True, "detail": "postgresql"},
        "workers": {"ok": True, "detail": "in-process"},
    }


def test_healthz_does_not_count_a_worker_of_another_queue(client, settings, celery_worker):
    settings.CELERY_TASK_DEFAULT_QUEUE = "another-deployment"

    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert response.json()["checks"]["workers"] == {"ok": False, "detail": "no worker answered"}

"""A submission while Redis cannot be reached from the web server (neither the task queue's broker nor the cache that
holds sessions): saved, the signatory told, and scored and mailed once Redis answers again."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from applications.enums import ApplicationStatus
from applications.models import Application
from applications.selectors_submission import receipt_digest
from applications.services import save_value, start_application
from indicators.enums import CyclePhase
from indicators.models import Indicator
from portal.models import UnsentTask
from portal.tasks import send_unsent_tasks_task
from scoring.enums import RunStatus, ScoreKind
from scoring.models import ApplicationScore, ScoreRun
from tests.factories.indicators import make_cycle
from tests.waiting import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def application(cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    cycle = make_cycle(
        code="esc-t", phase=CyclePhase.CALL_OPEN, submission_deadline=timezone.now() + timedelta(days=30)
    )
    application = start_application(
        cycle=cycle, municipality=cast.municipality_a, track="esc_award", category_code="", by=cast.editor_a
    )
    save_value(
        application=application,
        indicator=Indicator.objects.get(framework_id=cycle.framework_id, code="CA-03"),
        by=cast.editor_a,
        changes={"value": "5"},
        expected_version=None,
    )
    return application


def test_a_submission_while_redis_is_unreachable_is_kept_and_scored_once_it_is_back(
    cast, application, broker_link, celery_worker, settings
):
    client = Client()
    client.force_login(cast.signatory_a)
    client.cookies["django_language"] = "en"
    digest = receipt_digest(application)

    working_caches = settings.CACHES
    broker_link.cut()
    settings.CACHES = {"default": {**working_caches["default"], "LOCATION": broker_link.UNREACHABLE}}
    response = client.post(reverse("applications:submit", args=[application.pk]), {"digest": digest})
    settings.CACHES = working_caches

    application.refresh_from_db()
    assert (response.status_code, response["Location"]) == (302, reverse("applications:receipt", args=[application.pk]))
    assert [str(message) for message in get_messages(response.wsgi_request)] == [
        "Application submitted. The receipt e-mail and the score are delayed by a technical problem; they follow "
        "automatically, there is nothing more to do."
    ]
    assert (application.status, application.receipt_sha256) == (ApplicationStatus.SUBMITTED, digest)
    run = ScoreRun.objects.get(application=application)
    assert run.status == RunStatus.QUEUED
    assert sorted(UnsentTask.objects.values_list("name", flat=True)) == [
        "portal.send_mail",
        "portal.send_mail",
        "scoring.run_scores",
    ]
    assert mail.outbox == []

    broker_link.restore()
    send_unsent_tasks_task.delay()  # what beat does every minute

    done = wait_for(lambda: ScoreRun.objects.filter(pk=run.pk, status=RunStatus.DONE).first())
    assert done is not None
    score = ApplicationScore.objects.get(application=application, kind=ScoreKind.SUBMITTED, is_current=True)
    assert (score.run_id, score.total) == (run.pk, Decimal("1.33"))
    assert wait_for(lambda: len(mail.outbox) == 2)
    assert sorted(message.to[0] for message in mail.outbox) == ["editor.a@example.go.th", "signatory.a@example.go.th"]
    assert UnsentTask.objects.count() == 0
    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.SUBMITTED


def test_a_submission_with_the_broker_up_says_the_receipt_was_sent(cast, application, celery_worker):
    client = Client()
    client.force_login(cast.signatory_a)
    client.cookies["django_language"] = "en"

    response = client.post(
        reverse("applications:submit", args=[application.pk]), {"digest": receipt_digest(application)}
    )

    assert [str(message) for message in get_messages(response.wsgi_request)] == [
        "Application submitted. The receipt was sent by e-mail."
    ]
    assert UnsentTask.objects.count() == 0
    assert wait_for(lambda: ScoreRun.objects.filter(application=application, status=RunStatus.DONE).exists())

"""Portal-level tasks."""

import logging
import smtplib

from celery import Task, shared_task
from django.db import InterfaceError, OperationalError
from django.db.models import F
from django.utils import timezone

from portal.models import WorkerHeartbeat
from portal.notifications.services import deliver_mail, mark_mail_failed
from portal.queueing import send_unsent_tasks

logger = logging.getLogger(__name__)


@shared_task(
    name="portal.record_worker_heartbeat",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
    time_limit=30,
    soft_time_limit=20,
)
def record_worker_heartbeat_task(*, hostname: str = "") -> int:
    """Record that a worker ran a task (beat schedules it; tests use it to see a round trip)."""
    name = hostname or record_worker_heartbeat_task.request.hostname or "unknown"
    heartbeat, created = WorkerHeartbeat.objects.get_or_create(
        hostname=name, defaults={"seen_at": timezone.now(), "beats": 1}
    )
    if not created:
        WorkerHeartbeat.objects.filter(pk=heartbeat.pk).update(seen_at=timezone.now(), beats=F("beats") + 1)
    return heartbeat.pk


@shared_task(name="portal.record_beat_heartbeat", time_limit=30, soft_time_limit=20)
def record_beat_heartbeat_task() -> int:
    """Beat schedules this every minute; /healthz reports how long ago it last ran."""
    from portal.health import record_beat_heartbeat  # noqa: PLC0415 -- leaf import

    return record_beat_heartbeat()


# An SMTP server that is down or refuses for a while, a dropped connection: worth trying again.
TRANSIENT_MAIL_ERRORS = (smtplib.SMTPException, OSError, OperationalError, InterfaceError)
MAIL_RETRIES = 3


@shared_task(
    name="portal.send_mail",
    bind=True,
    acks_late=True,
    max_retries=MAIL_RETRIES,
    time_limit=60,
    soft_time_limit=50,
)
def send_mail_task(self: Task, *, sent_mail_id: int) -> str:
    """Send one logged mail; retry transient errors with backoff, then log the mail as failed with its error."""

    try:
        mail = deliver_mail(sent_mail_id)
    except TRANSIENT_MAIL_ERRORS as error:
        if self.request.retries >= MAIL_RETRIES:
            mark_mail_failed(sent_mail_id, f"{type(error).__name__} after {MAIL_RETRIES} retries: {error}")
            return "failed"
        if self.request.is_eager:  # in-process (embedded mode, tests): the retries run here, one after another
            return str(self.apply(kwargs={"sent_mail_id": sent_mail_id}, retries=self.request.retries + 1).get())
        raise self.retry(exc=error, countdown=2 ** (self.request.retries + 2)) from error
    return "vanished" if mail is None else mail.status


@shared_task(
    name="portal.send_unsent_tasks",
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    max_retries=3,
    time_limit=5 * 60,
    soft_time_limit=4 * 60,
)
def send_unsent_tasks_task() -> int:
    """Send the tasks the broker did not take when they were queued (beat runs it every minute)."""
    return send_unsent_tasks()

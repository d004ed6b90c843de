"""Scheduled work of the applications app (Celery beat runs it; see CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from applications.notifications import send_draft_reminders
from portal.celery import DAILY_JOB


@shared_task(name="applications.send_reminders", **DAILY_JOB)
def send_reminders_task() -> dict[str, int]:
    """Send the draft reminders due now; safe to run any number of times a day."""
    return {"drafts": send_draft_reminders(now=timezone.now())}

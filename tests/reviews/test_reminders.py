"""Reminders of the review workflow: reviewers with pending assignments, before the end of desk review (the clock
is passed in)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from applications.enums import ApplicationStatus
from applications.models import Application, ReviewerAssignment
from applications.services import start_application
from indicators.enums import CyclePhase
from portal.models import SentMail
from reviews.reminders import send_review_reminders
from tests.factories.indicators import make_cycle

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

BANGKOK = ZoneInfo("Asia/Bangkok")


@pytest.fixture
def draft(cast):
    cycle = make_cycle(
        code="esc-remind",
        phase=CyclePhase.CALL_OPEN,
        submission_deadline=dt.datetime(2027, 3, 31, 16, 30, tzinfo=BANGKOK),
    )
    return start_application(
        cycle=cycle, municipality=cast.municipality_a, track="esc_award", category_code="", by=cast.editor_a
    )


def test_reviewers_with_pending_assignments_are_reminded_before_desk_review_ends(cast, draft):
    cycle = draft.cycle
    cycle.desk_review_ends_on = dt.date(2027, 4, 30)
    cycle.save(update_fields=["desk_review_ends_on"])
    Application.objects.filter(pk=draft.pk).update(status=ApplicationStatus.UNDER_REVIEW, submitted_at=timezone.now())
    ReviewerAssignment.objects.create(application=draft, reviewer=cast.reviewer, assigned_by=cast.admin)
    day = dt.datetime(2027, 4, 23, 8, tzinfo=BANGKOK)  # 7 days before

    counts = [send_review_reminders(now=day + dt.timedelta(days=offset)) for offset in (-1, 0, 0, 3, 6, 7, 8)]

    assert counts == [0, 1, 0, 0, 1, 0, 0]
    assert list(SentMail.objects.values_list("recipient", "event")) == [(cast.reviewer.email, "reminder_review")] * 2


def test_a_completed_review_gets_no_reminder(cast, draft):
    draft.cycle.desk_review_ends_on = dt.date(2027, 4, 30)
    draft.cycle.save(update_fields=["desk_review_ends_on"])
    Application.objects.filter(pk=draft.pk).update(status=ApplicationStatus.UNDER_REVIEW, submitted_at=timezone.now())
    ReviewerAssignment.objects.create(
        application=draft, reviewer=cast.reviewer, assigned_by=cast.admin, completed_at=timezone.now()
    )

    assert send_review_reminders(now=dt.datetime(2027, 4, 29, 8, tzinfo=BANGKOK)) == 0


def test_the_beat_task_runs_the_review_reminders_daily(cast, draft, settings, time_machine):
    from reviews.tasks import send_reminders_task

    draft.cycle.desk_review_ends_on = dt.date(2027, 4, 30)
    draft.cycle.save(update_fields=["desk_review_ends_on"])
    Application.objects.filter(pk=draft.pk).update(status=ApplicationStatus.UNDER_REVIEW, submitted_at=timezone.now())
    ReviewerAssignment.objects.create(application=draft, reviewer=cast.reviewer, assigned_by=cast.admin)
    time_machine.move_to(dt.datetime(2027, 4, 29, 8, tzinfo=BANGKOK), tick=False)

    assert send_reminders_task.apply().get() == {"reviews": 1}
    assert send_reminders_task.apply().get() == {"reviews": 0}
    entry = settings.CELERY_BEAT_SCHEDULE["send-review-reminders"]
    assert entry["task"] == "reviews.send_reminders"
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({8}, {0})

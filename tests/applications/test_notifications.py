"""Notices about a cycle: deadline reminders (the clock is passed in), results published,
deadline extensions and decisions."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone

from applications.enums import ApplicationStatus
from applications.models import Application
from applications.notifications import due_mark, notify_results_published, send_draft_reminders
from applications.services import start_application
from indicators.enums import CyclePhase
from indicators.services.cycles import grant_extension
from portal.models import Notification, SentMail
from portal.notifications.enums import MailStatus
from reviews.services_decisions import decide
from tests.factories.indicators import make_cycle

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

BANGKOK = ZoneInfo("Asia/Bangkok")
DEADLINE = dt.datetime(2027, 3, 31, 16, 30, tzinfo=BANGKOK)


def at(days_before: int, hour: int = 8) -> dt.datetime:
    """08:00 Bangkok time, `days_before` calendar days before the deadline's day."""
    day = DEADLINE.date() - dt.timedelta(days=days_before)
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=BANGKOK)


@pytest.fixture
def draft(cast):
    cycle = make_cycle(code="esc-remind", phase=CyclePhase.CALL_OPEN, submission_deadline=DEADLINE)
    return start_application(
        cycle=cycle, municipality=cast.municipality_a, track="esc_award", category_code="", by=cast.editor_a
    )


def reminded() -> list[tuple[str, str]]:
    return sorted(SentMail.objects.filter(event="reminder_draft").values_list("recipient", "subject"))


@pytest.mark.unit
@pytest.mark.parametrize(
    ("days_left", "mark"),
    [(20, None), (15, None), (14, 14), (10, 14), (7, 7), (2, 7), (1, 1), (0, 1), (-1, None)],
)
def test_due_mark_is_the_nearest_mark_at_or_above(days_left, mark):
    assert due_mark(days_left, (14, 7, 1)) == mark


def test_draft_reminders_go_14_7_and_1_days_before_and_never_twice(cast, draft):
    officers = sorted([cast.editor_a.email, cast.signatory_a.email])

    counts = [send_draft_reminders(now=at(days)) for days in (15, 14, 14, 13, 7, 6, 1, 0)]

    assert counts == [0, 2, 0, 0, 2, 0, 2, 0]
    assert [recipient for recipient, _subject in reminded()] == sorted(officers * 3)
    subjects = SentMail.objects.filter(recipient=cast.editor_a.email).order_by("pk").values_list("subject", flat=True)
    assert [[days for days in ("14", "7", "1") if f" {days} " in subject] for subject in subjects] == [
        ["14"],
        ["7"],
        ["1"],
    ]
    assert Notification.objects.filter(user=cast.editor_a, event="reminder_draft").count() == 3


def test_a_submitted_application_gets_no_reminder(cast, draft):
    Application.objects.filter(pk=draft.pk).update(status=ApplicationStatus.SUBMITTED, submitted_at=timezone.now())

    assert send_draft_reminders(now=at(7)) == 0


def test_an_extension_moves_the_reminders_to_the_new_deadline(cast, draft):
    send_draft_reminders(now=at(7))
    grant_extension(
        cycle=draft.cycle,
        municipality=cast.municipality_a,
        deadline=DEADLINE + dt.timedelta(days=14),
        reason="น้ำท่วม",
        by=cast.admin,
    )

    # A day later the municipality has 20 days left: nothing is due; at 14 days before the new deadline it is.
    assert send_draft_reminders(now=at(6)) == 0
    assert send_draft_reminders(now=at(0)) == 2
    assert send_draft_reminders(now=at(0)) == 0


def test_a_missed_day_sends_only_the_latest_reminder(cast, draft):
    assert send_draft_reminders(now=at(5)) == 2  # the 7-day reminder; the 14-day one is past

    assert send_draft_reminders(now=at(4)) == 0


def test_the_beat_task_runs_the_reminders_now(cast, draft, time_machine):
    from applications.tasks import send_reminders_task

    time_machine.move_to(at(7), tick=False)

    assert send_reminders_task.apply().get() == {"drafts": 2}
    assert send_reminders_task.apply().get() == {"drafts": 0}


def test_beat_schedules_the_reminders_daily(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["send-reminders"]

    assert entry["task"] == "applications.send_reminders"
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({8}, {0})


def test_results_published_holds_one_mailing_for_every_submitting_municipality(cast, draft):
    other = start_application(
        cycle=draft.cycle, municipality=cast.municipality_b, track="esc_award", category_code="", by=cast.editor_b
    )
    Application.objects.filter(pk__in=[draft.pk, other.pk]).update(
        status=ApplicationStatus.SUBMITTED, submitted_at=timezone.now()
    )

    mailing = notify_results_published(draft.cycle, by=cast.admin)

    assert sorted(mailing.mails.values_list("recipient", "status")) == sorted(
        (email, MailStatus.HELD) for email in (cast.editor_a.email, cast.signatory_a.email, cast.editor_b.email)
    )
    assert mail.outbox == []
    english = mailing.mails.get(recipient=cast.editor_b.email)
    assert "รอบทดสอบ" in english.subject


def test_results_published_tells_nobody_without_submissions(cast, draft):
    assert notify_results_published(draft.cycle) is None


def test_granting_an_extension_mails_the_municipalitys_officers(cast, draft, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        grant_extension(
            cycle=draft.cycle,
            municipality=cast.municipality_a,
            deadline=DEADLINE + dt.timedelta(days=7),
            reason="น้ำท่วม",
            by=cast.admin,
        )

    assert sorted(message.to[0] for message in mail.outbox) == sorted([cast.editor_a.email, cast.signatory_a.email])
    assert "น้ำท่วม" in mail.outbox[0].body


def test_decisions_for_many_applications_make_one_held_mailing(cast, draft):
    other = start_application(
        cycle=draft.cycle, municipality=cast.municipality_b, track="esc_award", category_code="", by=cast.editor_b
    )
    Application.objects.filter(pk__in=[draft.pk, other.pk]).update(
        status=ApplicationStatus.SUBMITTED, submitted_at=timezone.now()
    )
    cast.editor_b.preferred_language = "en"
    cast.editor_b.save(update_fields=["preferred_language"])
    applications = list(Application.objects.filter(pk__in=[draft.pk, other.pk]).select_related("cycle", "municipality"))

    decide(applications=applications, round="screening", outcome="shortlisted", note="ผ่าน", by=cast.admin)

    mails = SentMail.objects.filter(event="decision_recorded")
    assert mails.values("mailing").distinct().count() == 1
    assert set(mails.values_list("status", flat=True)) == {MailStatus.HELD}
    assert mails.get(recipient=cast.editor_b.email).subject == (
        "Decision on the application of Hat Yai City Municipality: Shortlisted"
    )

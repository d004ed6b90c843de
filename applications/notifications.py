"""Mail and in-app notices about a cycle as a whole: the results announcement and the scheduled reminders.

`notify_results_published(cycle)` is the entry point for results publication; `send_draft_reminders(now=...)` is what
the daily beat task runs."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from applications.enums import ApplicationStatus
from applications.models import Application
from indicators.enums import CyclePhase
from indicators.models import AwardCycle
from indicators.selectors import extension_deadline
from portal.models import Mailing, User
from portal.notifications.services import claim_reminder, notify
from portal.selectors import active_officers

# Days before a municipality's deadline when a draft's officers are reminded.
DRAFT_REMINDER_DAYS = (14, 7, 1)


def portal_link(path: str) -> str:
    return settings.PORTAL_URL + path


@transaction.atomic
def notify_results_published(cycle: AwardCycle, *, by: User | None = None) -> Mailing | None:
    """Tell the officers of every municipality that submitted an application to the cycle that its results are
    published: one mailing, held in the outbox until an admin releases it. Returns it (None when nobody is told)."""
    municipality_ids = (
        Application.objects.filter(cycle=cycle)
        .exclude(status=ApplicationStatus.DRAFT)
        .values_list("municipality_id", flat=True)
        .distinct()
    )
    officers: dict[int | None, list[User]] = defaultdict(list)
    for officer in active_officers(municipality_ids).select_related("municipality"):
        officers[officer.municipality_id].append(officer)
    mailing = None
    path = reverse("home")
    for people in officers.values():
        mails = notify(
            event="results_published",
            to=people,
            context={"municipality": people[0].municipality, "cycle": cycle, "link": portal_link(path)},
            link=path,
            mailing=mailing,
            by=by,
        )
        mailing = mailing or mails[0].mailing
    return mailing


def due_mark(days_left: int, marks: tuple[int, ...]) -> int | None:
    """The reminder due `days_left` days before a date: the nearest mark at or above it (on a day the schedule
    missed, the latest mark passed, never the older ones), none after the date."""
    if days_left < 0:
        return None
    reached = [mark for mark in marks if days_left <= mark]
    return min(reached) if reached else None


def send_draft_reminders(*, now: dt.datetime) -> int:
    """Send every draft reminder due at `now` that was not sent before, 14, 7 and 1 days before the municipality's
    deadline (an extension counts); how many mails went. Running it again sends nothing more. (Reviewers' reminders
    are the review workflow's: reviews.reminders.)"""
    today = timezone.localdate(now)
    horizon = now + dt.timedelta(days=max(DRAFT_REMINDER_DAYS) + 1)
    drafts = list(
        Application.objects.filter(status=ApplicationStatus.DRAFT, cycle__phase=CyclePhase.CALL_OPEN)
        .annotate(deadline=Coalesce(extension_deadline(), F("cycle__submission_deadline")))
        .filter(deadline__gte=now, deadline__lt=horizon)
        .select_related("cycle", "municipality")
        .order_by("pk")
    )
    officers: dict[int | None, list[User]] = defaultdict(list)
    for officer in active_officers({draft.municipality_id for draft in drafts}):
        officers[officer.municipality_id].append(officer)
    sent = 0
    for draft in drafts:
        deadline: dt.datetime = draft.deadline
        days_left = (timezone.localdate(deadline) - today).days
        mark = due_mark(days_left, DRAFT_REMINDER_DAYS)
        if mark is None:
            continue
        # The deadline is part of the key: an extension makes a new deadline, whose reminders are new ones.
        key = f"{draft.pk}:{mark}:{deadline.isoformat()}"
        path = reverse("applications:detail", args=[draft.pk])
        for officer in officers.get(draft.municipality_id, []):
            with transaction.atomic():
                if not claim_reminder(kind="draft_deadline", key=key, user=officer):
                    continue
                notify(
                    event="reminder_draft",
                    to=[officer],
                    context={
                        "municipality": draft.municipality,
                        "cycle": draft.cycle,
                        "application": draft,
                        "deadline": deadline,
                        "days_left": days_left,
                        "link": portal_link(path),
                    },
                    link=path,
                )
            sent += 1
    return sent

"""Reminders of the review workflow: reviewers with pending assignments, before the end of desk review."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from applications.enums import ApplicationStatus
from applications.models import ReviewerAssignment
from applications.notifications import due_mark, portal_link
from indicators.models import AwardCycle
from portal.models import User
from portal.notifications.services import claim_reminder, notify

# Days before the end of desk review when reviewers with pending assignments are reminded.
REVIEW_REMINDER_DAYS = (7, 1)
# Assignments of applications still being judged (a decided application needs no more review).
REVIEWED_STATUSES = (ApplicationStatus.SUBMITTED, ApplicationStatus.UNDER_REVIEW)


def send_review_reminders(*, now: dt.datetime) -> int:
    """Remind each reviewer with pending assignments 7 and 1 days before the end of their cycle's desk review (a day
    the schedule missed sends only the latest reminder due); how many mails went. Running it again sends nothing
    more."""
    today = timezone.localdate(now)
    pending = (
        ReviewerAssignment.objects.filter(
            completed_at__isnull=True,
            reviewer__is_active=True,
            application__cycle__desk_review_ends_on__gte=today,
            application__cycle__desk_review_ends_on__lte=today + dt.timedelta(days=max(REVIEW_REMINDER_DAYS)),
        )
        .values("reviewer_id", "application__cycle_id")
        .annotate(count=Count("pk", filter=Q(application__status__in=REVIEWED_STATUSES)))
        .filter(count__gt=0)
        .order_by("reviewer_id", "application__cycle_id")
    )
    rows = list(pending)
    cycles = AwardCycle.objects.in_bulk({row["application__cycle_id"] for row in rows})
    reviewers = User.objects.in_bulk({row["reviewer_id"] for row in rows})
    path = reverse("reviews:workspace")
    sent = 0
    for row in rows:
        cycle, reviewer = cycles[row["application__cycle_id"]], reviewers[row["reviewer_id"]]
        assert cycle.desk_review_ends_on is not None  # filtered above
        mark = due_mark((cycle.desk_review_ends_on - today).days, REVIEW_REMINDER_DAYS)
        if mark is None:
            continue
        key = f"{cycle.pk}:{mark}:{cycle.desk_review_ends_on.isoformat()}"
        with transaction.atomic():
            if not claim_reminder(kind="pending_reviews", key=key, user=reviewer):
                continue
            notify(
                event="reminder_review",
                to=[reviewer],
                context={
                    "name": reviewer.full_name,
                    "cycle": cycle,
                    "count": row["count"],
                    "due_on": cycle.desk_review_ends_on,
                    "link": portal_link(path),
                },
                link=path,
            )
        sent += 1
    return sent

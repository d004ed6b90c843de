"""Assigning reviewers to applications: by hand (refusing drafts and declared conflicts, by name), taking one off,
and automatically for a whole cycle (balanced load under a cap); each recorded in the audit log. The first assignment
puts a submitted application under review."""

from __future__ import annotations

import heapq
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from applications.enums import ApplicationStatus
from applications.models import Application, ReviewerAssignment, StatusChange
from indicators.models import AwardCycle
from portal.audit.enums import AuditAction
from portal.audit.services import record
from portal.enums import Role
from portal.models import ReviewerConflict, User

ASSIGNABLE_STATUSES = (ApplicationStatus.SUBMITTED, ApplicationStatus.UNDER_REVIEW, ApplicationStatus.SHORTLISTED)


def conflicted_reviewer_ids(application: Application) -> set[int]:
    return set(ReviewerConflict.objects.covering(application.municipality).values_list("reviewer_id", flat=True))


@transaction.atomic
def assign_reviewers(*, application: Application, reviewers: list[User], by: User) -> list[ReviewerAssignment]:
    """Assign reviewers by hand. A draft is refused (nobody reviews an application before it is submitted); so is a
    reviewer with a declared conflict, by name."""
    # The status as stored now (locked), on the caller's instance too: an application submitted a moment ago counts.
    application.status = Application.objects.select_for_update().values_list("status", flat=True).get(pk=application.pk)
    if application.status == ApplicationStatus.DRAFT:
        raise ValidationError(
            _("{municipality} has not submitted this application yet: a draft cannot be assigned to reviewers.").format(
                municipality=application.municipality.full_name_th
            ),
            code="draft",
        )
    conflicted = conflicted_reviewer_ids(application)
    refused = [reviewer.full_name for reviewer in reviewers if reviewer.pk in conflicted]
    if refused:
        raise ValidationError(
            _("Conflict of interest declared: {names}. They cannot review this application.").format(
                names=", ".join(refused)
            ),
            code="conflict",
        )
    if any(reviewer.role != Role.REVIEWER for reviewer in reviewers):
        raise ValidationError(_("Only reviewers can be assigned."), code="not_reviewer")
    before = _reviewer_names(application)
    assignments = []
    for reviewer in reviewers:
        assignment, _created = ReviewerAssignment.objects.get_or_create(
            application=application, reviewer=reviewer, defaults={"assigned_by": by}
        )
        assignments.append(assignment)
    _mark_under_review(application, by)
    after = _reviewer_names(application)
    if after != before:
        record(
            action=AuditAction.REVIEWERS_ASSIGNED,
            by=by,
            target=application,
            cycle=application.cycle,
            before={"reviewers": before},
            after={"reviewers": after},
        )
    return assignments


def _reviewer_names(application: Application) -> list[str]:
    return list(
        User.objects.filter(assignments__application=application)
        .order_by("full_name")
        .values_list("full_name", flat=True)
    )


def _mark_under_review(application: Application, by: User) -> None:
    if application.status == ApplicationStatus.SUBMITTED:
        StatusChange.objects.create(
            application=application,
            from_status=application.status,
            to_status=ApplicationStatus.UNDER_REVIEW,
            changed_by=by,
        )
        application.status = ApplicationStatus.UNDER_REVIEW
        application.save(update_fields=["status", "updated_at"])


@transaction.atomic
def unassign_reviewer(*, application: Application, reviewer: User, by: User) -> None:
    """Take a reviewer off an application (their scores and verdicts stay); recorded in the audit log."""
    before = _reviewer_names(application)
    removed, _by_model = ReviewerAssignment.objects.filter(application=application, reviewer=reviewer).delete()
    if removed:
        record(
            action=AuditAction.REVIEWER_UNASSIGNED,
            by=by,
            target=application,
            cycle=application.cycle,
            before={"reviewers": before},
            after={"reviewers": _reviewer_names(application)},
        )


@dataclass
class AutoAssignReport:
    assigned: int = 0
    short: list[tuple[Application, int]] = field(default_factory=list)  # (application, reviewers missing)


@transaction.atomic
def auto_assign(*, cycle: AwardCycle, per_application: int, cap: int, by: User) -> AutoAssignReport:
    """Give every submitted application `per_application` reviewers, balancing load (least loaded first) and never
    exceeding `cap` assignments per reviewer; conflicted reviewers are skipped. Existing assignments count."""
    if per_application < 1 or cap < 1:
        raise ValidationError(_("Reviewers per application and the cap must be at least 1."))
    reviewers = list(User.objects.filter(role=Role.REVIEWER, is_active=True).order_by("pk"))
    load = dict(
        ReviewerAssignment.objects.filter(application__cycle=cycle)
        .values("reviewer")
        .annotate(n=Count("pk"))
        .values_list("reviewer", "n")
    )
    conflicts_by_reviewer: dict[int, list[ReviewerConflict]] = defaultdict(list)
    for conflict in ReviewerConflict.objects.all():
        conflicts_by_reviewer[conflict.reviewer_id].append(conflict)
    applications = list(
        Application.objects.filter(cycle=cycle, status__in=ASSIGNABLE_STATUSES)
        .select_related("municipality")
        .annotate(assigned=Count("assignments"))
        .order_by("municipality__province_id", "pk")
    )
    existing = set(
        ReviewerAssignment.objects.filter(application__cycle=cycle).values_list("application_id", "reviewer_id")
    )
    report = AutoAssignReport()
    new: list[ReviewerAssignment] = []
    for application in applications:
        needed = per_application - application.assigned
        if needed <= 0:
            continue
        heap = [
            (load.get(reviewer.pk, 0), reviewer.pk, reviewer)
            for reviewer in reviewers
            if (application.pk, reviewer.pk) not in existing
            and not any(
                conflict.covers(application.municipality_id, application.municipality.province_id)
                for conflict in conflicts_by_reviewer[reviewer.pk]
            )
            and load.get(reviewer.pk, 0) < cap
        ]
        heapq.heapify(heap)
        chosen = [heapq.heappop(heap)[2] for _ in range(min(needed, len(heap)))]
        for reviewer in chosen:
            new.append(ReviewerAssignment(application=application, reviewer=reviewer, assigned_by=by))
            load[reviewer.pk] = load.get(reviewer.pk, 0) + 1
        if len(chosen) < needed:
            report.short.append((application, needed - len(chosen)))
        if chosen:
            _mark_under_review(application, by)
    ReviewerAssignment.objects.bulk_create(new)
    report.assigned = len(new)
    record(
        action=AuditAction.REVIEWERS_AUTO_ASSIGNED,
        by=by,
        target=cycle,
        cycle=cycle,
        after={
            "per_application": per_application,
            "cap": cap,
            "assigned": report.assigned,
            "short": len(report.short),
        },
    )
    return report

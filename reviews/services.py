"""Use cases of the review workflow: assignment, verification, rubric scoring, questions, site visits, decisions."""

from __future__ import annotations

import heapq
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.enums import ApplicationStatus
from applications.models import Application, ReviewerAssignment, StatusChange
from applications.selectors import applicable_indicators
from applications.services import ask_clarification, indicator_rules
from applications.validation import InvalidValueError, parse_value
from indicators.enums import Track
from indicators.models import AwardCycle, Indicator
from portal.enums import Role
from portal.models import ReviewerConflict, User
from portal.uploads import JPEG, PNG, sanitise_filename, sha256_of, sniff_type
from reviews.enums import DecisionOutcome, DecisionRound, VerificationStatus
from reviews.models import Decision, RubricScore, SiteVisit, SiteVisitPhoto, ValueReview
from reviews.selectors import applications_with_reviews, settled_inputs
from scoring.models import ScoreRun
from scoring.services import set_cycle_verified_values, set_verified_values

ASSIGNABLE_STATUSES = (ApplicationStatus.SUBMITTED, ApplicationStatus.UNDER_REVIEW, ApplicationStatus.SHORTLISTED)


def conflicted_reviewer_ids(application: Application) -> set[int]:
    return set(
        ReviewerConflict.objects.filter(
            Q(municipality_id=application.municipality_id) | Q(province_id=application.municipality.province_id)
        ).values_list("reviewer_id", flat=True)
    )


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
    assignments = []
    for reviewer in reviewers:
        assignment, _created = ReviewerAssignment.objects.get_or_create(
            application=application, reviewer=reviewer, defaults={"assigned_by": by}
        )
        assignments.append(assignment)
    _mark_under_review(application, by)
    return assignments


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
def unassign_reviewer(*, application: Application, reviewer: User) -> None:
    ReviewerAssignment.objects.filter(application=application, reviewer=reviewer).delete()


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
    conflicts_by_reviewer: dict[int, tuple[set[int], set[int]]] = defaultdict(lambda: (set(), set()))
    for reviewer_id, municipality_id, province_id in ReviewerConflict.objects.values_list(
        "reviewer_id", "municipality_id", "province_id"
    ):
        municipalities, provinces = conflicts_by_reviewer[reviewer_id]
        if municipality_id:
            municipalities.add(municipality_id)
        if province_id:
            provinces.add(province_id)
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
            and application.municipality_id not in conflicts_by_reviewer[reviewer.pk][0]
            and application.municipality.province_id not in conflicts_by_reviewer[reviewer.pk][1]
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
    return report


def _require_assigned(application: Application, reviewer: User) -> None:
    if not application.assignments.filter(reviewer=reviewer).exists():
        raise ValidationError(_("You are not assigned to this application."), code="not_assigned")


def _require_applicable(application: Application, indicator: Indicator) -> None:
    """Reviewers judge only the indicators of the application's own track and category (and governance)."""
    if not applicable_indicators(application).filter(pk=indicator.pk).exists():
        raise ValidationError(
            _("{code} is not an indicator of this application's track and category.").format(code=indicator.code),
            code="not_applicable",
        )


@transaction.atomic
def review_value(
    *,
    application: Application,
    indicator: Indicator,
    reviewer: User,
    status: str,
    corrected: str = "",
    reason: str = "",
    question: str = "",
    drop_correction: bool = False,
) -> ValueReview:
    """Mark a value verified, queried (which asks the municipality) or corrected (a site-visit value with a reason;
    the submitted value stays beside it). A correction changes the verified score.

    Replacing the reviewer's own correction by a verdict or a question drops the correction: refused with the code
    "drops_correction" unless `drop_correction` confirms it.
    """
    _require_assigned(application, reviewer)
    _require_applicable(application, indicator)
    previous = ValueReview.objects.filter(application=application, indicator=indicator, reviewer=reviewer).first()
    if (
        previous is not None
        and previous.status == VerificationStatus.CORRECTED
        and status != VerificationStatus.CORRECTED
        and not drop_correction
    ):
        raise ValidationError(
            _(
                "You corrected this value. Marking it verified or asking about it drops your correction, and the "
                "verified score uses the submitted value again. Confirm to drop the correction."
            ),
            code="drops_correction",
        )
    fields: dict[str, Any] = {
        "status": status,
        "reason": reason.strip(),
        "corrected_number": None,
        "corrected_flag": None,
    }
    if status == VerificationStatus.CORRECTED:
        if not reason.strip():
            raise ValidationError({"reason": _("A correction needs a reason (e.g. the site visit's finding).")})
        try:
            parsed = parse_value(indicator_rules(indicator, application), corrected)
        except InvalidValueError as error:
            raise ValidationError({"corrected": str(error)}) from error
        if parsed.number is None and parsed.flag is None:
            raise ValidationError({"corrected": _("Enter the corrected value.")})
        fields["corrected_number"], fields["corrected_flag"] = parsed.number, parsed.flag
    elif status == VerificationStatus.QUERIED:
        ask_clarification(application=application, indicator=indicator, question=question or reason, by=reviewer)
    elif status != VerificationStatus.VERIFIED:
        raise ValidationError(_("Unknown verification status."))
    review, _created = ValueReview.objects.update_or_create(
        application=application,
        indicator=indicator,
        reviewer=reviewer,
        defaults={**fields, "updated_at": timezone.now()},
    )
    refresh_verified_values(application=application, by=reviewer, reason=f"{status} {indicator.code}")
    return review


@transaction.atomic
def score_rubric(
    *, application: Application, indicator: Indicator, reviewer: User, points: int | None, comment: str = ""
) -> RubricScore:
    """A reviewer's points for a rubric indicator (None = abstain); the combined points feed the verified score."""
    _require_assigned(application, reviewer)
    _require_applicable(application, indicator)
    if indicator.value_type != "rubric":
        raise ValidationError(_("Only rubric indicators are scored by reviewers."))
    if points is not None and not 0 <= points <= application.cycle.max_points:
        raise ValidationError(
            {"points": _("Choose a level from 0 to {max_points}.").format(max_points=application.cycle.max_points)}
        )
    score, _created = RubricScore.objects.update_or_create(
        application=application,
        indicator=indicator,
        reviewer=reviewer,
        defaults={
            "points": points,
            "abstain": points is None,
            "comment": comment.strip(),
            "updated_at": timezone.now(),
        },
    )
    reason = f"abstention {indicator.code}" if points is None else f"rubric score {indicator.code}"
    refresh_verified_values(application=application, by=reviewer, reason=reason)
    return score


def refresh_verified_values(*, application: Application, by: User | None, reason: str) -> ScoreRun | None:
    """Push what reviewers settled for the application (latest corrections, verdicts, combined rubric points,
    abstentions) to scoring, which rescores what changed.

    With reviewer normalisation on, one reviewer's points move every normalised point of the cycle (each reviewer's
    mean and spread, and the overall ones): every application with reviewers' work is refreshed, with one cycle
    rescore.
    """
    cycle = application.cycle
    if cycle.normalise_reviewers:
        return refresh_cycle_verified_values(cycle=cycle, by=by, reason=reason)
    inputs = settled_inputs(cycle, application_ids={application.pk})
    return set_verified_values(application=application, values=inputs.get(application.pk, {}), by=by, reason=reason)


def refresh_cycle_verified_values(*, cycle: AwardCycle, by: User | None, reason: str) -> ScoreRun | None:
    """Refresh the verified inputs of every application of the cycle with reviewers' work (one cycle rescore)."""
    inputs = settled_inputs(cycle)
    reviewed = applications_with_reviews(cycle) | set(inputs)
    return set_cycle_verified_values(
        cycle=cycle, values={pk: inputs.get(pk, {}) for pk in reviewed}, by=by, reason=reason
    )


@transaction.atomic
def record_site_visit(
    *, application: Application, reviewer: User, visited_on: Any, notes: str, photos: list[UploadedFile]
) -> SiteVisit:
    _require_assigned(application, reviewer)
    if not notes.strip():
        raise ValidationError({"notes": _("Write the notes of the visit.")})
    # Every photo is checked before any is stored, so a refused one leaves no file behind.
    types = []
    for photo in photos:
        file_type = sniff_type(photo)
        if file_type not in (JPEG, PNG):
            raise ValidationError({"photos": _("Photos must be JPEG or PNG images.")})
        if photo.size and photo.size > 10 * 1024 * 1024:
            raise ValidationError({"photos": _("A photo is larger than 10 MB.")})
        types.append(file_type)
    visit = SiteVisit.objects.create(
        application=application, visited_on=visited_on, notes=notes.strip(), recorded_by=reviewer
    )
    for photo, file_type in zip(photos, types, strict=True):
        item = SiteVisitPhoto(
            visit=visit,
            name=sanitise_filename(photo.name or "photo", file_type=file_type),
            file_type=file_type,
            sha256=sha256_of(photo),
        )
        item.file.save(photo.name or "photo", photo, save=False)
        item.save()
    return visit


def current_nominees(cycle: AwardCycle) -> list[Application]:
    """Applications whose latest committee decision is a nomination."""
    latest: dict[int, str] = {}
    for application_id, outcome in (
        Decision.objects.filter(application__cycle=cycle, round=DecisionRound.COMMITTEE)
        .order_by("application_id", "-decided_at", "-pk")
        .values_list("application_id", "outcome")
    ):
        latest.setdefault(application_id, outcome)
    ids = [pk for pk, outcome in latest.items() if outcome == DecisionOutcome.NOMINATED]
    return list(Application.objects.filter(pk__in=ids))


def _check_quota(cycle: AwardCycle, applications: list[Application]) -> None:
    nominees = {app.pk: app for app in current_nominees(cycle)}
    for application in applications:
        nominees[application.pk] = application
    esc = [a for a in nominees.values() if a.track == Track.ESC_AWARD]
    certificates = [a for a in nominees.values() if a.track == Track.CERTIFICATE]
    if len(esc) > cycle.quota_esc_award:
        raise ValidationError(
            _("The ESC Award quota is {quota} nominee(s); this decision would make {count}.").format(
                quota=cycle.quota_esc_award, count=len(esc)
            ),
            code="quota",
        )
    if len(certificates) > cycle.quota_certificates_total:
        raise ValidationError(
            _("The certificate quota is {quota} nominee(s) in all; this decision would make {count}.").format(
                quota=cycle.quota_certificates_total, count=len(certificates)
            ),
            code="quota",
        )
    groups: dict[tuple[str, int | None], int] = defaultdict(int)
    for application in certificates:
        groups[(application.category_code, application.size_class_id)] += 1
    for (category, _size), count in groups.items():
        if count > cycle.quota_per_category_and_size:
            raise ValidationError(
                _("At most {quota} nominee(s) per category and size class; {category} would have {count}.").format(
                    quota=cycle.quota_per_category_and_size, category=category, count=count
                ),
                code="quota",
            )


STATUS_FOR_OUTCOME = {
    DecisionOutcome.SHORTLISTED: ApplicationStatus.SHORTLISTED,
    DecisionOutcome.NOT_SHORTLISTED: ApplicationStatus.NOT_SHORTLISTED,
    DecisionOutcome.NOMINATED: ApplicationStatus.NOMINATED,
}


@transaction.atomic
def decide(*, applications: list[Application], round: str, outcome: str, note: str, by: User) -> list[Decision]:
    """Record one decision for several applications at once (bulk action), with its note and author.

    Nominations are checked against the cycle's ASEAN quota and refused whole when they would exceed it.
    """
    if not note.strip():
        raise ValidationError({"note": _("Every decision needs a note.")})
    if not applications:
        raise ValidationError(_("Choose at least one application."))
    if any(application.status == ApplicationStatus.DRAFT for application in applications):
        raise ValidationError(_("A draft cannot be decided on: it was never submitted."), code="draft")
    cycles = {application.cycle_id for application in applications}
    if len(cycles) != 1:
        raise ValidationError(_("Decide on applications of one cycle at a time."))
    cycle = applications[0].cycle
    if outcome == DecisionOutcome.NOMINATED:
        if round != DecisionRound.COMMITTEE:
            raise ValidationError(_("Nominations are decided in the committee round."))
        _check_quota(cycle, applications)
    decisions = Decision.objects.bulk_create(
        Decision(application=application, round=round, outcome=outcome, note=note.strip(), decided_by=by)
        for application in applications
    )
    new_status = STATUS_FOR_OUTCOME[outcome]
    changes = [
        StatusChange(
            application=application,
            from_status=application.status,
            to_status=new_status,
            reason=note.strip(),
            changed_by=by,
        )
        for application in applications
        if application.status != new_status
    ]
    StatusChange.objects.bulk_create(changes)
    Application.objects.filter(pk__in=[a.pk for a in applications]).update(status=new_status, updated_at=timezone.now())
    return decisions


@transaction.atomic
def complete_review(*, application: Application, reviewer: User) -> ReviewerAssignment:
    assignment = ReviewerAssignment.objects.get(application=application, reviewer=reviewer)
    assignment.completed_at = timezone.now()
    assignment.save(update_fields=["completed_at"])
    return assignment

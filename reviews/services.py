"""Use cases of the review workflow on one application: verification of values (with questions to the municipality),
rubric scoring, the verified inputs they settle, site visits, completing a review. Assigning reviewers:
reviews.services_assignments; decisions in rounds: reviews.services_decisions."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Application, ReviewerAssignment
from applications.selectors import applicable_indicators
from applications.services import indicator_rules
from applications.validation import InvalidValueError, parse_value
from indicators.models import AwardCycle, Indicator
from portal.models import User
from portal.uploads import JPEG, PNG, sanitise_filename, sha256_of, sniff_type
from reviews.enums import VerificationStatus
from reviews.models import RubricScore, SiteVisit, SiteVisitPhoto, ValueReview
from reviews.permissions import can_review_application
from reviews.selectors import applications_with_reviews, settled_inputs
from reviews.services_clarifications import ask_clarification
from scoring.models import ScoreRun
from scoring.services import set_cycle_verified_values, set_verified_values


def _require_assigned(application: Application, reviewer: User) -> None:
    if not can_review_application(reviewer, application):
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
        item.file.save(item.name, photo, save=False)
        item.save()
    return visit


@transaction.atomic
def complete_review(*, application: Application, reviewer: User) -> ReviewerAssignment:
    assignment = ReviewerAssignment.objects.get(application=application, reviewer=reviewer)
    assignment.completed_at = timezone.now()
    assignment.save(update_fields=["completed_at"])
    return assignment

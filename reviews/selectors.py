"""Reads for the review workflow, in a constant number of queries per page."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from applications.enums import ClarificationStatus
from applications.models import Application, ClarificationRequest, Evidence, IndicatorValue, ReviewerAssignment
from applications.selectors import applicable_indicators
from indicators.models import AwardCycle, Indicator
from portal.enums import Role
from portal.models import ReviewerConflict, User
from reviews.models import Decision, RubricScore, SiteVisit, ValueReview


def assignments_of(reviewer: User, *, cycle: AwardCycle | None = None) -> QuerySet[ReviewerAssignment]:
    assignments = ReviewerAssignment.objects.filter(reviewer=reviewer).select_related(
        "application__municipality__province", "application__cycle", "application__size_class"
    )
    if cycle is not None:
        assignments = assignments.filter(application__cycle=cycle)
    return assignments.order_by("completed_at", "application__municipality__name_th")


def next_assignment(reviewer: User, after: Application) -> ReviewerAssignment | None:
    """The next assignment in the same cycle that the reviewer has not finished ("save and next")."""
    return (
        assignments_of(reviewer, cycle=after.cycle).filter(completed_at__isnull=True).exclude(application=after).first()
    )


@dataclass
class SheetRow:
    indicator: Indicator
    value: IndicatorValue | None
    evidence: list[Evidence]
    my_review: ValueReview | None
    my_score: RubricScore | None
    all_scores: list[RubricScore]
    clarifications: list[ClarificationRequest]
    reviews: list[ValueReview] = field(default_factory=list)


def review_sheet(application: Application, reviewer: User) -> list[SheetRow]:
    """Every applicable indicator with its value, evidence, this reviewer's verdict and score, the other reviewers'
    rubric points, and clarification requests (seven queries, whatever the number of indicators)."""
    indicators = list(applicable_indicators(application))
    values = {value.indicator_id: value for value in application.values.all()}
    evidence: dict[int, list[Evidence]] = defaultdict(list)
    for item in application.evidence.all():
        evidence[item.indicator_id].append(item)
    reviews: dict[int, list[ValueReview]] = defaultdict(list)
    for review in ValueReview.objects.filter(application=application).select_related("reviewer"):
        reviews[review.indicator_id].append(review)
    scores: dict[int, list[RubricScore]] = defaultdict(list)
    for score in RubricScore.objects.filter(application=application).select_related("reviewer"):
        scores[score.indicator_id].append(score)
    clarifications: dict[int, list[ClarificationRequest]] = defaultdict(list)
    for request in application.clarifications.select_related("asked_by", "answered_by"):
        clarifications[request.indicator_id].append(request)
    return [
        SheetRow(
            indicator=indicator,
            value=values.get(indicator.pk),
            evidence=evidence[indicator.pk],
            my_review=next((r for r in reviews[indicator.pk] if r.reviewer_id == reviewer.pk), None),
            my_score=next((s for s in scores[indicator.pk] if s.reviewer_id == reviewer.pk), None),
            all_scores=scores[indicator.pk],
            clarifications=clarifications[indicator.pk],
            reviews=reviews[indicator.pk],
        )
        for indicator in indicators
    ]


def assignment_overview(cycle: AwardCycle) -> list[Application]:
    """The cycle's submitted applications with their reviewers (prefetched) and the reviewers in conflict."""
    applications = list(
        Application.objects.filter(cycle=cycle)
        .exclude(status="draft")
        .select_related("municipality__province")
        .prefetch_related(Prefetch("assignments", queryset=ReviewerAssignment.objects.select_related("reviewer")))
        .order_by("municipality__name_th")
    )
    conflicts = list(ReviewerConflict.objects.select_related("reviewer"))
    for application in applications:
        application.conflicted = [  # type: ignore[attr-defined]
            conflict.reviewer
            for conflict in conflicts
            if conflict.municipality_id == application.municipality_id
            or conflict.province_id == application.municipality.province_id
        ]
    return applications


def reviewer_loads(cycle: AwardCycle) -> QuerySet[User]:
    return (
        User.objects.filter(role=Role.REVIEWER, is_active=True)
        .annotate(
            load=Count("assignments", filter=Q(assignments__application__cycle=cycle)),
            done=Count(
                "assignments",
                filter=Q(assignments__application__cycle=cycle, assignments__completed_at__isnull=False),
            ),
        )
        .order_by("full_name")
    )


def open_clarifications_for(user: User) -> QuerySet[ClarificationRequest]:
    """The open questions a municipal officer's municipality has to answer."""
    return ClarificationRequest.objects.filter(
        application__municipality_id=user.municipality_id, status=ClarificationStatus.OPEN
    ).select_related("application__cycle", "indicator", "asked_by")


def decisions_of(application: Application) -> QuerySet[Decision]:
    return application.decisions.select_related("decided_by")


def site_visits_of(application: Application) -> QuerySet[SiteVisit]:
    return application.site_visits.select_related("recorded_by").prefetch_related("photos")


def disagreement_by_application(cycle: AwardCycle) -> dict[int, bool]:
    """Applications where reviewers' rubric points spread more than the cycle's threshold on some indicator."""
    from reviews.aggregation import combine  # noqa: PLC0415 -- pure helper

    points: dict[tuple[int, int], list[Any]] = defaultdict(list)
    for application_id, indicator_id, value in RubricScore.objects.filter(
        application__cycle=cycle, abstain=False
    ).values_list("application_id", "indicator_id", "points"):
        points[(application_id, indicator_id)].append(value)
    flagged: dict[int, bool] = defaultdict(bool)
    for (application_id, _indicator), values in points.items():
        combined = combine(values, threshold=cycle.disagreement_threshold)
        if combined is not None and combined.disagreement:
            flagged[application_id] = True
    return flagged

"""Reads for the review workflow, in a constant number of queries per page."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypedDict, cast

from django.db.models import Count, Prefetch, Q, QuerySet

from applications.enums import ClarificationStatus
from applications.models import Application, ClarificationRequest, Evidence, IndicatorValue, ReviewerAssignment
from applications.selectors import applicable_indicators, applications_visible_to
from indicators.models import AwardCycle, Indicator
from portal.enums import Role
from portal.models import ReviewerConflict, User
from reviews.aggregation import Combined, combine, normalise
from reviews.enums import VerificationStatus
from reviews.models import Decision, RubricScore, SiteVisit, ValueReview
from scoring.enums import VerifiedStatus
from scoring.models import VerifiedValue

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


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


def reviewer_assignment(application: Application, reviewer: User) -> ReviewerAssignment | None:
    """The reviewer's assignment to the application, if any."""
    return ReviewerAssignment.objects.filter(application=application, reviewer=reviewer).first()


def applicable_indicator(application: Application, code: str) -> Indicator | None:
    """One of the indicators of the application's own track and category (None for any other code)."""
    try:
        return applicable_indicators(application).get(code=code)
    except Indicator.DoesNotExist:
        return None


def visible_applications(user: User, cycle: AwardCycle, ids: list[int]) -> list[Application] | None:
    """The applications `ids` of the cycle, in that order, when `user` may see every one of them; else None."""
    found = {
        application.pk: application for application in applications_visible_to(user).filter(cycle=cycle, pk__in=ids)
    }
    if len(found) != len(ids):
        return None
    return [found[pk] for pk in ids]


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


class Conflicted(TypedDict):
    conflicted: list[User]  # the reviewers in conflict with the application


class ReviewerLoad(TypedDict):
    load: int  # the reviewer's assignments in the cycle
    done: int  # of which completed


def assignment_overview(cycle: AwardCycle) -> list[WithAnnotations[Application, Conflicted]]:
    """The cycle's submitted applications with their reviewers (prefetched) and the reviewers in conflict."""
    applications = cast(
        "list[WithAnnotations[Application, Conflicted]]",  # `conflicted` is set below
        list(
            Application.objects.filter(cycle=cycle)
            .exclude(status="draft")
            .select_related("municipality__province")
            .prefetch_related(Prefetch("assignments", queryset=ReviewerAssignment.objects.select_related("reviewer")))
            .order_by("municipality__name_th")
        ),
    )
    conflicts = list(ReviewerConflict.objects.select_related("reviewer"))
    for application in applications:
        application.conflicted = [
            conflict.reviewer
            for conflict in conflicts
            if conflict.covers(application.municipality_id, application.municipality.province_id)
        ]
    return applications


def reviewer_loads(cycle: AwardCycle) -> QuerySet[WithAnnotations[User, ReviewerLoad]]:
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
    assert user.municipality_id is not None  # an officer's: the user_officer_has_one_municipality constraint
    return ClarificationRequest.objects.filter(
        application__municipality_id=user.municipality_id, status=ClarificationStatus.OPEN
    ).select_related("application__cycle", "indicator", "asked_by")


def decisions_of(application: Application) -> QuerySet[Decision]:
    return application.decisions.select_related("decided_by")


def site_visits_of(application: Application) -> QuerySet[SiteVisit]:
    return application.site_visits.select_related("recorded_by").prefetch_related("photos")


def applications_with_reviews(cycle: AwardCycle) -> set[int]:
    """Applications of the cycle that reviewers have verified, corrected, queried or scored, or that have verified
    inputs stored (three small queries)."""
    found = set(
        ValueReview.objects.filter(application__cycle=cycle).order_by().values_list("application_id", flat=True)
    )
    found |= set(
        RubricScore.objects.filter(application__cycle=cycle).order_by().values_list("application_id", flat=True)
    )
    found |= set(VerifiedValue.objects.filter(application__cycle=cycle).values_list("application_id", flat=True))
    return found


def _combined_points(
    cycle: AwardCycle, application_ids: set[int] | None
) -> tuple[dict[tuple[int, str], Combined | None], dict[tuple[int, str], bool], set[tuple[int, str]]]:
    """Reviewers' rubric points combined per (application, code), normalised per reviewer if the cycle says so
    (normalisation needs every score of the cycle); whether the raw points disagree; and the (application, code)
    pairs on which every reviewer abstained. Abstentions are left out of the mean."""
    raw: list[tuple[int, str, Decimal]] = []
    abstained: set[tuple[int, str]] = set()
    scored: set[tuple[int, str]] = set()
    for reviewer, application, code, points, abstain in (
        RubricScore.objects.filter(application__cycle=cycle)
        .order_by()
        .values_list("reviewer_id", "application_id", "indicator__code", "points", "abstain")
    ):
        if abstain:
            abstained.add((application, code))
        else:
            assert points is not None  # the rubricscore_points_or_abstain constraint
            scored.add((application, code))
            raw.append((reviewer, f"{application}:{code}", Decimal(points)))
    adjusted = (
        normalise(raw, max_points=cycle.max_points)
        if cycle.normalise_reviewers
        else {(reviewer, key): points for reviewer, key, points in raw}
    )
    points_by: dict[tuple[int, str], list[Decimal]] = defaultdict(list)
    raw_by: dict[tuple[int, str], list[Decimal]] = defaultdict(list)
    for (_reviewer, key), value in adjusted.items():
        application_id, code = key.split(":", 1)
        points_by[(int(application_id), code)].append(value)
    for _reviewer, key, value in raw:
        application_id, code = key.split(":", 1)
        raw_by[(int(application_id), code)].append(value)
    wanted = (lambda pair: True) if application_ids is None else (lambda pair: pair[0] in application_ids)
    combined, disagreement = {}, {}
    for pair, values in points_by.items():
        if wanted(pair):
            combined[pair] = combine(values, threshold=cycle.disagreement_threshold)
            spread = combine(raw_by[pair], threshold=cycle.disagreement_threshold)
            disagreement[pair] = bool(spread and spread.disagreement)
    return combined, disagreement, {pair for pair in abstained - scored if wanted(pair)}


def combined_rubric_points(application: Application) -> dict[str, Combined]:
    """{indicator code: Combined} of the application's rubric indicators that reviewers scored."""
    combined, _disagreement, _abstained = _combined_points(application.cycle, {application.pk})
    return {code: value for (_application, code), value in combined.items() if value is not None}


def settled_inputs(cycle: AwardCycle, application_ids: set[int] | None = None) -> dict[int, dict[str, Any]]:
    """What reviewers settled, as scoring.services.set_verified_values takes it, by application and code.

    A value: the latest correction by any reviewer, else "verified" once any reviewer verified it (a question alone
    settles nothing). A rubric indicator: the reviewers' combined points (with their disagreement), or "abstained"
    when every reviewer who looked abstained. Three queries.
    """
    inputs: dict[int, dict[str, Any]] = defaultdict(dict)
    verdicts = ValueReview.objects.filter(
        application__cycle=cycle,
        status__in=(VerificationStatus.VERIFIED, VerificationStatus.CORRECTED),
    ).exclude(indicator__value_type="rubric")
    if application_ids is not None:
        verdicts = verdicts.filter(application_id__in=application_ids)
    for application, code, status, number, flag in verdicts.order_by("updated_at", "pk").values_list(
        "application_id", "indicator__code", "status", "corrected_number", "corrected_flag"
    ):
        if status == VerificationStatus.CORRECTED:
            inputs[application][code] = {"status": VerifiedStatus.CORRECTED, "number": number, "flag": flag}
        elif code not in inputs[application]:
            inputs[application][code] = {"status": VerifiedStatus.VERIFIED}
    combined, disagreement, abstained = _combined_points(cycle, application_ids)
    for (application, code), value in combined.items():
        if value is not None:
            inputs[application][code] = {
                "status": VerifiedStatus.SCORED,
                "points": value.mean,
                "disagreement": disagreement[(application, code)],
            }
    for application, code in abstained:
        inputs[application][code] = {"status": VerifiedStatus.ABSTAINED}
    return dict(inputs)

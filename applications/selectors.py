"""Reads of applications, scoped to the user, with a constant number of queries per page."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Case, Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from applications.enums import ApplicationStatus
from applications.models import ANSWERED, Application, ClarificationRequest, Evidence, IndicatorValue, ValueChange
from indicators.enums import DECIDED_PHASES, AreaKind, CyclePhase, Track
from indicators.models import Area, AwardCycle, DeadlineExtension, Indicator, SizeClass
from indicators.selectors import extension_deadline
from portal.enums import MUNICIPAL_ROLES, Role
from portal.models import ReviewerConflict, User

# From these phases on, every reviewer may see every submitted application (for the committee's rankings).
RANKING_PHASES = (CyclePhase.COMMITTEE_RANKING, *DECIDED_PHASES)


def applications_visible_to(user: User) -> QuerySet[Application]:
    """Admins see every application; officers their municipality's; reviewers the submitted applications assigned
    to them, and every submitted one once the cycle reaches committee ranking — never one of a municipality or
    province they declared a conflict with."""
    # Each row carries its municipality's deadline extension, so that the pages' deadline checks cost no query.
    # The framework's source file (80–120 kB) is never needed with an application: it stays in the database.
    applications = (
        Application.objects.select_related("cycle__framework", "municipality__province", "size_class")
        .defer("cycle__framework__source_text")
        .annotate(extended_deadline=extension_deadline())
    )
    if not user.is_authenticated:
        return applications.none()
    if user.role == Role.ADMIN:
        return applications
    if user.role in MUNICIPAL_ROLES:
        assert user.municipality_id is not None  # the user_officer_has_one_municipality constraint
        return applications.filter(municipality_id=user.municipality_id)
    if user.role == Role.REVIEWER:
        conflicts = ReviewerConflict.objects.filter(reviewer=user)
        reachable = Q(assignments__reviewer=user) | Q(cycle__phase__in=RANKING_PHASES)
        return (
            applications.exclude(status=ApplicationStatus.DRAFT)
            .filter(pk__in=Application.objects.filter(reachable).values("pk"))
            .exclude(conflicts.covered("municipality"))
        )
    return applications.none()


def clarifications_for(user: User) -> QuerySet[ClarificationRequest]:
    """The clarification requests to an officer's municipality (open and answered, the open ones first)."""
    if not user.is_authenticated or user.role not in MUNICIPAL_ROLES:
        return ClarificationRequest.objects.none()
    assert user.municipality_id is not None  # the user_officer_has_one_municipality constraint
    return (
        ClarificationRequest.objects.filter(application__municipality_id=user.municipality_id)
        .select_related("application__cycle", "indicator", "asked_by", "answered_by")
        .order_by("status", "-asked_at")
    )


def applicable_areas(application: Application) -> QuerySet[Area]:
    """ESC Award: every area of the framework. Certificate: its category and the governance area."""
    areas = Area.objects.filter(framework_id=application.cycle.framework_id).order_by("position")
    if application.track == Track.CERTIFICATE:
        areas = areas.filter(Q(code=application.category_code) | Q(kind=AreaKind.GOVERNANCE))
    return areas


def applicable_indicators(application: Application) -> QuerySet[Indicator]:
    return (
        Indicator.objects.filter(area__in=applicable_areas(application))
        .select_related("area")
        .order_by("area__position", "position")
    )


def size_class_for(cycle: AwardCycle, population: int | None) -> SizeClass | None:
    if population is None:
        return None
    for size in cycle.size_classes.all():
        if size.contains(population):
            return size
    return None


def needs_evidence(indicator: Indicator, value: IndicatorValue | None) -> bool:
    """The one rule of required evidence: an answered value of an indicator that requires evidence needs a file; a
    rubric indicator may require it only from a level up (`evidence_required_from_points`)."""
    if not indicator.evidence_required or value is None or not value.is_answered:
        return False
    threshold = indicator.evidence_required_from_points
    return threshold is None or (value.level is not None and value.level >= threshold)


@dataclass
class IndicatorRow:
    indicator: Indicator
    value: IndicatorValue | None
    evidence: list[Evidence]

    @property
    def evidence_missing(self) -> bool:
        return not self.evidence and needs_evidence(self.indicator, self.value)


@dataclass
class Section:
    area: Area
    rows: list[IndicatorRow] = field(default_factory=list)

    @property
    def answered(self) -> int:
        return sum(1 for row in self.rows if row.value is not None and row.value.is_answered)

    @property
    def applicable(self) -> int:
        return len(self.rows)


def application_sections(application: Application) -> list[Section]:
    """The form: one section per applicable area, one row per indicator with its value and evidence (3 queries)."""
    areas = list(
        applicable_areas(application).prefetch_related(
            Prefetch("indicators", queryset=Indicator.objects.order_by("position"))
        )
    )
    values = {value.indicator_id: value for value in application.values.select_related("updated_by").order_by()}
    evidence: dict[int, list[Evidence]] = defaultdict(list)
    for item in application.evidence.order_by("uploaded_at", "pk"):
        evidence[item.indicator_id].append(item)
    return [
        Section(
            area=area,
            rows=[
                IndicatorRow(indicator, values.get(indicator.pk), evidence[indicator.pk])
                for indicator in area.indicators.all()
            ],
        )
        for area in areas
    ]


@dataclass(frozen=True)
class AreaCode:
    code: str


@dataclass(frozen=True)
class SectionProgress:
    """A section's counters without its rows (what an autosave redraws); `area.code` as on a Section."""

    area: AreaCode
    answered: int
    applicable: int


def section_progress(application: Application) -> list[SectionProgress]:
    """Answered and applicable indicators per applicable area, counted by the database (one query)."""
    answered = Exists(
        IndicatorValue.objects.filter(ANSWERED, application=application, indicator=OuterRef("indicators"))
    )
    areas = applicable_areas(application).annotate(
        applicable_count=Count("indicators"), answered_count=Count("indicators", filter=Q(answered))
    )
    return [
        SectionProgress(AreaCode(code), answered_count, applicable_count)
        for code, applicable_count, answered_count in areas.values_list("code", "applicable_count", "answered_count")
    ]


def completeness(sections: list[Section] | list[SectionProgress]) -> tuple[int, int]:
    answered = sum(section.answered for section in sections)
    applicable = sum(section.applicable for section in sections)
    return answered, applicable


def with_completeness(applications: QuerySet[Application]) -> QuerySet[Application]:
    """Each application annotated with `answered_count` and `applicable_count`, counted as section_progress counts
    them (applicable_areas' rule: every area for the ESC Award, the category and governance for a certificate), in
    the applications' own query: a list's completeness costs no query per row."""
    framework = OuterRef("cycle__framework_id")
    certificate_areas = Q(area__code=OuterRef("category_code")) | Q(area__kind=AreaKind.GOVERNANCE)
    indicators = Indicator.objects.filter(framework_id=framework).order_by().values("framework_id")
    answered = (
        IndicatorValue.objects.filter(ANSWERED, application_id=OuterRef("pk"), indicator__framework_id=framework)
        .order_by()
        .values("application_id")
    )
    answered_certificate = answered.filter(
        Q(indicator__area__code=OuterRef("category_code")) | Q(indicator__area__kind=AreaKind.GOVERNANCE)
    )

    def counted(rows: QuerySet[Any]) -> Coalesce:
        return Coalesce(Subquery(rows.annotate(count=Count("pk")).values("count")), 0)

    is_esc_award = Q(track=Track.ESC_AWARD)
    return applications.annotate(
        applicable_count=Case(
            When(is_esc_award, then=counted(indicators)),
            default=counted(indicators.filter(certificate_areas)),
        ),
        answered_count=Case(
            When(is_esc_award, then=counted(answered)),
            default=counted(answered_certificate),
        ),
    )


def value_history(application: Application, indicator: Indicator | None = None) -> QuerySet[ValueChange]:
    changes = application.changes.select_related("indicator", "changed_by")
    if indicator is not None:
        changes = changes.filter(indicator=indicator)
    return changes


def numbers_by_code(application: Application) -> dict[str, Decimal | None]:
    return dict(application.values.order_by().values_list("indicator__code", "number"))


def previous_application(application: Application) -> Application | None:
    """The same municipality's application on the same track and category in the cycle this one was cloned from."""
    previous_cycle_id = application.cycle.previous_id
    if previous_cycle_id is None:
        return None
    return Application.objects.filter(
        cycle_id=previous_cycle_id,
        municipality_id=application.municipality_id,
        track=application.track,
        category_code=application.category_code,
    ).first()


@dataclass(frozen=True)
class ValueComparison:
    """What one saved value is compared with: the municipality's previous-cycle value of the indicator, the peers'
    values, and the application's own numbers of the indicators named by the checks that the indicator is in."""

    previous: Decimal | None
    peers: list[Decimal]
    own: dict[str, Decimal | None]


def value_comparison(application: Application, indicator: Indicator, *, codes: Collection[str]) -> ValueComparison:
    """Everything one value's warnings and checks compare against, in one query: the same indicator's value in the
    municipality's previous-cycle application (see previous_application); the values of the same indicator from
    other applications of the same cycle and size class (none when the application is outside every size class:
    those applications are not peers of each other); and the application's own numbers for `codes`."""
    previous_cycle_id = application.cycle.previous_id
    wanted = Q(pk__in=[])
    if application.size_class_id is not None:
        wanted |= Q(
            indicator=indicator,
            application__cycle_id=application.cycle_id,
            application__size_class_id=application.size_class_id,
            number__isnull=False,
        ) & ~Q(application_id=application.pk)
    if previous_cycle_id is not None:
        wanted |= Q(
            application__cycle_id=previous_cycle_id,
            application__municipality_id=application.municipality_id,
            application__track=application.track,
            application__category_code=application.category_code,
            indicator__code=indicator.code,
        )
    if codes:
        wanted |= Q(application_id=application.pk, indicator__code__in=list(codes))
    comparison = ValueComparison(previous=None, peers=[], own={})
    if application.size_class_id is None and previous_cycle_id is None and not codes:
        return comparison
    previous: Decimal | None = None
    rows = IndicatorValue.objects.filter(wanted).order_by()
    for application_id, cycle_id, code, number in rows.values_list(
        "application_id", "application__cycle_id", "indicator__code", "number"
    ):
        if application_id == application.pk:
            comparison.own[code] = number
        elif cycle_id == previous_cycle_id:
            previous = number
        else:
            assert number is not None  # a peer's: filtered on number__isnull=False
            comparison.peers.append(number)
    return ValueComparison(previous=previous, peers=comparison.peers, own=comparison.own)


@dataclass(frozen=True)
class OpenCall:
    """An award cycle open for submissions, as one municipality meets it."""

    cycle: AwardCycle
    deadline: dt.datetime | None  # the municipality's extension when it has one, else the cycle's
    extended: bool
    applications: list[Application]

    @property
    def is_past_deadline(self) -> bool:
        return self.deadline is not None and timezone.now() > self.deadline

    @property
    def days_left(self) -> int | None:
        """Whole days until the deadline (0 on its last day); None without a deadline."""
        if self.deadline is None:
            return None
        return max(0, (self.deadline - timezone.now()).days)

    @property
    def drafts(self) -> list[Application]:
        return [application for application in self.applications if application.status == ApplicationStatus.DRAFT]


def open_calls_for(user: User) -> list[OpenCall]:
    """Open cycles with the officer's own deadline and applications, newest first (three queries)."""
    if user.role not in MUNICIPAL_ROLES or user.municipality_id is None:
        return []
    cycles = list(
        AwardCycle.objects.filter(phase=CyclePhase.CALL_OPEN)
        .select_related("framework")
        .defer("framework__source_text")
        .order_by("-reference_year")
    )
    if not cycles:
        return []
    extensions = dict(
        DeadlineExtension.objects.filter(cycle__in=cycles, municipality_id=user.municipality_id).values_list(
            "cycle_id", "deadline"
        )
    )
    applications = defaultdict(list)
    for application in Application.objects.filter(cycle__in=cycles, municipality_id=user.municipality_id).order_by(
        "track", "category_code"
    ):
        applications[application.cycle_id].append(application)
    return [
        OpenCall(
            cycle=cycle,
            deadline=extensions.get(cycle.pk, cycle.submission_deadline),
            extended=cycle.pk in extensions,
            applications=applications[cycle.pk],
        )
        for cycle in cycles
    ]

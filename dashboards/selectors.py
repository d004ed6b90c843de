"""The cycle dashboard's figures: one award cycle as the admins see it. Every figure is counted by the database in
a fixed number of queries, whatever the number of applications or provinces (the municipality dashboard has its own
module, dashboards.selectors_municipality)."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from statistics import median
from typing import TYPE_CHECKING, Any

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext

from applications.enums import ApplicationStatus
from applications.models import Application, ReviewerAssignment
from dashboards.regions import OTHER, REGIONS, Region, region_of
from indicators.enums import AreaKind, Track
from indicators.models import Area, AwardCycle, SizeClass
from portal.enums import RegistrationStatus, Role
from portal.i18n import current_language, localized
from portal.models import OfficerRegistration, Province, User
from portal.thai import thai_sort_key
from reviews.models import RubricScore, ValueReview
from scoring.enums import ScoreKind
from scoring.models import ApplicationScore

if TYPE_CHECKING:
    pass

# Score distributions: totals fall in ten bands of ten points (100 goes in the last band).
SCORE_BAND = 10
SCORE_BANDS = 10
# Submissions over time: one bar a day, or a week when the submissions span more than this many days.
DAILY_SPAN = 45


def name_key(name_th: str, name_en: str) -> str:
    """Sort key of a Thai/English name pair in the reader's language (Thai dictionary order in Thai)."""
    return thai_sort_key(name_th) if current_language() == "th" else (name_en or name_th).casefold()


# --------------------------------------------------------------------------------------------------------------
# Admin: one cycle
# --------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    """One bar of a chart: what is counted (its key and label) and how many."""

    key: str
    label: str
    count: int


@dataclass(frozen=True)
class DayCount:
    """Submissions on a day, or in the week starting that day."""

    day: dt.date
    count: int


@dataclass(frozen=True)
class ProvinceCount:
    code: str
    name: str
    sort_key: str
    count: int


@dataclass(frozen=True)
class RegionCounts:
    code: str
    label: str
    provinces: list[ProvinceCount]

    @property
    def count(self) -> int:
        return sum(province.count for province in self.provinces)

    @property
    def participating(self) -> int:
        return sum(1 for province in self.provinces if province.count)


@dataclass(frozen=True)
class ReviewerProgress:
    name: str
    assigned: int
    completed: int
    verified: int
    scored: int


@dataclass(frozen=True)
class ScoreDistribution:
    key: str
    label: str
    bands: list[int]  # how many totals fall in each band of SCORE_BAND points
    totals: list[Decimal] = field(repr=False)

    @property
    def count(self) -> int:
        return len(self.totals)

    @property
    def lowest(self) -> Decimal | None:
        return min(self.totals, default=None)

    @property
    def median(self) -> Decimal | None:
        return Decimal(median(self.totals)).quantize(Decimal("0.01")) if self.totals else None

    @property
    def highest(self) -> Decimal | None:
        return max(self.totals, default=None)


@dataclass(frozen=True)
class CycleFigures:
    cycle: AwardCycle
    pending_registrations: int
    total: int
    by_status: list[Bar]
    by_track: list[Bar]
    by_category: list[Bar]
    by_size_class: list[Bar]
    by_region: list[RegionCounts]
    submissions: list[DayCount]  # per day or week, oldest first
    submissions_weekly: bool
    reviewers: list[ReviewerProgress]
    scores: list[ScoreDistribution]

    @property
    def provinces_participating(self) -> int:
        return sum(region.participating for region in self.by_region)

    @property
    def province_count(self) -> int:
        return sum(len(region.provinces) for region in self.by_region)

    @property
    def submitted(self) -> int:
        return sum(item.count for item in self.submissions)


def cycles_for_dashboard() -> QuerySet[AwardCycle]:
    """Every cycle, newest first (the dashboard's cycle switcher)."""
    return AwardCycle.objects.only("code", "name_th", "name_en", "reference_year").order_by("-reference_year", "-pk")


def cycle_figures(cycle: AwardCycle) -> CycleFigures:
    """Everything the cycle dashboard shows (nine queries)."""
    facets = _application_facets(cycle)
    by_status = Counter[str]()
    by_track = Counter[str]()
    by_category = Counter[str]()
    by_size = Counter[int | None]()
    by_province = Counter[int]()
    for status, track, category, size_class_id, province_id, count in facets:
        by_status[status] += count
        by_track[track] += count
        if track == Track.CERTIFICATE:
            by_category[category] += count
        by_size[size_class_id] += count
        by_province[province_id] += count
    submissions, weekly = _submissions_over_time(cycle)
    return CycleFigures(
        cycle=cycle,
        pending_registrations=OfficerRegistration.objects.filter(status=RegistrationStatus.AWAITING_APPROVAL).count(),
        total=sum(by_status.values()),
        by_status=[Bar(status.value, str(status.label), by_status[status]) for status in ApplicationStatus],
        by_track=[Bar(track.value, str(track.label), by_track[track]) for track in Track],
        by_category=_categories(cycle, by_category),
        by_size_class=_size_classes(cycle, by_size),
        by_region=_regions(by_province),
        submissions=submissions,
        submissions_weekly=weekly,
        reviewers=reviewer_progress(cycle),
        scores=score_distributions(cycle),
    )


def _application_facets(cycle: AwardCycle) -> list[tuple[str, str, str, int | None, int, int]]:
    """(status, track, category, size class, province, count) of the cycle's applications (one query)."""
    return list(
        Application.objects.filter(cycle=cycle)
        .order_by()
        .values_list("status", "track", "category_code", "size_class_id", "municipality__province_id")
        .annotate(count=Count("pk"))
    )


def category_areas(cycle: AwardCycle) -> list[Area]:
    """The certificate categories of the cycle's framework, in its order (one query)."""
    return list(
        Area.objects.filter(framework_id=cycle.framework_id, kind=AreaKind.CATEGORY)
        .only("code", "name_th", "name_en", "position")
        .order_by("position")
    )


def _categories(cycle: AwardCycle, counts: Counter[str]) -> list[Bar]:
    areas = category_areas(cycle)
    rows = [Bar(area.code, f"{area.code} · {localized(area)}", counts[area.code]) for area in areas]
    known = {area.code for area in areas}
    rows += [Bar(code, code, count) for code, count in sorted(counts.items()) if code not in known]
    return rows


def _size_classes(cycle: AwardCycle, counts: Counter[int | None]) -> list[Bar]:
    sizes = list(SizeClass.objects.filter(cycle=cycle).order_by("min_population"))
    rows = [Bar(size.code, localized(size), counts[size.pk]) for size in sizes]
    if counts[None]:
        rows.append(Bar("none", gettext("Outside every size class"), counts[None]))
    return rows


def _regions(counts: Counter[int]) -> list[RegionCounts]:
    """Every province (all 77, with or without applications) in its region, in name order (one query)."""
    provinces: dict[str, list[ProvinceCount]] = defaultdict(list)
    for province in Province.objects.only("code", "name_th", "name_en"):
        provinces[region_of(province.code).code].append(
            ProvinceCount(
                code=province.code,
                name=localized(province),
                sort_key=name_key(province.name_th, province.name_en),
                count=counts[province.pk],
            )
        )
    regions: list[Region] = [*REGIONS, OTHER]
    return [
        RegionCounts(
            code=region.code,
            label=str(region.label),
            provinces=sorted(provinces[region.code], key=lambda province: province.sort_key),
        )
        for region in regions
        if provinces[region.code]
    ]


def _submissions_over_time(cycle: AwardCycle) -> tuple[list[DayCount], bool]:
    """Submissions per day (Thailand's calendar), every day from the first to the last; per week (Monday on) when
    they span more than DAILY_SPAN days (one query)."""
    per_day = dict(
        Application.objects.filter(cycle=cycle, submitted_at__isnull=False)
        .annotate(day=TruncDate("submitted_at", tzinfo=timezone.get_current_timezone()))
        .order_by()
        .values_list("day")
        .annotate(count=Count("pk"))
    )
    if not per_day:
        return [], False
    first, last = min(per_day), max(per_day)
    weekly = (last - first).days > DAILY_SPAN
    if weekly:
        first -= dt.timedelta(days=first.weekday())
        step = dt.timedelta(days=7)
    else:
        step = dt.timedelta(days=1)
    bars: list[DayCount] = []
    start = first
    while start <= last:
        count = sum(per_day.get(start + dt.timedelta(days=offset), 0) for offset in range(step.days))
        bars.append(DayCount(start, count))
        start += step
    return bars, weekly


def reviewer_progress(cycle: AwardCycle) -> list[ReviewerProgress]:
    """Per reviewer with an assignment in the cycle (or active): applications assigned and completed, values
    verified, rubric indicators scored (an abstention counts: the reviewer has judged it). One query."""

    def counted(rows: QuerySet[Any]) -> Coalesce:
        subquery = rows.order_by().values("reviewer_id").annotate(count=Count("pk")).values("count")
        return Coalesce(Subquery(subquery, output_field=IntegerField()), 0)

    assignments = ReviewerAssignment.objects.filter(reviewer_id=OuterRef("pk"), application__cycle=cycle)
    reviewers = (
        User.objects.filter(role=Role.REVIEWER)
        .annotate(
            assigned=counted(assignments),
            completed=counted(assignments.filter(completed_at__isnull=False)),
            verified=counted(ValueReview.objects.filter(reviewer_id=OuterRef("pk"), application__cycle=cycle)),
            scored=counted(
                RubricScore.objects.filter(reviewer_id=OuterRef("pk"), application__cycle=cycle).filter(
                    Q(points__isnull=False) | Q(abstain=True)
                )
            ),
        )
        .filter(Q(is_active=True) | Q(assigned__gt=0))
        .values_list("full_name", "assigned", "completed", "verified", "scored")
    )
    rows = [ReviewerProgress(*row) for row in reviewers]
    return sorted(rows, key=lambda row: thai_sort_key(row.name))


def score_distributions(cycle: AwardCycle) -> list[ScoreDistribution]:
    """The current submitted-basis totals of the cycle, per ESC Award and per certificate category, in bands of
    SCORE_BAND points (two queries: the categories and the scores)."""
    groups: dict[str, list[Decimal]] = defaultdict(list)
    for category, total in (
        ApplicationScore.objects.filter(cycle=cycle, kind=ScoreKind.SUBMITTED, is_current=True)
        .order_by()
        .values_list("application__category_code", "total")
    ):
        groups[category].append(total)
    areas = category_areas(cycle)
    labels = {"": str(Track.ESC_AWARD.label)} | {area.code: f"{area.code} · {localized(area)}" for area in areas}
    order = ["", *(area.code for area in areas), *sorted(set(groups) - set(labels))]
    return [
        ScoreDistribution(key=key or "esc", label=labels.get(key, key), bands=_bands(groups[key]), totals=groups[key])
        for key in order
        if groups[key]
    ]


def score_bands() -> list[tuple[int, int]]:
    """The bands' lowest and highest whole points: (0, 9), (10, 19) … (90, 100)."""
    return [
        (band * SCORE_BAND, band * SCORE_BAND + SCORE_BAND - (0 if band == SCORE_BANDS - 1 else 1))
        for band in range(SCORE_BANDS)
    ]


def _bands(totals: list[Decimal]) -> list[int]:
    bands = [0] * SCORE_BANDS
    for total in totals:
        bands[min(max(int(total // SCORE_BAND), 0), SCORE_BANDS - 1)] += 1
    return bands

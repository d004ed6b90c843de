"""The ranking board, read from the stored standings: groups, one page of rows filtered and sorted in SQL, and what
the page says about the run it shows.

Ranks are the score run's, never recomputed here: visibility and filters hide rows, they never renumber them. The
page costs the same number of queries for 25 rows or 2,500.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, DecimalField, F, FilteredRelation, Q, QuerySet
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from applications.models import Application
from indicators.enums import AreaKind, Track
from indicators.models import Area, AwardCycle
from portal.enums import Role
from portal.models import Province, User
from portal.thai import thai_sort_key
from reviews.models import Decision
from scoring.enums import RunStatus, ScoreKind
from scoring.models import ApplicationScore, ScoreRun, Standing
from scoring.selectors import standing_rows, standings_of

PAGE_SIZE = 50
SORTS = ("rank", "total", "verified", "completeness")


@dataclass(frozen=True)
class Group:
    key: str
    label: str
    standing: Standing


@dataclass
class BoardRow:
    """One row of the board: the stored score of the rank basis, annotated with the other basis's figures."""

    score: ApplicationScore
    kind: str
    decision: Decision | None = None
    area_cells: list[Decimal | None] = field(default_factory=list)

    @property
    def application(self) -> Application:
        return self.score.application

    @property
    def rank(self) -> int | None:
        return self.score.rank

    @property
    def submitted_total(self) -> Decimal | None:
        return self.score.total if self.kind == ScoreKind.SUBMITTED else self.score.other_total  # type: ignore[attr-defined]

    @property
    def verified_total(self) -> Decimal | None:
        """Shown only once final: a verified score with unsettled indicators is not a verified score yet."""
        if self.kind == ScoreKind.VERIFIED:
            return self.score.total if self.score.is_final else None
        score = self.score
        if score.other_total is None or score.other_pending or score.other_needs_reviewer:  # type: ignore[attr-defined]
            return None
        return score.other_total  # type: ignore[attr-defined]

    @property
    def verified_waiting(self) -> int:
        """Indicators the verified score still waits for (0 when final or not scored)."""
        if self.kind == ScoreKind.VERIFIED:
            return self.score.pending
        return self.score.other_pending or 0  # type: ignore[attr-defined]

    @property
    def needs_reviewer(self) -> int:
        if self.kind == ScoreKind.VERIFIED:
            return self.score.needs_reviewer
        return self.score.other_needs_reviewer or 0  # type: ignore[attr-defined]


def other_kind(kind: str) -> str:
    return ScoreKind.VERIFIED if kind == ScoreKind.SUBMITTED else ScoreKind.SUBMITTED


def group_label(standing: Standing, areas: dict[str, Area], language: str) -> str:
    if standing.track == Track.CERTIFICATE:
        area = areas.get(standing.category_code)
        what = (area.name_th if language == "th" else area.name_en) if area else standing.category_code
    else:
        what = _("ESC Award")
    size = standing.size_class
    where = (size.name_th if language == "th" else size.name_en) if size else _("outside the bands")
    return f"{what} · {where}"


def board_groups(cycle: AwardCycle, kind: str, areas: dict[str, Area], language: str) -> list[Group]:
    """The groups of the cycle's stored standing on this basis: the ESC Award first, then the certificate
    categories in framework order, smallest size class first (one query)."""
    position = {code: area.position for code, area in areas.items()}

    def order(standing: Standing) -> tuple[Any, ...]:
        size = standing.size_class
        return (
            standing.track != Track.ESC_AWARD,
            position.get(standing.category_code, 0),
            size is None,
            size.min_population if size else 0,
        )

    return [
        Group(standing.group_key, group_label(standing, areas, language), standing)
        for standing in sorted(standings_of(cycle, kind), key=order)
    ]


def area_columns(areas: dict[str, Area], standing: Standing | None) -> list[Area]:
    """The areas a group's rows have scores for: every area for the ESC Award; a certificate's own category and
    the governance area."""
    ordered = sorted(areas.values(), key=lambda area: area.position)
    if standing is None or standing.track != Track.CERTIFICATE:
        return ordered
    return [area for area in ordered if area.code == standing.category_code or area.kind == AreaKind.GOVERNANCE]


@dataclass(frozen=True)
class Filters:
    province: int | None = None
    municipality_kind: str = ""
    tier: str = ""
    status: str = ""
    disagreement: bool = False

    def apply(self, rows: QuerySet[ApplicationScore]) -> QuerySet[ApplicationScore]:
        if self.province is not None:
            rows = rows.filter(application__municipality__province_id=self.province)
        if self.municipality_kind:
            rows = rows.filter(application__municipality__kind=self.municipality_kind)
        if self.tier:
            rows = rows.filter(tier=self.tier)
        if self.status:
            rows = rows.filter(application__status=self.status)
        if self.disagreement:
            rows = rows.filter(disagreement=True)
        return rows


ROW_FIELDS = (
    "application_id",
    "kind",
    "total",
    "completeness",
    "ranked",
    "tier",
    "areas",
    "pending",
    "needs_reviewer",
    "disagreement",
    "rank",
    "position",
    "tie_break",
    "application__status",
    "application__municipality__name_th",
    "application__municipality__full_name_th",
    "application__municipality__name_en",
    "application__municipality__province__name_th",
    "application__municipality__province__name_en",
)


def group_rows(
    cycle: AwardCycle, kind: str, group: str, *, visible: QuerySet[Application] | None, filters: Filters
) -> QuerySet[ApplicationScore]:
    """The group's stored rows that the user may see and the filters keep. `visible` None: everything."""
    rows = standing_rows(cycle, kind, group)
    if visible is not None:
        rows = rows.filter(application__in=visible.values("pk"))
    return filters.apply(rows)


def row_counts(rows: QuerySet[ApplicationScore]) -> tuple[int, int]:
    """How many of the rows are ranked and how many are not (one query)."""
    counts = rows.aggregate(ranked=Count("pk", filter=Q(rank__isnull=False)), unranked=Count("pk", filter=Q(rank=None)))
    return counts["ranked"], counts["unranked"]


def with_other_basis(rows: QuerySet[ApplicationScore], kind: str) -> QuerySet[ApplicationScore]:
    """The rows with the other basis's total, pending count and abstentions beside each (a join, not a query per
    row), and only the columns the board shows."""
    return (
        rows.annotate(
            other=FilteredRelation(
                "application__scores",
                condition=Q(application__scores__is_current=True, application__scores__kind=other_kind(kind)),
            ),
            other_total=F("other__total"),
            other_pending=F("other__pending"),
            other_needs_reviewer=F("other__needs_reviewer"),
        )
        .select_related("application__municipality__province")
        .only(*ROW_FIELDS)
    )


def sorted_rows(rows: QuerySet[ApplicationScore], sort: str, kind: str) -> QuerySet[ApplicationScore]:
    """Order by one column; rows without a value go last whichever the direction; the stored position breaks ties."""
    column, descending = sort.lstrip("-"), sort.startswith("-")
    if column == "rank":
        return rows.order_by("-position" if descending else "position")
    if column in ("total", "verified"):
        own = (column == "total") == (kind == ScoreKind.SUBMITTED)
        expression = F("total") if own else F("other_total")
    elif column == "completeness":
        expression = F("completeness")
    else:
        code = column.removeprefix("area-")
        rows = rows.annotate(
            sort_value=Cast(KT(f"areas__{code}__score"), output_field=DecimalField(max_digits=6, decimal_places=2))
        )
        expression = F("sort_value")
    ordered = expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True)
    return rows.order_by(ordered, "position")


def board_provinces(
    cycle: AwardCycle, kind: str, group: str, *, visible: QuerySet[Application] | None, language: str
) -> list[tuple[int, str]]:
    """The provinces of the group's rows the user may see, for the filter, in dictionary order (one query)."""
    rows = standing_rows(cycle, kind, group)
    if visible is not None:
        rows = rows.filter(application__in=visible.values("pk"))
    provinces = Province.objects.filter(pk__in=rows.values("application__municipality__province_id"))
    return [
        (province.pk, province.name_th if language == "th" else province.name_en)
        for province in sorted(provinces, key=lambda province: thai_sort_key(province.name_th))
    ]


def latest_decisions(application_ids: list[int]) -> dict[int, Decision]:
    decisions: dict[int, Decision] = {}
    for decision in (
        Decision.objects.filter(application_id__in=application_ids)
        .select_related("decided_by")
        .order_by("application_id", "-decided_at", "-pk")
    ):
        decisions.setdefault(decision.application_id, decision)
    return decisions


def present(page: Page, area_codes: list[str]) -> list[BoardRow]:
    """The page's rows with their latest decision (one query for the page) and their area cells."""
    scores: list[ApplicationScore] = list(page.object_list)
    decisions = latest_decisions([score.application_id for score in scores])
    rows = []
    for score in scores:
        areas = score.areas
        final = score.is_final
        rows.append(
            BoardRow(
                score=score,
                kind=score.kind,
                decision=decisions.get(score.application_id),
                area_cells=[_decimal(areas.get(code, {}).get("score")) if final else None for code in area_codes],
            )
        )
    return rows


def _decimal(value: object) -> Decimal | None:
    return None if value is None or value == "" else Decimal(str(value))


@dataclass(frozen=True)
class RunNote:
    """What the board says about freshness: the run its standing comes from, and newer runs not yet done."""

    run: ScoreRun
    waiting: bool  # a newer run is queued or running: changes wait for it
    failed: bool  # a newer run failed: its changes are not in this standing


def run_note(cycle: AwardCycle, standing: Standing) -> RunNote:
    statuses = set(
        ScoreRun.objects.filter(cycle=cycle, pk__gt=standing.run_id)
        .exclude(status=RunStatus.DONE)
        .values_list("status", flat=True)
    )
    return RunNote(
        run=standing.run,
        waiting=bool(statuses & {RunStatus.QUEUED, RunStatus.RUNNING}),
        failed=RunStatus.FAILED in statuses,
    )


def paginate(rows: QuerySet[ApplicationScore], number: str | None, *, count: int) -> Page:
    """A page of the rows; `count` is already known (row_counts), so the paginator does not count again."""
    paginator = Paginator(rows, PAGE_SIZE)
    paginator.__dict__["count"] = count  # Paginator.count is a cached_property: seed it
    return paginator.get_page(number)


def visible_scope(user: User, visible: QuerySet[Application]) -> QuerySet[Application] | None:
    """None for users who see every application (no filter needed)."""
    return None if user.role == Role.ADMIN else visible

"""The ranking board, read from the stored standings: groups, one page of rows filtered and sorted in SQL, and what
the page says about the run it shows.

Ranks are the score run's, never recomputed here: visibility and filters hide rows, they never renumber them. The
page costs the same number of queries for 25 rows or 2,500: the cycle, the groups' standings (with whether a newer
run waits or failed), the counts (read from the standing when nothing is hidden or filtered), one page of rows with
then the page's applications with the other basis and their latest decision. Areas of a frozen framework are read
once per process: a frozen framework never changes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Case, Count, DecimalField, F, Q, QuerySet, When
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from applications.enums import ApplicationStatus
from applications.models import Application
from indicators.enums import AreaKind, CyclePhase, Track
from indicators.models import Area, AwardCycle
from portal.enums import MunicipalityKind, Role
from portal.i18n import localized, localized_key
from portal.models import User
from portal.values import stored_decimal
from reviews.enums import DecisionOutcome, DecisionRound
from reviews.models import Decision
from scoring.enums import RunStatus, ScoreKind
from scoring.models import ScoreRun, Standing
from scoring.selectors import standing_rows

PAGE_SIZE = 50
OTHER = ("other_total", "other_pending", "other_needs_reviewer")
SORTS = ("rank", "total", "verified", "completeness")

_FROZEN_AREAS: dict[int, list[Area]] = {}


def framework_areas(cycle: AwardCycle) -> list[Area]:
    """The areas of the cycle's framework in order: one query, none once read for a cycle past its draft (opening
    the call froze its framework, and a frozen framework never changes)."""
    frozen = cycle.phase != CyclePhase.DRAFT
    cached = _FROZEN_AREAS.get(cycle.framework_id) if frozen else None
    if cached is not None:
        return cached
    areas = list(Area.objects.filter(framework_id=cycle.framework_id).order_by("position"))
    if frozen:
        _FROZEN_AREAS[cycle.framework_id] = areas
    return areas


@dataclass(frozen=True)
class Group:
    key: str
    label: str
    standing: Standing


@dataclass(frozen=True)
class RunNote:
    """What the board says about freshness: the run its standing comes from, and newer runs not yet done."""

    run_id: int
    finished_at: dt.datetime
    waiting: bool  # a newer run of the cycle is queued or running: changes wait for it
    failed: bool  # a newer run failed: its changes are not in this standing


def run_note(standing: Standing) -> RunNote:
    """One small query: the cycle's runs requested after the one the standing comes from that are not done."""
    statuses = set(
        ScoreRun.objects.filter(cycle_id=standing.cycle_id, pk__gt=standing.run_id)
        .exclude(status=RunStatus.DONE)
        .values_list("status", flat=True)
    )
    return RunNote(
        run_id=standing.run_id,
        finished_at=standing.computed_at,
        waiting=bool(statuses & {RunStatus.QUEUED, RunStatus.RUNNING}),
        failed=RunStatus.FAILED in statuses,
    )


def group_label(standing: Standing, areas: dict[str, Area], language: str) -> str:
    if standing.track == Track.CERTIFICATE:
        area = areas.get(standing.category_code)
        what = localized(area, "name", language) if area else standing.category_code
    else:
        what = _("ESC Award")
    size = standing.size_class
    where = localized(size, "name", language) if size else _("outside the bands")
    return f"{what} · {where}"


def standings_of(kind: str, **cycle: Any) -> list[Standing]:
    """The standings of a cycle (given as cycle=... or cycle__code=...) on one basis, with their cycle and size
    class (one query)."""
    return list(Standing.objects.filter(kind=kind, **cycle).order_by().select_related("cycle", "size_class"))


def board_groups(standings: list[Standing], areas: dict[str, Area], language: str) -> list[Group]:
    """The groups: the ESC Award first, then the certificate categories in framework order, smallest size class
    first."""
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
        for standing in sorted(standings, key=order)
    ]


def area_columns(areas: dict[str, Area], standing: Standing | None) -> list[Area]:
    """The areas a group's rows have scores for: every area for the ESC Award; a certificate's own category and
    the governance area."""
    ordered = sorted(areas.values(), key=lambda area: area.position)
    if standing is None or standing.track != Track.CERTIFICATE:
        return ordered
    return [area for area in ordered if area.code == standing.category_code or area.kind == AreaKind.GOVERNANCE]


def board_provinces(standing: Standing, language: str) -> list[tuple[int, str]]:
    """The group's provinces for the filter (stored with the standing), in the page's language's order."""
    provinces = [(pk, name_th if language == "th" else name_en) for pk, name_th, name_en in standing.provinces]
    return provinces if language == "th" else sorted(provinces, key=lambda item: item[1])


BOARD_STATUSES = (
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.UNDER_REVIEW,
    ApplicationStatus.SHORTLISTED,
    ApplicationStatus.NOT_SHORTLISTED,
    ApplicationStatus.NOMINATED,
)
OFF = ("", "0", "false", "off")


@dataclass(frozen=True)
class Filters:
    province: int | None = None
    municipality_kind: str = ""
    tier: str = ""
    status: str = ""
    disagreement: bool = False

    @classmethod
    def parse(cls, query: Mapping[str, str], *, provinces: list[tuple[int, str]], tiers: Mapping[str, str]) -> Filters:
        """The board's filters from its query string; an unknown value turns its filter off, never an error page."""
        province = query.get("province", "")
        known = {pk for pk, _name in provinces}
        kind, tier, status = query.get("kind", ""), query.get("tier", ""), query.get("status", "")
        return cls(
            province=int(province) if province.isdigit() and int(province) in known else None,
            municipality_kind=kind if kind in MunicipalityKind.values else "",
            tier=tier if tier in tiers else "",
            status=status if status in BOARD_STATUSES else "",
            disagreement=query.get("disagreement", "").lower() not in OFF,
        )

    def choices(
        self,
        *,
        groups: list[Group],
        current: Group | None,
        kind: str,
        provinces: list[tuple[int, str]],
        tiers: Mapping[str, str],
    ) -> dict[str, tuple[list[tuple[object, object]], object]]:
        """Each select of the filter form: its choices and the chosen value."""
        everything = ("", _("All"))
        return {
            "group": ([(group.key, group.label) for group in groups], current.key if current else ""),
            "basis": ([(ScoreKind.SUBMITTED, _("Submitted score")), (ScoreKind.VERIFIED, _("Verified score"))], kind),
            "province": ([everything, *provinces], self.province),
            "kind": ([everything, *MunicipalityKind.choices], self.municipality_kind),
            "tier": ([everything, *tiers.items()], self.tier),
            "status": ([everything, *[(status.value, status.label) for status in BOARD_STATUSES]], self.status),
        }

    def __bool__(self) -> bool:
        return any((self.province is not None, self.municipality_kind, self.tier, self.status, self.disagreement))

    def apply(self, rows: QuerySet[Any]) -> QuerySet[Any]:
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
    "other_total",
    "other_pending",
    "other_needs_reviewer",
)


def group_rows(
    cycle: AwardCycle, kind: str, group: str, *, visible: QuerySet[Application] | None, filters: Filters
) -> QuerySet[Any]:
    """The group's stored rows that the user may see and the filters keep. `visible` None: everything."""
    rows = standing_rows(cycle, kind, group)
    if visible is not None:
        rows = rows.filter(application__in=visible.values("pk"))
    return filters.apply(rows)


def row_counts(rows: QuerySet[Any], standing: Standing, *, everything: bool) -> tuple[int, int]:
    """How many of the rows are ranked and how many are not: the standing's own counts when nothing is hidden or
    filtered, else one query."""
    if everything:
        return standing.ranked, standing.unranked
    counts = rows.aggregate(ranked=Count("pk", filter=Q(rank__isnull=False)), unranked=Count("pk", filter=Q(rank=None)))
    return counts["ranked"], counts["unranked"]


def row_details(application_ids: list[int]) -> dict[int, dict[str, Any]]:
    """For one page of rows: each application's status, municipality and province, and its latest decision (two
    small queries)."""
    details = {
        item["pk"]: {**item, "decision": None}
        for item in Application.objects.filter(pk__in=application_ids)
        .order_by()
        .values(
            "pk",
            "status",
            "municipality__full_name_th",
            "municipality__full_name_en",
            "municipality__province__name_th",
            "municipality__province__name_en",
        )
    }
    for application_id, outcome, round_, decided_at in (
        Decision.objects.filter(application_id__in=application_ids)
        .order_by("application_id", "-decided_at", "-pk")
        .values_list("application_id", "outcome", "round", "decided_at")
    ):
        if details[application_id]["decision"] is None:
            details[application_id]["decision"] = LatestDecision(outcome, round_, decided_at)
    return details


def sorted_rows(rows: QuerySet[Any], sort: str, kind: str) -> QuerySet[Any]:
    """Order by one column; rows without a value go last whichever the direction; the stored position breaks ties."""
    column, descending = sort.lstrip("-"), sort.startswith("-")
    if column == "rank":
        return rows.order_by("-position" if descending else "position")
    if column in ("total", "verified"):
        own = (column == "total") == (kind == ScoreKind.SUBMITTED)
        total, pending, needs = ("total", "pending", "needs_reviewer") if own else OTHER
        # A verified score is sorted only once final, like it is shown: an unsettled one goes last.
        expression = (
            Case(When(**{pending: 0, needs: 0}, then=F(total)), default=None) if column == "verified" else F(total)
        )
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


@dataclass(frozen=True)
class LatestDecision:
    outcome: str
    round: str
    decided_at: dt.datetime

    def get_outcome_display(self) -> str:
        return str(DecisionOutcome(self.outcome).label)

    def get_round_display(self) -> str:
        return str(DecisionRound(self.round).label)


@dataclass
class BoardRow:
    """One row of the board as plain values: the stored score of the rank basis, the application's details and the
    other basis's figures."""

    values: dict[str, Any]
    details: dict[str, Any]
    kind: str
    area_cells: list[Decimal | None] = field(default_factory=list)

    @property
    def application_id(self) -> int:
        return int(self.values["application_id"])

    @property
    def municipality(self) -> str:
        return localized_key(self.details, "municipality__full_name")

    @property
    def province(self) -> str:
        return localized_key(self.details, "municipality__province__name")

    @property
    def status(self) -> str:
        return str(self.details["status"])

    @property
    def status_label(self) -> str:
        return str(ApplicationStatus(self.status).label)

    @property
    def decision(self) -> LatestDecision | None:
        return self.details["decision"]

    @property
    def other(self) -> tuple[Decimal | None, int, int]:
        """The other basis's total, pending indicators and abstentions, stored beside this row by its run."""
        return self.values["other_total"], self.values["other_pending"], self.values["other_needs_reviewer"]

    @property
    def rank(self) -> int | None:
        return self.values["rank"]

    @property
    def is_final(self) -> bool:
        return self.values["pending"] == 0 and self.values["needs_reviewer"] == 0

    @property
    def submitted_total(self) -> Decimal | None:
        return self.values["total"] if self.kind == ScoreKind.SUBMITTED else self.other[0]

    @property
    def verified_total(self) -> Decimal | None:
        """Shown only once final: a verified score with unsettled indicators is not a verified score yet."""
        if self.kind == ScoreKind.VERIFIED:
            return self.values["total"] if self.is_final else None
        total, pending, needs = self.other
        return None if pending or needs else total

    @property
    def verified_waiting(self) -> int:
        """Indicators the verified score still waits for (0 when final or not scored)."""
        if self.kind == ScoreKind.VERIFIED:
            return int(self.values["pending"])
        return self.other[1]

    @property
    def needs_reviewer(self) -> int:
        if self.kind == ScoreKind.VERIFIED:
            return int(self.values["needs_reviewer"])
        return self.other[2]


def present(page: Page, kind: str, area_codes: list[str]) -> list[BoardRow]:
    """The page's rows with their details (one query for the page) and their area cells."""
    scores = list(page.object_list)
    details = row_details([values["application_id"] for values in scores]) if scores else {}
    rows = []
    for values in scores:
        final = values["pending"] == 0 and values["needs_reviewer"] == 0
        areas = values["areas"]
        rows.append(
            BoardRow(
                values=values,
                details=details[values["application_id"]],
                kind=kind,
                area_cells=[stored_decimal(areas.get(code, {}).get("score")) if final else None for code in area_codes],
            )
        )
    return rows


def paginate(rows: QuerySet[Any], number: str | None, *, count: int) -> Page:
    """A page of the rows (as values); `count` is already known, so the paginator does not count again."""
    paginator = Paginator(rows.values(*ROW_FIELDS), PAGE_SIZE)
    paginator.__dict__["count"] = count  # Paginator.count is a cached_property: seed it
    return paginator.get_page(number)


def visible_scope(user: User, visible: QuerySet[Application]) -> QuerySet[Application] | None:
    """None for users who see every application (no filter needed)."""
    return None if user.role == Role.ADMIN else visible

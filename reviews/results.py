"""Published results of a cycle: its national nominees with their ASEAN outcome, and the open data of its scores.

Reads only (no writes): the public results page, the open-data files and the API call these. The nominees are the
applications whose latest committee decision is a nomination (reviews.services_decisions.current_nominees' rule);
each score is the stored one of the last score run (DESIGN: one source for a derived number): the verified score
where the reviewers settled every indicator, else the submitted score, with the basis named beside it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from applications.enums import ApplicationStatus
from applications.models import Application
from indicators.enums import Track
from indicators.models import Area, AwardCycle
from portal.i18n import localized
from portal.models import Municipality
from portal.thai import thai_sort_key
from reviews.enums import DecisionOutcome, DecisionRound
from reviews.models import Decision
from scoring.enums import ScoreKind
from scoring.models import ApplicationScore


def published_cycles() -> QuerySet[AwardCycle]:
    """Cycles whose results an admin published, the newest edition first (one query)."""
    return (
        AwardCycle.objects.filter(results_published_at__isnull=False)
        .select_related("framework")
        .defer("framework__source_text")
        .order_by("-reference_year", "-esc_award_edition")
    )


@dataclass(frozen=True, slots=True)
class PublishedScore:
    total: Decimal
    basis: str  # ScoreKind: "verified" once every indicator is settled, else "submitted"
    areas: dict[str, Decimal | None]


@dataclass(frozen=True, slots=True)
class ResultRow:
    """One application of a published cycle, with what the public may know of it."""

    application: Application
    score: PublishedScore | None
    decision: Decision | None  # the latest decision (the committee's when there is one)
    asean_outcome: str  # reviews.enums.AseanOutcome value, or "" while none is recorded
    asean_outcome_label: str

    @property
    def is_nominee(self) -> bool:
        return (
            self.decision is not None
            and self.decision.round == DecisionRound.COMMITTEE
            and self.decision.outcome == DecisionOutcome.NOMINATED
        )


@dataclass(frozen=True, slots=True)
class CategoryResults:
    area: Area | None
    code: str
    rows: list[ResultRow]


@dataclass(frozen=True, slots=True)
class CycleResults:
    cycle: AwardCycle
    areas: list[Area]
    national: list[ResultRow]  # the ESC Award nominee(s)
    certificates: list[CategoryResults] = field(default_factory=list)  # per category, in framework order

    @property
    def has_asean_outcomes(self) -> bool:
        return any(row.asean_outcome for row in self.national) or any(
            row.asean_outcome for group in self.certificates for row in group.rows
        )


def latest_decisions(cycle: AwardCycle) -> dict[int, Decision]:
    """Each application's latest committee decision, else its latest decision of any round (one query)."""
    latest: dict[int, Decision] = {}
    committee: dict[int, Decision] = {}
    for decision in Decision.objects.filter(application__cycle=cycle).order_by("application_id", "-decided_at", "-pk"):
        latest.setdefault(decision.application_id, decision)
        if decision.round == DecisionRound.COMMITTEE:
            committee.setdefault(decision.application_id, decision)
    return {**latest, **committee}


def published_scores(cycle: AwardCycle) -> dict[int, PublishedScore]:
    """Each application's current score: verified when final, else submitted (one query)."""
    rows: dict[int, dict[str, ApplicationScore]] = defaultdict(dict)
    for score in ApplicationScore.objects.filter(cycle=cycle, is_current=True).only(
        "application_id", "kind", "total", "areas", "pending", "needs_reviewer"
    ):
        rows[score.application_id][score.kind] = score
    result = {}
    for application_id, kinds in rows.items():
        verified = kinds.get(ScoreKind.VERIFIED)
        chosen = verified if verified is not None and verified.is_final else kinds.get(ScoreKind.SUBMITTED)
        if chosen is None:
            continue
        areas = {
            code: None if data.get("score") in (None, "") else Decimal(str(data["score"]))
            for code, data in chosen.areas.items()
        }
        result[application_id] = PublishedScore(total=chosen.total, basis=chosen.kind, areas=areas)
    return result


def _applications(cycle: AwardCycle, ids: Iterable[int] | None = None) -> list[Application]:
    queryset = (
        Application.objects.filter(cycle=cycle)
        .exclude(status=ApplicationStatus.DRAFT)
        .select_related("cycle", "municipality__province", "size_class", "asean_outcome")
    )
    if ids is not None:
        queryset = queryset.filter(pk__in=list(ids))
    return sorted(queryset, key=lambda a: (thai_sort_key(a.municipality.name_th), a.track, a.category_code, a.pk))


def result_rows(cycle: AwardCycle, *, nominees_only: bool) -> list[ResultRow]:
    """The cycle's submitted applications (or only its nominees) in Thai dictionary order of the municipality
    (four queries, whatever their number)."""
    decisions = latest_decisions(cycle)
    ids = None
    if nominees_only:
        ids = [
            pk
            for pk, decision in decisions.items()
            if decision.round == DecisionRound.COMMITTEE and decision.outcome == DecisionOutcome.NOMINATED
        ]
    applications = _applications(cycle, ids)
    scores = published_scores(cycle)
    rows = []
    for application in applications:
        outcome = getattr(application, "asean_outcome", None)
        rows.append(
            ResultRow(
                application=application,
                score=scores.get(application.pk),
                decision=decisions.get(application.pk),
                asean_outcome=outcome.outcome if outcome is not None else "",
                asean_outcome_label=str(outcome.get_outcome_display()) if outcome is not None else "",
            )
        )
    return rows


def cycle_results(cycle: AwardCycle) -> CycleResults:
    """The nominees of a cycle, ESC Award first, then the certificate nominees by category (five queries)."""
    areas = list(Area.objects.filter(framework_id=cycle.framework_id).order_by("position"))
    by_code = {area.code: area for area in areas}
    rows = result_rows(cycle, nominees_only=True)
    national = [row for row in rows if row.application.track == Track.ESC_AWARD]
    grouped: dict[str, list[ResultRow]] = defaultdict(list)
    for row in rows:
        if row.application.track == Track.CERTIFICATE:
            grouped[row.application.category_code].append(row)
    order = {area.code: area.position for area in areas}
    certificates = [
        CategoryResults(area=by_code.get(code), code=code, rows=grouped[code])
        for code in sorted(grouped, key=lambda code: (order.get(code, len(order)), code))
    ]
    return CycleResults(cycle=cycle, areas=areas, national=national, certificates=certificates)


# ---------------------------------------------------------------------------------------------------------------
# Open data: one row per submitted application of a published cycle, and the dictionary of its columns
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    type: str  # "string", "integer", "number", "date-time"
    description: object  # a lazy translation, read in each language


FIXED_COLUMNS: tuple[Column, ...] = (
    Column("cycle", "string", _("Code of the award cycle.")),
    Column("reference_year", "integer", _("Year (AD) the submitted data refer to.")),
    Column(
        "municipality_code",
        "string",
        _("Local government code of the municipality (Department of Local Administration)."),
    ),
    Column("municipality_name_th", "string", _("Full name of the municipality in Thai.")),
    Column("municipality_name_en", "string", _("Full name of the municipality in English.")),
    Column("province_code", "string", _("DOPA code of the province.")),
    Column("province_name_th", "string", _("Province in Thai.")),
    Column("province_name_en", "string", _("Province in English.")),
    Column(
        "track",
        "string",
        _("Award track: esc_award (ESC Award, national nominee) or certificate (Certificate of Recognition)."),
    ),
    Column("category", "string", _("Certificate category code (empty for the ESC Award track).")),
    Column("size_class", "string", _("Code of the population size class the application was judged in.")),
    Column(
        "score_basis",
        "string",
        _(
            "Which score is published: verified (every value settled by reviewers) "
            "or submitted (as the municipality submitted it)."
        ),
    ),
    Column("total", "number", _("Total score, 0–100.")),
)
TAIL_COLUMNS: tuple[Column, ...] = (
    Column(
        "decision",
        "string",
        _(
            "Latest national decision: shortlisted, not_shortlisted or nominated "
            "(the committee's when there is one; empty when none)."
        ),
    ),
    Column(
        "asean_outcome",
        "string",
        _(
            "Outcome at the ASEAN level for a national nominee: awarded, certificate or not_selected "
            "(empty while none is recorded)."
        ),
    ),
)


def data_columns(areas: Iterable[Area]) -> list[tuple[Column, Area | None]]:
    """Every column of the cycle's open data in order, each with the framework area it scores (if any)."""
    columns: list[tuple[Column, Area | None]] = [(column, None) for column in FIXED_COLUMNS]
    columns += [(Column(f"area_{area.code}", "number", _("Score of the area, 0–100.")), area) for area in areas]
    columns += [(column, None) for column in TAIL_COLUMNS]
    return columns


def data_dictionary(cycle: AwardCycle) -> list[dict[str, str]]:
    """The open data's columns described in Thai and in English (one query, for the areas)."""
    areas = list(Area.objects.filter(framework_id=cycle.framework_id).order_by("position"))
    entries = []
    for column, area in data_columns(areas):
        described = {}
        for language in ("th", "en"):
            with translation.override(language):
                text = str(column.description)
                if area is not None:
                    text = f"{localized(area, 'name', language)}: {text}"
            described[language] = text
        entries.append(
            {
                "name": column.name,
                "type": column.type,
                "description_th": described["th"],
                "description_en": described["en"],
            }
        )
    return entries


def municipality_name_en(municipality: Municipality) -> str:
    """The English name the published results give a municipality: its full name, else its short one."""
    return municipality.full_name_en or municipality.name_en


def open_data_rows(cycle: AwardCycle) -> tuple[list[str], list[dict[str, object]]]:
    """The column names and one row per submitted application (six queries, whatever the number of rows)."""
    areas = list(Area.objects.filter(framework_id=cycle.framework_id).order_by("position"))
    names = [column.name for column, _area in data_columns(areas)]
    rows = []
    for row in result_rows(cycle, nominees_only=False):
        application = row.application
        municipality = application.municipality
        record: dict[str, object] = {
            "cycle": cycle.code,
            "reference_year": cycle.reference_year,
            "municipality_code": municipality.code,
            "municipality_name_th": municipality.full_name_th,
            "municipality_name_en": municipality_name_en(municipality),
            "province_code": municipality.province.code,
            "province_name_th": municipality.province.name_th,
            "province_name_en": municipality.province.name_en,
            "track": application.track,
            "category": application.category_code,
            "size_class": application.size_class.code if application.size_class else "",
            "score_basis": row.score.basis if row.score else "",
            "total": row.score.total if row.score else None,
        }
        for area in areas:
            record[f"area_{area.code}"] = row.score.areas.get(area.code) if row.score else None
        record["decision"] = row.decision.outcome if row.decision else ""
        record["asean_outcome"] = row.asean_outcome
        rows.append(record)
    return names, rows

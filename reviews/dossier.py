"""The English dossier of Thailand's national nominees for the ASEAN working group: what goes into its ZIP besides
the English packets and the evidence (which reviews.services_export writes, as for the shortlist export).

    summary.csv   one row per nominee: municipality, province, population, size class, scores per area, total,
                  national decision (UTF-8 with BOM)
    summary.pdf   the same table on one landscape page, in English
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import translation

from applications.models import Application
from indicators.models import Area, AwardCycle
from portal.pdf import html_to_pdf
from reviews.exports import table_csv
from reviews.results import latest_decisions, published_scores

TEMPLATE = "reviews/pdf/dossier_summary.html"
STYLESHEET = "pdf/packet.css"


@dataclass(frozen=True, slots=True)
class SummaryRow:
    municipality: str
    province: str
    population: int | None
    size_class: str
    track: str
    category: str
    areas: tuple[Decimal | None, ...]
    total: Decimal | None
    score_basis: str
    decision: str


def summary_rows(cycle: AwardCycle, applications: list[Application]) -> tuple[list[Area], list[SummaryRow]]:
    """The nominees' rows in English, in the order given (three queries)."""
    areas = list(Area.objects.filter(framework_id=cycle.framework_id).order_by("position"))
    scores = published_scores(cycle)
    decisions = latest_decisions(cycle)
    rows = []
    with translation.override("en"):
        for application in applications:
            municipality = application.municipality
            score = scores.get(application.pk)
            decision = decisions.get(application.pk)
            rows.append(
                SummaryRow(
                    municipality=municipality.full_name_en or municipality.name_en,
                    province=municipality.province.name_en,
                    population=application.population,
                    size_class=application.size_class.name_en if application.size_class else "",
                    track=str(application.get_track_display()),
                    category=application.category_code,
                    areas=tuple(score.areas.get(area.code) if score else None for area in areas),
                    total=score.total if score else None,
                    score_basis=score.basis if score else "",
                    decision=str(decision.get_outcome_display()) if decision else "",
                )
            )
    return areas, rows


def summary_csv(areas: list[Area], rows: list[SummaryRow]) -> bytes:
    headers = [
        "Municipality",
        "Province",
        "Population",
        "Size class",
        "Track",
        "Category",
        *(f"{area.code} {area.name_en}" for area in areas),
        "Total",
        "Score basis",
        "National decision",
    ]
    return table_csv(
        headers,
        (
            [
                row.municipality,
                row.province,
                row.population,
                row.size_class,
                row.track,
                row.category,
                *row.areas,
                row.total,
                row.score_basis,
                row.decision,
            ]
            for row in rows
        ),
    )


def summary_pdf(cycle: AwardCycle, areas: list[Area], rows: list[SummaryRow]) -> bytes:
    with translation.override("en"):
        html = render_to_string(TEMPLATE, {"cycle": cycle, "areas": areas, "rows": rows})
    return html_to_pdf(html, stylesheets=[STYLESHEET])

"""Nomination packets: one PDF per shortlisted application, in Thai or English, for the national committee and ASEAN.

`packet_context` gathers everything through the apps' selectors (about fifteen queries, whatever the number of
indicators); `render_packet_html` renders `reviews/pdf/packet.html` in the packet's language; `render_packet_pdf`
turns it into PDF through portal.pdf, the only module that talks to WeasyPrint. The batch export calls
`render_packet_pdf` and `packet_filename`.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext, pgettext

from applications.models import Application, IndicatorValue
from applications.selectors import applicable_areas, applicable_indicators
from indicators.display import number_text, value_text
from indicators.enums import Track
from indicators.models import Area, Indicator
from portal.i18n import localized
from portal.pdf import html_to_pdf
from portal.thai import buddhist_year, period_label
from portal.values import stored_decimal
from reviews.enums import VerificationStatus
from reviews.models import ValueReview
from reviews.packet_sections import benchmark_chart, clarification_lines, evidence_lines, reviewer_comments
from reviews.selectors import combined_rubric_points, decisions_of, site_visits_of
from scoring.enums import ScoreKind
from scoring.feedback import bar_width
from scoring.models import ApplicationScore
from scoring.selectors import current_scores, group_counts

LANGUAGES = ("th", "en")
TEMPLATE = "reviews/pdf/packet.html"
STYLESHEET = "pdf/packet.css"
HUNDRED = Decimal(100)
# The template's indentation: whitespace with a line break between two tags is layout of the source, not text
# (text and inline tags that need a space between them stay on one line). WeasyPrint would otherwise parse, style
# and lay out about 800 blank text nodes.
BETWEEN_LINES_OF_TAGS = re.compile(r">\s*\n\s*<")
# Strictest verdict first: one reviewer's correction or open question outweighs another's confirmation.
STATUS_ORDER = (VerificationStatus.CORRECTED, VerificationStatus.QUERIED, VerificationStatus.VERIFIED)


# ---------------------------------------------------------------------------------------------------------------
# What the template receives
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScoreLine:
    """One kind of score (verified, submitted) with its tier and its rank in the application's group."""

    kind: str
    label: str
    total: Decimal
    tier: str
    completeness: Decimal  # 0..100
    ranked: bool
    rank: int | None
    ranked_count: int
    final: bool = True  # a verified score with indicators not yet settled is not shown as a total
    pending: int = 0
    needs_reviewer: int = 0


@dataclass(frozen=True)
class AreaLine:
    code: str
    name: str
    is_governance: bool
    verified: Decimal | None
    submitted: Decimal | None
    answered: int
    applicable: int

    @property
    def verified_width(self) -> str:
        return bar_width(self.verified)

    @property
    def submitted_width(self) -> str:
        return bar_width(self.submitted)


@dataclass
class IndicatorLine:
    code: str
    name: str
    value: str  # with the unit's symbol, as in the explanation
    period: str
    source: str
    note: str
    status: str  # a VerificationStatus, or "" when no reviewer has looked at it
    status_label: str
    corrected: str  # the corrected value, beside the submitted one
    correction_reason: str
    points: str
    max_points: int | None
    explanation: str
    submitted_explanation: str  # shown only when the verified explanation differs


@dataclass
class AreaTable:
    area: AreaLine
    rows: list[IndicatorLine] = field(default_factory=list)


@dataclass(frozen=True)
class RubricLine:
    code: str
    name: str
    count: int
    mean: Decimal
    median: Decimal
    spread: Decimal
    disagreement: bool


def _count(value: int | None) -> str:
    return "" if value is None else f"{value:,}"


def _year(year: int | None, language: str) -> str:
    """A year in the packet's era: Buddhist Era in Thai, Common Era in English."""
    if year is None:
        return ""
    return str(buddhist_year(year)) if language == "th" else str(year)


def _localised(item: Any, language: str, name: str = "name") -> str:
    return localized(item, name, language)


# ---------------------------------------------------------------------------------------------------------------
# Values, verification and points of each indicator
# ---------------------------------------------------------------------------------------------------------------


def _verification(reviews: list[ValueReview]) -> tuple[str, ValueReview | None]:
    """The application's verdict on one value from every reviewer's: the strictest wins; the latest correction
    is the one the verified score uses."""
    statuses = {review.status for review in reviews}
    status = next((candidate for candidate in STATUS_ORDER if candidate in statuses), "")
    corrections = sorted(
        (review for review in reviews if review.status == VerificationStatus.CORRECTED), key=lambda r: r.updated_at
    )
    return status, (corrections[-1] if corrections else None)


# Rubric indicators are not verified value by value: reviewers give them points (reviews.RubricScore).
RUBRIC_SCORED, RUBRIC_UNSCORED = "scored", "unscored"


def _status_label(status: str) -> str:
    if status == RUBRIC_SCORED:
        return pgettext("verification", "Scored by the reviewers")
    if status == RUBRIC_UNSCORED:
        return pgettext("verification", "Not scored yet")
    if not status:
        return pgettext("verification", "Not reviewed")
    return str(VerificationStatus(status).label)


def _indicator_line(
    indicator: Indicator,
    *,
    value: IndicatorValue | None,
    reviews: list[ValueReview],
    verified: dict[str, Any] | None,
    submitted: dict[str, Any] | None,
    rubric_scored: bool,
    language: str,
) -> IndicatorLine:
    status, correction = _verification(reviews)
    if indicator.value_type == "rubric":
        status = RUBRIC_SCORED if rubric_scored else RUBRIC_UNSCORED
    scored = verified or submitted or {}
    explanation = str(scored.get(language, ""))
    submitted_explanation = str((submitted or {}).get(language, ""))
    note = ""
    if value is not None and indicator.value_type in ("rubric", "text"):
        note = value.text.strip()
    corrected = ""
    if correction is not None:
        corrected = value_text(
            indicator,
            number=correction.corrected_number,
            flag=correction.corrected_flag,
            level=None,
            language=language,
        )
    points = stored_decimal(scored.get("points"))
    return IndicatorLine(
        code=indicator.code,
        name=_localised(indicator, language),
        value=(
            ""
            if value is None
            else value_text(indicator, number=value.number, flag=value.flag, level=value.level, language=language)
        ),
        period=period_label(value.period, language=language) if value is not None else "",
        source=value.source if value is not None else "",
        note=note,
        status=status,
        status_label=_status_label(status),
        corrected=corrected,
        correction_reason=correction.reason if correction is not None else "",
        points="" if points is None else number_text(points),
        max_points=scored.get("max") if points is not None else None,
        explanation=explanation,
        submitted_explanation=submitted_explanation if submitted_explanation != explanation else "",
    )


# ---------------------------------------------------------------------------------------------------------------
# Scores and ranks
# ---------------------------------------------------------------------------------------------------------------


def _score_lines(
    application: Application, scores: dict[str, ApplicationScore], tiers: dict[str, str]
) -> list[ScoreLine]:
    """The verified and submitted scores with the rank the score run stored (the board's number)."""
    counts = {
        kind: group_counts(application.cycle, kind, [score.group_key]).get(score.group_key, 0)
        for kind, score in scores.items()
    }
    lines = []
    for kind in (ScoreKind.VERIFIED, ScoreKind.SUBMITTED):
        score = scores.get(kind)
        if score is None:
            continue
        lines.append(
            ScoreLine(
                kind=kind,
                label=str(ScoreKind(kind).label),
                total=score.total,
                tier=tiers.get(score.tier, score.tier) if score.is_final else "",
                completeness=(score.completeness * HUNDRED).quantize(Decimal("0.1")),
                ranked=score.ranked,
                rank=score.rank,
                ranked_count=counts[kind],
                final=score.is_final,
                pending=score.pending,
                needs_reviewer=score.needs_reviewer,
            )
        )
    return lines


def _area_lines(areas: list[Area], scores: dict[str, ApplicationScore], language: str) -> list[AreaLine]:
    final = ScoreKind.VERIFIED in scores and scores[ScoreKind.VERIFIED].is_final
    verified = scores[ScoreKind.VERIFIED].areas if final else {}
    submitted = scores[ScoreKind.SUBMITTED].areas if ScoreKind.SUBMITTED in scores else {}
    lines = []
    for area in areas:
        counted = verified.get(area.code) or submitted.get(area.code) or {}
        lines.append(
            AreaLine(
                code=area.code,
                name=_localised(area, language),
                is_governance=area.kind == "governance",
                verified=stored_decimal((verified.get(area.code) or {}).get("score")),
                submitted=stored_decimal((submitted.get(area.code) or {}).get("score")),
                answered=int(counted.get("answered", 0)),
                applicable=int(counted.get("applicable", 0)),
            )
        )
    return lines


# ---------------------------------------------------------------------------------------------------------------
# The packet
# ---------------------------------------------------------------------------------------------------------------


def _check_language(language: str) -> None:
    if language not in LANGUAGES:
        raise ValueError(f"A packet is written in Thai or English, not {language!r}.")


def packet_context(application: Application, *, language: str) -> dict[str, Any]:
    """Everything the packet shows, with labels already in `language` ("th" or "en")."""
    _check_language(language)
    with translation.override(language):
        return _packet_context(application, language)


def _packet_context(application: Application, language: str) -> dict[str, Any]:
    cycle = application.cycle
    municipality = application.municipality
    areas = list(applicable_areas(application))
    area_by_code = {area.code: area for area in areas}
    scores = current_scores(application)
    tiers = cycle.tier_labels(language)
    area_lines = _area_lines(areas, scores, language)

    # Indicators, with values, verification and points.
    values = {value.indicator_id: value for value in application.values.all()}
    reviews: dict[int, list[ValueReview]] = defaultdict(list)
    for review in ValueReview.objects.filter(application=application):
        reviews[review.indicator_id].append(review)
    verified_points = {item["code"]: item for item in getattr(scores.get(ScoreKind.VERIFIED), "indicators", [])}
    submitted_points = {item["code"]: item for item in getattr(scores.get(ScoreKind.SUBMITTED), "indicators", [])}
    combined = combined_rubric_points(application)
    tables = {line.code: AreaTable(area=line) for line in area_lines}
    indicators = list(applicable_indicators(application))
    for indicator in indicators:
        tables[indicator.area.code].rows.append(
            _indicator_line(
                indicator,
                value=values.get(indicator.pk),
                reviews=reviews[indicator.pk],
                verified=verified_points.get(indicator.code),
                submitted=submitted_points.get(indicator.code),
                rubric_scored=combined.get(indicator.code) is not None,
                language=language,
            )
        )
    names = {indicator.code: _localised(indicator, language) for indicator in indicators}
    positions = {indicator.code: position for position, indicator in enumerate(indicators)}
    periods = Counter(row.period for table in tables.values() for row in table.rows if row.period)
    statuses = Counter(row.status for table in tables.values() for row in table.rows)

    # Evidence, reviewers' work and decisions.
    evidence = evidence_lines(application)
    rubric = [
        RubricLine(code, name, item.count, item.mean, item.median, item.spread, item.disagreement)
        for code, name in names.items()
        if (item := combined.get(code)) is not None
    ]
    assignments = list(application.assignments.all())
    decisions = sorted(decisions_of(application), key=lambda decision: (decision.decided_at, decision.pk))
    category = area_by_code.get(application.category_code)

    best_practice = _localised(application, language, "best_practice").strip()
    best_practice_language = language if getattr(application, f"best_practice_{language}").strip() else "th"
    return {
        "language": language,
        "application": application,
        "cycle": cycle,
        "cycle_name": _localised(cycle, language),
        "agency": _localised(cycle, language, "responsible_agency"),
        "municipality": municipality,
        "municipality_name": _localised(municipality, language, "full_name"),
        "municipality_kind": municipality.get_kind_display(),
        "province_name": _localised(municipality.province, language),
        "district_name": _localised(municipality, language, "district"),
        "track": application.get_track_display(),
        "is_certificate": application.track == Track.CERTIFICATE,
        "category": f"{category.code} · {_localised(category, language)}" if category is not None else "",
        "size_class": _localised(application.size_class, language) if application.size_class else "",
        "size_band": _size_band(application),
        "reference_year": _year(cycle.reference_year, language),
        "status": application.get_status_display(),
        "profile": {
            "population": _count(application.population),
            "population_year": _year(application.population_year, language),
            "households": _count(application.households),
            "area_km2": number_text(application.area_km2) if application.area_km2 is not None else "",
            "density": _density(application),
            "national_certificate": application.national_certificate,
        },
        "scores": _score_lines(application, scores, tiers),
        "tier_scale": [
            {"label": tiers[tier["code"]], "min_score": number_text(Decimal(tier["min_score"]))}
            for tier in sorted(cycle.tiers, key=lambda tier: Decimal(tier["min_score"]), reverse=True)
        ],
        "areas": area_lines,
        "benchmarks": (benchmarks := benchmark_chart(application, areas, scores, language)),
        "area_rows": list(zip(area_lines, benchmarks.lines, strict=True)),
        "indicator_tables": list(tables.values()),
        "contents": [
            (number, anchor, title)
            for number, (anchor, title) in enumerate(
                (
                    ("profile", gettext("City profile")),
                    ("summary", gettext("Score summary")),
                    ("areas", gettext("Area scores")),
                    ("indicators", gettext("Indicators, values and points")),
                    ("best-practice", gettext("Best practice")),
                    ("evidence", gettext("Evidence files")),
                    ("reviews", gettext("Reviewers' summary")),
                    ("clarifications", gettext("Clarification questions and answers")),
                    ("decisions", gettext("Decisions")),
                ),
                start=1,
            )
        ],
        # Stated once above the tables; a row names its period only where it differs.
        "common_period": periods.most_common(1)[0][0] if periods else "",
        "verification_counts": [
            (_status_label(status), statuses.get(status, 0)) for status in (*reversed(STATUS_ORDER), "")
        ],
        "corrections": [row for table in tables.values() for row in table.rows if row.corrected],
        "best_practice": best_practice,
        "best_practice_in_thai_only": language != "th" and best_practice_language == "th" and bool(best_practice),
        "evidence": evidence,
        "reviewers_assigned": len(assignments),
        "reviewers_done": sum(1 for assignment in assignments if assignment.completed_at is not None),
        "rubric": rubric,
        "comments": reviewer_comments(application, names, positions),
        "clarifications": clarification_lines(application, names, positions),
        "site_visits": list(site_visits_of(application)),
        "decisions": decisions,
        "generated_on": timezone.localdate(),
    }


def _size_band(application: Application) -> str:
    size = application.size_class
    if size is None:
        return ""
    if size.max_population is None:
        return f"≥ {size.min_population:,}"
    return f"{size.min_population:,}–{size.max_population:,}"


def _density(application: Application) -> str:
    if not application.population or not application.area_km2:
        return ""
    return number_text((Decimal(application.population) / application.area_km2).quantize(Decimal(1)))


def render_packet_html(application: Application, *, language: str) -> str:
    """The packet as the HTML given to WeasyPrint, in `language`, with Buddhist-Era dates in Thai."""
    _check_language(language)
    with translation.override(language):
        html = render_to_string(TEMPLATE, _packet_context(application, language))
    return BETWEEN_LINES_OF_TAGS.sub("><", html)


def render_packet_pdf(application: Application, *, language: str) -> bytes:
    """The packet as PDF bytes (A4, Sarabun embedded)."""
    return html_to_pdf(render_packet_html(application, language=language), stylesheets=[STYLESHEET])


def packet_filename(application: Application, language: str) -> str:
    """ASCII-only: packet-<municipality code>-<track>[-<category>]-<language>.pdf, e.g. packet-9599-esc_award-th.pdf."""
    _check_language(language)
    parts = [application.municipality.code, application.track, application.category_code, language]
    safe = [re.sub(r"[^A-Za-z0-9_]+", "_", part) for part in parts if part]
    return f"packet-{'-'.join(safe)}.pdf"

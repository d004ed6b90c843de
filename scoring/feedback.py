"""The feedback report a municipality reads once the cycle's results are published: its scores per area and per
indicator against the median and the best of its size class, where it lost points, and what the next level of each
of those indicators needs (described from the indicator's scoring rule), as a page and as a PDF, in Thai or English.

Everything comes from stored figures: the current scores of the application, the size class's benchmarks
(scoring.selectors.size_class_benchmarks, the one computation shared with the nomination packets) and the rules'
descriptions (indicators.rules.descriptions). Nothing is scored again here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext

from applications.models import Application
from applications.selectors import applicable_areas, applicable_indicators
from indicators.display import stored_value_text
from indicators.models import Area, Indicator
from indicators.rules import UNITS
from indicators.rules.descriptions import describe_rule
from portal.i18n import localized
from portal.pdf import html_to_pdf
from portal.values import stored_decimal
from scoring.enums import ScoreKind
from scoring.models import ApplicationScore
from scoring.selectors import Benchmark, benchmark_key, current_scores, group_counts, size_class_benchmarks

LANGUAGES = ("th", "en")
TEMPLATE = "scoring/pdf/feedback.html"
STYLESHEETS = ["pdf/packet.css", "pdf/feedback.css"]
HUNDRED = Decimal(100)
CENT = Decimal("0.01")
LOST_SHOWN = 8  # indicators listed under "where points were lost", largest gap first
BETWEEN_LINES_OF_TAGS = re.compile(r">\s*\n\s*<")


def bar_width(score: Decimal | None) -> str:
    """A bar's width (or a marker's offset) in percent of a 0–100 chart, clamped, for a style attribute."""
    if score is None:
        return "0"
    return format(min(max(score, Decimal(0)), HUNDRED).quantize(Decimal("0.1")), "f")


@dataclass(frozen=True)
class AreaFeedback:
    code: str
    name: str
    score: Decimal | None
    median: Decimal | None
    best: Decimal | None
    count: int

    @property
    def score_width(self) -> str:
        return bar_width(self.score)

    @property
    def median_left(self) -> str:
        return bar_width(self.median)

    @property
    def best_left(self) -> str:
        return bar_width(self.best)


@dataclass(frozen=True)
class IndicatorFeedback:
    code: str
    name: str
    area: str
    value: str  # as submitted, with its unit
    points: Decimal | None  # None: not scored (text) or not answered
    max_points: int
    median: Decimal | None
    best: Decimal | None
    explanation: str
    answered: bool
    next_level: str = ""

    @property
    def gap(self) -> Decimal:
        """Points short of full points (an unanswered indicator lost them all)."""
        return Decimal(self.max_points) - (self.points or Decimal(0))


@dataclass
class AreaIndicators:
    area: AreaFeedback
    rows: list[IndicatorFeedback] = field(default_factory=list)


@dataclass(frozen=True)
class FeedbackReport:
    language: str
    application: Application
    municipality_name: str
    cycle_name: str
    track: str
    category: str
    size_class: str
    kind: str  # the score the report is on: verified once final, else submitted
    kind_label: str
    total: Decimal | None
    tier: str
    rank: int | None
    ranked_count: int
    areas: list[AreaFeedback]
    tables: list[AreaIndicators]
    lost: list[IndicatorFeedback]
    compared: int  # applications in the comparison (largest count of any area)
    generated_on: Any

    def context(self) -> dict[str, Any]:
        return {"report": self, "language": self.language}


# ---------------------------------------------------------------------------------------------------------------
# What the next level needs
# ---------------------------------------------------------------------------------------------------------------


def next_level(indicator: Indicator, points: Decimal | None, *, answered: bool, language: str) -> str:
    """What the indicator's rule asks for the next level up from `points`, in `language`: "To score 3 of 4: 80 to
    less than 90 %". For an unanswered indicator, what full points need. "" at full points or for a text rule."""
    unit = UNITS.get(indicator.unit)
    _sentence, rows = describe_rule(
        indicator.rule,
        unit_symbol=unit.symbol(language) if unit else "",
        language=language,
        integer=indicator.value_type == "count",
    )
    if not rows:
        return ""
    reached = points if answered and points is not None else Decimal(-1)
    above = [(condition, row_points) for condition, row_points in rows if Decimal(row_points) > reached]
    if not above:
        return ""
    condition, row_points = max(above, key=lambda row: row[1]) if not answered else min(above, key=lambda row: row[1])
    maximum = max(row[1] for row in rows)
    with translation.override(language):
        if not answered:
            return gettext("No value was submitted. Full points ({points}) need: {condition}").format(
                points=row_points, condition=condition
            )
        return gettext("To score {points} of {max}: {condition}").format(
            points=row_points, max=maximum, condition=condition
        )


# ---------------------------------------------------------------------------------------------------------------
# The report
# ---------------------------------------------------------------------------------------------------------------


def area_feedback(
    areas: list[Area], score: ApplicationScore | None, benchmarks: dict[str, Benchmark], language: str
) -> list[AreaFeedback]:
    """Each area's score (of `score`) beside its size class's median and best."""
    lines = []
    for area in areas:
        own = (score.areas.get(area.code) or {}) if score else {}
        benchmark = benchmarks.get(area.code)
        lines.append(
            AreaFeedback(
                code=area.code,
                name=localized(area, "name", language),
                score=stored_decimal(own.get("score")),
                median=benchmark.median if benchmark else None,
                best=benchmark.best if benchmark else None,
                count=benchmark.count if benchmark else 0,
            )
        )
    return lines


def report_kind(scores: dict[str, ApplicationScore]) -> str:
    verified = scores.get(ScoreKind.VERIFIED)
    return ScoreKind.VERIFIED if verified is not None and verified.is_final else ScoreKind.SUBMITTED


def feedback_report(application: Application, *, language: str) -> FeedbackReport:
    """The report's content in `language` ("th" or "en"). A constant number of queries, whatever the framework."""
    if language not in LANGUAGES:
        raise ValueError(f"A feedback report is written in Thai or English, not {language!r}.")
    with translation.override(language):
        return _feedback_report(application, language)


def _feedback_report(application: Application, language: str) -> FeedbackReport:
    cycle = application.cycle
    scores = current_scores(application)
    kind = report_kind(scores)
    score = scores.get(kind)
    key = benchmark_key(application)
    group = size_class_benchmarks(cycle, kind=kind, keys=[key]).get(key)
    area_benchmarks: dict[str, Benchmark] = group.areas if group else {}
    indicator_benchmarks: dict[str, Benchmark] = group.indicators if group else {}

    areas = area_feedback(list(applicable_areas(application)), score, area_benchmarks, language)
    tables = {line.code: AreaIndicators(area=line) for line in areas}
    points = {item["code"]: item for item in (score.indicators if score else [])}
    values = {value.indicator_id: value for value in application.values.all()}
    for indicator in applicable_indicators(application):
        if indicator.value_type == "text":
            continue
        item = points.get(indicator.code, {})
        value = values.get(indicator.pk)
        answered = value is not None and value.is_answered
        own_points = stored_decimal(item.get("points"))
        benchmark = indicator_benchmarks.get(indicator.code)
        max_points = int(item.get("max") or cycle.max_points)
        tables[indicator.area.code].rows.append(
            IndicatorFeedback(
                code=indicator.code,
                name=localized(indicator, "name", language),
                area=indicator.area.code,
                value=stored_value_text(indicator, value, language=language) if answered else "",
                points=own_points,
                max_points=max_points,
                median=benchmark.median if benchmark else None,
                best=benchmark.best if benchmark else None,
                explanation=str(item.get(language, "")),
                answered=answered,
                next_level=""
                if own_points is not None and own_points >= max_points
                else next_level(indicator, own_points, answered=answered, language=language),
            )
        )
    rows = [row for table in tables.values() for row in table.rows]
    lost = sorted((row for row in rows if row.gap > 0), key=lambda row: (-row.gap, row.code))[:LOST_SHOWN]
    tiers = cycle.tier_labels(language)
    category = next((area for area in applicable_areas(application) if area.code == application.category_code), None)
    counts = group_counts(cycle, kind, [score.group_key]) if score else {}
    return FeedbackReport(
        language=language,
        application=application,
        municipality_name=localized(application.municipality, "full_name", language),
        cycle_name=localized(cycle, "name", language),
        track=str(application.get_track_display()),
        category=f"{category.code} · {localized(category, 'name', language)}" if category else "",
        size_class=localized(application.size_class, "name", language) if application.size_class else "",
        kind=kind,
        kind_label=str(ScoreKind(kind).label),
        total=score.total if score else None,
        tier=tiers.get(score.tier, score.tier) if score else "",
        rank=score.rank if score else None,
        ranked_count=counts.get(score.group_key, 0) if score else 0,
        areas=areas,
        tables=list(tables.values()),
        lost=lost,
        compared=max((area.count for area in areas), default=0),
        generated_on=timezone.localdate(),
    )


def render_feedback_html(application: Application, *, language: str) -> str:
    """The report as the HTML given to WeasyPrint, in `language`."""
    report = feedback_report(application, language=language)
    with translation.override(language):
        html = render_to_string(TEMPLATE, report.context())
    return BETWEEN_LINES_OF_TAGS.sub("><", html)


def render_feedback_pdf(application: Application, *, language: str) -> bytes:
    """The report as PDF bytes (A4, Sarabun embedded)."""
    return html_to_pdf(render_feedback_html(application, language=language), stylesheets=STYLESHEETS)


def feedback_filename(application: Application, language: str) -> str:
    """ASCII-only: feedback-<municipality code>-<cycle>-<track>[-<category>]-<language>.pdf."""
    parts = [application.municipality.code, application.cycle.code, application.track, application.category_code]
    safe = [re.sub(r"[^A-Za-z0-9_]+", "_", part) for part in [*parts, language] if part]
    return f"feedback-{'-'.join(safe)}.pdf"

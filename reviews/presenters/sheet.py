"""The review sheet as its templates show it: one row per indicator (value, correction, warnings, other reviewers'
work, questions, what was posted), the rows grouped by area, progress "n / N", and the site-visit section."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from applications.enums import ClarificationStatus
from applications.models import Application, ClarificationRequest
from applications.selectors import needs_evidence
from applications.selectors_checks import OutlierContext, outlier_context, outlier_warnings
from indicators.display import canonical_text, level_labels, stored_value_text, value_text
from indicators.models import Indicator
from indicators.rules import UNITS
from portal.i18n import current_language, localized
from portal.models import User
from reviews.aggregation import Combined
from reviews.enums import VerificationStatus
from reviews.forms import SiteVisitForm
from reviews.models import ValueReview
from reviews.selectors import SheetRow, combined_rubric_points, review_sheet, reviewer_assignment, site_visits_of

ABSTAIN = "abstain"

# ---- presenting one row -----------------------------------------------------------------------------------------


def _unit_symbol(indicator: Indicator, language: str) -> str:
    unit = UNITS.get(indicator.unit)
    return unit.symbol(language) if unit else indicator.unit


def _corrected_text(indicator: Indicator, review: ValueReview | None, language: str) -> str:
    if review is None or review.status != VerificationStatus.CORRECTED:
        return ""
    return value_text(indicator, number=review.corrected_number, flag=review.corrected_flag, language=language)


@dataclass
class RowView:
    """Everything _value_row.html shows for one indicator (computed here so the template stays free of logic)."""

    row: SheetRow
    value_text: str
    corrected_text: str
    unit_symbol: str
    levels: list[tuple[int, str]]
    warnings: list[str]
    combined: Combined | None
    other_reviews: list[ValueReview]
    open_clarifications: list[ClarificationRequest]
    closed_clarifications: int
    can_correct: bool
    is_rubric: bool
    is_done: bool
    evidence_missing: bool
    form: dict[str, str] = field(default_factory=dict)  # what was posted, refilled after an error
    errors: dict[str, list[str]] = field(default_factory=dict)
    mode: str = ""  # the open action ("query" or "correct") after an error
    saved: str = ""  # a short confirmation after a successful action
    confirm: str = ""  # the action ("verified", "queried") waiting for the reviewer to confirm dropping a correction
    needs_reviewer: bool = False  # a rubric indicator every reviewer who looked at abstained on

    @property
    def indicator(self) -> Indicator:
        return self.row.indicator

    @property
    def has_activity(self) -> bool:
        """Something for the reviewers' column even for a reader who cannot act (scores, verdicts, questions)."""
        return self.is_rubric or bool(self.other_reviews or self.open_clarifications or self.closed_clarifications)

    @property
    def score_choice(self) -> str:
        if "points" in self.form:
            return self.form["points"]
        score = self.row.my_score
        if score is None:
            return ""
        return ABSTAIN if score.abstain else str(score.points)

    @property
    def corrected_raw(self) -> str:
        if "corrected" in self.form:
            return self.form["corrected"]
        review = self.row.my_review
        if review is not None and review.status == VerificationStatus.CORRECTED:
            return canonical_text(number=review.corrected_number, flag=review.corrected_flag)
        value = self.row.value
        return "" if value is None else canonical_text(number=value.number, flag=value.flag)


def _row_view(
    application: Application,
    *,
    row: SheetRow,
    reviewer: User,
    combined: dict[str, Combined],
    language: str,
    outliers: OutlierContext | None,
) -> RowView:
    indicator, value = row.indicator, row.value
    is_rubric = indicator.value_type == "rubric"
    clarifications = row.clarifications
    return RowView(
        row=row,
        value_text=stored_value_text(indicator, value, language=language, with_level_label=True),
        corrected_text=_corrected_text(indicator, row.my_review, language),
        unit_symbol=_unit_symbol(indicator, language),
        levels=list(level_labels(indicator, language).items()),
        warnings=outlier_warnings(application, indicator, value, outliers) if value is not None else [],
        combined=combined.get(indicator.code) if is_rubric else None,
        other_reviews=[review for review in row.reviews if review.reviewer_id != reviewer.pk],
        open_clarifications=[c for c in clarifications if c.status != ClarificationStatus.CLOSED],
        closed_clarifications=sum(1 for c in clarifications if c.status == ClarificationStatus.CLOSED),
        # A site-visit correction replaces a number or a yes/no; levels are scored, text is only queried.
        can_correct=indicator.value_type in ("number", "percent", "count", "yes_no"),
        is_rubric=is_rubric,
        is_done=is_done(row),
        evidence_missing=not row.evidence and needs_evidence(indicator, value),
        needs_reviewer=is_rubric and bool(row.all_scores) and all(score.abstain for score in row.all_scores),
    )


def is_done(row: SheetRow) -> bool:
    """A rubric indicator is done once scored (or abstained); any other once it has a verdict."""
    if row.indicator.value_type == "rubric":
        return row.my_score is not None
    return row.my_review is not None


def row_views(application: Application, reviewer: User, sheet: list[SheetRow]) -> list[RowView]:
    language = current_language()
    combined = combined_rubric_points(application) if any(r.indicator.value_type == "rubric" for r in sheet) else {}
    # Previous-cycle and peer values for every row at once, and only when some value is a number.
    has_numbers = any(row.value is not None and row.value.number is not None for row in sheet)
    outliers = outlier_context(application) if has_numbers else None
    return [
        _row_view(application, row=row, reviewer=reviewer, combined=combined, language=language, outliers=outliers)
        for row in sheet
    ]


def progress(rows: list[SheetRow]) -> dict[str, int]:
    done = sum(1 for row in rows if is_done(row))
    return {"done": done, "total": len(rows), "percent": round(100 * done / len(rows)) if rows else 0}


# ---- the whole sheet --------------------------------------------------------------------------------------------


@dataclass
class Section:
    code: str
    name: str
    rows: list[RowView] = field(default_factory=list)

    @property
    def done(self) -> int:
        return sum(1 for row in self.rows if row.is_done)


def sections(rows: list[RowView], language: str) -> list[Section]:
    grouped: list[Section] = []
    for row in rows:
        area = row.indicator.area
        if not grouped or grouped[-1].code != area.code:
            grouped.append(Section(code=area.code, name=localized(area, "name", language)))
        grouped[-1].rows.append(row)
    return grouped


def site_visit_context(
    application: Application, *, can_act: bool, form: SiteVisitForm | None = None, photo_errors: list[str] | None = None
) -> dict[str, Any]:
    return {
        "application": application,
        "can_act": can_act,
        "visits": list(site_visits_of(application)),
        "visit_form": form or SiteVisitForm(prefix="visit"),
        "photo_errors": photo_errors or [],
    }


def sheet_context(application: Application, user: User, *, can_act: bool) -> dict[str, Any]:
    """The whole review sheet of one application for `user` (who acts on it when `can_act`, else only reads it)."""
    language = current_language()
    sheet = review_sheet(application, user)
    grouped = sections(row_views(application, user, sheet), language)
    assignment = reviewer_assignment(application, user) if can_act else None
    category = next((s.name for s in grouped if s.code == application.category_code), "")
    return {
        "application": application,
        "sections": grouped,
        "can_act": can_act,
        "assignment": assignment,
        **progress(sheet),
        "category_name": category,
        "language": language,
        **site_visit_context(application, can_act=can_act),
    }


def row_context(
    application: Application,
    reviewer: User,
    code: str,
    *,
    errors: dict[str, list[str]],
    mode: str,
    saved: str,
    confirm: str,
    posted: dict[str, str],
) -> dict[str, Any] | None:
    """One row of the sheet after an action on it (None when the application has no such indicator), with what was
    `posted` refilled after an error or a question, plus the counters it changes elsewhere on the page (swapped out of
    band)."""
    sheet = review_sheet(application, reviewer)
    matching = [row for row in sheet if row.indicator.code == code]
    if not matching:
        return None
    (row,) = row_views(application, reviewer, matching)
    row.errors, row.mode, row.saved, row.confirm = errors, mode, saved, confirm
    if errors or confirm:
        row.form = posted
    area = row.indicator.area
    in_area = [item for item in sheet if item.indicator.area_id == area.pk]
    return {
        "application": application,
        "item": row,
        "can_act": True,
        "language": current_language(),
        **progress(sheet),
        "section_code": area.code,
        "section_done": sum(1 for item in in_area if is_done(item)),
        "section_total": len(in_area),
    }

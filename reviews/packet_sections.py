"""Parts of the nomination packet: the area scores against the size class's median and best, the evidence list, the
reviewers' comments, and the clarification questions with the municipality's answers. Used by reviews.packets
(which stays the packet's public entry point)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import pgettext

from applications.models import Application, ClarificationRequest, Evidence
from indicators.models import Area
from reviews.enums import VerificationStatus
from reviews.models import RubricScore, ValueReview
from scoring.enums import ScoreKind
from scoring.feedback import AreaFeedback, area_feedback, report_kind
from scoring.models import ApplicationScore
from scoring.selectors import benchmark_key, size_class_benchmarks


@dataclass(frozen=True)
class BenchmarkChart:
    kind: str  # the ScoreKind compared: the verified score once final, the submitted score before
    kind_label: str
    lines: list[AreaFeedback]  # each area's score, median and best on that basis
    count: int  # applications in the comparison (the largest count of any area)


def benchmark_chart(
    application: Application, areas: list[Area], scores: dict[str, ApplicationScore], language: str
) -> BenchmarkChart:
    """The application's area scores beside its size class's median and best (scoring's one computation of them),
    on the basis the feedback report also uses (`report_kind`). One query."""
    kind = report_kind(scores)
    key = benchmark_key(application)
    group = size_class_benchmarks(application.cycle, kind=kind, keys=[key]).get(key)
    lines = area_feedback(areas, scores.get(kind), group.areas if group else {}, language)
    return BenchmarkChart(
        kind=kind,
        kind_label=str(ScoreKind(kind).label),
        lines=lines,
        count=max((line.count for line in lines), default=0),
    )


# ---------------------------------------------------------------------------------------------------------------
# Reviewers' comments and clarifications
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CommentLine:
    code: str
    name: str
    reviewer: str
    about: str  # what the comment is on: rubric points, an abstention, a question on the value
    text: str
    written_at: Any


def reviewer_comments(application: Application, names: dict[str, str], positions: dict[str, int]) -> list[CommentLine]:
    """What the reviewers wrote: comments on their rubric points (or on abstaining) and the questions they raised
    on values. Corrections have a table of their own. By indicator, then in the order written. Two queries."""
    lines = []
    for score in (
        RubricScore.objects.filter(application=application).exclude(comment="").select_related("indicator", "reviewer")
    ):
        about = (
            pgettext("reviewer comment", "Abstained")
            if score.abstain
            else pgettext("reviewer comment", "Rubric points: {points}").format(points=score.points)
        )
        lines.append(
            _comment(
                score.indicator.code,
                names,
                reviewer=score.reviewer.full_name,
                about=about,
                text=score.comment,
                written_at=score.updated_at,
            )
        )
    for review in (
        ValueReview.objects.filter(application=application, status=VerificationStatus.QUERIED)
        .exclude(reason="")
        .select_related("indicator", "reviewer")
    ):
        about = pgettext("reviewer comment", "Question on the value")
        lines.append(
            _comment(
                review.indicator.code,
                names,
                reviewer=review.reviewer.full_name,
                about=about,
                text=review.reason,
                written_at=review.updated_at,
            )
        )
    return sorted(lines, key=lambda line: (positions.get(line.code, 0), line.written_at))


def _comment(code: str, names: dict[str, str], *, reviewer: str, about: str, text: str, written_at: Any) -> CommentLine:
    return CommentLine(
        code=code, name=names.get(code, code), reviewer=reviewer, about=about, text=text.strip(), written_at=written_at
    )


@dataclass(frozen=True)
class ClarificationLine:
    code: str
    name: str
    question: str
    asked_at: Any
    answer: str
    answered_at: Any
    status: str


def clarification_lines(
    application: Application, names: dict[str, str], positions: dict[str, int]
) -> list[ClarificationLine]:
    """Every clarification request on the application, with the municipality's answer (or that none came yet). By
    indicator, then in the order asked. One query."""
    lines = [
        ClarificationLine(
            code=request.indicator.code,
            name=names.get(request.indicator.code, request.indicator.code),
            question=request.question.strip(),
            asked_at=request.asked_at,
            answer=request.answer.strip(),
            answered_at=request.answered_at,
            status=str(request.get_status_display()),
        )
        for request in ClarificationRequest.objects.filter(application=application).select_related("indicator")
    ]
    return sorted(lines, key=lambda line: (positions.get(line.code, 0), line.asked_at))


# ---------------------------------------------------------------------------------------------------------------
# Evidence
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EvidenceLine:
    code: str
    name: str
    file_type: str
    size: str
    uploaded_at: Any
    sha256: str


def _file_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    return f"{max(size / 1024, 0.1):.1f} KB"


def evidence_lines(application: Application) -> list[EvidenceLine]:
    """The application's evidence files by indicator, in the framework's order (one query)."""
    return [
        EvidenceLine(
            code=item.indicator.code,
            name=item.name,
            file_type=item.file_type.upper(),
            size=_file_size(item.size),
            uploaded_at=item.uploaded_at,
            sha256=item.sha256,
        )
        for item in Evidence.objects.filter(application=application)
        .select_related("indicator")
        .order_by("indicator__area__position", "indicator__position", "uploaded_at", "pk")
    ]

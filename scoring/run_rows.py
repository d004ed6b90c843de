"""The rows a score run writes: one applicant as the run reads it, one score row as the engine's result serialised
once, and the writing of all of them in one COPY (PostgreSQL) or bulk insert (SQLite)."""

from __future__ import annotations

import datetime as dt
import io
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

from django.db import connection
from django.utils import timezone

from scoring import engine
from scoring.models import ApplicationScore, ScoreRun
from scoring.standings import Entry

# The columns a run writes, in COPY order (the id comes from the table's identity).
COLUMNS = (
    "run_id",
    "application_id",
    "cycle_id",
    "framework_id",
    "kind",
    "total",
    "completeness",
    "ranked",
    "tier",
    "governance",
    "areas",
    "indicators",
    "pending",
    "needs_reviewer",
    "disagreement",
    "other_total",
    "other_pending",
    "other_needs_reviewer",
    "group_key",
    "rank",
    "position",
    "tie_break",
    "is_current",
    "computed_at",
)


class Province(NamedTuple):
    pk: int
    name_th: str
    name_en: str


PROVINCE_FIELDS = ("province_id", "province__name_th", "province__name_en")


@dataclass(slots=True)
class Applicant:
    pk: int
    track: str
    category: str
    group: str
    in_standing: bool  # submitted and not reopened: it competes in its group
    name_key: str
    province: Province


@dataclass(slots=True)
class ScoreRow:
    """One score row to write: the engine's result, serialised once, with its place once the group is ranked."""

    applicant: Applicant
    kind: str
    result: engine.ScoreResult
    areas: str  # JSON text
    indicators: str  # JSON text
    governance: Decimal | None
    disagreement: bool
    other: engine.ScoreResult | None = None  # the same application's other kind, from this run
    is_current: bool = True
    rank: int | None = None
    position: int | None = None
    tie_break: str = ""

    def entry(self) -> Entry:
        return Entry(
            key=self.applicant.pk,
            total=self.result.total,
            completeness=self.result.completeness,
            governance=self.governance,
            eligible=self.result.ranked and self.result.is_final,
            name_key=self.applicant.name_key,
        )


class Serialiser:
    """JSON text of an indicator's score, made once per distinct score object (the engine's memo shares them)."""

    def __init__(self) -> None:
        self.fragments: dict[int, str] = {}
        self.keep: list[engine.IndicatorScore] = []  # the ids above stay valid while this holds the objects

    def _add(self, item: engine.IndicatorScore) -> None:
        data: dict[str, Any] = {
            "code": item.code,
            "area": item.area,
            "points": None if item.points is None else str(item.points),
            "max": item.max_points,
            "weight": str(item.weight),
            "missing": item.missing,
            "th": item.explanation_th,
            "en": item.explanation_en,
        }
        if item.pending:
            data["pending"] = item.pending
        self.fragments[id(item)] = json.dumps(data, ensure_ascii=False)
        self.keep.append(item)

    def indicators(self, result: engine.ScoreResult) -> str:
        fragments = self.fragments
        keys = [id(item) for item in result.indicators]
        for key, item in zip(keys, result.indicators, strict=True):
            if key not in fragments:
                self._add(item)
        return "[" + ", ".join([fragments[key] for key in keys]) + "]"

    @staticmethod
    def areas(result: engine.ScoreResult) -> str:
        """The same text json.dumps gives (area codes are capital letters, scores decimals, counts integers)."""
        return (
            "{"
            + ", ".join(
                f'"{area.code}": {{"score": "{area.score}", "answered": {area.answered}, '
                f'"applicable": {area.applicable}}}'
                for area in result.areas
            )
            + "}"
        )


def _copy_value(text: str) -> str:
    """Text in COPY's text format: a backslash starts an escape (JSON's own escapes included). Tabs and newlines
    never appear raw (json.dumps escapes them, and codes and keys have none)."""
    return text.replace("\\", "\\\\")


def _values(run: ScoreRun, row: ScoreRow, now: dt.datetime) -> tuple[object, ...]:
    result = row.result
    return (
        run.pk,
        row.applicant.pk,
        run.cycle_id,
        run.framework_id,
        row.kind,
        result.total,
        result.completeness,
        result.ranked,
        result.tier,
        row.governance,
        row.areas,
        row.indicators,
        result.pending,
        result.needs_reviewer,
        row.disagreement,
        None if row.other is None else row.other.total,
        0 if row.other is None else row.other.pending,
        0 if row.other is None else row.other.needs_reviewer,
        row.applicant.group,
        row.rank,
        row.position,
        row.tie_break,
        row.is_current,
        now,
    )


def _copy_line(head: str, tail: str, row: ScoreRow) -> str:
    """One row in COPY's text format (columns as COLUMNS); `head` and `tail` hold the columns every row shares."""
    result, other = row.result, row.other
    null = "\\N"
    return "\t".join(
        (
            head,
            str(row.applicant.pk),
            tail,
            row.kind,
            str(result.total),
            str(result.completeness),
            "t" if result.ranked else "f",
            _copy_value(result.tier),
            null if row.governance is None else str(row.governance),
            _copy_value(row.areas),
            _copy_value(row.indicators),
            str(result.pending),
            str(result.needs_reviewer),
            "t" if row.disagreement else "f",
            null if other is None else str(other.total),
            "0" if other is None else str(other.pending),
            "0" if other is None else str(other.needs_reviewer),
            _copy_value(row.applicant.group),
            null if row.rank is None else str(row.rank),
            null if row.position is None else str(row.position),
            _copy_value(row.tie_break),
            "t" if row.is_current else "f",
        )
    )


def insert_rows(run: ScoreRun, rows: list[ScoreRow]) -> None:
    now = timezone.now()
    if connection.vendor == "postgresql":
        head, tail = str(run.pk), f"{run.cycle_id}\t{run.framework_id}"
        end = f"\t{now.isoformat()}\n"
        buffer = io.StringIO("".join(_copy_line(head, tail, row) + end for row in rows))
        with connection.cursor() as cursor:
            cursor.copy_expert(
                f"COPY {ApplicationScore._meta.db_table} ({', '.join(COLUMNS)}) FROM STDIN",
                buffer,
            )
        return
    objects = []
    for row in rows:
        values = dict(zip(COLUMNS, _values(run, row, now), strict=True))
        values["areas"], values["indicators"] = json.loads(row.areas), json.loads(row.indicators)
        objects.append(ApplicationScore(**values))
    ApplicationScore.objects.bulk_create(objects, batch_size=500)

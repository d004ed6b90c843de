"""Exports of a cycle for the national committee: the ranking workbook (.xlsx) and all submitted values (.csv).

The boundary for openpyxl and pandas: both are imported inside functions (slow imports, and ruff bans pandas at
module level). Reads go through the ORM into plain rows first; the writers only format those rows.

Headers, sheet names and the yes/no words are the *file format*, so they are Thai constants rather than translated
strings: the files read the same whichever language the admin's browser uses. Text a municipality typed is written
as text, never as a formula: openpyxl cells are forced to the string type, and CSV fields that a spreadsheet would
run as a formula (=, +, -, @ first) get a leading apostrophe (OWASP's advice on CSV injection).
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils import translation

from applications.enums import ApplicationStatus
from applications.models import IndicatorValue
from applications.spreadsheets.columns import NO_WORDS, YES_WORDS
from indicators.enums import Track
from indicators.models import Area, AwardCycle, SizeClass
from indicators.rules import UNITS
from portal.values import stored_decimal
from scoring.enums import ScoreKind
from scoring.models import ApplicationScore
from scoring.selectors import standings_of

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

# ---------------------------------------------------------------------------------------------------------------
# File format
# ---------------------------------------------------------------------------------------------------------------

TRACK_LABELS: Mapping[str, str] = {Track.ESC_AWARD: "รางวัล ESC", Track.CERTIFICATE: "เกียรติบัตร"}
ESC_SHEET = "รางวัล ESC"
CERTIFICATE_SHEET = "เกียรติบัตร {category}"
VALUES_SHEET = "ค่าที่ยื่น"
OUTSIDE_BANDS = "นอกเกณฑ์ขนาดเมือง"

RANKING_HEADERS: tuple[str, ...] = (
    "อันดับ",
    "เทศบาล",
    "จังหวัด",
    "ขนาดเมือง",
    "คะแนนตามที่ยื่น",
    "คะแนนหลังตรวจสอบ",
)
RANKING_TAIL_HEADERS: tuple[str, ...] = ("ความครบถ้วน", "ระดับรางวัล", "สถานะ")
AREA_HEADER = "{code} {name}"  # e.g. "CA ด้านอากาศ (Clean Air)"

VALUE_HEADERS: tuple[str, ...] = (
    "รอบการประกวด",
    "รหัสเทศบาล",
    "เทศบาล",
    "จังหวัด",
    "ประเภทรางวัล",
    "ด้าน",
    "รหัสตัวชี้วัด",
    "ตัวชี้วัด",
    "ค่า",
    "คำอธิบาย",
    "หน่วย",
    "ช่วงเวลาของข้อมูล",
    "แหล่งข้อมูล",
    "หมายเหตุ",
)
# Columns that hold what a municipality typed (neutralised against formulas in the CSV).
_VALUE_TEXT_COLUMNS = frozenset({"ค่า", "คำอธิบาย", "ช่วงเวลาของข้อมูล", "แหล่งข้อมูล", "หมายเหตุ"})
VALUE_WIDTHS: tuple[int, ...] = (14, 12, 30, 16, 14, 8, 12, 60, 14, 40, 24, 22, 30, 30)

SCORE_FORMAT = "0.00"
PERCENT_FORMAT = "0.0%"
RANK_FORMAT = "0"
HEADER_FILL = "DDEBF7"
# Excel's rules for a sheet name: at most 31 characters, none of []:*?/\ .
_SHEET_NAME_MAX = 31
_SHEET_UNSAFE = re.compile(r"[\[\]:*?/\\]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

STATUSES_EXPORTED = tuple(status for status in ApplicationStatus if status != ApplicationStatus.DRAFT)


# ---------------------------------------------------------------------------------------------------------------
# Rows (ORM → plain data)
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RankingRow:
    rank: int | None
    municipality: str
    province: str
    size_class: str
    submitted_total: Decimal | None
    verified_total: Decimal | None
    areas: Mapping[str, Decimal | None]
    completeness: Decimal
    tier: str
    status: str


@dataclass(frozen=True, slots=True)
class RankingSheet:
    name: str
    area_codes: tuple[str, ...]
    area_headers: tuple[str, ...]
    rows: tuple[RankingRow, ...]


def _sheet_name(track: str, category: str) -> str:
    name = ESC_SHEET if track == Track.ESC_AWARD else CERTIFICATE_SHEET.format(category=category)
    return _SHEET_UNSAFE.sub("_", name)[:_SHEET_NAME_MAX]


def ranking_sheets(cycle: AwardCycle, *, kind: str = ScoreKind.SUBMITTED) -> list[RankingSheet]:
    """One sheet per (track, category): the ESC Award first, then the certificate categories in framework order.

    Within a sheet, each size class (smallest first, applications outside every band last) lists its rows in the
    order the score run stored: ranked applications by rank, then the unranked ones with no rank. Ranks are the
    stored standing's on `kind` (the board's default basis, the submitted score), the same numbers as on the board
    and in the packets; the other kind's total stands beside (a verified total only once final). Four queries for
    the rows, whatever their number, plus three for the cycle's reference data.
    """
    areas = list(Area.objects.filter(framework_id=cycle.framework_id).order_by("position"))
    area_position = {area.code: area.position for area in areas}
    area_names = {area.code: area.name_th for area in areas}
    sizes: dict[int | None, SizeClass] = {size.pk: size for size in SizeClass.objects.filter(cycle=cycle)}
    tiers = cycle.tier_labels("th")
    standings = {standing.group_key: standing for standing in standings_of(cycle, kind)}
    other = ScoreKind.VERIFIED if kind == ScoreKind.SUBMITTED else ScoreKind.SUBMITTED
    others = {
        application: (total, pending == 0 and needs == 0)
        for application, total, pending, needs in ApplicationScore.objects.filter(
            cycle=cycle, kind=other, is_current=True
        ).values_list("application_id", "total", "pending", "needs_reviewer")
    }
    grouped: dict[tuple[str, str], list[ApplicationScore]] = defaultdict(list)
    for score in (
        ApplicationScore.objects.filter(cycle=cycle, kind=kind, is_current=True, group_key__in=list(standings))
        .exclude(position=None)
        .select_related("application__municipality__province")
    ):
        standing = standings[score.group_key]
        grouped[(standing.track, standing.category_code)].append(score)

    def sheet_order(key: tuple[str, str]) -> tuple[bool, int, str]:
        return (key[0] != Track.ESC_AWARD, area_position.get(key[1], 0), key[1])

    def row_order(score: ApplicationScore) -> tuple[bool, int, int]:
        size = sizes.get(standings[score.group_key].size_class_id or 0)
        return (size is None, size.min_population if size else 0, score.position or 0)

    def total_of(score: ApplicationScore, wanted: str) -> Decimal | None:
        if wanted == kind:
            return score.total if score.is_final else None
        total, final = others.get(score.application_id, (None, False))
        return total if final else None

    sheets = []
    with translation.override("th"):
        for key in sorted(grouped, key=sheet_order):
            scores = sorted(grouped[key], key=row_order)
            codes = {code for score in scores for code in score.areas}
            area_codes = tuple(sorted(codes, key=lambda code: (area_position.get(code, len(areas)), code)))
            rows = tuple(
                RankingRow(
                    rank=score.rank,
                    municipality=score.application.municipality.full_name_th,
                    province=score.application.municipality.province.name_th,
                    size_class=sizes[standings[score.group_key].size_class_id].name_th
                    if standings[score.group_key].size_class_id in sizes
                    else OUTSIDE_BANDS,
                    submitted_total=total_of(score, ScoreKind.SUBMITTED),
                    verified_total=total_of(score, ScoreKind.VERIFIED),
                    areas={code: stored_decimal(data.get("score")) for code, data in score.areas.items()},
                    completeness=score.completeness,
                    tier=tiers.get(score.tier, score.tier) if score.is_final else "",
                    status=str(score.application.get_status_display()),
                )
                for score in scores
            )
            area_headers = tuple(
                AREA_HEADER.format(code=code, name=area_names.get(code, "")).strip() for code in area_codes
            )
            sheets.append(
                RankingSheet(name=_sheet_name(*key), area_codes=area_codes, area_headers=area_headers, rows=rows)
            )
    return sheets


@dataclass(frozen=True, slots=True)
class ValueRow:
    cycle: str
    municipality_code: str
    municipality: str
    province: str
    track: str
    category: str
    indicator_code: str
    indicator: str
    value: Decimal | int | str
    description: str
    unit: str
    period: str
    source: str
    comment: str

    def cells(self) -> tuple[Any, ...]:
        return (
            self.cycle,
            self.municipality_code,
            self.municipality,
            self.province,
            self.track,
            self.category,
            self.indicator_code,
            self.indicator,
            self.value,
            self.description,
            self.unit,
            self.period,
            self.source,
            self.comment,
        )


def _number(number: Decimal) -> Decimal:
    """92.5000 → 92.5 and 100.0000 → 100 (never 1E+2): what was typed, without the storage's trailing zeros."""
    return number.quantize(Decimal(1)) if number == number.to_integral_value() else number.normalize()


def _value_and_description(value: IndicatorValue) -> tuple[Decimal | int | str, str]:
    """The answer (a level, yes/no word, or number; the text for text indicators) and the description beside it."""
    if value.level is not None:
        return value.level, value.text.strip()
    if value.flag is not None:
        return (YES_WORDS["th"] if value.flag else NO_WORDS["th"]), value.text.strip()
    if value.number is not None:
        return _number(value.number), ""
    return value.text.strip(), ""


def value_rows(cycle: AwardCycle) -> list[ValueRow]:
    """Every answered value of the cycle's submitted applications (any status but draft), one row per application ×
    indicator, by municipality (Thai order), track, category and the framework's indicator order. One query."""
    values = (
        IndicatorValue.objects.filter(application__cycle=cycle, application__status__in=STATUSES_EXPORTED)
        .select_related("application__municipality__province", "indicator")
        .order_by(
            "application__municipality__name_th",
            "application__track",
            "application__category_code",
            "application_id",
            "indicator__area__position",
            "indicator__position",
        )
    )
    rows = []
    for value in values:
        if not value.is_answered:
            continue
        application, indicator = value.application, value.indicator
        answer, description = _value_and_description(value)
        unit = UNITS.get(indicator.unit)
        rows.append(
            ValueRow(
                cycle=cycle.code,
                municipality_code=application.municipality.code,
                municipality=application.municipality.full_name_th,
                province=application.municipality.province.name_th,
                track=TRACK_LABELS.get(application.track, application.track),
                category=application.category_code,
                indicator_code=indicator.code,
                indicator=indicator.name_th,
                value=answer,
                description=description,
                unit=unit.label_th if unit else indicator.unit,
                period=value.period,
                source=value.source,
                comment=value.comment,
            )
        )
    return rows


def _plain(value: object) -> object:
    if isinstance(value, Decimal):
        return format(value, "f")
    return value


# ---------------------------------------------------------------------------------------------------------------
# Writers
# ---------------------------------------------------------------------------------------------------------------


def ranking_workbook(cycle: AwardCycle, *, kind: str = ScoreKind.SUBMITTED) -> bytes:
    """The .xlsx of the cycle's rankings (one sheet per track/category, see `ranking_sheets`) and a last sheet of
    every submitted value (see `value_rows`). Thai headers in a frozen, filtered first row; scores as 0.00,
    completeness as 0.0 %."""
    from openpyxl import Workbook  # noqa: PLC0415 -- slow import, kept at the boundary
    from openpyxl.utils import get_column_letter  # noqa: PLC0415 -- slow import

    workbook = Workbook()
    default = workbook.active
    assert default is not None  # type guard: a new workbook has one sheet
    workbook.remove(default)
    for item in ranking_sheets(cycle, kind=kind):
        sheet = workbook.create_sheet(item.name)
        headers = [*RANKING_HEADERS, *item.area_headers, *RANKING_TAIL_HEADERS]
        _write_header(sheet, headers)
        for number, row in enumerate(item.rows, start=2):
            cells: list[tuple[str | int | Decimal | None, str | None]] = [
                (row.rank, RANK_FORMAT),
                (row.municipality, None),
                (row.province, None),
                (row.size_class, None),
                (row.submitted_total, SCORE_FORMAT),
                (row.verified_total, SCORE_FORMAT),
                *[(row.areas.get(code), SCORE_FORMAT) for code in item.area_codes],
                (row.completeness, PERCENT_FORMAT),
                (row.tier, None),
                (row.status, None),
            ]
            for column, (value, number_format) in enumerate(cells, start=1):
                cell = _write_cell(sheet, number, column, value)
                if number_format is not None:
                    cell.number_format = number_format
        widths = [8, 32, 18, 22, 14, 16, *[12] * len(item.area_headers), 13, 20, 24]
        for column, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(column)].width = width
    values = workbook.create_sheet(VALUES_SHEET)
    _write_header(values, VALUE_HEADERS)
    for number, value_row in enumerate(value_rows(cycle), start=2):
        for column, value in enumerate(value_row.cells(), start=1):
            _write_cell(values, number, column, value)
    for column, width in enumerate(VALUE_WIDTHS, start=1):
        values.column_dimensions[get_column_letter(column)].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write_header(sheet: Worksheet, headers: Sequence[str]) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill  # noqa: PLC0415 -- slow import
    from openpyxl.utils import get_column_letter  # noqa: PLC0415 -- slow import

    for column, header in enumerate(headers, start=1):
        cell = sheet.cell(row=1, column=column, value=header)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}1"


def _write_cell(sheet: Worksheet, row: int, column: int, value: str | int | Decimal | None) -> Any:
    cell = sheet.cell(row=row, column=column, value=value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # openpyxl reads a leading "=" as a formula; what a municipality typed is text
    return cell


def _csv(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """RFC 4180 CSV (CRLF line ends, quotes doubled, fields quoted when needed) in UTF-8 with a BOM, so that Excel
    opens Thai text correctly."""
    import pandas as pd

    frame = pd.DataFrame([[_plain(value) for value in row] for row in rows], columns=list(headers), dtype=object)
    buffer = io.BytesIO()
    frame.to_csv(
        buffer,
        index=False,
        encoding="utf-8-sig",
        lineterminator="\r\n",
        quoting=csv.QUOTE_MINIMAL,
        doublequote=True,
    )
    return buffer.getvalue()


def _neutralise(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return f"'{value}"
    return value


def values_csv(cycle: AwardCycle) -> bytes:
    """The table of every submitted value (`value_rows`) as CSV: Thai headers, UTF-8 with BOM, RFC 4180 quoting."""
    text_columns = [index for index, header in enumerate(VALUE_HEADERS) if header in _VALUE_TEXT_COLUMNS]
    rows = []
    for row in value_rows(cycle):
        cells = list(row.cells())
        for index in text_columns:
            if isinstance(cells[index], str):
                cells[index] = _neutralise(cells[index])
        rows.append(cells)
    return _csv(VALUE_HEADERS, rows)


MANIFEST_HEADERS: tuple[str, ...] = ("path", "sha256", "bytes")


def manifest_csv(entries: Iterable[tuple[str, str, int]]) -> bytes:
    """The ZIP's manifest: one row per file (path inside the archive, SHA-256, size in bytes)."""
    return _csv(MANIFEST_HEADERS, entries)


def table_csv(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """Any table for people outside the portal (open data, the ASEAN dossier's summary) as CSV, UTF-8 with a BOM:
    every text cell is neutralised against spreadsheet formulas."""
    return _csv(headers, ([_neutralise(value) for value in row] for row in rows))

"""The Excel round-trip at the boundary: an application's fill-in template out, an upload back in as typed rows.

The only module that uses pandas and openpyxl; both are imported inside functions (slow imports, and ruff bans
pandas at module level). Column headers, yes/no words and the hidden identity sheet are the *file format*, so
they are constants in both languages rather than translated strings: a template downloaded in English reads back
while the portal speaks Thai, and the other way round. Messages for people are translated.
"""

from __future__ import annotations

import io
import logging
import re
import warnings
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import IO, TYPE_CHECKING, Any

from django.utils import translation
from django.utils.translation import gettext as _

from applications.models import Application, IndicatorValue
from applications.selectors import applicable_indicators
from indicators.models import Indicator
from indicators.rules import UNITS
from portal.uploads import XLSX, sniff_type

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook
    from openpyxl.worksheet.datavalidation import DataValidation
    from openpyxl.worksheet.worksheet import Worksheet

logger = logging.getLogger(__name__)

COLUMNS: tuple[str, ...] = ("code", "name", "unit", "allowed", "value", "description", "period", "source", "comment")
HEADERS: Mapping[str, Mapping[str, str]] = {
    "th": {
        "code": "รหัส",
        "name": "ตัวชี้วัด",
        "unit": "หน่วย",
        "allowed": "ค่าที่ยอมรับ",
        "value": "ค่า",
        "description": "คำอธิบายสิ่งที่ดำเนินการ",
        "period": "ช่วงเวลาของข้อมูล",
        "source": "แหล่งข้อมูล",
        "comment": "หมายเหตุ",
    },
    "en": {
        "code": "Code",
        "name": "Indicator",
        "unit": "Unit",
        "allowed": "Allowed values",
        "value": "Value",
        "description": "Description of what was done",
        "period": "Period of the data",
        "source": "Source",
        "comment": "Comment",
    },
}
# The columns an upload must keep; name, unit and allowed values are there to help the officer and are not read.
READ_COLUMNS: tuple[str, ...] = ("code", "value", "period", "source", "comment")
# Read when present: a rubric indicator's description of what was done (files of the first format lack it).
OPTIONAL_COLUMNS: tuple[str, ...] = ("description",)
YES_WORDS: Mapping[str, str] = {"th": "มี", "en": "yes"}
NO_WORDS: Mapping[str, str] = {"th": "ไม่มี", "en": "no"}
DATA_SHEETS: Mapping[str, str] = {"th": "ตัวชี้วัด", "en": "Indicators"}
HELP_SHEETS: Mapping[str, str] = {"th": "คำอธิบาย", "en": "Instructions"}
IDENTITY_SHEET = "_portal"
FORMAT_VERSION = "1"
MAX_ROWS = 1000
# A template unpacks to a few hundred kilobytes; a small upload that unpacks to far more is a zip bomb.
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
WIDTHS: Mapping[str, int] = {
    "code": 10,
    "name": 60,
    "unit": 24,
    "allowed": 40,
    "value": 16,
    "description": 60,
    "period": 22,
    "source": 36,
    "comment": 40,
}
HEADER_FILL = "DDEBF7"
INPUT_FILL = "FFF9E5"
# Excel's limits for a data-validation message and its title.
_PROMPT_MAX, _TITLE_MAX = 255, 32
# Unbounded numbers still get a numeric check; Excel needs two bounds for "between".
_NUMBER_LIMIT = Decimal("999999999999")
_MIDNIGHT = re.compile(r"^(\d{4}-\d{2}-\d{2}) 00:00:00$")


def _language(language: str | None) -> str:
    return "th" if (language or "th").startswith("th") else "en"


def indicator_name(name_th: str, name_en: str, language: str | None = None) -> str:
    """An indicator's name in `language` (default: the active language)."""
    return name_th if _language(language or translation.get_language()) == "th" else name_en


def column_label(key: str, language: str | None = None) -> str:
    """The header of column `key` in `language` (default: the active language), as the template writes it."""
    return HEADERS[_language(language or translation.get_language())].get(key, key)


def _plain(number: Decimal) -> str:
    return format(number.normalize(), "f")


# ---------------------------------------------------------------------------------------------------------------
# Template
# ---------------------------------------------------------------------------------------------------------------


def build_template(application: Application, *, language: str) -> bytes:
    """An .xlsx to fill in offline: one row per applicable indicator, in form order, pre-filled with current values.

    Headers, hints and the instructions sheet are in `language` ("th" or "en"). Value cells carry Excel data
    validation (a list for yes/no and rubric rows, a number range otherwise). A very hidden sheet names the
    application and cycle, so that an upload for another application is refused.
    """
    from openpyxl import Workbook  # noqa: PLC0415 -- slow import, kept at the boundary

    lang = _language(language)
    workbook = Workbook()
    with translation.override(lang):
        sheet = workbook.active
        assert sheet is not None  # type guard: a new workbook has one sheet
        sheet.title = DATA_SHEETS[lang]
        _write_values_sheet(sheet, application, lang)
        _write_help_sheet(workbook, application, lang)
        _write_identity_sheet(workbook, application)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write_values_sheet(sheet: Worksheet, application: Application, lang: str) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill  # noqa: PLC0415 -- slow import
    from openpyxl.utils import get_column_letter  # noqa: PLC0415 -- slow import

    headers = HEADERS[lang]
    sheet.append([headers[key] for key in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    sheet.freeze_panes = "A2"
    for index, key in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = WIDTHS[key]

    values = {value.indicator_id: value for value in application.values.all()}
    max_points = application.cycle.max_points
    validations: dict[tuple[str, ...], DataValidation] = {}
    input_fill = PatternFill("solid", fgColor=INPUT_FILL)
    for row, indicator in enumerate(applicable_indicators(application), start=2):
        value = values.get(indicator.pk)
        sheet.append(
            [
                indicator.code,
                indicator.name_th if lang == "th" else indicator.name_en,
                _unit_label(indicator, lang),
                _allowed_text(indicator, lang, max_points),
                _cell_value(indicator, value, lang),
                value.text or None if value and indicator.value_type == "rubric" else None,
                value.period if value else None,
                value.source if value else None,
                value.comment if value else None,
            ]
        )
        for key in ("name", "allowed", "description", "comment"):
            sheet.cell(row=row, column=COLUMNS.index(key) + 1).alignment = Alignment(wrap_text=True, vertical="top")
        inputs = ("value", "description", "period", "source", "comment")
        for key in inputs if indicator.value_type == "rubric" else tuple(k for k in inputs if k != "description"):
            cell = sheet.cell(row=row, column=COLUMNS.index(key) + 1)
            cell.fill = input_fill
            # Text cells stop Excel from turning "2567" or "1/2567" into numbers or dates.
            if key != "value" or indicator.value_type in {"text", "yes_no"}:
                cell.number_format = "@"
        validation = _validation_for(indicator, lang, max_points, validations)
        if validation is not None:
            validation.add(sheet.cell(row=row, column=COLUMNS.index("value") + 1).coordinate)
    for validation in validations.values():
        sheet.add_data_validation(validation)


def _unit_label(indicator: Indicator, lang: str) -> str:
    unit = UNITS.get(indicator.unit)
    if unit is None:
        return indicator.unit
    return unit.label_th if lang == "th" else unit.label_en


def _cell_value(indicator: Indicator, value: IndicatorValue | None, lang: str) -> Decimal | int | str | None:
    if value is None:
        return None
    if indicator.value_type == "text":
        return value.text or None
    if value.level is not None:
        return value.level
    if value.flag is not None:
        return YES_WORDS[lang] if value.flag else NO_WORDS[lang]
    return value.number


def _range_text(low: Decimal | None, high: Decimal | None) -> str:
    if low is not None and high is not None:
        return _("From {low} to {high}").format(low=_plain(low), high=_plain(high))
    if low is not None:
        return _("At least {low}").format(low=_plain(low))
    if high is not None:
        return _("At most {high}").format(high=_plain(high))
    return _("Any number")


def _allowed_text(indicator: Indicator, lang: str, max_points: int) -> str:
    value_type = indicator.value_type
    if value_type == "yes_no":
        return _("{yes} or {no}").format(yes=YES_WORDS[lang], no=NO_WORDS[lang])
    if value_type == "text":
        return _("Free text")
    if value_type == "rubric":
        levels = [
            f"{level['points']} = {level.get(f'label_{lang}', '')}"
            for level in (indicator.rule or {}).get("levels", [])
            if isinstance(level, Mapping)
        ]
        return "\n".join([_("A level from 0 to {max_points}:").format(max_points=max_points), *levels])
    bounds = _range_text(indicator.min_value, indicator.max_value)
    if value_type == "count":
        return _("{range}, whole number").format(range=bounds)
    return bounds


def _validation_for(
    indicator: Indicator, lang: str, max_points: int, validations: dict[tuple[str, ...], DataValidation]
) -> DataValidation | None:
    """One shared DataValidation per kind of rule, so the file stays small."""
    from openpyxl.worksheet.datavalidation import DataValidation  # noqa: PLC0415 -- slow import

    value_type = indicator.value_type
    if value_type == "text":
        return None
    if value_type in {"yes_no", "rubric"}:
        choices = (
            [YES_WORDS[lang], NO_WORDS[lang]] if value_type == "yes_no" else [str(n) for n in range(max_points + 1)]
        )
        key: tuple[str, ...] = ("list", *choices)
        if key not in validations:
            validations[key] = DataValidation(
                type="list",
                formula1=f'"{",".join(choices)}"',
                allow_blank=True,
                showErrorMessage=True,
                showInputMessage=True,
                errorTitle=_("Not in the list")[:_TITLE_MAX],
                error=_("Choose one of: {choices}").format(choices=", ".join(choices))[:_PROMPT_MAX],
                promptTitle=column_label("value", lang)[:_TITLE_MAX],
                prompt=_("Choose from the list")[:_PROMPT_MAX],
            )
        return validations[key]
    low = indicator.min_value if indicator.min_value is not None else -_NUMBER_LIMIT
    high = indicator.max_value if indicator.max_value is not None else _NUMBER_LIMIT
    kind = "whole" if value_type == "count" else "decimal"
    key = (kind, _plain(low), _plain(high))
    if key not in validations:
        bounds = _range_text(indicator.min_value, indicator.max_value)
        validations[key] = DataValidation(
            type=kind,
            operator="between",
            formula1=_plain(low),
            formula2=_plain(high),
            allow_blank=True,
            showErrorMessage=True,
            showInputMessage=True,
            errorTitle=_("Value out of range")[:_TITLE_MAX],
            error=(
                _("Enter a whole number. {range}").format(range=bounds)
                if kind == "whole"
                else _("Enter a number. {range}").format(range=bounds)
            )[:_PROMPT_MAX],
            promptTitle=column_label("value", lang)[:_TITLE_MAX],
            prompt=_("{range}. Type the number only, without the unit or the percent sign.").format(range=bounds)[
                :_PROMPT_MAX
            ],
        )
    return validations[key]


def _write_help_sheet(workbook: Workbook, application: Application, lang: str) -> None:
    from openpyxl.styles import Alignment, Font  # noqa: PLC0415 -- slow import

    sheet = workbook.create_sheet(HELP_SHEETS[lang])
    headers = HEADERS[lang]
    municipality = application.municipality
    cycle = application.cycle
    lines = [
        _("This file is for: {municipality}, {cycle} ({code}), {track}.").format(
            municipality=municipality.full_name_th if lang == "th" else municipality.name_en,
            cycle=cycle.name_th if lang == "th" else cycle.name_en,
            code=cycle.code,
            track=application.category_code or application.get_track_display(),
        ),
        _("1. On the sheet “{sheet}”, fill in the columns “{value}”, “{period}”, “{source}” and “{comment}”.").format(
            sheet=DATA_SHEETS[lang],
            value=headers["value"],
            period=headers["period"],
            source=headers["source"],
            comment=headers["comment"],
        ),
        _(
            "For each rubric indicator, also describe what the municipality did in the column “{description}”: "
            "with it the whole application can be completed in this file."
        ).format(description=headers["description"]),
        _("2. Do not change the column “{code}” and do not rename the columns.").format(code=headers["code"]),
        _("3. Numbers: type only the number, without the unit or the percent sign (for 85 percent type 85)."),
        _("4. Yes/no rows: choose “{yes}” or “{no}”. Rubric rows: choose the level from 0 to {max_points}.").format(
            yes=YES_WORDS[lang], no=NO_WORDS[lang], max_points=cycle.max_points
        ),
        _("5. An empty cell clears the value on the portal. Rows you delete are left unchanged."),
        _(
            "6. Upload the file on the portal's Excel import page. The portal first shows every change it "
            "found; nothing is saved until you press “Apply all changes”."
        ),
        _("7. Use this file only for this application: a file for another application or cycle is refused."),
        _("8. Attach evidence files on the portal; they cannot be put in this file."),
    ]
    sheet.append([_("How to fill in this file")])
    sheet["A1"].font = Font(bold=True, size=14)
    for line in lines:
        sheet.append([line])
    sheet.column_dimensions["A"].width = 120
    for row in sheet.iter_rows(min_row=2):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")


def _write_identity_sheet(workbook: Workbook, application: Application) -> None:
    sheet = workbook.create_sheet(IDENTITY_SHEET)
    sheet.append(["application", application.pk])
    sheet.append(["cycle", application.cycle.code])
    sheet.append(["municipality", application.municipality.code])
    sheet.append(["format", FORMAT_VERSION])
    # Very hidden: not listed under Excel's "Unhide", so officers do not edit it by accident.
    sheet.sheet_state = "veryHidden"


# ---------------------------------------------------------------------------------------------------------------
# Upload
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class UploadRow:
    """One filled-in row of an upload, as text (values are parsed against the indicator's rules later)."""

    row: int  # the row number Excel shows (the header is row 1)
    code: str
    value: str
    period: str
    source: str
    comment: str
    description: str | None = None  # None: the file has no description column


@dataclass(frozen=True, slots=True)
class UploadError:
    """A problem found in an upload. Without a row it concerns the whole file, which is then refused."""

    message: str
    row: int | None = None
    column: str = ""  # a key of COLUMNS
    # The indicator the row is about, when it is known: its code and both names (shown in the reader's language).
    code: str = ""
    name_th: str = ""
    name_en: str = ""

    @classmethod
    def about(cls, indicator: Indicator, message: str, row: int, column: str) -> UploadError:
        return cls(message, row, column, indicator.code, indicator.name_th, indicator.name_en)

    @property
    def is_file_level(self) -> bool:
        return self.row is None

    def as_dict(self) -> dict[str, Any]:
        stored: dict[str, Any] = {"row": self.row, "column": self.column, "message": self.message}
        if self.code:
            stored.update(code=self.code, name_th=self.name_th, name_en=self.name_en)
        return stored

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        if self.code:
            return _("Row {row}, {code} {name}, column {column}: {message}").format(
                row=self.row,
                code=self.code,
                name=indicator_name(self.name_th, self.name_en),
                column=column_label(self.column),
                message=self.message,
            )
        return _("Row {row}, column {column}: {message}").format(
            row=self.row, column=column_label(self.column), message=self.message
        )


@dataclass
class _Workbook:
    values: Any  # pandas.DataFrame of the data sheet, every cell as text
    identity: dict[str, str] | None
    percent_rows: set[int]  # Excel rows whose value cell is a number formatted as a percentage
    columns: dict[str, int]  # column key → position in `values`


def read_upload(file: IO[bytes], *, application: Application) -> tuple[list[UploadRow], list[UploadError]]:
    """Read a filled-in template: the rows to import, and every problem found, in the active language.

    A file-level error (no row) means the file is refused: not an .xlsx by its content, unreadable, made for
    another application, missing columns, too many rows. Row errors name the row and the column: an empty,
    unknown or repeated indicator code. Values are returned as text; they are checked against the indicator's
    rules by the import service. A number Excel shows as a percentage (typed as "85%") is read as shown (85).
    """
    if sniff_type(file) != XLSX:
        return [], [
            UploadError(
                _(
                    "This file is not an Excel workbook (.xlsx). Download the template, fill it in and upload it "
                    "as .xlsx."
                )
            )
        ]
    position = file.tell()
    buffer = io.BytesIO(file.read())
    file.seek(position)
    with zipfile.ZipFile(buffer) as archive:
        unpacked = sum(member.file_size for member in archive.infolist())
    if unpacked > MAX_UNPACKED_BYTES:
        return [], [UploadError(_("The Excel file is too large once unpacked. Keep only the template's sheet."))]
    try:
        workbook = _read_workbook(buffer)
    # An upload is untrusted input and openpyxl, zipfile and lxml each raise their own errors for a damaged file.
    except Exception:
        logger.info("Unreadable Excel upload for application %s", application.pk, exc_info=True)
        return [], [UploadError(_("The Excel file cannot be read. Open it in Excel, save it as .xlsx and try again."))]
    file_error = _file_error(workbook, application)
    if file_error is not None:
        return [], [file_error]
    return _rows(workbook, application)


def _normal(text: object) -> str:
    return " ".join(str(text).split()).casefold()


_HEADER_KEYS = {_normal(label): key for labels in HEADERS.values() for key, label in labels.items()}


def _read_workbook(buffer: io.BytesIO) -> _Workbook:
    import pandas as pd  # slow import, kept at the boundary (ruff bans it at module level)

    with warnings.catch_warnings():
        # openpyxl warns about workbook features it drops on reading (extensions, missing default styles);
        # none of them holds a value.
        warnings.filterwarnings("ignore", category=UserWarning, module="openpyxl")
        with pd.ExcelFile(buffer, engine="openpyxl") as excel:
            names = list(excel.sheet_names)
            data_sheet = next((name for name in DATA_SHEETS.values() if name in names), names[0])
            wanted = [data_sheet] + ([IDENTITY_SHEET] if IDENTITY_SHEET in names else [])
            frames = pd.read_excel(
                excel, sheet_name=wanted, header=None, dtype=str, na_filter=False, nrows=MAX_ROWS + 2
            )
            values = frames[data_sheet]
            columns = _column_positions(values.iloc[0] if len(values) else [])
            percent_rows: set[int] = set()
            if "value" in columns:
                percent_rows = _percent_rows(excel.book[data_sheet], columns["value"] + 1)
    identity = None
    if IDENTITY_SHEET in frames:
        identity = {_normal(row[0]): str(row[1]).strip() for row in frames[IDENTITY_SHEET].itertuples(index=False)}
    return _Workbook(values=values, identity=identity, percent_rows=percent_rows, columns=columns)


def _column_positions(header: Iterable[object]) -> dict[str, int]:
    positions: dict[str, int] = {}
    for index, text in enumerate(header):
        key = _HEADER_KEYS.get(_normal(text))
        if key is not None and key not in positions:
            positions[key] = index
    return positions


def _percent_rows(sheet: Any, column: int) -> set[int]:
    """Rows whose value cell holds a number with a percentage format: Excel stores "85%" as 0.85."""
    rows = set()
    for (cell,) in sheet.iter_rows(min_row=2, max_row=MAX_ROWS + 2, min_col=column, max_col=column):
        if getattr(cell, "data_type", None) == "n" and "%" in (getattr(cell, "number_format", "") or ""):
            rows.add(cell.row)
    return rows


def _file_error(workbook: _Workbook, application: Application) -> UploadError | None:
    identity = workbook.identity
    if identity is None:
        return UploadError(
            _(
                "This file was not made from this application's template. Download the template on the import "
                "page, fill it in and upload it."
            )
        )
    if identity.get("application") != str(application.pk) or identity.get("cycle") != application.cycle.code:
        return UploadError(
            _(
                "This file was made for another application. Download the template of this application and copy "
                "your values into it."
            )
        )
    missing = [key for key in READ_COLUMNS if key not in workbook.columns]
    if missing:
        return UploadError(
            _("Columns missing from the file: {names}. Download the template again and keep its columns.").format(
                names=", ".join(column_label(key) for key in missing)
            )
        )
    if len(workbook.values) > MAX_ROWS + 1:
        return UploadError(_("The file has more than {count} rows.").format(count=MAX_ROWS))
    return None


def _text(cell: object) -> str:
    text = str(cell).strip()
    # A period typed as a date comes back as a timestamp; keep the date the officer saw.
    return _MIDNIGHT.sub(r"\1", text)


def _as_shown_percent(raw: str) -> str:
    try:
        return _plain(Decimal(raw) * 100)
    except InvalidOperation:
        return raw


def _rows(workbook: _Workbook, application: Application) -> tuple[list[UploadRow], list[UploadError]]:
    indicators = {indicator.code: indicator for indicator in applicable_indicators(application)}
    known = {code.casefold(): code for code in indicators}
    frame, columns = workbook.values, workbook.columns
    rows: list[UploadRow] = []
    errors: list[UploadError] = []
    first_row: dict[str, int] = {}
    for index in range(1, len(frame)):
        excel_row = index + 1
        cells = {
            key: _text(frame.iat[index, columns[key]]) for key in (*READ_COLUMNS, *OPTIONAL_COLUMNS) if key in columns
        }
        if not any(cells.values()):
            continue
        raw_code = cells["code"]
        code = known.get(raw_code.casefold())
        if not raw_code:
            errors.append(UploadError(_("Enter the indicator code."), excel_row, "code"))
        elif code is None:
            errors.append(
                UploadError(
                    _("{code} is not an indicator of this application.").format(code=raw_code), excel_row, "code"
                )
            )
        elif code in first_row:
            errors.append(
                UploadError.about(
                    indicators[code],
                    _("{code} appears more than once (first in row {row}).").format(code=code, row=first_row[code]),
                    excel_row,
                    "code",
                )
            )
        else:
            first_row[code] = excel_row
            value = cells["value"]
            if excel_row in workbook.percent_rows:
                value = _as_shown_percent(value)
            rows.append(
                UploadRow(
                    row=excel_row,
                    code=code,
                    value=value,
                    period=cells["period"],
                    source=cells["source"],
                    comment=cells["comment"],
                    description=cells.get("description"),
                )
            )
    return rows, errors

"""An upload of a filled-in template read back as typed rows and the problems found (file-level ones refuse the file).
pandas and openpyxl are imported inside the functions (slow imports, and ruff bans pandas at module level)."""

from __future__ import annotations

import io
import logging
import re
import warnings
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.utils.translation import gettext as _

from applications.models import Application
from applications.selectors import applicable_indicators
from applications.spreadsheets.columns import (
    DATA_SHEETS,
    HEADERS,
    IDENTITY_SHEET,
    OPTIONAL_COLUMNS,
    READ_COLUMNS,
    column_label,
    indicator_name,
    plain_number,
)
from indicators.models import Indicator
from portal.uploads import XLSX, sniff_type

logger = logging.getLogger(__name__)

MAX_ROWS = 1000
# A template unpacks to a few hundred kilobytes; a small upload that unpacks to far more is a zip bomb.
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
_MIDNIGHT = re.compile(r"^(\d{4}-\d{2}-\d{2}) 00:00:00$")


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
            names = [str(name) for name in excel.sheet_names]  # strings with openpyxl; the stubs allow ints
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
        return plain_number(Decimal(raw) * 100)
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

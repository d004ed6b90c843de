"""The application's fill-in template: an .xlsx with one row per applicable indicator (with Excel data validation),
an instructions sheet and the hidden identity sheet. openpyxl is imported inside the functions (a slow import)."""

from __future__ import annotations

import io
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

from django.utils import translation
from django.utils.translation import gettext as _

from applications.models import Application, IndicatorValue
from applications.selectors import applicable_indicators
from applications.spreadsheets.columns import (
    COLUMNS,
    DATA_SHEETS,
    FORMAT_VERSION,
    HEADERS,
    HELP_SHEETS,
    IDENTITY_SHEET,
    NO_WORDS,
    YES_WORDS,
    column_label,
    plain_number,
)
from indicators.models import Indicator
from indicators.rules import UNITS
from portal.i18n import language_of

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook
    from openpyxl.worksheet.datavalidation import DataValidation
    from openpyxl.worksheet.worksheet import Worksheet

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


def build_template(application: Application, *, language: str) -> bytes:
    """An .xlsx to fill in offline: one row per applicable indicator, in form order, pre-filled with current values.

    Headers, hints and the instructions sheet are in `language` ("th" or "en"). Value cells carry Excel data
    validation (a list for yes/no and rubric rows, a number range otherwise). A very hidden sheet names the
    application and cycle, so that an upload for another application is refused.
    """
    from openpyxl import Workbook  # noqa: PLC0415 -- slow import, kept at the boundary

    lang = language_of(language)
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
        return _("From {low} to {high}").format(low=plain_number(low), high=plain_number(high))
    if low is not None:
        return _("At least {low}").format(low=plain_number(low))
    if high is not None:
        return _("At most {high}").format(high=plain_number(high))
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
    kind: Literal["whole", "decimal"] = "whole" if value_type == "count" else "decimal"
    key = (kind, plain_number(low), plain_number(high))
    if key not in validations:
        bounds = _range_text(indicator.min_value, indicator.max_value)
        validations[key] = DataValidation(
            type=kind,
            operator="between",
            formula1=plain_number(low),
            formula2=plain_number(high),
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

import datetime as dt
import hashlib
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import Workbook, load_workbook

from applications.enums import ApplicationStatus, Channel, ImportStatus
from applications.imports import apply_import, check_import, is_ready_to_apply
from applications.models import Application, IndicatorValue, ValueChange
from applications.selectors import applicable_indicators
from applications.services import save_value, start_application
from applications.spreadsheets.columns import column_label
from applications.spreadsheets.template import build_template
from applications.spreadsheets.upload import UploadError, read_upload
from indicators.enums import CyclePhase
from indicators.models import Indicator
from tests.factories.indicators import make_cycle

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

DEADLINE = dt.datetime(2099, 2, 26, 16, 30, tzinfo=ZoneInfo("Asia/Bangkok"))
THAI_HEADERS = ["รหัส", "ตัวชี้วัด", "หน่วย", "ค่าที่ยอมรับ", "ค่า", "คำอธิบายสิ่งที่ดำเนินการ", "ช่วงเวลาของข้อมูล", "แหล่งข้อมูล", "หมายเหตุ"]
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
VALUE, DESCRIPTION, PERIOD, SOURCE, COMMENT = 5, 6, 7, 8, 9  # columns of the data sheet (1-based, as openpyxl counts)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def cycle():
    return make_cycle(code="esc-excel", phase=CyclePhase.CALL_OPEN, submission_deadline=DEADLINE)


@pytest.fixture
def application(cast, cycle):
    return start_application(
        cycle=cycle, municipality=cast.municipality_a, track="esc_award", category_code="", by=cast.editor_a
    )


def template(application, language="th"):
    return load_workbook(io.BytesIO(build_template(application, language=language)))


def as_upload(workbook, name="values.xlsx"):
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/octet-stream")


def row_of(sheet, code):
    return next(row for row in range(2, sheet.max_row + 1) if sheet.cell(row=row, column=1).value == code)


def fill(workbook, cells):
    """cells: {code: {column: value}} on the data sheet."""
    sheet = workbook.worksheets[0]
    for code, columns in cells.items():
        row = row_of(sheet, code)
        for column, value in columns.items():
            sheet.cell(row=row, column=column, value=value)
    return workbook


def save(application, code, by, **changes):
    indicator = applicable_indicators(application).get(code=code)
    return save_value(application=application, indicator=indicator, by=by, changes=changes, expected_version=None)


def value_of(application, code):
    return IndicatorValue.objects.filter(application=application, indicator__code=code).first()


def validation_of(sheet, coordinate):
    return next(dv for dv in sheet.data_validations.dataValidation if coordinate in dv.sqref)


# Template ------------------------------------------------------------------------------------------------------


def test_build_template_has_thai_headers_and_one_row_per_applicable_indicator(application):
    expected_codes = list(applicable_indicators(application).values_list("code", flat=True))

    sheet = template(application).worksheets[0]

    assert [cell.value for cell in sheet[1]] == THAI_HEADERS
    assert [sheet.cell(row=row, column=1).value for row in range(2, sheet.max_row + 1)] == expected_codes
    assert len(expected_codes) == 34
    assert sheet.cell(row=2, column=2).value == "ร้อยละของจำนวนวันที่คุณภาพอากาศอยู่ในเกณฑ์ดีมากถึงดี (AQI 0-50)"
    assert sheet.cell(row=2, column=3).value == "ร้อยละของวันที่ตรวจวัด"


def test_build_template_freezes_and_bolds_the_header_row(application):
    sheet = template(application).worksheets[0]

    assert sheet.freeze_panes == "A2"
    assert {cell.font.bold for cell in sheet[1]} == {True}


def test_build_template_has_instructions_and_a_very_hidden_identity_sheet(application):
    workbook = template(application)

    assert workbook.sheetnames == ["ตัวชี้วัด", "คำอธิบาย", "_portal"]
    assert workbook["_portal"].sheet_state == "veryHidden"
    assert [[cell.value for cell in row] for row in workbook["_portal"].iter_rows()] == [
        ["application", application.pk],
        ["cycle", "esc-excel"],
        ["municipality", application.municipality.code],
        ["format", "1"],
    ]
    assert workbook["คำอธิบาย"]["A1"].value == "วิธีกรอกข้อมูลในไฟล์นี้"


def test_build_template_offers_the_levels_of_a_rubric_row_as_a_drop_down(application):
    sheet = template(application).worksheets[0]
    cell = sheet.cell(row=row_of(sheet, "CA-07"), column=VALUE).coordinate

    validation = validation_of(sheet, cell)

    assert (validation.type, validation.formula1, validation.allow_blank) == ("list", '"0,1,2,3,4"', True)
    allowed = sheet.cell(row=row_of(sheet, "CA-07"), column=4).value
    assert allowed.splitlines()[:2] == ["ระดับ 0 ถึง 4:", "0 = ไม่มีการดำเนินการ"]


def test_build_template_limits_numeric_rows_to_their_range(application):
    sheet = template(application).worksheets[0]

    percent = validation_of(sheet, sheet.cell(row=row_of(sheet, "CA-01"), column=VALUE).coordinate)
    count = validation_of(sheet, sheet.cell(row=row_of(sheet, "CA-02"), column=VALUE).coordinate)

    assert (percent.type, percent.operator, percent.formula1, percent.formula2) == ("decimal", "between", "0", "100")
    assert (count.type, count.operator, count.formula1, count.formula2) == ("whole", "between", "0", "366")


def test_build_template_offers_yes_and_no_in_the_language_of_the_file(application):
    # The shipped frameworks have no yes/no indicator; turn one into one.
    Indicator.objects.filter(framework=application.cycle.framework, code="CA-08").update(
        value_type="yes_no", min_value=None, max_value=None
    )

    thai = template(application, "th").worksheets[0]
    english = template(application, "en").worksheets[0]

    assert validation_of(thai, f"E{row_of(thai, 'CA-08')}").formula1 == '"มี,ไม่มี"'
    assert validation_of(english, f"E{row_of(english, 'CA-08')}").formula1 == '"yes,no"'


def test_build_template_is_prefilled_with_the_current_values(cast, application):
    save(application, "CA-01", cast.editor_a, value="85.5", period="2567", source="Air4Thai", comment="สถานี 44t")
    save(application, "CA-07", cast.editor_a, value="3")

    sheet = template(application).worksheets[0]

    ca01, ca07 = row_of(sheet, "CA-01"), row_of(sheet, "CA-07")
    assert [sheet.cell(row=ca01, column=column).value for column in (VALUE, PERIOD, SOURCE, COMMENT)] == [
        85.5,
        "2567",
        "Air4Thai",
        "สถานี 44t",
    ]
    assert sheet.cell(row=ca07, column=VALUE).value == 3


def test_build_template_in_english(application):
    workbook = template(application, "en")

    assert workbook.sheetnames == ["Indicators", "Instructions", "_portal"]
    assert [cell.value for cell in workbook.worksheets[0][1]] == [
        "Code",
        "Indicator",
        "Unit",
        "Allowed values",
        "Value",
        "Description of what was done",
        "Period of the data",
        "Source",
        "Comment",
    ]
    assert workbook.worksheets[0]["B2"].value == "Days with good air quality (Thai AQI 0-50)"


# Reading an upload ---------------------------------------------------------------------------------------------


def test_read_upload_of_an_untouched_template_gives_every_row_and_no_error(application):
    rows, errors = read_upload(as_upload(template(application)), application=application)

    assert errors == []
    assert [(row.row, row.code) for row in rows[:2]] == [(2, "CA-01"), (3, "CA-02")]
    assert len(rows) == 34
    assert {(row.value, row.period, row.source, row.comment) for row in rows} == {("", "", "", "")}


def test_read_upload_accepts_an_english_template_and_lower_case_codes(application):
    workbook = fill(template(application, "en"), {"CA-01": {VALUE: 12}})
    workbook.worksheets[0]["A2"] = "ca-01"

    rows, errors = read_upload(as_upload(workbook), application=application)

    assert errors == []
    assert (rows[0].code, rows[0].value) == ("CA-01", "12")


def test_read_upload_reads_a_percentage_cell_as_excel_shows_it(application):
    workbook = fill(template(application), {"CA-01": {VALUE: 0.855}})
    workbook.worksheets[0]["E2"].number_format = "0.0%"

    rows, _errors = read_upload(as_upload(workbook), application=application)

    assert rows[0].value == "85.5"


def test_read_upload_names_row_and_column_of_code_errors(application):
    workbook = template(application)
    sheet = workbook.worksheets[0]
    sheet["A3"] = "XX-99"
    sheet["A4"] = None
    sheet.append(["CA-10", None, None, None, 2])

    rows, errors = read_upload(as_upload(workbook), application=application)

    assert errors == [
        UploadError("XX-99 is not an indicator of this application.", 3, "code"),
        UploadError(
            "CA-10 appears more than once (first in row 11).",
            36,
            "code",
            "CA-10",
            "แผนจัดการคุณภาพอากาศและหน่วยงานรับผิดชอบ",
            "Air-quality management plan and responsible unit",
        ),
    ]
    assert len(rows) == 32


def test_read_upload_error_names_the_column_in_the_users_language():
    error = UploadError("Enter a number, e.g. 12.5", 7, "value")

    assert str(error) == "Row 7, column Value: Enter a number, e.g. 12.5"
    assert column_label("value", "th") == "ค่า"


def test_read_upload_refuses_missing_columns(application):
    workbook = template(application)
    workbook.worksheets[0]["E1"] = "ค่าที่กรอก"
    workbook.worksheets[0]["I1"] = None

    rows, errors = read_upload(as_upload(workbook), application=application)

    assert rows == []
    assert errors == [
        UploadError("Columns missing from the file: Value, Comment. Download the template again and keep its columns.")
    ]


def test_read_upload_refuses_a_file_that_unpacks_to_too_much(application, monkeypatch):
    monkeypatch.setattr("applications.spreadsheets.upload.MAX_UNPACKED_BYTES", 1_000)

    rows, errors = read_upload(as_upload(template(application)), application=application)

    assert rows == []
    assert errors == [UploadError("The Excel file is too large once unpacked. Keep only the template's sheet.")]


def test_read_upload_refuses_a_workbook_not_made_from_the_template(application):
    workbook = Workbook()
    workbook.active.append(THAI_HEADERS)
    workbook.active.append(["CA-01", None, None, None, 12])

    rows, errors = read_upload(as_upload(workbook), application=application)

    assert rows == []
    assert [error.is_file_level for error in errors] == [True]
    assert errors[0].message.startswith("This file was not made from this application's template.")


# Dry run -------------------------------------------------------------------------------------------------------


def test_check_import_lists_exactly_the_changes_of_the_filled_template(cast, application):
    save(application, "CA-01", cast.editor_a, value="85", period="2566", source="Air4Thai")
    save(application, "CA-04", cast.editor_a, value="20.5")
    workbook = fill(
        template(application),
        {
            "CA-01": {VALUE: 90},  # period and source stay as they are
            "CA-04": {VALUE: 20.5},  # same value: not listed
            "CA-07": {VALUE: 3, COMMENT: "  ทั้งเมือง "},
            "CW-01": {PERIOD: "ปีงบประมาณ 2567"},
        },
    )

    run = check_import(application=application, file=as_upload(workbook), by=cast.editor_a)

    assert run.status == ImportStatus.CHECKED
    assert run.errors == []
    assert [(c["row"], c["code"], c["field"], c["old"], c["new"]) for c in run.changes] == [
        (2, "CA-01", "value", "85", "90"),
        (8, "CA-07", "value", "", "3"),
        (8, "CA-07", "comment", "", "ทั้งเมือง"),
        (12, "CW-01", "period", "", "ปีงบประมาณ 2567"),
    ]
    assert run.changes[0]["name_en"] == "Days with good air quality (Thai AQI 0-50)"
    assert is_ready_to_apply(run) is True
    assert value_of(application, "CA-01").number == Decimal("85")  # a dry run changes nothing


def test_check_import_stores_the_file_privately_with_its_hash(cast, application):
    upload = as_upload(template(application), name="../ค่า ตัวชี้วัด.xlsx")
    content = upload.read()
    upload.seek(0)

    run = check_import(application=application, file=upload, by=cast.editor_a)

    assert (run.name, run.sha256, run.created_by) == (
        "ค่า ตัวชี้วัด.xlsx",
        hashlib.sha256(content).hexdigest(),
        cast.editor_a,
    )
    assert run.file.name.startswith("applications/importrun/")
    with run.file.open("rb") as stored:
        assert stored.read() == content


def test_check_import_reports_invalid_values_with_row_and_column(cast, application):
    workbook = fill(template(application), {"CA-01": {VALUE: "abc"}, "CA-05": {VALUE: 150}, "CA-07": {VALUE: 7}})
    sheet = workbook.worksheets[0]
    sheet["A3"] = "XX-99"
    sheet.append(["CA-10", None, None, None, 2])

    run = check_import(application=application, file=as_upload(workbook), by=cast.editor_a)

    assert run.status == ImportStatus.CHECKED
    assert [(error["row"], error["column"], error.get("code"), error["message"]) for error in run.errors] == [
        (2, "value", "CA-01", "Enter a number, e.g. 12.5"),
        (3, "code", None, "XX-99 is not an indicator of this application."),
        (6, "value", "CA-05", "The value must be from 0 to 100."),
        (8, "value", "CA-07", "Choose a level from 0 to 4."),
        (36, "code", "CA-10", "CA-10 appears more than once (first in row 11)."),
    ]
    assert run.errors[3]["name_en"] == "Alternative fuels and low-emission transport measures"
    assert is_ready_to_apply(run) is False


def test_check_import_refuses_a_png_renamed_xlsx(cast, application):
    upload = SimpleUploadedFile("values.xlsx", PNG)

    run = check_import(application=application, file=upload, by=cast.editor_a)

    assert (run.status, run.changes) == (ImportStatus.REFUSED, [])
    assert run.errors == [
        {
            "row": None,
            "column": "",
            "message": "This file is not an Excel workbook (.xlsx). Download the template, fill it in and upload it "
            "as .xlsx.",
        }
    ]


def test_check_import_refuses_a_file_made_for_another_application(cast, cycle, application):
    other = start_application(
        cycle=cycle, municipality=cast.municipality_b, track="esc_award", category_code="", by=cast.editor_b
    )
    workbook = fill(template(other), {"CA-01": {VALUE: 90}})

    run = check_import(application=application, file=as_upload(workbook), by=cast.editor_a)

    assert (run.status, run.changes) == (ImportStatus.REFUSED, [])
    assert run.errors == [
        {
            "row": None,
            "column": "",
            "message": "This file was made for another application. Download the template of this application and "
            "copy your values into it.",
        }
    ]
    assert value_of(application, "CA-01") is None


def test_check_import_refuses_a_file_larger_than_5_mb(cast, application):
    upload = SimpleUploadedFile("values.xlsx", b"PK\x03\x04" + b"\x00" * (5 * 1024 * 1024))

    with pytest.raises(ValidationError) as raised:
        check_import(application=application, file=upload, by=cast.editor_a)

    assert raised.value.messages == ["The file is larger than 5 MB."]
    assert application.imports.count() == 0


# Apply ---------------------------------------------------------------------------------------------------------


def checked_run(cast, application, cells):
    return check_import(application=application, file=as_upload(fill(template(application), cells)), by=cast.editor_a)


def test_apply_import_saves_every_change_with_history_channel_import(cast, application):
    save(application, "CA-01", cast.editor_a, value="85")
    run = checked_run(cast, application, {"CA-01": {VALUE: 90, PERIOD: "2567"}, "CA-07": {VALUE: 3}})

    applied = apply_import(run=run, by=cast.signatory_a)

    assert (applied.status, applied.applied_at is not None) == (ImportStatus.APPLIED, True)
    assert (value_of(application, "CA-01").number, value_of(application, "CA-01").period) == (Decimal(90), "2567")
    assert value_of(application, "CA-07").level == 3
    history = ValueChange.objects.filter(application=application, channel=Channel.IMPORT).order_by("pk")
    assert [(c.indicator.code, c.field, c.old, c.new, c.changed_by) for c in history] == [
        ("CA-01", "number", "85", "90", cast.signatory_a),
        ("CA-01", "period", "", "2567", cast.signatory_a),
        ("CA-07", "level", "", "3", cast.signatory_a),
    ]


def test_apply_import_twice_applies_once(cast, application):
    run = checked_run(cast, application, {"CA-01": {VALUE: 90}})
    first = apply_import(run=run, by=cast.editor_a)

    second = apply_import(run=run, by=cast.editor_a)

    assert (second.pk, second.applied_at) == (first.pk, first.applied_at)
    assert ValueChange.objects.filter(application=application, channel=Channel.IMPORT).count() == 1
    assert value_of(application, "CA-01").version == 1


def test_apply_import_refuses_when_the_second_of_three_values_changed_after_the_check(cast, application):
    run = checked_run(cast, application, {"CA-01": {VALUE: 90}, "CA-02": {VALUE: 10}, "CA-03": {VALUE: 5}})
    save(application, "CA-02", cast.signatory_a, value="12")

    with pytest.raises(ValidationError) as raised:
        apply_import(run=run, by=cast.editor_a)

    assert raised.value.messages == [
        "Nothing was imported: CA-02 changed after this file was checked. Upload the file again to check it "
        "against the current values."
    ]
    assert (value_of(application, "CA-01"), value_of(application, "CA-03")) == (None, None)
    assert value_of(application, "CA-02").number == Decimal(12)
    assert ValueChange.objects.filter(application=application, channel=Channel.IMPORT).count() == 0
    run.refresh_from_db()
    assert (run.status, run.applied_at) == (ImportStatus.CHECKED, None)


def test_apply_import_rolls_everything_back_when_a_later_save_fails(cast, application):
    run = checked_run(cast, application, {"CA-01": {VALUE: 90}, "CA-02": {VALUE: 10}, "CA-03": {VALUE: 5}})
    # A change that fails inside save_value after the first two were saved (the file cannot produce it).
    run.changes[-1]["new"] = "not a number"
    run.save(update_fields=["changes"])

    with pytest.raises(ValidationError):
        apply_import(run=run, by=cast.editor_a)

    assert IndicatorValue.objects.filter(application=application).count() == 0
    assert ValueChange.objects.filter(application=application).count() == 0


def test_apply_import_refuses_a_run_with_errors(cast, application):
    run = checked_run(cast, application, {"CA-01": {VALUE: "abc"}, "CA-02": {VALUE: 10}})

    with pytest.raises(ValidationError) as raised:
        apply_import(run=run, by=cast.editor_a)

    assert raised.value.messages == [
        "This file has errors and cannot be applied. Correct the file and upload it again."
    ]
    assert value_of(application, "CA-02") is None


def test_apply_import_refuses_a_locked_application(cast, application):
    run = checked_run(cast, application, {"CA-01": {VALUE: 90}})
    Application.objects.filter(pk=application.pk).update(
        status=ApplicationStatus.SUBMITTED, submitted_at=dt.datetime(2099, 1, 1, tzinfo=ZoneInfo("Asia/Bangkok"))
    )

    with pytest.raises(ValidationError) as raised:
        apply_import(run=run, by=cast.editor_a)

    assert raised.value.messages == ["This application is submitted and locked."]
    assert value_of(application, "CA-01") is None

"""The Excel template completes a whole application offline (values and the rubric indicators' descriptions of what was
done), its errors name the indicator as well as the row, and applying it takes as many queries for one row as for
every row."""

import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from applications.enums import Channel, ImportStatus
from applications.imports import apply_import, check_import
from applications.models import IndicatorValue, ValueChange
from applications.selectors import applicable_indicators
from applications.services import start_application
from applications.spreadsheets.columns import COLUMNS
from indicators.enums import CyclePhase
from tests.factories.indicators import make_cycle

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

DEADLINE = dt.datetime(2099, 2, 26, 16, 30, tzinfo=ZoneInfo("Asia/Bangkok"))
VALUE, DESCRIPTION, PERIOD = (COLUMNS.index(key) + 1 for key in ("value", "description", "period"))
CA07_TH = "การใช้เชื้อเพลิงทางเลือกและการขนส่งที่ปล่อยมลพิษต่ำ"
CA07_EN = "Alternative fuels and low-emission transport measures"
DONE = "ใช้รถเก็บขยะไฟฟ้า 4 คัน และจัดเส้นทางจักรยานรอบเมือง 12 กิโลเมตร"


@pytest.fixture
def application(cast):
    cycle = make_cycle(code="esc-excel", phase=CyclePhase.CALL_OPEN, submission_deadline=DEADLINE)
    return start_application(
        cycle=cycle, municipality=cast.municipality_a, track="esc_award", category_code="", by=cast.editor_a
    )


def download(client, application, language):
    client.cookies["django_language"] = language
    response = client.get(reverse("applications:excel-template", args=[application.pk]))
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


def as_upload(workbook):
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("ค่าตัวชี้วัด.xlsx", buffer.getvalue())


def rows_by_code(sheet):
    return {sheet.cell(row=row, column=1).value: row for row in range(2, sheet.max_row + 1)}


def complete(workbook, application):
    """Fill every row as an officer would offline: a level and a description for rubric rows, a number otherwise."""
    sheet = workbook.worksheets[0]
    rows = rows_by_code(sheet)
    for indicator in applicable_indicators(application):
        row = rows[indicator.code]
        if indicator.value_type == "rubric":
            sheet.cell(row=row, column=VALUE, value=2)
            sheet.cell(row=row, column=DESCRIPTION, value=f"{indicator.code}: {DONE}")
        elif indicator.value_type == "yes_no":
            sheet.cell(row=row, column=VALUE, value="มี")
        elif indicator.value_type == "text":
            sheet.cell(row=row, column=VALUE, value="มีโครงการต่อเนื่องร่วมกับชุมชน")
        else:
            sheet.cell(row=row, column=VALUE, value=indicator.min_value or 0)
        sheet.cell(row=row, column=PERIOD, value="ปีงบประมาณ 2568")
    return workbook


def test_the_template_has_a_description_column_for_rubric_indicators_prefilled(client, cast, application):
    IndicatorValue.objects.create(
        application=application, indicator=applicable_indicators(application).get(code="CA-07"), level=3, text=DONE
    )
    client.force_login(cast.editor_a)

    thai = download(client, application, "th").worksheets[0]
    english = download(client, application, "en").worksheets[0]

    assert thai.cell(row=1, column=DESCRIPTION).value == "คำอธิบายสิ่งที่ดำเนินการ"
    assert english.cell(row=1, column=DESCRIPTION).value == "Description of what was done"
    row = rows_by_code(thai)["CA-07"]
    assert (thai.cell(row=row, column=VALUE).value, thai.cell(row=row, column=DESCRIPTION).value) == (3, DONE)
    # Only rubric rows invite a description (the input colour); a number row leaves the cell plain.
    fills = {code: thai.cell(row=r, column=DESCRIPTION).fill.fgColor.rgb for code, r in rows_by_code(thai).items()}
    assert fills["CA-07"].endswith("FFF9E5")
    assert not fills["CA-01"].endswith("FFF9E5")


def test_a_whole_application_completed_in_the_template_is_stored_with_its_descriptions(client, cast, application):
    client.force_login(cast.editor_a)
    workbook = complete(download(client, application, "th"), application)

    response = client.post(reverse("applications:excel-import", args=[application.pk]), {"file": as_upload(workbook)})
    run = application.imports.get()
    assert (response.status_code, run.status, run.errors) == (302, ImportStatus.CHECKED, [])
    client.post(reverse("applications:excel-import-apply", args=[application.pk, run.pk]))

    indicators = list(applicable_indicators(application))
    values = {value.indicator_id: value for value in IndicatorValue.objects.filter(application=application)}
    assert len(values) == len(indicators)
    rubric = [indicator for indicator in indicators if indicator.value_type == "rubric"]
    assert rubric, "the framework has rubric indicators"
    assert [(values[i.pk].level, values[i.pk].text) for i in rubric] == [(2, f"{i.code}: {DONE}") for i in rubric]
    assert all(value.period == "ปีงบประมาณ 2568" and value.is_answered for value in values.values())
    described = ValueChange.objects.filter(application=application, field="text", channel=Channel.IMPORT)
    assert sorted(described.values_list("indicator__code", "new")) == sorted(
        (i.code, f"{i.code}: {DONE}") for i in rubric
    )


def test_a_description_on_a_number_row_is_an_error_naming_the_indicator(cast, application):
    workbook = load_workbook(io.BytesIO(_template(application)))
    sheet = workbook.worksheets[0]
    row = rows_by_code(sheet)["CA-01"]
    sheet.cell(row=row, column=DESCRIPTION, value=DONE)

    with translation.override("en"):
        run = check_import(application=application, file=as_upload(workbook), by=cast.editor_a)

    assert [(e["row"], e["code"], e["column"]) for e in run.errors] == [(row, "CA-01", "description")]


def _template(application):
    from applications.spreadsheets.template import build_template

    return build_template(application, language="th")


@pytest.mark.parametrize(
    ("language", "name", "expected"),
    [
        ("th", CA07_TH, "โปรดเลือกระดับตั้งแต่ 0 ถึง 4"),
        ("en", CA07_EN, "Choose a level from 0 to 4."),
    ],
)
def test_an_invalid_value_gives_an_error_naming_code_name_and_row(client, cast, application, language, name, expected):
    client.force_login(cast.editor_a)
    workbook = download(client, application, language)
    row = rows_by_code(workbook.worksheets[0])["CA-07"]
    workbook.worksheets[0].cell(row=row, column=VALUE, value=9)

    response = client.post(reverse("applications:excel-import", args=[application.pk]), {"file": as_upload(workbook)})
    page = client.get(response["Location"])

    errors = page.context["errors"]
    assert [(error["row"], error["indicator"]) for error in errors] == [(row, f"CA-07 {name}")]
    body = page.content.decode()
    assert f"<td>{row}</td><td>CA-07 {name}</td>" in body
    assert errors[0]["message"] == expected


def _apply_queries(officer, application, codes):
    workbook = load_workbook(io.BytesIO(_template(application)))
    sheet = workbook.worksheets[0]
    rows = rows_by_code(sheet)
    for indicator in applicable_indicators(application).filter(code__in=codes):
        if indicator.value_type == "rubric":
            sheet.cell(row=rows[indicator.code], column=VALUE, value=1)
            sheet.cell(row=rows[indicator.code], column=DESCRIPTION, value=DONE)
        elif indicator.value_type in ("number", "percent", "count"):
            sheet.cell(row=rows[indicator.code], column=VALUE, value=indicator.min_value or 0)
        sheet.cell(row=rows[indicator.code], column=PERIOD, value="2568")
    run = check_import(application=application, file=as_upload(workbook), by=officer)
    assert run.errors == []
    with CaptureQueriesContext(connection) as queries:
        apply_import(run=run, by=officer)
    return len(queries), len(run.changes)


def test_applying_a_large_file_takes_as_many_queries_as_a_small_one(cast, application):
    other = start_application(
        cycle=application.cycle, municipality=cast.municipality_b, track="esc_award", category_code="", by=cast.editor_b
    )
    codes = list(applicable_indicators(application).values_list("code", flat=True))
    for each in (application, other):
        IndicatorValue.objects.create(
            application=each, indicator=applicable_indicators(each).get(code=codes[-1]), number=Decimal(1)
        )

    # Each file creates values and changes the one that exists: the small one for two rows, the large for every row.
    small, small_changes = _apply_queries(cast.editor_a, application, [codes[0], codes[-1]])
    large, large_changes = _apply_queries(cast.editor_b, other, codes)

    assert large_changes > 10 * small_changes
    assert large == small

import datetime as dt
import io
from decimal import Decimal
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from applications.enums import ApplicationStatus, Channel, ImportStatus
from applications.models import Application, ImportRun, IndicatorValue, ValueChange
from applications.services import start_application
from indicators.enums import CyclePhase
from tests.conftest import CAST_ROLES
from tests.factories.indicators import make_cycle

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

BANGKOK = ZoneInfo("Asia/Bangkok")
DEADLINE = dt.datetime(2099, 2, 26, 16, 30, tzinfo=BANGKOK)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LOGIN = "login"


@pytest.fixture
def application(cast):
    cycle = make_cycle(code="esc-excel", phase=CyclePhase.CALL_OPEN, submission_deadline=DEADLINE)
    return start_application(
        cycle=cycle, municipality=cast.municipality_a, track="esc_award", category_code="", by=cast.editor_a
    )


def download(client, application):
    response = client.get(reverse("applications:excel-template", args=[application.pk]))
    return load_workbook(io.BytesIO(response.content))


def as_upload(workbook, name="ค่าตัวชี้วัด.xlsx"):
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def filled_upload(client, application, values):
    """Download the template as the logged-in user, type values into the value column, return it as an upload."""
    workbook = download(client, application)
    sheet = workbook.worksheets[0]
    for row in range(2, sheet.max_row + 1):
        code = sheet.cell(row=row, column=1).value
        if code in values:
            sheet.cell(row=row, column=5, value=values[code])
    return as_upload(workbook)


def upload(client, application, file):
    return client.post(reverse("applications:excel-import", args=[application.pk]), {"file": file})


def make_run(application, by, **fields):
    defaults = {"name": "values.xlsx", "sha256": "0" * 64, "status": ImportStatus.CHECKED, "changes": [], "errors": []}
    return ImportRun.objects.create(application=application, created_by=by, **{**defaults, **fields})


def lock(application):
    Application.objects.filter(pk=application.pk).update(
        status=ApplicationStatus.SUBMITTED, submitted_at=dt.datetime(2099, 1, 1, tzinfo=BANGKOK)
    )


def test_template_download_is_an_xlsx_with_a_thai_file_name(client, cast, application):
    client.force_login(cast.editor_a)

    response = client.get(reverse("applications:excel-template", args=[application.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_TYPE
    thai_name = quote("ค่าตัวชี้วัด_เทศบาลนครยะลา_esc-excel.xlsx", safe="")
    assert response["Content-Disposition"] == f"attachment; filename*=utf-8''{thai_name}"
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [cell.value for cell in sheet[1]][:5] == ["รหัส", "ตัวชี้วัด", "หน่วย", "ค่าที่ยอมรับ", "ค่า"]


def test_template_download_follows_the_language_of_the_page(client, cast, application):
    client.force_login(cast.editor_a)
    client.cookies["django_language"] = "en"

    response = client.get(reverse("applications:excel-template", args=[application.pk]))

    assert response["Content-Disposition"] == 'attachment; filename="indicator-values_Yala_esc-excel.xlsx"'
    assert load_workbook(io.BytesIO(response.content)).sheetnames == ["Indicators", "Instructions", "_portal"]


def test_upload_shows_the_dry_run_and_apply_saves_the_values(client, cast, application):
    client.force_login(cast.editor_a)
    client.cookies["django_language"] = "en"
    file = filled_upload(client, application, {"CA-01": 90, "CA-07": 3})

    response = upload(client, application, file)

    run = application.imports.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("applications:excel-import-run", args=[application.pk, run.pk])
    page = client.get(response["Location"])
    assert [(c["code"], c["field"], c["old"], c["new"]) for c in page.context["changes"]] == [
        ("CA-01", "Value", "", "90"),
        ("CA-07", "Value", "", "3"),
    ]
    assert (page.context["errors"], page.context["can_apply"]) == ([], True)
    assert b'data-testid="apply-all"' in page.content

    applied = client.post(reverse("applications:excel-import-apply", args=[application.pk, run.pk]))

    assert applied["Location"] == reverse("applications:excel-import-run", args=[application.pk, run.pk])
    assert [str(message) for message in get_messages(applied.wsgi_request)] == ["Import applied: 2 changes saved."]
    assert IndicatorValue.objects.get(application=application, indicator__code="CA-01").number == Decimal(90)
    assert sorted(ValueChange.objects.filter(application=application).values_list("channel", flat=True)) == [
        Channel.IMPORT,
        Channel.IMPORT,
    ]
    run.refresh_from_db()
    assert run.status == ImportStatus.APPLIED


def test_run_page_lists_errors_with_row_and_column_and_offers_no_apply(client, cast, application):
    client.force_login(cast.editor_a)
    client.cookies["django_language"] = "en"
    upload(client, application, filled_upload(client, application, {"CA-01": "abc", "CA-02": 10}))
    run = application.imports.get()

    page = client.get(reverse("applications:excel-import-run", args=[application.pk, run.pk]))

    assert page.context["errors"] == [
        {
            "row": 2,
            "indicator": "CA-01 Days with good air quality (Thai AQI 0-50)",
            "column": "Value",
            "message": "Enter a number, e.g. 12.5",
        }
    ]
    assert page.context["can_apply"] is False
    assert b'data-testid="apply-all"' not in page.content


def test_applying_a_run_with_errors_shows_the_refusal(client, cast, application):
    client.force_login(cast.editor_a)
    client.cookies["django_language"] = "en"
    run = make_run(application, cast.editor_a, errors=[{"row": 2, "column": "value", "message": "Enter a number"}])

    response = client.post(reverse("applications:excel-import-apply", args=[application.pk, run.pk]))

    assert response.status_code == 302
    assert [str(message) for message in get_messages(response.wsgi_request)] == [
        "This file has errors and cannot be applied. Correct the file and upload it again."
    ]


def test_a_png_renamed_xlsx_is_refused_on_the_run_page(client, cast, application):
    client.force_login(cast.editor_a)
    client.cookies["django_language"] = "en"

    response = upload(client, application, SimpleUploadedFile("values.xlsx", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32))

    run = application.imports.get()
    assert run.status == ImportStatus.REFUSED
    assert not run.file  # a refused file is not kept on disk
    page = client.get(response["Location"])
    assert b'data-testid="run-refused"' in page.content
    assert page.context["can_apply"] is False


def test_an_upload_without_a_file_shows_the_form_again(client, cast, application):
    client.force_login(cast.editor_a)

    response = client.post(reverse("applications:excel-import", args=[application.pk]), {})

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["file"]
    assert application.imports.count() == 0


def test_import_page_shows_the_history_of_imports(client, cast, application):
    make_run(application, cast.editor_a, name="รอบแรก.xlsx", changes=[{"code": "CA-01"}, {"code": "CA-02"}])
    client.force_login(cast.signatory_a)
    client.cookies["django_language"] = "en"

    response = client.get(reverse("applications:excel-import", args=[application.pk]))

    assert response.status_code == 200
    assert [(run.name, run.created_by, len(run.changes)) for run in response.context["runs"]] == [
        ("รอบแรก.xlsx", cast.editor_a, 2)
    ]
    assert response.context["can_edit"] is True
    assert "รอบแรก.xlsx" in response.content.decode()


@pytest.mark.parametrize("run_count", [1, 3])
def test_import_page_query_count_is_constant(client, cast, application, run_count, django_assert_num_queries):
    for index in range(run_count):
        make_run(application, cast.editor_a, name=f"{index}.xlsx")
    client.force_login(cast.editor_a)

    with django_assert_num_queries(8):  # the header's unread notifications count is one of them
        response = client.get(reverse("applications:excel-import", args=[application.pk]))

    assert response.status_code == 200


# Permissions ---------------------------------------------------------------------------------------------------

# Per role, in CAST_ROLES order: anonymous, editor_a, editor_b, signatory_a, reviewer, admin.
# Reviewers see no drafts (404); admins see every application but do not edit municipalities' values (403).
DRAFT_MATRIX = {
    ("get", "excel-template"): (LOGIN, 200, 404, 200, 404, 200),
    ("get", "excel-import"): (LOGIN, 200, 404, 200, 404, 200),
    ("post", "excel-import"): (LOGIN, 302, 404, 302, 404, 403),
    ("get", "excel-import-run"): (LOGIN, 200, 404, 200, 404, 200),
    ("post", "excel-import-apply"): (LOGIN, 302, 404, 302, 404, 403),
}
# Once submitted, reviewers read the template and the history; nobody imports.
# Reviewers see a submitted application only once assigned to it (none is, here): 404.
SUBMITTED_MATRIX = {
    ("get", "excel-template"): (LOGIN, 200, 404, 200, 404, 200),
    ("get", "excel-import"): (LOGIN, 200, 404, 200, 404, 200),
    ("post", "excel-import"): (LOGIN, 403, 404, 403, 404, 403),
    ("get", "excel-import-run"): (LOGIN, 200, 404, 200, 404, 200),
    ("post", "excel-import-apply"): (LOGIN, 403, 404, 403, 404, 403),
}


def request_as(client, cast, role, method, name, application, run):
    user = cast.by_name(role)
    if user is not None:
        client.force_login(user)
    args = [application.pk, run.pk] if name in {"excel-import-run", "excel-import-apply"} else [application.pk]
    url = reverse(f"applications:{name}", args=args)
    data = {"file": SimpleUploadedFile("values.xlsx", b"not an excel file")} if name == "excel-import" else {}
    return getattr(client, method)(url, data)


def expected_status(response, expected):
    if expected == LOGIN:
        return response.status_code == 302 and response["Location"].startswith(reverse("login"))
    return response.status_code == expected


@pytest.mark.parametrize("role", CAST_ROLES)
@pytest.mark.parametrize(("method", "name"), list(DRAFT_MATRIX))
def test_excel_pages_on_a_draft_follow_scope_and_edit_rights(client, cast, application, role, method, name):
    run = make_run(application, cast.editor_a)

    response = request_as(client, cast, role, method, name, application, run)

    expected = DRAFT_MATRIX[method, name][CAST_ROLES.index(role)]
    assert expected_status(response, expected), (response.status_code, expected)


@pytest.mark.parametrize("role", CAST_ROLES)
@pytest.mark.parametrize(("method", "name"), list(SUBMITTED_MATRIX))
def test_excel_pages_on_a_submitted_application_are_read_only(client, cast, application, role, method, name):
    run = make_run(application, cast.editor_a)
    lock(application)

    response = request_as(client, cast, role, method, name, application, run)

    expected = SUBMITTED_MATRIX[method, name][CAST_ROLES.index(role)]
    assert expected_status(response, expected), (response.status_code, expected)
    assert application.imports.count() == 1


def test_a_run_of_another_application_is_404(client, cast, application):
    other = start_application(
        cycle=application.cycle, municipality=cast.municipality_b, track="esc_award", category_code="", by=cast.editor_b
    )
    run = make_run(other, cast.editor_b)
    client.force_login(cast.editor_a)

    response = client.get(reverse("applications:excel-import-run", args=[application.pk, run.pk]))

    assert response.status_code == 404

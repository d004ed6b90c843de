import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from applications.enums import ApplicationStatus
from applications.models import Application, IndicatorValue
from applications.selectors import application_sections
from applications.services import save_value
from indicators.enums import CyclePhase
from tests.e2e.conftest import SCREENSHOTS
from tests.factories.indicators import make_cycle
from tests.factories.portal import TEST_PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
# Thai msgstr in locale/th/LC_MESSAGES/django.po of "The value must be from {low} to {high}.", "Not saved",
# "Saved %(time)s" and "All changes are saved".
OUT_OF_RANGE = "ค่าต้องอยู่ระหว่าง 0 ถึง 366"
NOT_SAVED = "ยังไม่บันทึก"
SAVED_AT = re.compile(r"^บันทึกแล้ว \d\d:\d\d$")
ALL_SAVED = "บันทึกทุกรายการแล้ว"
# Values typed into the Excel template: the Clean Water section.
EXCEL_VALUES = {
    "CW-01": 98,
    "CW-02": 91.5,
    "CW-03": 40,
    "CW-04": 88,
    "CW-05": 75,
    "CW-06": 99,
    "CW-07": 180,
    "CW-08": 1,
    "CW-09": 22,
}


def log_in(page, url, user):
    page.goto(f"{url}/accounts/login/")
    page.get_by_label("อีเมล").fill(user.email)
    page.get_by_label("รหัสผ่าน").fill(TEST_PASSWORD)
    page.get_by_role("button", name="เข้าสู่ระบบ").click()
    expect(page.get_by_test_id("home-heading")).to_be_visible()


def shoot(page, name):
    """The `screenshot` fixture only knows the editor's page; the signatory's context gets the same treatment."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def status(page, code):
    return page.locator(f"#status-{code}")


def fill_and_wait(page, selector, text, status_selector):
    page.locator(selector).fill(text)
    page.locator(selector).press("Tab")
    expect(page.locator(status_selector)).to_have_attribute("data-state", "saved")


def upload_pdf(page, code, tmp_path):
    path = tmp_path / f"หลักฐาน-{code}.pdf"
    path.write_bytes(PDF_BYTES)
    evidence = page.locator(f"#evidence-{code}")
    evidence.locator("input[type=file]").set_input_files(path)
    evidence.locator("button[type=submit]").click()
    expect(evidence.get_by_role("link", name=f"หลักฐาน-{code}.pdf")).to_be_visible()


def fill_the_rest(application, by):
    """The bulk of the indicators, straight through the service: the browser part above covers each value type."""
    for section in application_sections(application):
        for row in section.rows:
            if row.value is None or not row.value.is_answered:
                raw = "1" if row.indicator.value_type == "rubric" else "5"
                save_value(
                    application=application,
                    indicator=row.indicator,
                    by=by,
                    changes={"value": raw, "source": "ทดสอบ"},
                    expected_version=None,
                )


def start_as_editor(page, url, cast, screenshot):
    log_in(page, url, cast.editor_a)
    page.goto(f"{url}/applications/")
    screenshot("application-01-list")
    page.locator("form[action*='/start/esc-e2e/'] button[type=submit]").click()
    application = Application.objects.get(municipality=cast.municipality_a)
    expect(page).to_have_url(f"{url}/applications/{application.pk}/")
    expect(page.locator("html")).to_have_attribute("lang", "th")
    return application


def fill_profile(page, application, screenshot):
    page.locator("a.section-link[href='?section=profile']").click()
    fill_and_wait(page, "#profile-population", "46,100", "#status-profile-population")
    fill_and_wait(page, "#profile-population_year", "2568", "#status-profile-population_year")
    fill_and_wait(page, "#profile-households", "18,250", "#status-profile-households")
    fill_and_wait(page, "#profile-area_km2", "19.32", "#status-profile-area_km2")
    fill_and_wait(page, "#profile-national_certificate", "ระดับดีเด่น ปี 2566", "#status-profile-national_certificate")
    screenshot("application-02-profile")
    application.refresh_from_db()
    assert (application.population, application.population_year, application.households, application.area_km2) == (
        46_100,
        2025,
        18_250,
        Decimal("19.32"),
    )


def correct_an_out_of_range_value(page, application, screenshot):
    page.locator("a.section-link[href='?section=CA']").click()
    expect(page.locator("article.indicator-card")).to_have_count(10)
    page.locator("#value-CA-02").fill("400")
    page.locator("#value-CA-02").press("Tab")
    expect(status(page, "CA-02")).to_have_attribute("data-state", "invalid")
    expect(page.locator("#messages-CA-02 [role=alert]")).to_have_text(OUT_OF_RANGE)
    expect(status(page, "CA-02").locator(".when-idle")).to_have_text(NOT_SAVED)
    expect(page.get_by_test_id("page-status")).to_have_attribute("data-state", "problem")
    screenshot("application-03-invalid")
    assert IndicatorValue.objects.filter(application=application).count() == 0

    page.locator("#value-CA-02").fill("24")
    page.locator("#value-CA-02").press("Tab")
    expect(status(page, "CA-02")).to_have_attribute("data-state", "saved")
    expect(status(page, "CA-02").locator(".when-idle")).to_have_text(SAVED_AT)
    expect(page.locator("#messages-CA-02")).to_have_text("")
    expect(page.get_by_test_id("page-status")).to_have_text(ALL_SAVED)


def fill_each_value_type(page, application, screenshot, tmp_path):
    """Percent, count (CA-02 above), number, and a rubric level with its description; evidence for CA-01/02."""
    fill_and_wait(page, "#value-CA-01", "๘๗.๕", "#status-CA-01")
    fill_and_wait(page, "#value-CA-04", "21.4", "#status-CA-04")
    page.locator("#value-CA-07-1").check()
    expect(status(page, "CA-07")).to_have_attribute("data-state", "saved")
    fill_and_wait(page, "#text-CA-07", "ตรวจวัดควันดำรถเมล์ทุกไตรมาส", "#status-CA-07")
    upload_pdf(page, "CA-01", tmp_path)
    upload_pdf(page, "CA-02", tmp_path)
    expect(page.get_by_test_id("progress-text")).to_have_text("4 / 34")
    screenshot("application-04-clean-air")
    assert {v.indicator.code: v.display for v in application.values.select_related("indicator")} == {
        "CA-01": "87.5",
        "CA-02": "24",
        "CA-04": "21.4",
        "CA-07": "1",
    }
    assert application.values.get(indicator__code="CA-07").text == "ตรวจวัดควันดำรถเมล์ทุกไตรมาส"
    assert list(application.evidence.order_by("indicator__code").values_list("indicator__code", "name")) == [
        ("CA-01", "หลักฐาน-CA-01.pdf"),
        ("CA-02", "หลักฐาน-CA-02.pdf"),
    ]


def import_clean_water_from_excel(page, application, screenshot, tmp_path):
    page.locator(f"a[href='/applications/{application.pk}/excel/import/']").click()
    with page.expect_download() as download:
        page.get_by_test_id("download-template").click()
    template = tmp_path / download.value.suggested_filename
    download.value.save_as(template)
    assert template.name == "ค่าตัวชี้วัด_เทศบาลนครยะลา_esc-e2e.xlsx"
    workbook = load_workbook(template)
    sheet = workbook.worksheets[0]
    for row in range(2, sheet.max_row + 1):
        code = sheet.cell(row=row, column=1).value
        if code in EXCEL_VALUES:
            sheet.cell(row=row, column=5, value=EXCEL_VALUES[code])
    filled = tmp_path / "ค่าตัวชี้วัด-กรอกแล้ว.xlsx"
    workbook.save(filled)

    page.locator("input[type=file][name=file]").set_input_files(filled)
    page.locator("form[enctype='multipart/form-data'] button[type=submit]").click()
    expect(page.get_by_test_id("run-changes").locator("tbody tr")).to_have_count(len(EXCEL_VALUES))
    screenshot("application-05-excel-check")
    page.get_by_test_id("apply-all").click()
    expect(page.get_by_test_id("run-applied")).to_be_visible()
    screenshot("application-06-excel-applied")
    assert {
        v.indicator.code: v.display
        for v in application.values.filter(indicator__code__startswith="CW-").select_related("indicator")
    } == {code: str(value) for code, value in EXCEL_VALUES.items()}


def submit_as_signatory(signatory, url, application, cast):
    log_in(signatory, url, cast.signatory_a)
    signatory.goto(f"{url}/applications/{application.pk}/")
    signatory.locator(f"header a[href='/applications/{application.pk}/submit/']").click()
    expect(signatory.get_by_test_id("submit-button")).to_be_visible()
    expect(signatory.get_by_test_id("blocking")).to_have_count(0)
    shoot(signatory, "application-08-review")
    signatory.get_by_test_id("submit-button").click()

    expect(signatory.get_by_test_id("receipt-heading")).to_be_visible()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert re.fullmatch(r"[0-9a-f]{64}", application.receipt_sha256)
    expect(signatory.get_by_test_id("receipt-digest")).to_have_text(application.receipt_sha256)
    shoot(signatory, "application-09-receipt")
    signatory.locator(f"main a[href='/applications/{application.pk}/']").click()
    expect(signatory.get_by_test_id("locked-notice")).to_be_visible()
    expect(signatory.locator("form.autosave")).to_have_count(0)
    shoot(signatory, "application-10-locked")


def test_editor_fills_in_and_signatory_submits(
    live_server, page, browser, browser_context_args, cast, screenshot, tmp_path
):
    make_cycle(code="esc-e2e", phase=CyclePhase.CALL_OPEN, submission_deadline=timezone.now() + timedelta(days=30))

    application = start_as_editor(page, live_server.url, cast, screenshot)
    fill_profile(page, application, screenshot)
    correct_an_out_of_range_value(page, application, screenshot)
    fill_each_value_type(page, application, screenshot, tmp_path)
    import_clean_water_from_excel(page, application, screenshot, tmp_path)
    fill_the_rest(application, cast.editor_a)
    page.goto(f"{live_server.url}/applications/{application.pk}/?section=GOV")
    expect(page.get_by_test_id("progress-text")).to_have_text("34 / 34")
    expect(page.locator("#overall-progress")).to_have_attribute("aria-valuenow", "100")
    expect(page.locator("#overall-progress .progress-bar")).to_have_text("100%")
    screenshot("application-07-complete")

    context = browser.new_context(**browser_context_args)
    submit_as_signatory(context.new_page(), live_server.url, application, cast)
    context.close()

    assert [message.to for message in mail.outbox] == [
        [email] for email in sorted([cast.editor_a.email, cast.signatory_a.email])
    ]
    page.reload()
    expect(page.get_by_test_id("locked-notice")).to_be_visible()
    screenshot("application-11-locked-editor")

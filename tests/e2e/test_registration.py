import io
from pathlib import Path

import pytest
from django.core import mail
from playwright.sync_api import Page, expect
from pypdf import PdfWriter

from portal.municipality_data import read_municipality_rows
from portal.services_municipalities import load_municipalities
from tests.e2e.conftest import SCREENSHOTS
from tests.factories.portal import TEST_PASSWORD, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

OFFICER_EMAIL = "somsri@yala.go.th"
OFFICER_PASSWORD = "mangosteen-harvest-2569"


@pytest.fixture
def letter_pdf(tmp_path) -> Path:
    """A real one-page PDF, as a scanned authorisation letter would be."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    path = tmp_path / "หนังสือมอบอำนาจ.pdf"
    path.write_bytes(buffer.getvalue())
    return path


def shoot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def log_in(page: Page, base_url: str, email: str, password: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("อีเมล").fill(email)
    page.get_by_label("รหัสผ่าน").fill(password)
    page.get_by_role("button", name="เข้าสู่ระบบ").click()


def test_officer_registers_confirms_and_is_approved(live_server, page, browser, screenshot, letter_pdf):
    load_municipalities(rows=read_municipality_rows())
    admin = UserFactory(admin=True, email="admin@onep.go.th", full_name="ผู้ดูแลระบบ")

    # The officer fills in the form, picking the municipality from the htmx list.
    page.goto(f"{live_server.url}/register/")
    screenshot("registration-01-form")
    page.get_by_role("combobox").press_sequentially("ยะลา", delay=50)
    option = page.locator(".municipality-option").first
    expect(option).to_contain_text("เทศบาลนครยะลา")
    screenshot("registration-02-municipality-options")
    option.click()
    expect(page.locator("input[name=municipality_code]")).to_have_value("9599")
    page.locator("input[name=requested_role][value=signatory]").check()
    page.locator("#id_full_name").fill("สมศรี ใจดี")
    page.locator("#id_position").fill("ปลัดเทศบาล")
    page.locator("#id_email").fill(OFFICER_EMAIL)
    page.locator("#id_phone").fill("073 212 345")
    page.locator("#id_password").fill(OFFICER_PASSWORD)
    page.locator("#id_authorisation_letter").set_input_files(letter_pdf)
    screenshot("registration-03-filled")
    page.locator("main form button[type=submit]").click()

    expect(page).to_have_url(f"{live_server.url}/register/sent/")
    expect(page.locator("main")).to_contain_text(OFFICER_EMAIL)
    screenshot("registration-04-check-your-email")

    # The e-mail left from the live server's thread of this process, into the shared locmem outbox.
    assert [message.to for message in mail.outbox] == [[OFFICER_EMAIL]]
    [link] = [line for line in mail.outbox[0].body.splitlines() if line.startswith(live_server.url)]
    page.goto(link)
    expect(page.get_by_test_id("verified-heading")).to_be_visible()
    screenshot("registration-05-verified")
    assert [message.to for message in mail.outbox] == [[OFFICER_EMAIL], [admin.email]]

    # An administrator, in a browser of their own, approves the request.
    admin_context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 800})
    admin_page = admin_context.new_page()
    log_in(admin_page, live_server.url, admin.email, TEST_PASSWORD)
    expect(admin_page.get_by_test_id("pending-registrations")).to_have_text("1")
    admin_page.locator("a.nav-link[href='/manage/registrations/']").click()
    admin_page.get_by_role("link", name="สมศรี ใจดี").click()
    preview = admin_page.locator("iframe.letter-preview")
    expect(preview).to_be_visible()
    expect(admin_page.locator("main")).to_contain_text("หนังสือมอบอำนาจ.pdf")
    admin_page.wait_for_timeout(1000)
    shoot(admin_page, "registration-06-admin-request")
    admin_page.locator("form[action$='/approve/'] button[type=submit]").click()
    expect(admin_page.locator(".messages")).to_contain_text("สมศรี ใจดี")
    shoot(admin_page, "registration-07-admin-approved")
    admin_context.close()
    assert [message.to for message in mail.outbox][-1] == [OFFICER_EMAIL]

    # The officer logs in with the password chosen at registration and sees their municipality.
    log_in(page, live_server.url, OFFICER_EMAIL, OFFICER_PASSWORD)

    expect(page.get_by_test_id("municipality-name")).to_have_text("เทศบาลนครยะลา")
    expect(page.get_by_test_id("signed-in-as")).to_contain_text("สมศรี ใจดี")
    screenshot("registration-08-officer-home")


def test_picking_a_municipality_closes_the_list(live_server, page, screenshot):
    load_municipalities(rows=read_municipality_rows())
    page.goto(f"{live_server.url}/register/")
    page.get_by_role("combobox").press_sequentially("ยะลา", delay=50)
    page.locator(".municipality-option").first.click()

    page.wait_for_load_state("networkidle")

    screenshot("registration-picker-after-pick")
    expect(page.locator("#municipality-results")).to_be_empty(timeout=1000)


def test_admin_pages_fit_a_1280_pixel_window(live_server, page, screenshot):
    admin = UserFactory(admin=True, email="admin@onep.go.th", full_name="วิภา รักษ์โลก")
    log_in(page, live_server.url, admin.email, TEST_PASSWORD)
    expect(page.get_by_test_id("home-heading")).to_be_visible()

    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")

    screenshot("registration-admin-navbar")
    assert overflow == 0

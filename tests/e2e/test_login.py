import pytest
from playwright.sync_api import expect

from tests.factories.portal import TEST_PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("role", "heading"),
    [
        ("editor_a", "แดชบอร์ดเทศบาล"),
        ("signatory_a", "แดชบอร์ดเทศบาล"),
        ("reviewer", "พื้นที่ทำงานผู้ตรวจประเมิน"),
        ("admin", "การบริหารจัดการ"),
    ],
)
def test_each_role_logs_in_and_sees_its_home_page_in_thai(live_server, page, cast, screenshot, role, heading):
    user = cast.by_name(role)
    page.goto(f"{live_server.url}/")

    page.get_by_label("อีเมล").fill(user.email)
    page.get_by_label("รหัสผ่าน").fill(TEST_PASSWORD)
    page.get_by_role("button", name="เข้าสู่ระบบ").click()

    expect(page.get_by_test_id("home-heading")).to_have_text(heading)
    expect(page.locator("html")).to_have_attribute("lang", "th")
    expect(page.get_by_test_id("signed-in-as")).to_contain_text(user.full_name)
    screenshot(f"home-{role}")


def test_language_switch_goes_to_english_and_stays_there(live_server, page, cast):
    page.goto(f"{live_server.url}/accounts/login/")

    page.get_by_test_id("switch-language").click()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    page.get_by_label("E-mail address").fill(cast.admin.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()

    expect(page.get_by_test_id("home-heading")).to_have_text("Administration")
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_keyboard_user_can_skip_to_main_content(live_server, page):
    page.goto(f"{live_server.url}/accounts/password-reset/")

    page.keyboard.press("Tab")

    skip = page.get_by_role("link", name="ข้ามไปยังเนื้อหาหลัก")
    expect(skip).to_be_focused()
    skip.press("Enter")
    expect(page.locator("main")).to_be_focused()

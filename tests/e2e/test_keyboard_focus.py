"""Keyboard users never lose their place: Enter moves on in the application form, and after a verdict or a score
is saved on the review sheet (the row is redrawn), focus goes to the next item."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from applications.models import Application, IndicatorValue
from applications.services import start_application
from indicators.enums import CyclePhase, Track
from portal.municipality_data import read_municipality_rows
from portal.services_municipalities import load_municipalities
from reviews.enums import VerificationStatus
from reviews.models import RubricScore, ValueReview
from tests.e2e.test_review_workflow import log_in, submitted_application
from tests.factories.indicators import make_cycle

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _focused_page(page):
    """These tests read where focus is: their tab must be the browser's focused one (other tests leave tabs open)."""
    page.bring_to_front()


def focused_id(page: Page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def draft(cast) -> Application:
    cycle = make_cycle(code="esc-kb", phase=CyclePhase.CALL_OPEN, submission_deadline=timezone.now() + timedelta(9))
    return start_application(
        cycle=cycle, municipality=cast.municipality_a, track=Track.ESC_AWARD, category_code="", by=cast.editor_a
    )


def test_enter_in_a_value_saves_it_and_moves_to_the_next_field(live_server, page, cast):
    application = draft(cast)
    log_in(page, live_server.url, cast.editor_a)
    page.goto(f"{live_server.url}/applications/{application.pk}/?section=CA")

    page.locator("#value-CA-01").fill("85")
    page.locator("#value-CA-01").press("Enter")

    expect(page.locator("#period-CA-01")).to_be_focused()
    expect(page.locator("#status-CA-01")).to_have_attribute("data-state", "saved")
    assert IndicatorValue.objects.get(application=application, indicator__code="CA-01").number == Decimal(85)

    # Through the rest of CA-01's fields to the next indicator's value.
    for field in ("period", "source"):
        page.locator(f"#{field}-CA-01").press("Enter")
    expect(page.locator("#comment-CA-01")).to_be_focused()
    # CA-02's value is the next field after CA-01's comment and evidence.
    page.locator("#source-CA-02").focus()
    page.locator("#source-CA-02").press("Enter")
    expect(page.locator("#comment-CA-02")).to_be_focused()
    assert focused_id(page) == "comment-CA-02"


def test_enter_in_a_profile_field_saves_without_reloading_the_page(live_server, page, cast):
    application = draft(cast)
    log_in(page, live_server.url, cast.editor_a)
    url = f"{live_server.url}/applications/{application.pk}/?section=profile"
    page.goto(url)

    page.locator("#profile-population").fill("46100")
    page.locator("#profile-population").press("Enter")

    expect(page.locator("#profile-population_year")).to_be_focused()
    expect(page.locator("#status-profile-population")).to_have_attribute("data-state", "saved")
    assert page.url == url  # the browser did not send the form itself
    application.refresh_from_db()
    assert application.population == 46100


def test_after_a_verdict_focus_goes_to_the_next_item(live_server, page, cast):
    application = submitted_application(cast)
    log_in(page, live_server.url, cast.reviewer)
    page.goto(f"{live_server.url}/review/applications/{application.pk}/")
    rows = page.locator(".review-row")
    first, second = rows.nth(0), rows.nth(1)
    first_code, second_code = first.get_attribute("data-code"), second.get_attribute("data-code")

    first.get_by_test_id("verify").focus()
    page.keyboard.press("Enter")

    expect(page.locator(f"#row-{first_code}")).to_have_attribute("data-verdict", "verified")
    expect(page.locator(f"#row-{second_code}").get_by_test_id("verify")).to_be_focused()
    assert ValueReview.objects.get(indicator__code=first_code, reviewer=cast.reviewer).status == (
        VerificationStatus.VERIFIED
    )


def test_after_a_rubric_score_focus_goes_to_the_next_item(live_server, page, cast):
    application = submitted_application(cast)
    log_in(page, live_server.url, cast.reviewer)
    page.goto(f"{live_server.url}/review/applications/{application.pk}/")
    rubric = page.locator(".review-row:has(.rubric-form)").first
    code = rubric.get_attribute("data-code")
    codes = page.locator(".review-row").evaluate_all("rows => rows.map(row => row.dataset.code)")
    following = codes[codes.index(code) + 1]

    rubric.locator("input[name=points][value='3']").check()
    rubric.get_by_role("button", name="บันทึกคะแนน").press("Enter")

    expect(page.locator(f"#row-{code}")).to_have_attribute("data-score", "3")
    next_row = page.locator(f"#row-{following}")
    expect(next_row.locator("[data-testid=verify], .rubric-form input[type=radio]").first).to_be_focused()
    assert RubricScore.objects.get(indicator__code=code, reviewer=cast.reviewer).points == 3


def test_a_refused_correction_keeps_focus_on_the_field_to_fix(live_server, page, cast):
    application = submitted_application(cast)
    log_in(page, live_server.url, cast.reviewer)
    page.goto(f"{live_server.url}/review/applications/{application.pk}/")
    row = page.locator("#row-CA-02")

    row.locator("label[for='mode-CA-02-correct']").click()
    row.locator("#corrected-CA-02").fill("10")
    row.get_by_role("button", name="บันทึกการแก้ไข").click()  # no reason given

    expect(page.locator("#row-CA-02 [data-testid=reason-error]")).to_be_visible()
    expect(page.locator("#reason-CA-02")).to_be_focused()


def test_the_municipality_picker_works_with_the_arrow_keys(live_server, page):
    load_municipalities(rows=read_municipality_rows())
    page.goto(f"{live_server.url}/register/")
    combobox = page.get_by_role("combobox")
    combobox.press_sequentially("ยะลา", delay=50)
    options = page.locator(".municipality-option")
    expect(options.first).to_be_visible()

    combobox.press("ArrowDown")
    expect(options.nth(0)).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(options.nth(1)).to_be_focused()
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    expect(combobox).to_be_focused()
    combobox.press("ArrowDown")
    page.keyboard.press("Enter")

    expect(combobox).to_be_focused()
    expect(combobox).to_have_attribute("aria-expanded", "false")
    expect(page.locator("input[name=municipality_code]")).to_have_value("9599")

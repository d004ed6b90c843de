"""Browser story of results publication: an admin publishes a decided cycle's results from its page, through the
confirmation page; a visitor without an account then reads the nominees on the public results page in Thai and,
after switching language, in English (English municipality names, years AD); the municipality's officer then opens
its feedback report from its application's scores."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from applications.models import Application
from indicators.enums import CyclePhase
from indicators.models import AwardCycle
from reviews.enums import DecisionOutcome
from scoring.services import execute_run, request_cycle_rescore
from tests.e2e.test_review_workflow import log_in, shoot
from tests.factories.indicators import make_cycle
from tests.reviews.test_exports import decide_on, submitted

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Thai msgstr in locale/th/LC_MESSAGES/django.po of the strings the story reads.
PUBLIC_RESULTS_PAGE = "หน้าผลการประกวดสาธารณะ"  # Public results page
CYCLE_NAME_TH, CYCLE_NAME_EN = "รอบทดสอบ", "Test cycle"  # make_cycle's names
CEREMONY = dt.date(2027, 10, 28)  # the ASEAN award ceremony, on the results page's timeline


def decided_cycle(cast) -> AwardCycle:
    """Yala nominated for the ESC Award and Hat Yai for Clean Air, scored; the cycle at the national decision."""
    cycle = make_cycle(
        code="esc-publish",
        phase=CyclePhase.CALL_OPEN,
        submission_deadline=timezone.now() + dt.timedelta(days=30),
        completeness_minimum=Decimal("0"),
        asean_ceremony_on=CEREMONY,
    )
    yala = submitted(cycle, cast.municipality_a, track="esc_award", category="", values={"CA-05": "90"})
    hat_yai = submitted(cycle, cast.municipality_b, values={"CA-05": "80"})
    decide_on([yala, hat_yai], cast.admin, outcome=DecisionOutcome.NOMINATED)
    execute_run(request_cycle_rescore(cycle=cycle, reason="e2e").pk)
    AwardCycle.objects.filter(pk=cycle.pk).update(phase=CyclePhase.NATIONAL_DECISION)
    return cycle


def nominee_names(page: Page) -> list[str]:
    return [text.strip() for text in page.get_by_test_id("nominee-row").locator("th").all_inner_texts()]


def test_admin_publishes_the_results_and_a_visitor_reads_them_in_thai_then_english(page: Page, live_server, cast):
    cycle = decided_cycle(cast)
    log_in(page, live_server.url, cast.admin)

    # The admin publishes from the cycle page, through the confirmation page.
    page.goto(live_server.url + reverse("indicators:cycle-detail", kwargs={"code": cycle.code}))
    page.get_by_test_id("publish-results").click()
    page.get_by_test_id("confirm-publish").click()
    expect(page.get_by_test_id("results-published")).to_be_visible()
    expect(page.get_by_role("link", name=PUBLIC_RESULTS_PAGE)).to_be_visible()
    assert AwardCycle.objects.get(pk=cycle.pk).results_published_at is not None

    # A visitor without an account finds the cycle among the published results, in Thai.
    page.context.clear_cookies()
    page.goto(live_server.url + reverse("reviews:results-list"))
    page.get_by_role("link", name=CYCLE_NAME_TH).click()
    expect(page.get_by_test_id("results-title")).to_contain_text(CYCLE_NAME_TH)
    expect(page.locator("html")).to_have_attribute("lang", "th")
    expect(page.get_by_test_id("nominee-row")).to_have_count(2)
    assert nominee_names(page) == ["เทศบาลนครยะลา", "เทศบาลนครหาดใหญ่"]
    expect(page.locator('[data-date="asean_ceremony_on"]')).to_have_text("28 ต.ค. 2570")  # Buddhist Era
    shoot(page, "results-public-th")

    # After switching language: English names, years AD.
    page.get_by_test_id("switch-language").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_test_id("results-title")).to_contain_text(CYCLE_NAME_EN)
    expect(page.get_by_test_id("nominee-row")).to_have_count(2)
    assert nominee_names(page) == ["Yala City Municipality", "Hat Yai City Municipality"]
    expect(page.locator('[data-date="asean_ceremony_on"]')).to_have_text("28 Oct 2027")
    expect(page.locator("main")).not_to_contain_text("2570")
    shoot(page, "results-public-en")

    # The municipality's officer opens the application and, from its scores, the feedback report with its PDFs.
    page.context.clear_cookies()
    log_in(page, live_server.url, cast.editor_a)
    yala = Application.objects.get(cycle=cycle, municipality=cast.municipality_a)
    page.goto(live_server.url + reverse("applications:detail", args=[yala.pk]))
    page.get_by_test_id("feedback-link").click()
    expect(page).to_have_url(live_server.url + reverse("scoring:feedback", args=[yala.pk]))
    expect(page.get_by_test_id("feedback-total")).to_be_visible()
    expect(page.get_by_test_id("feedback-pdf-th")).to_be_visible()
    expect(page.get_by_test_id("feedback-pdf-en")).to_be_visible()
    shoot(page, "feedback-report-th")

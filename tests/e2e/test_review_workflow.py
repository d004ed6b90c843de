"""Browser story of the review workflow: a reviewer scores a rubric indicator and queries a value, the municipality's
officer answers with a corrected value, the reviewer closes the question, and an administrator shortlists."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from applications.enums import ApplicationStatus, Channel, ClarificationStatus
from applications.models import Application, ClarificationRequest, IndicatorValue, ValueChange
from applications.selectors import application_sections
from applications.services import save_value, start_application
from indicators.enums import CyclePhase, Track
from reviews.enums import DecisionOutcome, DecisionRound
from reviews.models import Decision, RubricScore
from reviews.services_assignments import assign_reviewers
from scoring.enums import RunStatus
from scoring.models import ApplicationScore, ScoreRun
from scoring.services import execute_run
from tests.e2e.conftest import SCREENSHOTS
from tests.factories.indicators import make_cycle
from tests.factories.portal import TEST_PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MUNICIPALITY = "เทศบาลนครยะลา"
CYCLE_NAME = "รอบทดสอบ"  # make_cycle's name_th
GOV_01_TEXT = "แผนสิ่งแวดล้อมเทศบาลนครยะลา พ.ศ. 2566–2570 อนุมัติโดยสภาเทศบาล กองสาธารณสุขฯ เป็นผู้รับผิดชอบ"
SCORE_COMMENT = "มีแผนและหน่วยงานรับผิดชอบ แต่ไม่พบงบประมาณรายปีที่ผูกกับแผน"
QUESTION = "โปรดแนบข้อมูลรายวันจากสถานีตรวจวัด"
ANSWER = "แนบข้อมูลรายวันของสถานีศาลากลางจังหวัดยะลาแล้ว เมื่อนับใหม่ตามค่ามาตรฐาน 37.5 ได้ 15 วัน"
NOTE = "ผ่านการคัดกรองเบื้องต้น ข้อมูลครบถ้วนและตอบคำถามของผู้ตรวจประเมินแล้ว"

# Thai msgstr in locale/th/LC_MESSAGES/django.po of the strings the story reads.
MY_REVIEWS = "งานตรวจประเมินของฉัน"  # My reviews
UNDER_REVIEW = "อยู่ระหว่างตรวจประเมิน"  # application status: Under review
SHORTLISTED = "ผ่านการคัดเลือกเบื้องต้น"  # application status / decision: Shortlisted
SCREENING = "คัดกรองเบื้องต้น"  # decision round: Screening


def log_in(page: Page, url: str, user) -> None:
    page.goto(f"{url}/accounts/login/")
    page.get_by_label("อีเมล").fill(user.email)
    page.get_by_label("รหัสผ่าน").fill(TEST_PASSWORD)
    page.get_by_role("button", name="เข้าสู่ระบบ").click()
    expect(page.get_by_test_id("home-heading")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "th")


def shoot(page: Page, name: str) -> None:
    """The `screenshot` fixture only knows the reviewer's page; the officer's and admin's get the same treatment."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def submitted_application(cast) -> Application:
    """Municipality A's complete ESC Award application, submitted, in a cycle at desk review, assigned to the
    cast's reviewer. CA-02 is 12 days; GOV-01 is self-assessed at level 3 with a description."""
    cycle = make_cycle(
        code="esc-2568", phase=CyclePhase.CALL_OPEN, submission_deadline=timezone.now() + timedelta(days=30)
    )
    application = start_application(
        cycle=cycle, municipality=cast.municipality_a, track=Track.ESC_AWARD, category_code="", by=cast.editor_a
    )
    special = {"CA-02": {"value": "12"}, "GOV-01": {"value": "3", "text": GOV_01_TEXT}}
    for section in application_sections(application):
        for row in section.rows:
            indicator = row.indicator
            default = {"rubric": "2", "percent": "65"}.get(indicator.value_type, "5")
            changes = special.get(indicator.code, {"value": default})
            save_value(
                application=application,
                indicator=indicator,
                by=cast.editor_a,
                changes={**changes, "source": "กองสาธารณสุขและสิ่งแวดล้อม"},
                expected_version=None,
            )
    application.status = ApplicationStatus.SUBMITTED
    application.submitted_at = timezone.now()
    application.submitted_by = cast.signatory_a
    application.save(update_fields=["status", "submitted_at", "submitted_by", "updated_at"])
    cycle.phase = CyclePhase.DESK_REVIEW
    cycle.save(update_fields=["phase"])
    assign_reviewers(application=application, reviewers=[cast.reviewer], by=cast.admin)
    return application


def reviewer_scores_and_queries(page: Page, url: str, cast, screenshot) -> None:
    log_in(page, url, cast.reviewer)
    page.get_by_role("navigation", name="เมนูหลัก").get_by_role("link", name=MY_REVIEWS).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("พื้นที่ทำงานผู้ตรวจประเมิน")
    assignment = page.get_by_test_id("assignment")
    expect(assignment).to_have_count(1)
    expect(assignment).to_contain_text(MUNICIPALITY)
    expect(assignment.locator(".review-state")).to_have_text("ยังไม่เสร็จ")
    expect(page.get_by_test_id("progress")).to_have_text("เสร็จแล้ว 0 / 1")
    screenshot("review-01-workspace")

    assignment.get_by_role("link", name="ตรวจประเมิน", exact=True).click()
    expect(page.get_by_test_id("sheet-heading")).to_have_text(MUNICIPALITY)
    expect(page.locator(".sheet-facts .status-badge")).to_have_text(UNDER_REVIEW)
    expect(page.get_by_test_id("sheet-progress")).to_have_text("0 / 34")
    gov = page.get_by_test_id("row-GOV-01")
    expect(gov.get_by_test_id("submitted-value")).to_have_text("ระดับ 3 · ดำเนินการทั้งเมือง มีหน่วยงานรับผิดชอบและงบประมาณ")
    expect(gov).to_contain_text(GOV_01_TEXT)
    expect(gov.locator(".verdict-badge")).to_have_text("ยังไม่ให้คะแนน")
    ca = page.get_by_test_id("row-CA-02")
    expect(ca.get_by_test_id("submitted-value")).to_have_text("12 วัน")
    screenshot("review-02-sheet")

    # GOV-01: the reviewer disagrees with the self-assessed level 3 and gives 2, with a comment.
    gov.get_by_role("radio", name=re.compile(r"^2 · ")).check()
    gov.get_by_label("ความเห็นประกอบคะแนน").fill(SCORE_COMMENT)
    gov.get_by_role("button", name="บันทึกคะแนน").click()
    expect(gov.get_by_test_id("saved")).to_have_text("✓ บันทึกคะแนนแล้ว")
    expect(gov.get_by_test_id("my-score")).to_have_text("คะแนนของท่าน: 2")
    expect(gov.get_by_test_id("scores-GOV-01")).to_contain_text(f"{cast.reviewer.full_name} (ท่าน): 2")
    expect(gov.get_by_test_id("scores-GOV-01")).to_contain_text(SCORE_COMMENT)
    expect(gov.get_by_role("radio", name=re.compile(r"^2 · "))).to_be_checked()
    expect(page.get_by_test_id("sheet-progress")).to_have_text("1 / 34")

    # CA-02: a question to the municipality.
    ca.locator("label", has_text="สอบถามเทศบาล").click()
    ca.get_by_label("คำถามถึงเทศบาล").fill(QUESTION)
    ca.get_by_role("button", name="ส่งคำถาม").click()
    expect(ca.get_by_test_id("saved")).to_have_text("✓ ส่งคำถามถึงเทศบาลแล้ว")
    expect(ca.get_by_test_id("my-verdict")).to_have_text("สอบถามแล้ว")
    clarification = ca.get_by_test_id("clarification")
    expect(clarification).to_contain_text(QUESTION)
    expect(clarification.locator(".clarification-badge")).to_have_text("รอคำตอบ")
    expect(clarification).to_contain_text("รอคำตอบจากเทศบาล")
    expect(page.get_by_test_id("sheet-progress")).to_have_text("2 / 34")
    screenshot("review-03-scored-and-queried")


def officer_answers(page: Page, url: str, cast) -> None:
    log_in(page, url, cast.editor_a)
    questions = page.get_by_test_id("open-questions")
    expect(questions).to_contain_text("คำถามขอคำชี้แจงจากผู้ตรวจประเมินที่รอคำตอบ 1 ข้อ")
    expect(questions).to_contain_text(f"CA-02: {QUESTION}")
    shoot(page, "review-04-officer-dashboard")

    questions.get_by_role("link", name="ตอบ", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("ตอบคำถาม")
    expect(page.locator("main")).to_contain_text(QUESTION)
    expect(page.locator("main")).to_contain_text("ค่าตามที่ยื่น: 12")
    page.get_by_label("คำตอบของคุณ").fill(ANSWER)
    page.get_by_label("ค่าที่แก้ไข (ไม่บังคับ)").fill("15")
    shoot(page, "review-05-answer")
    page.get_by_role("button", name="ส่งคำตอบ").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("คำถามขอคำชี้แจงจากผู้ตรวจประเมิน")
    expect(page.locator("main")).to_contain_text("ส่งคำตอบของคุณถึงผู้ตรวจประเมินแล้ว")
    row = page.locator("main tbody tr", has_text=QUESTION)
    expect(row).to_contain_text("ตอบแล้ว")
    expect(row).to_contain_text(f"คำตอบของคุณ: {ANSWER}")
    expect(row.get_by_role("link", name="ตอบ", exact=True)).to_have_count(0)
    shoot(page, "review-05b-answer-sent")


def reviewer_reads_the_answer_and_finishes(page: Page, cast, screenshot) -> None:
    page.reload()
    ca = page.get_by_test_id("row-CA-02")
    expect(ca.get_by_test_id("submitted-value")).to_have_text("15 วัน")
    answer = ca.get_by_test_id("clarification-answer")
    expect(answer).to_contain_text(f"คำตอบจาก {cast.editor_a.full_name}")
    expect(answer).to_contain_text(ANSWER)
    expect(ca.get_by_test_id("clarification").locator(".clarification-badge")).to_have_text("ตอบแล้ว")
    screenshot("review-06-answered")

    ca.get_by_role("button", name="ปิดคำถาม").click()
    expect(ca.get_by_test_id("saved")).to_have_text("✓ ปิดคำถามแล้ว")
    expect(ca.get_by_test_id("clarification")).to_have_count(0)
    expect(ca.get_by_test_id("clarifications-CA-02")).to_contain_text("คำถามที่ปิดแล้ว 1 รายการ")
    ca.screenshot(path=str(SCREENSHOTS / "review-06a-question-closed.png"))

    page.get_by_test_id("save-and-next").click()
    # The only assignment: back to the workspace, finished.
    expect(page.get_by_role("heading", level=1)).to_have_text("พื้นที่ทำงานผู้ตรวจประเมิน")
    expect(page.locator("main")).to_contain_text("บันทึกการตรวจประเมินแล้ว ไม่มีใบสมัครที่ยังตรวจไม่เสร็จเหลืออยู่")
    expect(page.get_by_test_id("assignment").locator(".review-state")).to_have_text("✓ เสร็จแล้ว")
    expect(page.get_by_test_id("progress")).to_have_text("เสร็จแล้ว 1 / 1")
    screenshot("review-06b-finished")


def run_pending_score_runs() -> None:
    """No Celery worker in a browser test: run what the review queued (rubric score, question, amendment)."""
    for run_id in ScoreRun.objects.exclude(status=RunStatus.DONE).order_by("pk").values_list("pk", flat=True):
        run = execute_run(run_id)
        assert run is not None
        assert run.status == RunStatus.DONE


def admin_shortlists(page: Page, url: str, cast, application: Application) -> None:
    log_in(page, url, cast.admin)
    page.get_by_role("navigation", name="เมนูหลัก").get_by_role("link", name="รอบการประกวด").click()
    page.get_by_role("link", name=CYCLE_NAME).click()
    page.get_by_role("link", name="การจัดอันดับ", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("ตารางจัดลำดับ")
    expect(page.get_by_test_id("board-summary")).to_contain_text("จัดลำดับแล้ว 1 รายการ · ไม่ได้จัดลำดับ 0 รายการ")
    row = page.get_by_test_id("board-table").locator(f"tbody tr[data-application='{application.pk}']")
    expect(row.get_by_test_id("rank")).to_have_text("1")
    expect(row).to_contain_text(MUNICIPALITY)
    expect(row.locator(".status-badge")).to_have_text(UNDER_REVIEW)

    row.get_by_role("checkbox", name=f"เลือก {MUNICIPALITY}").check()
    expect(page.locator("[data-selection-count]")).to_have_text("เลือกไว้ 1 รายการ")
    decide = page.locator("section.decide-panel")
    decide.get_by_label("รอบการพิจารณา").select_option(label=SCREENING)
    decide.get_by_label("ผลการพิจารณา", exact=True).select_option(label=SHORTLISTED)
    decide.get_by_label("หมายเหตุ").fill(NOTE)
    shoot(page, "review-07-board")
    decide.get_by_role("button", name="บันทึกผลการพิจารณา").click()

    expect(page.locator("main")).to_contain_text(f"บันทึกผลการพิจารณาของใบสมัคร 1 รายการแล้ว: {SHORTLISTED}")
    row = page.get_by_test_id("board-table").locator(f"tbody tr[data-application='{application.pk}']")
    expect(row.locator(".status-badge")).to_have_text(SHORTLISTED)
    expect(row.locator(".decision-col")).to_contain_text(f"{SHORTLISTED} · {SCREENING}")
    shoot(page, "review-07b-board-decided")

    row.locator(".decision-col").get_by_role("link", name="ประวัติ").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("ผลการพิจารณา")
    expect(page.locator("header .status-badge")).to_have_text(SHORTLISTED)
    history = page.get_by_test_id("decision-history").locator("tbody tr")
    expect(history).to_have_count(1)
    expect(history.locator("td")).to_have_text([re.compile(r"\S"), SCREENING, SHORTLISTED, NOTE, cast.admin.full_name])
    shoot(page, "review-08-decided")


def test_reviewer_scores_queries_officer_answers_admin_shortlists(
    live_server, page, browser, browser_context_args, cast, screenshot
):
    application = submitted_application(cast)
    assert application.status == ApplicationStatus.UNDER_REVIEW
    mail.outbox.clear()

    reviewer_scores_and_queries(page, live_server.url, cast, screenshot)
    assert sorted(message.to for message in mail.outbox) == [
        [email] for email in sorted([cast.editor_a.email, cast.signatory_a.email])
    ]

    officer = browser.new_context(**browser_context_args)
    officer_answers(officer.new_page(), live_server.url, cast)
    officer.close()
    assert mail.outbox[-1].to == [cast.reviewer.email]

    reviewer_reads_the_answer_and_finishes(page, cast, screenshot)

    run_pending_score_runs()
    assert ApplicationScore.objects.filter(application=application, is_current=True).count() == 2
    admin = browser.new_context(**browser_context_args)
    admin_shortlists(admin.new_page(), live_server.url, cast, application)
    admin.close()

    # What the story left in the database.
    score = RubricScore.objects.get(application=application, indicator__code="GOV-01", reviewer=cast.reviewer)
    assert (score.points, score.abstain, score.comment) == (2, False, SCORE_COMMENT)

    clarification = ClarificationRequest.objects.get(application=application)
    assert clarification.indicator.code == "CA-02"
    assert (clarification.question, clarification.asked_by) == (QUESTION, cast.reviewer)
    assert (clarification.answer, clarification.answered_by) == (ANSWER, cast.editor_a)
    assert clarification.status == ClarificationStatus.CLOSED
    assert clarification.asked_at < clarification.answered_at < clarification.closed_at

    value = IndicatorValue.objects.get(application=application, indicator__code="CA-02")
    assert value.number == 15
    amendment = ValueChange.objects.get(application=application, indicator__code="CA-02", channel=Channel.CLARIFICATION)
    assert (amendment.field, amendment.old, amendment.new, amendment.changed_by) == (
        "number",
        "12",
        "15",
        cast.editor_a,
    )

    decision = Decision.objects.get(application=application)
    assert (decision.round, decision.outcome, decision.note, decision.decided_by) == (
        DecisionRound.SCREENING,
        DecisionOutcome.SHORTLISTED,
        NOTE,
        cast.admin,
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SHORTLISTED
    assert application.assignments.get(reviewer=cast.reviewer).completed_at is not None

import base64
import datetime as dt
from decimal import Decimal

import cssselect2
import pytest
import tinyhtml5
from django.conf import settings
from django.contrib.messages import get_messages
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from applications.enums import ApplicationStatus, ClarificationStatus
from applications.models import Application, ClarificationRequest, Evidence, IndicatorValue, ReviewerAssignment
from applications.services import save_value, start_application
from indicators.enums import CyclePhase
from portal.enums import Role
from portal.models import ReviewerConflict
from reviews.models import RubricScore, SiteVisit, SiteVisitPhoto, ValueReview
from reviews.services import complete_review, review_value
from reviews.services_assignments import assign_reviewers
from scoring.enums import ScoreKind
from scoring.models import ApplicationScore, ScoreRun, VerifiedValue
from scoring.services import execute_run, request_application_score
from tests.factories.indicators import make_cycle
from tests.factories.portal import MunicipalityFactory, ProvinceFactory, UserFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
# A real 1×1 PNG, so that what is stored and served is an image a browser would show.
PNG_BYTES = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
HTMX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def cycle(db):
    return make_cycle(
        code="esc-ws", phase=CyclePhase.CALL_OPEN, submission_deadline=timezone.now() + dt.timedelta(days=30)
    )


def submitted_application(cycle, municipality, officer, *, category="CA", values=None):
    """A certificate application with a few values, submitted (status and timestamp set directly)."""
    phase, deadline = cycle.phase, cycle.submission_deadline
    cycle.phase, cycle.submission_deadline = CyclePhase.CALL_OPEN, timezone.now() + dt.timedelta(days=30)
    application = start_application(
        cycle=cycle, municipality=municipality, track="certificate", category_code=category, by=officer
    )
    cycle.phase, cycle.submission_deadline = phase, deadline
    for code, changes in (values or {}).items():
        save_value(
            application=application,
            indicator=cycle.framework.indicators.get(code=code),
            by=officer,
            changes=changes,
            expected_version=None,
        )
    Application.objects.filter(pk=application.pk).update(
        status=ApplicationStatus.SUBMITTED, submitted_at=timezone.now()
    )
    application.refresh_from_db()
    return application


VALUES = {
    "CA-02": {"value": "12", "period": "ปีงบประมาณ 2568", "source": "สถานี 44t", "comment": "รวมวันที่ฝุ่นสูง"},
    "CA-07": {"value": "2", "text": "มีคำสั่งแต่งตั้งคณะทำงาน"},
    "CA-01": {"value": "85.5"},
}


@pytest.fixture
def apps(cast, cycle):
    """Applications of municipalities A and B, both assigned to the cast's reviewer; the cycle in desk review."""
    app_a = submitted_application(cycle, cast.municipality_a, cast.editor_a, values=VALUES)
    app_b = submitted_application(cycle, cast.municipality_b, cast.editor_b, values={"CA-02": {"value": "3"}})
    cycle.phase = CyclePhase.DESK_REVIEW
    cycle.submission_deadline = timezone.now() - dt.timedelta(days=1)
    cycle.save()
    for application in (app_a, app_b):
        assign_reviewers(application=application, reviewers=[cast.reviewer], by=cast.admin)
        application.refresh_from_db()
    return app_a, app_b


@pytest.fixture
def app_a(apps):
    return apps[0]


def logged_in(user, *, language="en"):
    client = Client()
    client.force_login(user)
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def page(response):
    return cssselect2.ElementWrapper.from_html_root(tinyhtml5.parse(response.content.decode()))


def texts(root, selector):
    return [" ".join("".join(found.etree_element.itertext()).split()) for found in root.query_all(selector)]


def attrs(root, selector, name):
    return [found.etree_element.get(name) for found in root.query_all(selector)]


def url(name, application, *args):
    return reverse(f"reviews:{name}", args=[application.pk, *args])


def status_of(client, address):
    response = client.get(address)
    release(response)
    return response.status_code


def release(response):
    # A file response keeps its file open until its content is read to the end (the test client closes it then).
    if response.streaming:
        b"".join(response.streaming_content)


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def indicator(application, code):
    return application.cycle.framework.indicators.get(code=code)


# ---- workspace --------------------------------------------------------------------------------------------------


def test_workspace_shows_progress_and_only_my_assignments(cast, cycle, apps):
    app_a, app_b = apps
    other_reviewer = UserFactory(role=Role.REVIEWER)
    app_c = submitted_application(cycle, MunicipalityFactory(), UserFactory(editor=True))
    assign_reviewers(application=app_c, reviewers=[other_reviewer], by=cast.admin)
    complete_review(application=app_a, reviewer=cast.reviewer)

    response = logged_in(cast.reviewer).get(reverse("reviews:workspace"))

    html = page(response)
    assert response.status_code == 200
    assert texts(html, "[data-testid=progress]") == ["1 / 2 done"]
    assert attrs(html, ".progress-bar", "data-percent") == ["50"]
    assert attrs(html, "[data-testid=assignment]", "data-application") == [str(app_b.pk), str(app_a.pk)]
    assert attrs(html, "[data-testid=continue]", "href") == [url("sheet", app_b)]


def test_workspace_filters_by_status_province_and_cycle(cast, cycle, apps):
    app_a, app_b = apps
    complete_review(application=app_a, reviewer=cast.reviewer)
    later = make_cycle(code="esc-ws-2", framework=cycle.framework, phase=CyclePhase.CALL_OPEN)
    # Code 99: the factory sequence (10–98) never makes it, so no other test municipality shares this province.
    municipality_c = MunicipalityFactory(province=ProvinceFactory(code="99", name_th="ประจวบคีรีขันธ์"))
    app_c = submitted_application(later, municipality_c, UserFactory(editor=True))
    assign_reviewers(application=app_c, reviewers=[cast.reviewer], by=cast.admin)
    client = logged_in(cast.reviewer)

    def shown(**query):
        html = page(client.get(reverse("reviews:workspace"), query))
        return attrs(html, "[data-testid=assignment]", "data-application"), texts(html, "[data-testid=progress]")

    # Thai dictionary order of the municipalities' names: ทดสอบ… before หาดใหญ่.
    assert shown(status="open") == ([str(app_c.pk), str(app_b.pk)], ["1 / 3 done"])
    assert shown(status="done") == ([str(app_a.pk)], ["1 / 3 done"])
    assert shown(province=str(municipality_c.province_id)) == ([str(app_c.pk)], ["1 / 3 done"])
    assert shown(cycle="esc-ws") == ([str(app_b.pk), str(app_a.pk)], ["1 / 2 done"])
    assert shown(cycle="esc-ws-2", status="done") == ([], ["0 / 1 done"])


@pytest.mark.parametrize("name", ["editor_a", "signatory_a", "admin"])
def test_workspace_is_for_reviewers_only(cast, apps, name):
    response = logged_in(getattr(cast, name)).get(reverse("reviews:workspace"))

    assert response.status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(apps):
    response = Client().get(url("sheet", apps[0]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# ---- who may see and act on the sheet ----------------------------------------------------------------------------


def test_sheet_of_an_unassigned_application_is_404_for_a_reviewer(cast, cycle, apps):
    unassigned = submitted_application(cycle, MunicipalityFactory(), UserFactory(editor=True))

    response = logged_in(cast.reviewer).get(url("sheet", unassigned))

    assert response.status_code == 404


@pytest.mark.parametrize(
    ("method", "name", "args", "data"),
    [
        ("get", "sheet", (), {}),
        ("post", "value-review", ("CA-02",), {"action": "verified"}),
        ("post", "rubric-score", ("CA-07",), {"points": "3"}),
        ("post", "site-visit", (), {"visit-visited_on": "2025-06-01", "visit-notes": "x"}),
        ("post", "complete", (), {}),
    ],
)
def test_officers_get_403_on_their_own_application_and_404_on_another(cast, apps, method, name, args, data):
    app_a, app_b = apps
    client = logged_in(cast.editor_a)

    own = getattr(client, method)(url(name, app_a, *args), data)
    other = getattr(client, method)(url(name, app_b, *args), data)

    assert (own.status_code, other.status_code) == (403, 404)
    assert ValueReview.objects.count() == RubricScore.objects.count() == SiteVisit.objects.count() == 0


def test_admins_read_the_sheet_but_cannot_act(cast, app_a):
    client = logged_in(cast.admin)

    sheet = client.get(url("sheet", app_a))
    verify = client.post(url("value-review", app_a, "CA-02"), {"action": "verified"}, headers=HTMX)

    html = page(sheet)
    assert sheet.status_code == 200
    assert texts(html, "[data-testid=read-only]") != []
    assert texts(html, "[data-testid=sheet-progress]") == []
    assert texts(html, "[data-testid=verify]") == []
    assert texts(html, "[data-testid=save-and-next]") == []
    assert verify.status_code == 403
    assert ValueReview.objects.count() == 0


def test_a_reviewer_with_a_declared_conflict_cannot_be_assigned_and_never_sees_the_sheet(cast, app_a):
    conflicted = UserFactory(role=Role.REVIEWER, full_name="ผู้ตรวจมีส่วนได้เสีย")
    ReviewerConflict.objects.create(reviewer=conflicted, municipality=cast.municipality_a, reason="ภูมิลำเนา")

    with pytest.raises(ValidationError) as refused:
        assign_reviewers(application=app_a, reviewers=[conflicted], by=cast.admin)
    # Even an assignment made before the declaration does not open the sheet.
    ReviewerAssignment.objects.create(application=app_a, reviewer=conflicted, assigned_by=cast.admin)
    response = logged_in(conflicted).get(url("sheet", app_a))

    assert refused.value.code == "conflict"
    assert response.status_code == 404


# ---- the sheet --------------------------------------------------------------------------------------------------


def test_sheet_shows_each_value_with_unit_period_source_comment_history_and_evidence(cast, app_a):
    Evidence.objects.create(
        application=app_a,
        indicator=indicator(app_a, "CA-02"),
        file=ContentFile(PDF_BYTES, name="station.pdf"),
        name="station.pdf",
        file_type="pdf",
        size=len(PDF_BYTES),
        sha256="0" * 64,
        uploaded_by=cast.editor_a,
    )
    Evidence.objects.create(
        application=app_a,
        indicator=indicator(app_a, "CA-02"),
        file=ContentFile(PNG_BYTES, name="map.png"),
        name="map.png",
        file_type="png",
        size=len(PNG_BYTES),
        sha256="1" * 64,
        uploaded_by=cast.editor_a,
    )

    response = logged_in(cast.reviewer).get(url("sheet", app_a))

    html = page(response)
    row = html.query("[data-testid=row-CA-02]")
    files = [e.pk for e in Evidence.objects.order_by("uploaded_at")]
    assert response.status_code == 200
    assert texts(html, "[data-testid=sheet-heading]") == ["Yala City Municipality"]
    assert texts(row, "[data-testid=submitted-value]") == ["12 days"]
    assert texts(row, ".value-meta dt") == ["Period", "Source", "Comment"]
    assert texts(row, ".value-meta dd") == ["fiscal year 2025", "สถานี 44t", "รวมวันที่ฝุ่นสูง"]
    assert attrs(row, "[data-testid=history-link]", "href") == [
        reverse("applications:history", args=[app_a.pk]) + "?indicator=CA-02"
    ]
    assert attrs(row, "details.evidence-preview iframe", "data-src") == [
        reverse("applications:evidence-file", args=[app_a.pk, files[0]])
    ]
    assert attrs(row, "details.evidence-preview img", "data-src") == [
        reverse("applications:evidence-file", args=[app_a.pk, files[1]])
    ]
    assert texts(html.query("[data-testid=row-CA-01]"), "[data-testid=submitted-value]") == ["85.5 %"]
    assert texts(html.query("[data-testid=row-CA-07]"), "[data-testid=submitted-value]") == [
        "Level 2 · implemented in part of the city, documented"
    ]


def test_sheet_is_thai_by_default(cast, app_a):
    response = logged_in(cast.reviewer, language=None).get(url("sheet", app_a))

    html = page(response)
    assert response["Content-Language"] == "th"
    assert texts(html.query("[data-testid=row-CA-02]"), ".sheet-evidence .fw-semibold") == ["หลักฐาน"]


def test_sheet_shows_outlier_warnings_for_numbers(cast, cycle, apps):
    app_a, _app_b = apps
    # Four more peers of the same size class (with B's 3 days) put the median at 0: 12 days stands out.
    for _n in range(4):
        peer = submitted_application(cycle, MunicipalityFactory(), UserFactory(editor=True))
        peer.values.create(indicator=indicator(app_a, "CA-02"), number=Decimal(0))

    response = logged_in(cast.reviewer).get(url("sheet", app_a))

    html = page(response)
    assert texts(html.query("[data-testid=row-CA-02]"), "[data-testid=outlier]") == [
        "⚠ Unusual among municipalities of your size class (median 0). Please check the unit and explain in the "
        "comment."
    ]
    assert texts(html.query("[data-testid=row-CA-01]"), "[data-testid=outlier]") == []


# ---- verdicts on values -----------------------------------------------------------------------------------------


def test_verify_returns_the_row_marked_verified(cast, app_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        response = logged_in(cast.reviewer).post(
            url("value-review", app_a, "CA-02"), {"action": "verified"}, headers=HTMX
        )

    html = page(response)
    assert response.status_code == 200
    assert attrs(html, "article.review-row", "id") == ["row-CA-02"]
    assert attrs(html, "article.review-row", "data-verdict") == ["verified"]
    assert texts(html, "[data-testid=my-verdict]") == ["Verified"]
    # The counters elsewhere on the page follow (out-of-band swaps).
    assert texts(html, "#sheet-progress[hx-swap-oob] [data-testid=sheet-progress]") == ["1 / 15"]
    assert texts(html, "#section-done-CA[hx-swap-oob]") == ["1 / 10 checked"]
    assert texts(html, "#nav-done-CA[hx-swap-oob]") == ["1/10"]
    assert list(ValueReview.objects.values_list("indicator__code", "status")) == [("CA-02", "verified")]


def test_correct_without_a_reason_shows_the_error_in_the_row_and_stores_nothing(cast, app_a):
    response = logged_in(cast.reviewer).post(
        url("value-review", app_a, "CA-02"), {"action": "corrected", "corrected": "0", "reason": " "}, headers=HTMX
    )

    html = page(response)
    assert response.status_code == 200
    assert texts(html, "[data-testid=reason-error]") == ["A correction needs a reason (e.g. the site visit's finding)."]
    assert attrs(html, "#mode-CA-02-correct", "checked") == [""]  # the correction form stays open
    assert attrs(html, "#corrected-CA-02", "value") == ["0"]  # with what was typed
    assert ValueReview.objects.count() == 0
    assert VerifiedValue.objects.count() == 0


def test_a_correction_keeps_the_submitted_value_beside_it_and_changes_the_verified_score(
    cast, app_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks():
        baseline = request_application_score(application=app_a, reason="test")
    execute_run(baseline.pk)
    before = verified_item(app_a, "CA-02")

    with django_capture_on_commit_callbacks():
        response = logged_in(cast.reviewer).post(
            url("value-review", app_a, "CA-02"),
            {"action": "corrected", "corrected": "0", "reason": "บันทึกสถานีตรวจวัดไม่พบวันเกินมาตรฐาน"},
            headers=HTMX,
        )
    run = ScoreRun.objects.filter(application=app_a, reason="corrected CA-02").latest("created_at")
    execute_run(run.pk)

    html = page(response)
    assert texts(html, "[data-testid=submitted-value]") == ["12 days"]
    assert texts(html, "[data-testid=corrected-value]") == ["0 days"]
    assert list(VerifiedValue.objects.values_list("indicator__code", "status", "number")) == [
        ("CA-02", "corrected", Decimal(0))
    ]
    assert (run.created_by, before["en"], verified_item(app_a, "CA-02")["en"]) == (
        cast.reviewer,
        "CA-02: awaiting review",
        "CA-02: 0 days ≤ 0 days → 4 points",
    )


def verified_item(application, code):
    score = ApplicationScore.objects.get(application=application, kind=ScoreKind.VERIFIED, is_current=True)
    return next(item for item in score.indicators if item["code"] == code)


def test_a_query_opens_a_clarification_and_emails_the_municipality(cast, app_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = logged_in(cast.reviewer).post(
            url("value-review", app_a, "CA-02"),
            {"action": "queried", "question": "กรุณาแนบข้อมูลรายวันของสถานี"},
            headers=HTMX,
        )

    html = page(response)
    assert attrs(html, "article.review-row", "data-verdict") == ["queried"]
    assert list(ClarificationRequest.objects.values_list("indicator__code", "question", "status")) == [
        ("CA-02", "กรุณาแนบข้อมูลรายวันของสถานี", ClarificationStatus.OPEN)
    ]
    assert [message.to for message in mail.outbox] == [
        [email] for email in sorted([cast.editor_a.email, cast.signatory_a.email])
    ]
    assert texts(html, "[data-testid=clarification] p") == ["กรุณาแนบข้อมูลรายวันของสถานี"]


def test_a_query_without_a_question_is_refused_inside_the_row(cast, app_a):
    response = logged_in(cast.reviewer).post(
        url("value-review", app_a, "CA-02"), {"action": "queried", "question": ""}, headers=HTMX
    )

    assert texts(page(response), "#question-error-CA-02") == ["Write the question for the municipality."]
    assert ClarificationRequest.objects.count() == 0


def test_closing_a_clarification_shows_the_answer_and_closes_it(cast, app_a):
    clarification = ClarificationRequest.objects.create(
        application=app_a,
        indicator=indicator(app_a, "CA-02"),
        question="?",
        asked_by=cast.reviewer,
        answer="ยืนยันตามรายงานสถานี",
        answered_by=cast.editor_a,
        answered_at=timezone.now(),
        status=ClarificationStatus.ANSWERED,
    )
    client = logged_in(cast.reviewer)
    sheet = page(client.get(url("sheet", app_a)))

    response = client.post(url("clarification-close", app_a, clarification.pk), headers=HTMX)

    clarification.refresh_from_db()
    assert texts(sheet, "[data-testid=clarification-answer]")[0].endswith("ยืนยันตามรายงานสถานี")
    assert clarification.status == ClarificationStatus.CLOSED
    assert texts(page(response), "[data-testid=clarification]") == []


def test_without_htmx_a_verdict_redirects_back_to_the_row(cast, app_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        response = logged_in(cast.reviewer).post(url("value-review", app_a, "CA-02"), {"action": "verified"})

    assert response.status_code == 302
    assert response["Location"] == url("sheet", app_a) + "#row-CA-02"


# ---- rubric scores ----------------------------------------------------------------------------------------------


def test_rubric_score_with_levels_comment_and_the_other_reviewers_points(
    cast, app_a, django_capture_on_commit_callbacks
):
    second = UserFactory(role=Role.REVIEWER, full_name="ผู้ตรวจคนที่สอง")
    assign_reviewers(application=app_a, reviewers=[second], by=cast.admin)
    RubricScore.objects.create(
        application=app_a, indicator=indicator(app_a, "CA-07"), reviewer=second, points=0, comment="ไม่พบหลักฐาน"
    )

    with django_capture_on_commit_callbacks():
        response = logged_in(cast.reviewer).post(
            url("rubric-score", app_a, "CA-07"), {"points": "4", "comment": "ครบทั้งเมือง"}, headers=HTMX
        )

    html = page(response)
    assert texts(html, ".rubric-level label")[:2] == ["0 · none / no evidence", "1 · planned or ad hoc"]
    assert attrs(html, "#points-CA-07-4", "checked") == [""]
    assert texts(html, "[data-testid=my-score]") == ["Your score: 4"]
    assert texts(html, "[data-testid=combined-CA-07]") == ["Mean 2.00 Median 2.00 Spread 2.00 Reviewers disagree"]
    assert list(RubricScore.objects.filter(reviewer=cast.reviewer).values_list("points", "abstain", "comment")) == [
        (4, False, "ครบทั้งเมือง")
    ]


def test_rubric_abstention(cast, app_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        response = logged_in(cast.reviewer).post(
            url("rubric-score", app_a, "CA-07"), {"points": "abstain"}, headers=HTMX
        )

    html = page(response)
    assert texts(html, "[data-testid=my-score]") == ["You abstained"]
    assert attrs(html, "#points-CA-07-abstain", "checked") == [""]
    assert list(RubricScore.objects.values_list("points", "abstain")) == [(None, True)]


@pytest.mark.parametrize("points", ["", "5", "x"])
def test_rubric_score_needs_a_level_in_range_or_an_abstention(cast, app_a, points):
    response = logged_in(cast.reviewer).post(url("rubric-score", app_a, "CA-07"), {"points": points}, headers=HTMX)

    assert response.status_code == 200
    assert len(texts(page(response), "#points-error-CA-07")) == 1
    assert RubricScore.objects.count() == 0


# ---- site visits ------------------------------------------------------------------------------------------------


def test_site_visit_with_a_png_photo_is_stored_and_served_only_to_allowed_users(cast, app_a):
    photo = SimpleUploadedFile("ตลาด.png", PNG_BYTES, content_type="image/png")

    response = logged_in(cast.reviewer).post(
        url("site-visit", app_a),
        {"visit-visited_on": "2025-07-14", "visit-notes": "ตรวจจุดคัดแยกขยะ 3 แห่ง", "photos": [photo]},
        headers=HTMX,
    )

    stored = SiteVisitPhoto.objects.get()
    photo_url = url("site-visit-photo", app_a, stored.pk)
    served = logged_in(cast.reviewer).get(photo_url)
    content = b"".join(served.streaming_content)
    html = page(response)
    assert list(SiteVisit.objects.values_list("visited_on", "notes")) == [
        (dt.date(2025, 7, 14), "ตรวจจุดคัดแยกขยะ 3 แห่ง")
    ]
    assert attrs(html, "[data-testid=photo]", "src") == [photo_url]
    assert (served.status_code, served["Content-Type"]) == (200, "image/png")
    assert content == PNG_BYTES
    assert status_of(logged_in(cast.admin), photo_url) == 200
    assert status_of(logged_in(cast.editor_a), photo_url) == 403
    assert status_of(logged_in(cast.editor_b), photo_url) == 404
    assert status_of(logged_in(UserFactory(role=Role.REVIEWER)), photo_url) == 404
    assert status_of(Client(), photo_url) == 302


def test_site_visit_refuses_a_photo_that_is_not_an_image_and_keeps_nothing(cast, app_a):
    fake = SimpleUploadedFile("photo.png", PDF_BYTES, content_type="image/png")

    response = logged_in(cast.reviewer).post(
        url("site-visit", app_a), {"visit-visited_on": "2025-07-14", "visit-notes": "x", "photos": [fake]}, headers=HTMX
    )

    assert texts(page(response), "[data-testid=photo-error]") == ["Photos must be JPEG or PNG images."]
    assert SiteVisit.objects.count() == 0


def test_site_visit_needs_a_date_and_notes(cast, app_a):
    response = logged_in(cast.reviewer).post(
        url("site-visit", app_a), {"visit-visited_on": "", "visit-notes": ""}, headers=HTMX
    )

    assert len(texts(page(response), ".invalid-feedback")) == 2
    assert SiteVisit.objects.count() == 0


# ---- save and next ----------------------------------------------------------------------------------------------


def test_save_and_next_opens_the_next_unfinished_assignment_then_the_workspace(cast, apps):
    app_a, app_b = apps
    client = logged_in(cast.reviewer)

    first = client.post(url("complete", app_a))
    second = client.post(url("complete", app_b))

    assert first["Location"] == url("sheet", app_b)
    assert second["Location"] == reverse("reviews:workspace")
    assert messages_of(second) == [
        "Review of เทศบาลนครยะลา saved. Next: เทศบาลนครหาดใหญ่.",
        "Review saved. No unfinished application is left in this cycle.",
    ]
    assert ReviewerAssignment.objects.filter(reviewer=cast.reviewer, completed_at__isnull=True).count() == 0


# ---- evidence inline and query counts ---------------------------------------------------------------------------


@pytest.mark.parametrize("files", [0, 3])
def test_sheet_query_count_does_not_grow_with_evidence_files(cast, app_a, files, django_assert_num_queries):
    for n in range(files):
        Evidence.objects.create(
            application=app_a,
            indicator=indicator(app_a, "CA-02" if n % 2 else "CA-07"),
            file=ContentFile(PDF_BYTES, name=f"e{n}.pdf"),
            name=f"e{n}.pdf",
            file_type="pdf",
            size=len(PDF_BYTES),
            sha256=f"{n}" * 64,
            uploaded_by=cast.editor_a,
        )
    client = logged_in(cast.reviewer)

    with django_assert_num_queries(17):  # 16, and the header's unread notifications
        response = client.get(url("sheet", app_a))

    assert len(list(page(response).query_all("details.evidence-preview"))) == files


@pytest.mark.parametrize("codes", [["CA-02"], ["CA-01", "CA-02", "CA-03", "CA-04", "CA-05", "CA-06"]])
def test_sheet_query_count_does_not_grow_with_numeric_values(cast, app_a, codes, django_assert_num_queries):
    # Outlier warnings compare every number with the previous cycle and the peers: loaded once, not per row.
    for code in codes:
        IndicatorValue.objects.update_or_create(
            application=app_a, indicator=indicator(app_a, code), defaults={"number": 5}
        )
    client = logged_in(cast.reviewer)

    with django_assert_num_queries(17):  # 16, and the header's unread notifications
        response = client.get(url("sheet", app_a))

    assert response.status_code == 200


def test_pdf_evidence_may_be_framed_by_the_review_sheet(cast, app_a):
    evidence = Evidence.objects.create(
        application=app_a,
        indicator=indicator(app_a, "CA-02"),
        file=ContentFile(PDF_BYTES, name="station.pdf"),
        name="station.pdf",
        file_type="pdf",
        size=len(PDF_BYTES),
        sha256="0" * 64,
        uploaded_by=cast.editor_a,
    )

    response = logged_in(cast.reviewer).get(reverse("applications:evidence-file", args=[app_a.pk, evidence.pk]))
    release(response)

    assert response.status_code == 200
    assert response.get("X-Frame-Options", "SAMEORIGIN") == "SAMEORIGIN"


# ---- a correction is dropped only when the reviewer confirms it; only the application's own indicators ------------


def correct(client, application, code="CA-02", value="0"):
    return client.post(
        url("value-review", application, code),
        {"action": "corrected", "corrected": value, "reason": "บันทึกสถานีตรวจวัด"},
        headers=HTMX,
    )


def test_verifying_a_value_the_reviewer_corrected_asks_before_dropping_the_correction(cast, app_a):
    client = logged_in(cast.reviewer)
    correct(client, app_a)

    asked = client.post(url("value-review", app_a, "CA-02"), {"action": "verified"}, headers=HTMX)
    kept = list(ValueReview.objects.values_list("status", "corrected_number"))
    confirmed = client.post(
        url("value-review", app_a, "CA-02"), {"action": "verified", "drop_correction": "yes"}, headers=HTMX
    )

    html = page(asked)
    assert kept == [("corrected", Decimal(0))]  # nothing changed while the question was open
    assert texts(html, "[data-testid=confirm-drop] p") == [
        "You corrected this value. Marking it verified or asking about it drops your correction, and the verified "
        "score uses the submitted value again. Confirm to drop the correction."
    ]
    assert attrs(html, "[data-testid=confirm-drop] input[name=drop_correction]", "value") == ["yes"]
    assert confirmed.status_code == 200
    assert list(ValueReview.objects.values_list("status", "corrected_number")) == [("verified", None)]
    assert list(VerifiedValue.objects.values_list("indicator__code", "status", "number")) == [
        ("CA-02", "verified", None)
    ]


def test_asking_about_a_corrected_value_also_asks_before_dropping_the_correction(cast, app_a):
    client = logged_in(cast.reviewer)
    correct(client, app_a)

    asked = client.post(
        url("value-review", app_a, "CA-02"), {"action": "queried", "question": "ขอข้อมูลรายวัน"}, headers=HTMX
    )

    assert attrs(page(asked), "[data-testid=confirm-drop] input[name=question]", "value") == ["ขอข้อมูลรายวัน"]
    assert list(ValueReview.objects.values_list("status", flat=True)) == ["corrected"]
    assert ClarificationRequest.objects.count() == 0


def test_a_reviewer_cannot_judge_an_indicator_of_another_category(cast, app_a):
    # app_a is a Clean Air certificate application: CL-01 belongs to Clean Land.
    client = logged_in(cast.reviewer)

    response = correct(client, app_a, code="CL-01", value="95")
    scored = client.post(url("rubric-score", app_a, "CL-10"), {"points": "3"}, headers=HTMX)

    assert (response.status_code, scored.status_code) == (404, 404)
    assert ValueReview.objects.count() == 0
    with pytest.raises(ValidationError) as error, translation.override("th"):
        review_value(
            application=app_a,
            indicator=app_a.cycle.framework.indicators.get(code="CL-01"),
            reviewer=cast.reviewer,
            status="verified",
        )
    assert error.value.messages == ["CL-01 ไม่ใช่ตัวชี้วัดของประเภทรางวัลและสาขาของใบสมัครนี้"]


def test_the_sheet_flags_a_rubric_indicator_every_reviewer_abstained_on(cast, app_a):
    client = logged_in(cast.reviewer)

    response = client.post(url("rubric-score", app_a, "CA-07"), {"points": "abstain"}, headers=HTMX)

    html = page(response)
    assert texts(html, "[data-testid=needs-reviewer-CA-07]") == [
        "Every reviewer abstained: this indicator needs another reviewer. It is not scored (never counted as 0) "
        "until one scores it."
    ]
    assert list(VerifiedValue.objects.values_list("indicator__code", "status")) == [("CA-07", "abstained")]

"""/api/v1/ for reviewers and admins: the sheet's services through a token, the scope's 404, the read-only token's
403, an admin's rescore, and the services' refusals in the one error format in Thai and English."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from applications.enums import ApplicationStatus, ClarificationStatus
from applications.models import Application, ClarificationRequest, ReviewerAssignment
from applications.services import save_value, start_application
from indicators.enums import CyclePhase
from portal.models import ReviewerConflict
from portal.services_tokens import create_api_token
from reviews.models import Decision, RubricScore, ValueReview
from reviews.services_assignments import assign_reviewers
from scoring.models import ApplicationScore, ScoreRun
from scoring.services import execute_run, request_cycle_rescore
from tests.factories.indicators import make_cycle
from tests.factories.portal import UserFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def submitted(cycle, municipality, officer, category="CA"):
    application = start_application(
        cycle=cycle, municipality=municipality, track="certificate", category_code=category, by=officer
    )
    save_value(
        application=application,
        indicator=cycle.framework.indicators.get(code="CA-02"),
        by=officer,
        changes={"value": "12"},
        expected_version=None,
    )
    Application.objects.filter(pk=application.pk).update(
        status=ApplicationStatus.SUBMITTED, submitted_at=timezone.now()
    )
    application.refresh_from_db()
    return application


@pytest.fixture
def cycle(db):
    return make_cycle(
        code="esc-api-review", phase=CyclePhase.CALL_OPEN, submission_deadline=timezone.now() + dt.timedelta(days=30)
    )


@pytest.fixture
def world(cast, cycle):
    """Applications of A and B assigned to the reviewer; another of B nobody assigned him to; in desk review."""
    mine = submitted(cycle, cast.municipality_a, cast.editor_a)
    by_sheet = submitted(cycle, cast.municipality_b, cast.editor_b)
    unassigned = submitted(cycle, cast.municipality_b, cast.editor_b, category="CW")
    cycle.phase = CyclePhase.DESK_REVIEW
    cycle.submission_deadline = timezone.now() - dt.timedelta(days=1)
    cycle.save()
    for application in (mine, by_sheet):
        assign_reviewers(application=application, reviewers=[cast.reviewer], by=cast.admin)
    return {"mine": mine, "by_sheet": by_sheet, "unassigned": unassigned}


def token_client(user, scope="read-write"):
    token = create_api_token(user=user, name="ระบบทดสอบ", scope=scope).plaintext
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def verdict_url(application, code):
    return reverse("api:review-verdict", args=[application.pk, code])


def test_a_reviewer_token_lists_its_assignments_with_completion(cast, world):
    client = token_client(cast.reviewer, scope="read")

    response = client.get(reverse("api:review-assignments"), {"status": "open", "ordering": "assigned_at"})

    assert response.status_code == 200
    rows = response.json()["results"]
    assert sorted(row["application"] for row in rows) == sorted([world["mine"].pk, world["by_sheet"].pk])
    assert {(row["completed"], row["completed_at"]) for row in rows} == {(False, None)}
    assert client.get(reverse("api:review-assignments"), {"status": "done"}).json()["results"] == []


def test_a_reviewer_token_verifies_corrects_and_scores_as_the_sheet_does(cast, world):
    client = token_client(cast.reviewer)
    mine, by_sheet = world["mine"], world["by_sheet"]
    correction = {"corrected": "0", "reason": "บันทึกสถานีตรวจวัดไม่พบวันเกินมาตรฐาน"}

    corrected = client.post(
        f"{verdict_url(mine, 'CA-02')}?lang=en", {"status": "corrected", **correction}, content_type="application/json"
    )
    verified = client.post(verdict_url(mine, "GOV-01"), {"status": "verified"}, content_type="application/json")
    scored = client.put(
        f"{reverse('api:review-rubric', args=[mine.pk, 'GOV-01'])}?lang=en",
        {"points": 3, "comment": " มีแผนและงบประมาณ "},
        content_type="application/json",
    )
    sheet = Client()
    sheet.force_login(cast.reviewer)
    sheet.post(reverse("reviews:value-review", args=[by_sheet.pk, "CA-02"]), {"action": "corrected", **correction})

    assert corrected.status_code == 200
    assert corrected.json()["message"] == "Correction saved; the verified score will be recalculated."
    assert verified.status_code == 200
    assert verified.json()["message"] == "ยืนยันข้อมูลแล้ว"
    fields = ("status", "corrected_number", "corrected_flag", "reason")
    by_api = ValueReview.objects.filter(application=mine, indicator__code="CA-02").values(*fields).get()
    by_form = ValueReview.objects.filter(application=by_sheet, indicator__code="CA-02").values(*fields).get()
    assert (
        by_api
        == by_form
        == {
            "status": "corrected",
            "corrected_number": Decimal(0),
            "corrected_flag": None,
            "reason": "บันทึกสถานีตรวจวัดไม่พบวันเกินมาตรฐาน",
        }
    )
    assert (scored.status_code, scored.json()["message"]) == (200, "Score saved.")
    assert list(RubricScore.objects.filter(application=mine).values_list("points", "abstain", "comment")) == [
        (3, False, "มีแผนและงบประมาณ")
    ]


def test_a_query_asks_the_municipality_and_dropping_a_correction_needs_confirmation(cast, world):
    client = token_client(cast.reviewer)
    mine = world["mine"]
    client.post(
        verdict_url(mine, "CA-02"),
        {"status": "corrected", "corrected": "0", "reason": "ตรวจพื้นที่"},
        content_type="application/json",
    )

    refused = client.post(
        f"{verdict_url(mine, 'CA-02')}?lang=en", {"status": "queried", "question": "?"}, content_type="application/json"
    )
    confirmed = client.post(
        verdict_url(mine, "CA-02"),
        {"status": "queried", "question": "ที่มาของข้อมูล?", "drop_correction": True},
        content_type="application/json",
    )

    assert refused.status_code == 400
    assert [error["code"] for error in refused.json()["errors"]] == ["drops_correction"]
    assert confirmed.status_code == 200
    assert list(
        ClarificationRequest.objects.filter(application=mine, status=ClarificationStatus.OPEN).values_list(
            "question", flat=True
        )
    ) == ["ที่มาของข้อมูล?"]


def test_a_reviewer_token_never_reaches_an_unassigned_application(cast, world):
    client = token_client(cast.reviewer)

    verdict = client.post(
        verdict_url(world["unassigned"], "GOV-01"), {"status": "verified"}, content_type="application/json"
    )
    rubric = client.put(
        reverse("api:review-rubric", args=[world["unassigned"].pk, "GOV-01"]),
        {"points": 1},
        content_type="application/json",
    )

    assert (verdict.status_code, rubric.status_code) == (404, 404)
    assert verdict.json()["errors"][0]["code"] == "not_found"
    assert not ValueReview.objects.filter(application=world["unassigned"]).exists()


def test_a_read_only_token_cannot_post(cast, world):
    client = token_client(cast.reviewer, scope="read")

    response = client.post(
        f"{verdict_url(world['mine'], 'CA-02')}?lang=en", {"status": "verified"}, content_type="application/json"
    )

    assert response.status_code == 403
    assert response.json()["errors"][0]["message"] == (
        "This token may only read. Use a read-and-write token to make changes."
    )
    assert not ValueReview.objects.exists()


def test_an_admin_queues_a_rescore_and_the_run_appears(cast, world, cycle):
    admin = token_client(cast.admin)

    queued = admin.post(f"{reverse('api:cycle-runs', args=[cycle.code])}?lang=en")
    refused = token_client(cast.reviewer).post(reverse("api:cycle-runs", args=[cycle.code]))
    listed = token_client(cast.reviewer, scope="read").get(
        reverse("api:cycle-runs", args=[cycle.code]), {"scope": "cycle"}
    )

    assert queued.status_code == 202
    run = ScoreRun.objects.get(pk=queued.json()["id"])
    assert (run.scope, run.reason, run.created_by, run.total) == ("cycle", "manual", cast.admin, 3)
    assert queued.json()["message"] == "Rescoring queued: 3 applications."
    assert refused.status_code == 403
    assert [row["id"] for row in listed.json()["results"]] == [run.pk]


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("th", "มีการแจ้งผลประโยชน์ทับซ้อนไว้: ผศ. ขัดกัน จึงไม่สามารถตรวจประเมินใบสมัครนี้ได้"),
        ("en", "Conflict of interest declared: ผศ. ขัดกัน. They cannot review this application."),
    ],
)
def test_an_assignment_refusal_comes_in_the_error_format(cast, world, lang, message):
    conflicted = UserFactory(role="reviewer", full_name="ผศ. ขัดกัน")
    ReviewerConflict.objects.create(reviewer=conflicted, municipality=cast.municipality_b, reason="เคยทำงานที่นี่")

    response = token_client(cast.admin).post(
        f"{reverse('api:application-assignments', args=[world['unassigned'].pk])}?lang={lang}",
        {"reviewers": [conflicted.pk, cast.reviewer.pk]},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json() == {"errors": [{"field": None, "code": "conflict", "message": message}]}
    assert not ReviewerAssignment.objects.filter(application=world["unassigned"]).exists()


@pytest.mark.parametrize(
    ("lang", "message"),
    [("th", "การเสนอชื่อต้องตัดสินในรอบคณะกรรมการ"), ("en", "Nominations are decided in the committee round.")],
)
def test_a_decision_refusal_comes_in_the_error_format(cast, world, cycle, lang, message):
    response = token_client(cast.admin).post(
        f"{reverse('api:cycle-decisions', args=[cycle.code])}?lang={lang}",
        {"ids": [world["mine"].pk], "round": "screening", "outcome": "nominated", "note": "เสนอชื่อ"},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json() == {"errors": [{"field": None, "code": "invalid", "message": message}]}
    assert not Decision.objects.exists()


def test_a_decision_on_an_application_of_another_cycle_decides_nothing(cast, world):
    other = make_cycle(code="esc-other", phase=CyclePhase.DESK_REVIEW)

    response = token_client(cast.admin).post(
        f"{reverse('api:cycle-decisions', args=[other.code])}?lang=en",
        {"ids": [world["mine"].pk], "round": "screening", "outcome": "shortlisted", "note": "ผ่าน"},
        content_type="application/json",
    )
    decided = token_client(cast.admin).post(
        reverse("api:cycle-decisions", args=[world["mine"].cycle.code]),
        {"ids": [world["mine"].pk], "round": "screening", "outcome": "shortlisted", "note": "ผ่าน"},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "field": "ids",
            "code": "not_in_cycle",
            "message": "Some ticked applications are not in this cycle. Nothing was decided.",
        }
    ]
    assert decided.status_code == 201
    assert list(Decision.objects.values_list("application_id", "outcome")) == [(world["mine"].pk, "shortlisted")]


def test_a_phase_change_goes_through_the_cycle_pages_service(cast, cycle):
    admin = token_client(cast.admin)

    illegal = admin.post(
        f"{reverse('api:cycle-phase', args=[cycle.code])}?lang=en",
        {"to_phase": "archived"},
        content_type="application/json",
    )
    moved = admin.post(
        reverse("api:cycle-phase", args=[cycle.code]),
        {"to_phase": "submission_closed"},
        content_type="application/json",
    )

    assert illegal.status_code == 400
    assert illegal.json()["errors"][0]["code"] == "illegal_transition"
    assert (moved.status_code, moved.json()["phase"]) == (200, "submission_closed")
    cycle.refresh_from_db()
    assert cycle.phase == "submission_closed"


def test_the_standing_shows_the_stored_ranks_within_the_callers_scope(cast, world, cycle):
    run = request_cycle_rescore(cycle=cycle, reason="test", enqueue=False)
    execute_run(run.pk)
    url = reverse("api:cycle-standings", args=[cycle.code])

    admin = token_client(cast.admin, scope="read").get(url, {"ordering": "group_key"})
    reviewer = token_client(cast.reviewer, scope="read").get(url)
    filtered = token_client(cast.admin, scope="read").get(url, {"category": "CW", "kind": "verified"})
    officer = token_client(cast.editor_a, scope="read").get(f"{url}?lang=en")

    assert admin.status_code == 200
    stored = {
        row.application_id: (row.group_key, row.rank, row.total)
        for row in ApplicationScore.objects.filter(cycle=cycle, kind="submitted", is_current=True)
    }
    assert {
        row["application"]: (row["group"], row["rank"], Decimal(row["total"])) for row in admin.json()["results"]
    } == stored
    assert len(stored) == 3
    assert sorted(row["application"] for row in reviewer.json()["results"]) == sorted(
        [world["mine"].pk, world["by_sheet"].pk]
    )
    assert [(row["application"], row["kind"]) for row in filtered.json()["results"]] == [
        (world["unassigned"].pk, "verified")
    ]
    assert officer.status_code == 403
    assert officer.json()["errors"][0]["code"] == "permission_denied"


def test_a_reviewer_closes_a_clarification_request_of_an_assigned_application_only(cast, world):
    client = token_client(cast.reviewer)
    client.post(
        verdict_url(world["mine"], "CA-02"),
        {"status": "queried", "question": "ที่มาของข้อมูล?"},
        content_type="application/json",
    )
    question = ClarificationRequest.objects.get(application=world["mine"])
    elsewhere = ClarificationRequest.objects.create(
        application=world["unassigned"],
        indicator=question.indicator,
        question="?",
        asked_by=cast.admin,
    )

    closed = client.post(reverse("api:review-clarification-close", args=[world["mine"].pk, question.pk]))
    hidden = client.post(reverse("api:review-clarification-close", args=[world["unassigned"].pk, elsewhere.pk]))
    crossed = client.post(reverse("api:review-clarification-close", args=[world["mine"].pk, elsewhere.pk]))

    assert (closed.status_code, closed.json()["status"]) == (200, "closed")
    assert (hidden.status_code, crossed.status_code) == (404, 404)
    assert dict(ClarificationRequest.objects.values_list("pk", "status")) == {
        question.pk: ClarificationStatus.CLOSED,
        elsewhere.pk: ClarificationStatus.OPEN,
    }


def test_a_reviewer_token_reads_the_clarification_requests_of_an_assigned_application_only(cast, world):
    client = token_client(cast.reviewer, scope="read")
    mine = world["mine"]
    token_client(cast.reviewer).post(
        verdict_url(mine, "CA-02"), {"status": "queried", "question": "ที่มาของข้อมูล?"}, content_type="application/json"
    )

    listed = client.get(reverse("api:review-clarifications", args=[mine.pk]))
    unassigned = client.get(reverse("api:review-clarifications", args=[world["unassigned"].pk]))

    assert listed.status_code == 200
    assert [(row["code"], row["question"], row["status"]) for row in listed.json()["results"]] == [
        ("CA-02", "ที่มาของข้อมูล?", "open")
    ]
    assert unassigned.status_code == 404


def test_an_indicator_code_with_a_nul_character_answers_404_in_the_error_format(cast, world):
    client = token_client(cast.reviewer)

    verdict = client.post(f"/api/v1/review/applications/{world['mine'].pk}/values/CA-02%00/verdict/")
    rubric = client.put(f"/api/v1/review/applications/{world['mine'].pk}/rubric/%00/")

    assert (verdict.status_code, rubric.status_code) == (404, 404)
    assert verdict.json()["errors"][0]["code"] == rubric.json()["errors"][0]["code"] == "not_found"

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from applications.enums import ApplicationStatus, ClarificationStatus
from applications.models import Application, ClarificationRequest, IndicatorValue, ValueChange
from applications.selectors import applications_visible_to
from applications.services import save_value, start_application
from applications.services_clarifications import answer_clarification
from reviews.enums import VerificationStatus
from reviews.services import review_value
from reviews.services_assignments import assign_reviewers
from scoring.models import ScoreRun
from tests.factories.indicators import make_cycle

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture
def submitted(cast):
    cycle = make_cycle(code="esc-q", phase="call_open", submission_deadline=timezone.now() + dt.timedelta(days=30))
    application = start_application(
        cycle=cycle, municipality=cast.municipality_a, track="esc_award", category_code="", by=cast.editor_a
    )
    indicator = cycle.framework.indicators.get(code="CA-02")
    save_value(
        application=application, indicator=indicator, by=cast.editor_a, changes={"value": "12"}, expected_version=None
    )
    Application.objects.filter(pk=application.pk).update(
        status=ApplicationStatus.SUBMITTED, submitted_at=timezone.now()
    )
    application.refresh_from_db()
    return application


def test_reviewers_see_only_assigned_applications_until_the_ranking_phase(cast, submitted):
    before = list(applications_visible_to(cast.reviewer))
    assign_reviewers(application=submitted, reviewers=[cast.reviewer], by=cast.admin)
    assigned = list(applications_visible_to(cast.reviewer))

    assert before == []
    assert assigned == [submitted]


def test_every_reviewer_sees_submitted_applications_once_the_committee_ranks(cast, submitted):
    submitted.cycle.phase = "committee_ranking"
    submitted.cycle.save()

    assert list(applications_visible_to(cast.reviewer)) == [submitted]


def test_a_query_asks_the_municipality_and_its_answer_amends_the_submitted_value(
    cast, submitted, django_capture_on_commit_callbacks
):
    assign_reviewers(application=submitted, reviewers=[cast.reviewer], by=cast.admin)
    indicator = submitted.cycle.framework.indicators.get(code="CA-02")
    with django_capture_on_commit_callbacks(execute=True):
        review_value(
            application=submitted,
            indicator=indicator,
            reviewer=cast.reviewer,
            status=VerificationStatus.QUERIED,
            question="กรุณาแนบข้อมูลรายวันของสถานีตรวจวัด",
        )
    request = ClarificationRequest.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        answer_clarification(request=request, answer="แก้ไขตามข้อมูลสถานี 44t", amended_value="15", by=cast.editor_a)

    request.refresh_from_db()
    assert request.status == ClarificationStatus.ANSWERED
    assert IndicatorValue.objects.get(application=submitted, indicator=indicator).number == 15
    assert list(ValueChange.objects.filter(channel="clarification").values_list("old", "new")) == [("12", "15")]
    assert [message.to for message in mail.outbox] == [
        *([email] for email in sorted([cast.editor_a.email, cast.signatory_a.email])),
        [cast.reviewer.email],
    ]
    assert ScoreRun.objects.filter(application=submitted, reason="amended").count() == 1


def test_an_answer_cannot_amend_an_invalid_value_or_a_closed_request(cast, submitted):
    assign_reviewers(application=submitted, reviewers=[cast.reviewer], by=cast.admin)
    indicator = submitted.cycle.framework.indicators.get(code="CA-02")
    request = ClarificationRequest.objects.create(
        application=submitted, indicator=indicator, question="?", asked_by=cast.reviewer
    )

    with pytest.raises(ValidationError) as invalid:
        answer_clarification(request=request, answer="x", amended_value="900", by=cast.editor_a)
    request.status = ClarificationStatus.CLOSED
    request.save()
    with pytest.raises(ValidationError) as closed:
        answer_clarification(request=request, answer="x", by=cast.editor_a)

    assert "value" in invalid.value.message_dict
    assert closed.value.code == "closed"
    assert IndicatorValue.objects.get(application=submitted, indicator=indicator).number == 12


def test_officer_dashboard_panel_lists_open_questions_and_the_answer_page_works(client, cast, submitted):
    indicator = submitted.cycle.framework.indicators.get(code="CA-02")
    request = ClarificationRequest.objects.create(
        application=submitted, indicator=indicator, question="ช่วยยืนยันจำนวนวัน", asked_by=cast.reviewer
    )
    client.force_login(cast.editor_a)

    panel = client.get(reverse("applications:clarifications") + "?panel=1")
    response = client.post(
        reverse("applications:clarification-answer", args=[submitted.pk, request.pk]),
        {"answer": "ยืนยัน 12 วัน", "amended_value": ""},
    )

    assert "ช่วยยืนยันจำนวนวัน" in panel.content.decode()
    assert response.status_code == 302
    assert ClarificationRequest.objects.get().answer == "ยืนยัน 12 วัน"


def test_another_municipality_cannot_answer(client, cast, submitted):
    indicator = submitted.cycle.framework.indicators.get(code="CA-02")
    request = ClarificationRequest.objects.create(
        application=submitted, indicator=indicator, question="?", asked_by=cast.reviewer
    )
    client.force_login(cast.editor_b)

    response = client.get(reverse("applications:clarification-answer", args=[submitted.pk, request.pk]))

    assert response.status_code == 404


def test_an_answer_may_attach_the_requested_document_to_a_locked_application(client, cast, submitted):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from applications.models import Evidence

    indicator = submitted.cycle.framework.indicators.get(code="CA-02")
    request = ClarificationRequest.objects.create(
        application=submitted, indicator=indicator, question="แนบข้อมูลรายวัน", asked_by=cast.reviewer
    )
    client.force_login(cast.editor_a)
    upload = SimpleUploadedFile("daily-pm25.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")

    response = client.post(
        reverse("applications:clarification-answer", args=[submitted.pk, request.pk]),
        {"answer": "แนบแล้ว", "amended_value": "", "evidence": upload},
    )

    assert response.status_code == 302
    assert list(Evidence.objects.filter(application=submitted).values_list("indicator__code", "name")) == [
        ("CA-02", "daily-pm25.pdf")
    ]
    assert Application.objects.get(pk=submitted.pk).status == ApplicationStatus.SUBMITTED

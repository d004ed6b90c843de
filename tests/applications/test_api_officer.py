"""The officers' API end to end: a client with a personal token starts an application, fills every indicator, attaches
the evidence, reads the receipt digest and submits as the signatory; the digest is the one the submit page shows.
And the edges: another municipality's token gets 404, a read-only token cannot write, errors come in the one format
in the language asked for."""

import datetime as dt

import cssselect2
import pytest
import tinyhtml5
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from applications.enums import ApplicationStatus, ClarificationStatus
from applications.models import Application, ClarificationRequest, Evidence, IndicatorValue, ValueChange
from applications.selectors_submission import receipt_digest
from applications.services import start_application
from indicators.enums import CyclePhase
from portal.services_tokens import create_api_token
from tests.factories.indicators import make_cycle

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
# The msgstr of "Only PDF, JPEG, PNG or Excel (XLSX) files are accepted; ..." in locale/th/LC_MESSAGES/django.po.
THAI_WRONG_TYPE = "รับเฉพาะไฟล์ PDF"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def cycle(db):
    return make_cycle(
        code="esc-api-o", phase=CyclePhase.CALL_OPEN, submission_deadline=timezone.now() + dt.timedelta(days=30)
    )


@pytest.fixture
def application(cast, cycle):
    return start_application(
        cycle=cycle, municipality=cast.municipality_a, track="esc_award", category_code="", by=cast.editor_a
    )


def api_client(user, scope="read-write"):
    """A client that sends nothing but the token: no session, no cookie."""
    token = create_api_token(user=user, name="ระบบของเทศบาล", scope=scope).plaintext
    return Client(headers={"Authorization": f"Bearer {token}"})


def api(name, *args):
    return reverse(f"api:{name}", args=args)


def raw_value(indicator):
    """A valid raw value for each value type, as an officer would type it."""
    return {"rubric": "1", "yes_no": "yes", "text": ""}.get(indicator["value_type"], "5")


def test_an_api_client_fills_a_whole_application_and_submits_it_with_the_digest_the_submit_page_shows(
    cast, cycle, django_capture_on_commit_callbacks
):
    editor, signatory = api_client(cast.editor_a), api_client(cast.signatory_a)

    started = editor.post(
        api("application-list"), {"cycle": cycle.code, "track": "esc_award"}, content_type="application/json"
    )
    assert started.status_code == 201, started.json()
    pk = started.json()["id"]
    assert started["Location"] == api("application-detail", pk)
    assert (started.json()["status"], started.json()["municipality"]) == ("draft", cast.municipality_a.code)

    framework = editor.get(reverse("api:cycle-framework", kwargs={"code": cycle.code})).json()
    indicators = [indicator for area in framework["areas"] for indicator in area["indicators"]]
    for indicator in indicators:
        payload = {"value": raw_value(indicator), "source": "สำนักปลัดเทศบาล", "period": "2568", "version": 0}
        if indicator["value_type"] == "text":
            payload["text"] = "มีแผนและงบประมาณ"
        saved = editor.put(api("application-value", pk, indicator["code"]), payload, content_type="application/json")
        assert saved.status_code == 200, (indicator["code"], saved.json())
        if indicator["evidence_required"]:
            upload = SimpleUploadedFile(f"{indicator['code']}.pdf", PDF_BYTES, content_type="application/pdf")
            attached = editor.post(api("application-evidence", pk, indicator["code"]), {"file": upload})
            assert attached.status_code == 201, attached.json()

    application = Application.objects.get(pk=pk)
    assert IndicatorValue.objects.filter(application=application).count() == len(indicators)
    editor_receipt = editor.get(api("application-receipt", pk))
    receipt = signatory.get(api("application-receipt", pk))
    assert editor_receipt.status_code == 403  # the submit page is the signatory's, and so is its digest
    assert receipt.status_code == 200
    assert (receipt.json()["blocking"], receipt.json()["missing"], receipt.json()["can_submit"]) == ([], [], True)

    browser = Client()
    browser.force_login(cast.signatory_a)
    page = cssselect2.ElementWrapper.from_html_root(
        tinyhtml5.parse(browser.get(reverse("applications:submit", args=[pk])).content.decode())
    )
    shown = page.query("input[name=digest]").etree_element.get("value")
    assert receipt.json()["digest"] == shown == receipt_digest(application)

    refused = editor.post(api("application-submit", pk), {"digest": shown}, content_type="application/json")
    with django_capture_on_commit_callbacks(execute=True):
        submitted = signatory.post(api("application-submit", pk), {"digest": shown}, content_type="application/json")
        again = signatory.post(api("application-submit", pk), {"digest": shown}, content_type="application/json")

    assert refused.status_code == 403
    assert submitted.status_code == 200, submitted.json()
    assert (submitted.json()["status"], submitted.json()["digest"]) == ("submitted", shown)
    assert again.status_code == 200
    application.refresh_from_db()
    assert (application.status, application.receipt_sha256) == (ApplicationStatus.SUBMITTED, shown)
    assert application.status_changes.count() == 1
    assert editor.get(api("application-receipt", pk)).json()["digest"] == shown  # the receipt: whoever sees it


def test_submit_with_a_stale_digest_is_refused_in_the_error_format(cast, application):
    client = api_client(cast.signatory_a)
    digest = client.get(api("application-receipt", application.pk)).json()["digest"]
    client.put(api("application-value", application.pk, "CA-02"), {"value": "12"}, content_type="application/json")

    response = client.post(
        f"{api('application-submit', application.pk)}?lang=en", {"digest": digest}, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "field": None,
            "code": "changed",
            "message": "The application changed after you opened this page. Check the summary again, then submit.",
        }
    ]
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT


def test_submit_of_an_incomplete_application_lists_each_blocking_problem(cast, application):
    client = api_client(cast.signatory_a)
    IndicatorValue.objects.create(
        application=application, indicator=application.cycle.framework.indicators.get(code="CA-01"), number=88
    )
    receipt = client.get(f"{api('application-receipt', application.pk)}?lang=en").json()

    response = client.post(
        f"{api('application-submit', application.pk)}?lang=en",
        {"digest": receipt["digest"]},
        content_type="application/json",
    )

    assert receipt["can_submit"] is False
    assert response.status_code == 400
    assert [error["message"] for error in response.json()["errors"]] == receipt["blocking"]
    assert {error["code"] for error in response.json()["errors"]} == {"blocking"}
    assert "CA-01: attach the required evidence." in receipt["blocking"]


def test_an_officers_token_never_reaches_another_municipality(cast, application):
    other = api_client(cast.editor_b)
    evidence_url = api("application-evidence", application.pk, "CA-01")

    responses = [
        other.get(api("application-detail", application.pk)),
        other.get(evidence_url),
        other.post(evidence_url, {"file": SimpleUploadedFile("a.pdf", PDF_BYTES)}),
        other.get(api("application-receipt", application.pk)),
        other.post(api("application-submit", application.pk), {"digest": "0" * 64}, content_type="application/json"),
        other.put(api("application-value", application.pk, "CA-02"), {"value": "1"}, content_type="application/json"),
    ]

    assert [response.status_code for response in responses] == [404] * 6
    assert {response.json()["errors"][0]["code"] for response in responses} == {"not_found"}
    assert other.get(api("application-list")).json()["results"] == []
    assert Evidence.objects.count() == 0


def test_a_read_only_token_reads_but_cannot_write(cast, cycle, application):
    client = api_client(cast.editor_a, scope="read")

    listed = client.get(api("application-list"))
    started = client.post(
        api("application-list"),
        {"cycle": cycle.code, "track": "certificate", "category": "CA"},
        content_type="application/json",
    )
    uploaded = client.post(
        api("application-evidence", application.pk, "CA-01"), {"file": SimpleUploadedFile("a.pdf", PDF_BYTES)}
    )

    assert listed.status_code == 200
    assert [item["id"] for item in listed.json()["results"]] == [application.pk]
    assert (started.status_code, uploaded.status_code) == (403, 403)
    assert started.json()["errors"][0]["code"] == "permission_denied"
    assert Application.objects.count() == 1
    assert Evidence.objects.count() == 0


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", THAI_WRONG_TYPE),
        ("?lang=en", "Only PDF, JPEG, PNG or Excel (XLSX) files are accepted; this file is something else."),
    ],
)
def test_evidence_of_the_wrong_type_is_refused_in_the_language_asked(cast, application, query, message):
    client = api_client(cast.editor_a)
    disguised = SimpleUploadedFile("report.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")

    response = client.post(f"{api('application-evidence', application.pk, 'CA-01')}{query}", {"file": disguised})

    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert (error["field"], error["code"]) == ("file", "wrong_type")
    assert message in error["message"]
    assert Evidence.objects.count() == 0


def test_evidence_with_a_long_extension_in_its_name_is_stored_under_the_real_type(cast, application):
    client = api_client(cast.editor_a)
    upload = SimpleUploadedFile("report." + "p" * 200, PDF_BYTES)

    response = client.post(api("application-evidence", application.pk, "CA-01"), {"file": upload})

    assert response.status_code == 201
    assert response.json()["name"] == "report.pdf"
    assert Evidence.objects.get().file.name.endswith(".pdf")


def test_evidence_list_gives_name_type_size_and_hash(cast, application):
    client = api_client(cast.editor_a)
    client.post(
        api("application-evidence", application.pk, "CA-01"), {"file": SimpleUploadedFile("aqi.pdf", PDF_BYTES)}
    )
    client.post(
        api("application-evidence", application.pk, "CA-02"), {"file": SimpleUploadedFile("days.pdf", PDF_BYTES)}
    )

    listed = api_client(cast.signatory_a, scope="read").get(api("application-evidence", application.pk, "CA-01"))

    (item,) = listed.json()["results"]
    stored = Evidence.objects.get(indicator__code="CA-01")
    assert (item["name"], item["type"], item["size"], item["sha256"]) == (
        stored.name,
        "pdf",
        len(PDF_BYTES),
        stored.sha256,
    )
    assert item["uploaded_by"] == cast.editor_a.full_name
    assert set(ValueChange.objects.filter(field="evidence").values_list("channel", flat=True)) == {"api"}
    assert item["url"] == reverse("applications:evidence-file", args=[application.pk, stored.pk])


def test_starting_validates_in_the_error_format(cast, cycle, application):
    client = api_client(cast.editor_a)

    unknown = client.post(
        f"{api('application-list')}?lang=en", {"cycle": "nope", "track": "esc_award"}, content_type="application/json"
    )
    twice = client.post(
        f"{api('application-list')}?lang=en",
        {"cycle": cycle.code, "track": "esc_award"},
        content_type="application/json",
    )
    no_category = client.post(
        f"{api('application-list')}?lang=en",
        {"cycle": cycle.code, "track": "certificate"},
        content_type="application/json",
    )
    bad_track = client.post(
        api("application-list"), {"cycle": cycle.code, "track": "gold"}, content_type="application/json"
    )

    assert [r.status_code for r in (unknown, twice, no_category, bad_track)] == [400] * 4
    assert unknown.json()["errors"] == [
        {"field": "cycle", "code": "not_found", "message": "There is no award cycle with this code."}
    ]
    assert twice.json()["errors"] == [
        {
            "field": None,
            "code": "duplicate",
            "message": "Your municipality already has an application on this track and category.",
        }
    ]
    assert [(e["field"], e["message"]) for e in no_category.json()["errors"]] == [
        ("category", "Choose one of the cycle's certificate categories.")
    ]
    assert [(e["field"], e["code"]) for e in bad_track.json()["errors"]] == [("track", "invalid_choice")]
    assert Application.objects.count() == 1


def test_starting_is_refused_in_a_closed_cycle_and_to_reviewers(cast, cycle):
    closed = make_cycle(code="esc-api-closed", phase=CyclePhase.SUBMISSION_CLOSED)
    payload = {"track": "esc_award"}

    officer = api_client(cast.editor_a).post(
        api("application-list"), {**payload, "cycle": closed.code}, content_type="application/json"
    )
    reviewer = api_client(cast.reviewer).post(
        api("application-list"), {**payload, "cycle": cycle.code}, content_type="application/json"
    )

    assert (officer.status_code, reviewer.status_code) == (403, 403)
    assert Application.objects.count() == 0


def test_the_list_filters_and_orders(cast, cycle, application):
    certificate = start_application(
        cycle=cycle, municipality=cast.municipality_a, track="certificate", category_code="CW", by=cast.editor_a
    )
    start_application(
        cycle=cycle, municipality=cast.municipality_b, track="esc_award", category_code="", by=cast.editor_b
    )
    client = api_client(cast.signatory_a, scope="read")

    def ids(query):
        return [item["id"] for item in client.get(f"{api('application-list')}?{query}").json()["results"]]

    assert ids("track=certificate") == [certificate.pk]
    assert ids(f"cycle={cycle.code}&ordering=-id") == [certificate.pk, application.pk]
    assert ids("ordering=id") == [application.pk, certificate.pk]
    assert ids("cycle=other") == []
    assert ids("status=submitted") == []


@pytest.fixture
def question(cast, application):
    return ClarificationRequest.objects.create(
        application=application,
        indicator=application.cycle.framework.indicators.get(code="CA-02"),
        question="โปรดยืนยันจำนวนวัน",
        asked_by=cast.reviewer,
    )


def test_clarifications_are_listed_to_the_municipality_and_answered_with_an_amendment(cast, application, question):
    client = api_client(cast.editor_a)

    listed = client.get(api("clarification-list"))
    answered = client.post(
        api("clarification-answer", question.pk),
        {"answer": "แก้ไขตามรายงาน", "amended_value": "120"},
        content_type="application/json",
    )
    after = client.get(f"{api('clarification-list')}?status=answered")

    assert [(item["id"], item["status"], item["indicator"]) for item in listed.json()["results"]] == [
        (question.pk, "open", "CA-02")
    ]
    assert answered.status_code == 200, answered.json()
    assert (answered.json()["status"], answered.json()["answered_by"]) == ("answered", cast.editor_a.full_name)
    assert [item["id"] for item in after.json()["results"]] == [question.pk]
    question.refresh_from_db()
    assert (question.status, question.answer) == (ClarificationStatus.ANSWERED, "แก้ไขตามรายงาน")
    assert IndicatorValue.objects.get(application=application, indicator__code="CA-02").number == 120
    assert api_client(cast.editor_b).get(api("clarification-list")).json()["results"] == []


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("?lang=en", "amended_value", "The value must be from 0 to 366."),
        ("", "amended_value", "ค่าต้องอยู่ระหว่าง 0 ถึง 366"),
    ],
)
def test_an_invalid_amendment_is_refused_in_the_language_asked(cast, question, query, field, message):
    client = api_client(cast.editor_a)

    response = client.post(
        f"{api('clarification-answer', question.pk)}{query}",
        {"answer": "แก้ไข", "amended_value": "400"},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert [(e["field"], e["message"]) for e in response.json()["errors"]] == [(field, message)]
    question.refresh_from_db()
    assert question.status == ClarificationStatus.OPEN


def test_an_answered_request_cannot_be_answered_again_and_others_cannot_answer(cast, question):
    first = api_client(cast.editor_a).post(
        api("clarification-answer", question.pk), {"answer": "ครั้งแรก"}, content_type="application/json"
    )
    second = api_client(cast.signatory_a).post(
        f"{api('clarification-answer', question.pk)}?lang=en", {"answer": "อีกครั้ง"}, content_type="application/json"
    )
    other = api_client(cast.editor_b).post(
        api("clarification-answer", question.pk), {"answer": "?"}, content_type="application/json"
    )
    admin = api_client(cast.admin).post(
        api("clarification-answer", question.pk), {"answer": "?"}, content_type="application/json"
    )

    assert first.status_code == 200
    assert second.status_code == 400
    assert second.json()["errors"] == [{"field": None, "code": "closed", "message": "This request is no longer open."}]
    assert (other.status_code, admin.status_code) == (404, 403)
    question.refresh_from_db()
    assert question.answer == "ครั้งแรก"

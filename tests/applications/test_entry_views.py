from datetime import timedelta
from decimal import Decimal

import cssselect2
import pytest
import tinyhtml5
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from applications.enums import ApplicationStatus, Channel
from applications.models import Application, Evidence, IndicatorValue, ReviewerAssignment, StatusChange
from applications.selectors_submission import receipt_digest
from applications.services import reopen_application, save_value, start_application, submit_application
from indicators.enums import CyclePhase
from indicators.models import Indicator
from reviews.services_assignments import assign_reviewers
from tests.factories.indicators import load_shipped_framework, make_cycle
from tests.factories.portal import MunicipalityFactory, UserFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
CA_CODES = [f"CA-{n:02d}" for n in range(1, 11)]
# The msgstr of "The value must be from {low} to {high}." and "Not saved" in locale/th/LC_MESSAGES/django.po.
THAI_OUT_OF_RANGE_CA02 = "ค่าต้องอยู่ระหว่าง 0 ถึง 366"
THAI_NOT_SAVED = "ยังไม่บันทึก"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def cycle(db):
    return make_cycle(code="esc-t", phase=CyclePhase.CALL_OPEN, submission_deadline=timezone.now() + timedelta(days=30))


@pytest.fixture
def application(cast, cycle):
    return start_application(
        cycle=cycle, municipality=cast.municipality_a, track="esc_award", category_code="", by=cast.editor_a
    )


def logged_in(user, *, language=None):
    client = Client()
    client.force_login(user)
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def html(response):
    return cssselect2.ElementWrapper.from_html_root(tinyhtml5.parse(response.content.decode()))


def node(page, selector):
    found = page.query(selector)
    assert found is not None, f"{selector} not in the page"
    return found.etree_element


def texts(page, selector):
    return [" ".join("".join(found.etree_element.itertext()).split()) for found in page.query_all(selector)]


def url(name, application, *args):
    return reverse(f"applications:{name}", args=[application.pk, *args])


def autosave(client, application, code, *, version, htmx=True, **fields):
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(url("value-save", application, code), {**fields, "version": version}, headers=headers)


def indicator(application, code):
    return Indicator.objects.get(framework_id=application.cycle.framework_id, code=code)


def stored(application, code):
    return IndicatorValue.objects.get(application=application, indicator__code=code)


def put(application, code, raw, by, **fields):
    return save_value(
        application=application,
        indicator=indicator(application, code),
        by=by,
        changes={"value": raw, **fields},
        expected_version=None,
    )


def submit(application, by):
    return submit_application(application=application, by=by, confirmed_digest=receipt_digest(application))


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


# ---- list and start ---------------------------------------------------------------------------------------------


def test_application_list_shows_the_applications_and_the_start_form(cast, cycle, application):
    client = logged_in(cast.editor_a, language="en")

    response = client.get(reverse("applications:list"))

    assert response.status_code == 200
    assert list(response.context["applications"]) == [application]
    assert [call.cycle for call, _form in response.context["start_forms"]] == [cycle]


def test_application_list_of_an_editor_shows_only_their_municipality(cast, cycle, application):
    start_application(
        cycle=cycle, municipality=cast.municipality_b, track="esc_award", category_code="", by=cast.editor_b
    )
    client = logged_in(cast.editor_a)

    response = client.get(reverse("applications:list"))

    assert list(response.context["applications"]) == [application]


def test_application_list_anonymous_goes_to_login():
    response = Client().get(reverse("applications:list"))

    assert (response.status_code, response["Location"]) == (302, f"{reverse('login')}?next=/applications/")


def test_application_start_creates_and_redirects_to_the_form(cast, cycle):
    client = logged_in(cast.editor_a, language="en")

    response = client.post(reverse("applications:start", args=[cycle.code]), {"track": "esc_award"})

    application = Application.objects.get()
    assert (response.status_code, response["Location"]) == (302, url("detail", application))
    assert (application.municipality, application.track, application.created_by) == (
        cast.municipality_a,
        "esc_award",
        cast.editor_a,
    )
    assert messages_of(response) == []


def test_application_start_outside_the_size_bands_warns(cycle):
    editor = UserFactory(editor=True, municipality=MunicipalityFactory(population=8_000))
    client = logged_in(editor, language="en")

    response = client.post(reverse("applications:start", args=[cycle.code]), {"track": "esc_award"})

    application = Application.objects.get()
    assert (response["Location"], application.size_class) == (url("detail", application), None)
    assert messages_of(response) == [
        "The registered population is outside the cycle's size classes. You can still apply; the reviewers will decide."
    ]


def test_application_start_twice_shows_the_error(cast, cycle, application):
    client = logged_in(cast.editor_a, language="en")

    response = client.post(reverse("applications:start", args=[cycle.code]), {"track": "esc_award"})

    assert response["Location"] == reverse("applications:list")
    assert messages_of(response) == ["Your municipality already has an application on this track and category."]
    assert Application.objects.count() == 1


@pytest.mark.parametrize("user", ["reviewer", "admin"])
def test_application_start_by_a_non_municipal_user_is_forbidden(cast, cycle, user):
    client = logged_in(getattr(cast, user))

    response = client.post(reverse("applications:start", args=[cycle.code]), {"track": "esc_award"})

    assert response.status_code == 403
    assert Application.objects.count() == 0


# ---- form page --------------------------------------------------------------------------------------------------


def test_application_form_renders_every_indicator_of_the_section_with_its_value(cast, application):
    put(application, "CA-01", "85.5", cast.editor_a)
    put(application, "CA-02", "24", cast.editor_a, period="2568")
    put(application, "CA-07", "3", cast.editor_a, text="ตรวจควันดำ")
    client = logged_in(cast.editor_a)

    response = client.get(url("detail", application), {"section": "CA"})

    page = html(response)
    assert response.status_code == 200
    assert [card.etree_element.get("id") for card in page.query_all("article.indicator-card")] == CA_CODES
    assert node(page, "#value-CA-01").get("value") == "85.5"
    assert (node(page, "#value-CA-02").get("value"), node(page, "#period-CA-02").get("value")) == ("24", "2568")
    assert node(page, "#value-CA-03").get("value") == ""
    assert [
        radio.etree_element.get("value") for radio in page.query_all("input[name=value][id^=value-CA-07-][checked]")
    ] == ["3"]
    assert texts(page, "#text-CA-07") == ["ตรวจควันดำ"]
    assert [node(page, f"#version-{code}").get("value") for code in ("CA-01", "CA-02", "CA-03")] == ["1", "1", "0"]
    assert [node(page, f"#status-{code}").get("data-state") for code in ("CA-01", "CA-03")] == ["saved", "idle"]
    assert texts(page, "#progress-text") == ["3 / 34"]


def test_application_form_first_section_is_the_first_area(cast, application):
    client = logged_in(cast.editor_a)

    response = client.get(url("detail", application))

    assert response.context["current"].area.code == "CA"
    assert [row["indicator"].code for row in response.context["rows"]] == CA_CODES


def test_application_form_profile_section_shows_the_profile_fields(cast, application):
    client = logged_in(cast.editor_a)

    response = client.get(url("detail", application), {"section": "profile"})

    page = html(response)
    assert [field.etree_element.get("id") for field in page.query_all("input[id^=profile-][name=value]")] == [
        "profile-population",
        "profile-population_year",
        "profile-households",
        "profile-area_km2",
        "profile-national_certificate",
    ]
    assert node(page, "#profile-population").get("value") == "45000"


@pytest.mark.parametrize(("user", "status"), [("editor_b", 404), ("reviewer", 404)])
def test_application_form_outside_the_scope_is_not_found(cast, application, user, status):
    client = logged_in(getattr(cast, user))

    response = client.get(url("detail", application))

    assert response.status_code == status


def test_application_form_anonymous_goes_to_login(application):
    response = Client().get(url("detail", application))

    assert (response.status_code, response["Location"]) == (
        302,
        f"{reverse('login')}?next={url('detail', application)}",
    )


@pytest.mark.parametrize(("filled", "files_per_indicator"), [(False, 0), (True, 0), (False, 3), (True, 3)])
def test_application_form_query_count_is_constant(
    cast, application, django_assert_num_queries, filled, files_per_indicator
):
    indicators = list(Indicator.objects.filter(framework_id=application.cycle.framework_id))
    if filled:
        IndicatorValue.objects.bulk_create(
            IndicatorValue(
                application=application,
                indicator=item,
                level=2 if item.value_type == "rubric" else None,
                number=None if item.value_type == "rubric" else Decimal(5),
                version=1,
                updated_by=cast.editor_a,
            )
            for item in indicators
        )
    Evidence.objects.bulk_create(
        Evidence(
            application=application,
            indicator=item,
            file=f"applications/evidence/{item.code}-{n}.pdf",
            name=f"{item.code}-{n}.pdf",
            file_type="pdf",
            size=1000,
            sha256="0" * 64,
            uploaded_by=cast.editor_a,
        )
        for item in indicators
        for n in range(files_per_indicator)
    )
    client = logged_in(cast.editor_a)

    # User (the session is read from the cache), application (with its deadline), areas, indicators, values, evidence,
    # the user's municipality; the session renewed, as on the first request after logging in (savepoint, update,
    # release).
    with django_assert_num_queries(11):  # the header's unread notifications count is one of them
        response = client.get(url("detail", application), {"section": "CA"})

    assert response.status_code == 200
    assert len(list(html(response).query_all("article.indicator-card a[href*='/files/']"))) == 10 * files_per_indicator


# ---- autosave of one indicator ----------------------------------------------------------------------------------


def test_value_save_returns_the_saved_status_and_the_new_version(cast, application):
    client = logged_in(cast.editor_a)

    response = autosave(client, application, "CA-01", version="0", value="85.5", source="Air4Thai")

    page = html(response)
    assert response.status_code == 200
    assert node(page, "#status-CA-01").get("data-state") == "saved"
    assert node(page, "#status-CA-01").get("hx-swap-oob") == "true"
    assert (node(page, "#version-CA-01").get("value"), node(page, "#version-CA-01").get("hx-swap-oob")) == ("1", "true")
    assert texts(page, "#progress-text") == ["1 / 34"]
    assert texts(page, "#badge-CA") == ["1/10"]
    value = stored(application, "CA-01")
    assert (value.number, value.source, value.version, value.updated_by) == (
        Decimal("85.5"),
        "Air4Thai",
        1,
        cast.editor_a,
    )


def test_value_save_of_an_invalid_value_shows_the_thai_message(cast, application):
    client = logged_in(cast.editor_a)

    response = autosave(client, application, "CA-02", version="0", value="400")

    page = html(response)
    assert response.status_code == 200
    assert response["Content-Language"] == "th"
    assert node(page, "#status-CA-02").get("data-state") == "invalid"
    assert texts(page, "#status-CA-02 .when-idle") == [THAI_NOT_SAVED]
    assert texts(page, "#messages-CA-02 [role=alert]") == [THAI_OUT_OF_RANGE_CA02]
    assert page.query("#version-CA-02") is None
    assert IndicatorValue.objects.filter(application=application).count() == 0


def test_value_save_shows_the_failed_check_across_indicators(cast):
    cycle = make_cycle(
        code="esc-24",
        framework=load_shipped_framework("esc-2024"),
        phase=CyclePhase.CALL_OPEN,
        submission_deadline=timezone.now() + timedelta(days=30),
    )
    application = start_application(
        cycle=cycle, municipality=cast.municipality_a, track="esc_award", category_code="", by=cast.editor_a
    )
    put(application, "CE-01", "50", cast.editor_a)
    client = logged_in(cast.editor_a)

    response = autosave(client, application, "CL-04", version="0", value="60")

    page = html(response)
    assert node(page, "#status-CL-04").get("data-state") == "saved"
    assert texts(page, "#messages-CL-04 [role=alert]") == [
        "ขยะที่นำกลับมาใช้ประโยชน์ (CL-04) เป็นส่วนหนึ่งของขยะที่ไม่ถูกส่งไปฝังกลบ (CE-01) จึงมีค่ามากกว่า CE-01 ไม่ได้"
    ]


@pytest.mark.parametrize(("user", "status"), [("editor_b", 404), ("reviewer", 404), ("admin", 403)])
def test_value_save_by_someone_who_may_not_edit_is_refused(cast, application, user, status):
    client = logged_in(getattr(cast, user))

    response = autosave(client, application, "CA-01", version="0", value="50")

    assert response.status_code == status
    assert IndicatorValue.objects.count() == 0


def test_value_save_on_a_submitted_application_is_forbidden(cast, application):
    submit(application, cast.signatory_a)
    client = logged_in(cast.editor_a)

    response = autosave(client, application, "CA-01", version="0", value="50")

    assert response.status_code == 403


def test_value_save_of_an_unknown_indicator_is_not_found(cast, application):
    client = logged_in(cast.editor_a)

    response = autosave(client, application, "CE-01", version="0", value="50")

    assert response.status_code == 404


def test_value_save_two_clients_on_the_same_field(cast, application):
    first, second = logged_in(cast.editor_a), logged_in(cast.signatory_a)
    loaded = [
        node(html(client.get(url("detail", application), {"section": "CA"})), "#version-CA-01").get("value")
        for client in (first, second)
    ]

    saved = autosave(first, application, "CA-01", version=loaded[0], value="70")
    conflict = autosave(second, application, "CA-01", version=loaded[1], value="75")

    page = html(conflict)
    box = node(page, "#messages-CA-01 .conflict")
    assert loaded == ["0", "0"]
    assert node(html(saved), "#status-CA-01").get("data-state") == "saved"
    assert node(page, "#status-CA-01").get("data-state") == "conflict"
    assert (box.get("data-field"), box.get("data-theirs")) == ("value", "70")
    assert [button.etree_element.get("data-action") for button in page.query_all(".conflict button")] == [
        "keep-mine",
        "take-theirs",
    ]
    assert node(page, "#version-CA-01").get("value") == "1"
    assert stored(application, "CA-01").number == Decimal(70)

    resolved = autosave(second, application, "CA-01", version=node(page, "#version-CA-01").get("value"), value="75")

    assert node(html(resolved), "#status-CA-01").get("data-state") == "saved"
    value = stored(application, "CA-01")
    assert (value.number, value.version, value.updated_by) == (Decimal(75), 2, cast.signatory_a)


def test_value_save_conflict_names_who_saved(cast, application):
    put(application, "CA-01", "70", cast.editor_a)
    client = logged_in(cast.signatory_a, language="en")

    response = autosave(client, application, "CA-01", version="0", value="75")

    text = texts(html(response), "#messages-CA-01 .conflict")[0]
    assert text.startswith(f"{cast.editor_a.full_name} saved this field at ")
    assert text.endswith("“70”. Your entry: “75”. Keep mine Use theirs")


# ---- session expiry ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("session", ["absent", "expired"])
def test_value_save_without_a_session_answers_401_with_session_expired(application, session):
    client = Client()
    if session == "expired":
        client.cookies[settings.SESSION_COOKIE_NAME] = "an-expired-session-key"

    response = autosave(client, application, "CA-01", version="0", value="50")

    assert (response.status_code, response["HX-Trigger"]) == (401, "session-expired")
    assert IndicatorValue.objects.count() == 0


def test_value_save_without_a_session_and_without_htmx_redirects_to_login(application):
    response = autosave(Client(), application, "CA-01", version="0", value="50", htmx=False)

    assert (response.status_code, response["Location"].split("?")[0]) == (302, reverse("login"))


def test_profile_save_without_a_session_answers_401(application):
    response = Client().post(
        url("profile-save", application), {"field": "population", "value": "1"}, headers={"HX-Request": "true"}
    )

    assert (response.status_code, response["HX-Trigger"]) == (401, "session-expired")


# ---- profile autosave -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "typed", "expected"),
    [
        ("population_year", "2568", 2025),
        ("population_year", "2024", 2024),
        ("population", "46,100", 46_100),
        ("households", "18500", 18_500),
        ("area_km2", "12.75", Decimal("12.75")),
        ("national_certificate", "ระดับดีเด่น ปี 2566", "ระดับดีเด่น ปี 2566"),
    ],
)
def test_profile_save_stores_the_field(cast, application, field, typed, expected):
    client = logged_in(cast.editor_a)

    response = client.post(url("profile-save", application), {"field": field, "value": typed, "version": "0"})

    application.refresh_from_db()
    page = html(response)
    assert node(page, f"#status-profile-{field}").get("data-state") == "saved"
    assert node(page, "#profile-version").get("value") == "1"
    assert (getattr(application, field), application.profile_version) == (expected, 1)
    assert list(application.changes.values_list("field", "channel")) == [(field, Channel.FORM)]


def test_profile_save_of_the_population_updates_the_size_class(cast, application):
    client = logged_in(cast.editor_a, language="en")

    response = client.post(url("profile-save", application), {"field": "population", "value": "800000", "version": "0"})

    application.refresh_from_db()
    assert application.size_class.code == "big"
    assert texts(html(response), "#size-class") == ["Size class: Big city"]


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("population", "many", "Enter a number."),
        ("area_km2", "0", "Ensure this value is greater than or equal to 0.001."),
        ("best_practice_th", "x", "Unknown profile field."),
    ],
)
def test_profile_save_refuses_invalid_input(cast, application, field, typed, message):
    client = logged_in(cast.editor_a, language="en")

    response = client.post(url("profile-save", application), {"field": field, "value": typed, "version": "0"})

    application.refresh_from_db()
    page = html(response)
    assert node(page, f"#status-profile-{field}").get("data-state") == "invalid"
    assert texts(page, f"#messages-profile-{field} [role=alert]") == [message]
    assert application.profile_version == 0


def test_profile_save_with_a_stale_version_shows_the_conflict(cast, application):
    client = logged_in(cast.editor_a, language="en")
    client.post(url("profile-save", application), {"field": "households", "value": "18500", "version": "0"})

    response = logged_in(cast.signatory_a, language="en").post(
        url("profile-save", application), {"field": "households", "value": "19000", "version": "0"}
    )

    application.refresh_from_db()
    assert node(html(response), "#status-profile-households").get("data-state") == "conflict"
    assert application.households == 18_500


def test_profile_form_sends_the_profile_version(cast, application):
    client = logged_in(cast.editor_a)

    response = client.get(url("detail", application), {"section": "profile"})

    assert node(html(response), "#profile-version").get("name") == "version"


# ---- evidence ---------------------------------------------------------------------------------------------------


def test_evidence_upload_through_the_view(cast, application):
    client = logged_in(cast.editor_a)

    response = client.post(
        url("evidence-upload", application, "CA-01"),
        {"file": SimpleUploadedFile("รายงาน AQI.pdf", PDF_BYTES, content_type="application/pdf")},
        headers={"HX-Request": "true"},
    )

    evidence = Evidence.objects.get()
    assert response.status_code == 200
    assert (evidence.indicator.code, evidence.name, evidence.file_type) == ("CA-01", "รายงาน AQI.pdf", "pdf")
    assert texts(html(response), "li a") == ["รายงาน AQI.pdf"]


def test_evidence_upload_of_a_wrong_type_shows_the_error(cast, application):
    client = logged_in(cast.editor_a, language="en")

    response = client.post(
        url("evidence-upload", application, "CA-01"), {"file": SimpleUploadedFile("virus.pdf", b"MZ\x90\x00" * 10)}
    )

    assert texts(html(response), "[role=alert]") == [
        "Only PDF, JPEG, PNG or Excel (XLSX) files are accepted; this file is something else."
    ]
    assert Evidence.objects.count() == 0


def test_evidence_upload_without_a_file_asks_for_one(cast, application):
    client = logged_in(cast.editor_a, language="en")

    response = client.post(url("evidence-upload", application, "CA-01"), {})

    assert texts(html(response), "[role=alert]") == ["Choose a file to upload."]


@pytest.fixture
def evidence(cast, application):
    client = logged_in(cast.editor_a)
    client.post(
        url("evidence-upload", application, "CA-01"),
        {"file": SimpleUploadedFile("air report.pdf", PDF_BYTES, content_type="application/pdf")},
    )
    return Evidence.objects.get()


def test_evidence_download_serves_the_file_safely(cast, application, evidence):
    client = logged_in(cast.signatory_a)

    response = client.get(url("evidence-file", application, evidence.pk))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert (response["Content-Type"], response["Content-Disposition"]) == (
        "application/pdf",
        'inline; filename="air report.pdf"',
    )
    assert (response["X-Content-Type-Options"], response["Cache-Control"]) == ("nosniff", "private, no-store")


def test_evidence_download_of_another_municipality_is_not_found(cast, application, evidence):
    client = logged_in(cast.editor_b)

    response = client.get(url("evidence-file", application, evidence.pk))

    assert response.status_code == 404


def test_evidence_download_with_the_wrong_application_is_not_found(cast, cycle, application, evidence):
    other = start_application(
        cycle=cycle, municipality=cast.municipality_b, track="esc_award", category_code="", by=cast.editor_b
    )
    client = logged_in(cast.editor_b)

    response = client.get(url("evidence-file", other, evidence.pk))

    assert response.status_code == 404


def test_evidence_delete_through_the_view(cast, application, evidence):
    client = logged_in(cast.editor_a)

    response = client.post(url("evidence-delete", application, evidence.pk), headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert Evidence.objects.count() == 0


# ---- submit -----------------------------------------------------------------------------------------------------


def test_submit_page_lists_blocking_problems_and_missing_indicators(cast, application):
    put(application, "CA-01", "80", cast.editor_a)
    for code in CA_CODES[1:]:
        put(application, code, "1", cast.editor_a)
    client = logged_in(cast.signatory_a, language="en")

    response = client.get(url("submit", application))

    page = html(response)
    assert response.status_code == 200
    assert texts(page, "[data-testid=blocking] li") == [
        "CA-01: attach the required evidence.",
        "CA-02: attach the required evidence.",
    ]
    assert texts(page, "ul.columns-2 li")[0] == "CW-01 Households served by piped (safe) water supply"
    assert [item.split(" ")[0] for item in texts(page, "ul.columns-2 li")] == [
        *[f"CW-{n:02d}" for n in range(1, 10)],
        *[f"CL-{n:02d}" for n in range(1, 11)],
        *[f"GOV-{n:02d}" for n in range(1, 6)],
    ]
    assert page.query("[data-testid=submit-button]") is None


def test_submit_page_of_a_complete_application_offers_the_button_with_the_digest(cast, application):
    client = logged_in(cast.signatory_a)

    response = client.get(url("submit", application))

    page = html(response)
    assert node(page, "input[name=digest]").get("value") == receipt_digest(application)
    assert node(page, "form[data-submit-once]") is not None
    assert page.query("[data-testid=submit-button]") is not None


@pytest.mark.parametrize(("user", "status"), [("editor_a", 403), ("editor_b", 404), ("reviewer", 404), ("admin", 403)])
def test_submit_page_only_for_the_signatory(cast, application, user, status):
    client = logged_in(getattr(cast, user))

    response = client.get(url("submit", application))

    assert response.status_code == status


def test_submit_post_twice_submits_once_and_then_shows_the_receipt(
    cast, application, django_capture_on_commit_callbacks
):
    client = logged_in(cast.signatory_a)
    digest = node(html(client.get(url("submit", application))), "input[name=digest]").get("value")

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url("submit", application), {"digest": digest})
        second = client.post(url("submit", application), {"digest": digest})

    application.refresh_from_db()
    assert (first.status_code, first["Location"]) == (302, url("receipt", application))
    assert (second.status_code, second["Location"]) == (302, url("receipt", application))
    assert (application.status, application.receipt_sha256) == (ApplicationStatus.SUBMITTED, digest)
    assert StatusChange.objects.filter(application=application).count() == 1


def test_submit_post_with_a_stale_digest_goes_back_with_the_message(cast, application):
    client = logged_in(cast.signatory_a, language="en")
    digest = receipt_digest(application)
    put(application, "CA-03", "4", cast.editor_a)

    response = client.post(url("submit", application), {"digest": digest})

    application.refresh_from_db()
    assert response["Location"] == url("submit", application)
    assert messages_of(response) == [
        "The application changed after you opened this page. Check the summary again, then submit."
    ]
    assert application.status == ApplicationStatus.DRAFT


def test_receipt_shows_the_digest(cast, application):
    submit(application, cast.signatory_a)
    client = logged_in(cast.editor_a)

    response = client.get(url("receipt", application))

    application.refresh_from_db()
    assert texts(html(response), "[data-testid=receipt-digest]") == [application.receipt_sha256]


def test_receipt_of_a_draft_is_forbidden(cast, application):
    response = logged_in(cast.editor_a).get(url("receipt", application))

    assert response.status_code == 403


def test_submitted_application_shows_the_locked_view(cast, application):
    submit(application, cast.signatory_a)

    response = logged_in(cast.editor_a).get(url("detail", application))

    page = html(response)
    assert response.templates[0].name == "applications/application_detail.html"
    assert page.query("[data-testid=locked-notice]") is not None
    assert page.query("form.autosave") is None


# ---- reviewer and admin -----------------------------------------------------------------------------------------


def test_reviewer_never_sees_a_draft_even_when_assigned(cast, application):
    # Assigning a draft is refused (reviews.services_assignments.assign_reviewers); an assignment left from before a
    # reopening still shows the reviewer nothing.
    ReviewerAssignment.objects.create(application=application, reviewer=cast.reviewer, assigned_by=cast.admin)
    client = logged_in(cast.reviewer)

    responses = [client.get(url(name, application)) for name in ("detail", "history", "receipt")]

    assert [response.status_code for response in responses] == [404, 404, 404]


def test_reviewer_sees_a_submitted_application_assigned_to_them_read_only(cast, application):
    submit(application, cast.signatory_a)
    assign_reviewers(application=application, reviewers=[cast.reviewer], by=cast.admin)
    client = logged_in(cast.reviewer)

    response = client.get(url("detail", application))

    assert response.status_code == 200
    assert response.templates[0].name == "applications/application_detail.html"
    assert (response.context["can_reopen"], html(response).query("form.autosave")) == (False, None)


def test_admin_reopens_with_a_reason(cast, application, django_capture_on_commit_callbacks):
    submit(application, cast.signatory_a)
    client = logged_in(cast.admin, language="en")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("reopen", application), {"reason": "CA-01 ผิดหน่วย"})

    application.refresh_from_db()
    assert response["Location"] == url("detail", application)
    assert messages_of(response) == ["The application is open again and the municipality was told."]
    assert application.status == ApplicationStatus.DRAFT
    assert list(StatusChange.objects.order_by("pk").values_list("to_status", "reason")) == [
        (ApplicationStatus.SUBMITTED, ""),
        (ApplicationStatus.DRAFT, "CA-01 ผิดหน่วย"),
    ]


def test_admin_reopen_without_a_reason_is_refused(cast, application):
    submit(application, cast.signatory_a)
    client = logged_in(cast.admin, language="en")

    response = client.post(url("reopen", application), {"reason": ""})

    application.refresh_from_db()
    assert messages_of(response) == ["Give the reason for reopening; the municipality receives it."]
    assert application.status == ApplicationStatus.SUBMITTED


@pytest.mark.parametrize(("user", "status"), [("editor_a", 403), ("signatory_a", 403), ("reviewer", 404)])
def test_reopen_by_anyone_but_an_admin_is_refused(cast, application, user, status):
    submit(application, cast.signatory_a)

    response = logged_in(getattr(cast, user)).post(url("reopen", application), {"reason": "x"})

    application.refresh_from_db()
    assert (response.status_code, application.status) == (status, ApplicationStatus.SUBMITTED)


# ---- history ----------------------------------------------------------------------------------------------------


def test_history_lists_the_changes_and_filters_by_indicator(cast, application):
    put(application, "CA-01", "80", cast.editor_a)
    put(application, "CA-01", "82", cast.signatory_a)
    put(application, "CA-02", "10", cast.editor_a)
    client = logged_in(cast.editor_a)

    everything = client.get(url("history", application))
    one = client.get(url("history", application), {"indicator": "CA-01"})

    assert [(c.indicator.code, c.old, c.new) for c in everything.context["changes"]] == [
        ("CA-02", "", "10"),
        ("CA-01", "80", "82"),
        ("CA-01", "", "80"),
    ]
    assert [(c.indicator.code, c.old, c.new, c.changed_by) for c in one.context["changes"]] == [
        ("CA-01", "80", "82", cast.signatory_a),
        ("CA-01", "", "80", cast.editor_a),
    ]
    assert len(list(html(one).query_all("tbody tr"))) == 2


def test_history_of_an_unknown_indicator_is_not_found(cast, application):
    response = logged_in(cast.editor_a).get(url("history", application), {"indicator": "ZZ-99"})

    assert response.status_code == 404


def test_history_of_another_municipality_is_not_found(cast, application):
    response = logged_in(cast.editor_b).get(url("history", application))

    assert response.status_code == 404


def test_receipt_of_a_reopened_application_is_no_longer_shown(cast, application):
    submit(application, cast.signatory_a)
    reopen_application(application=application, by=cast.admin, reason="แก้ไข")

    response = logged_in(cast.editor_a).get(url("receipt", application))

    assert response.status_code == 403

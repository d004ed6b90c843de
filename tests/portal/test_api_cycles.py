"""/api/v1/ for the admin's cycles: create a cycle, change its settings, grant a deadline extension, through the forms
and services of the cycle pages. A read-only token cannot write, other roles get 403 and a caller without
credentials 401; refusals come in the one error format, in Thai unless English is asked for."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from applications.models import Application
from indicators.enums import CyclePhase
from indicators.forms import CycleCreateForm
from indicators.models import AwardCycle, CycleSettingsChange, DeadlineExtension
from indicators.selectors import deadline_for
from portal.services_tokens import create_api_token
from scoring.models import ScoreRun
from tests.factories.indicators import load_shipped_framework, make_cycle

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

# The msgstr of "A cycle with this code already exists." in locale/th/LC_MESSAGES/django.po.
THAI_TAKEN = "มีรอบการประกวดที่ใช้รหัสนี้อยู่แล้ว"


def token_client(user, scope="read-write"):
    """A client that sends nothing but the token: no session, no cookie."""
    token = create_api_token(user=user, name="ระบบของ สผ.", scope=scope).plaintext
    return Client(headers={"Authorization": f"Bearer {token}"})


def new_cycle(framework, **changes):
    return {
        "code": "esc-2028",
        "name_th": "รางวัลเมืองสิ่งแวดล้อมยั่งยืนอาเซียน ปี 2571",
        "name_en": "ASEAN ESC Award 2028",
        "esc_award_edition": 9,
        "certificate_edition": 8,
        "reference_year": 2027,
        "framework": framework.pk,
        **changes,
    }


@pytest.fixture
def framework(db):
    return load_shipped_framework()


@pytest.fixture
def cycle(db):
    return make_cycle(code="esc-api-admin")


# ---- create --------------------------------------------------------------------------------------------------------


def test_an_admin_token_creates_a_draft_cycle_as_the_new_cycle_page_does(cast, framework):
    admin = token_client(cast.admin)

    response = admin.post(
        f"{reverse('api:cycle-list')}?lang=en",
        new_cycle(framework, responsible_agency_en="Department of Climate Change and Environment"),
        content_type="application/json",
    )

    assert response.status_code == 201, response.json()
    cycle = AwardCycle.objects.get(code="esc-2028")
    assert response["Location"] == reverse("api:cycle-detail", args=["esc-2028"])
    body = response.json()
    assert (body["code"], body["phase"], body["reference_year"], body["framework"]["id"]) == (
        "esc-2028",
        "draft",
        2027,
        framework.pk,
    )
    assert (body["esc_award_edition"], body["certificate_edition"]) == (9, 8)
    assert body["responsible_agency_en"] == "Department of Climate Change and Environment"
    assert body["tiers"] == cycle.tiers
    assert (body["quota_esc_award"], body["tie_breaks"]) == (cycle.quota_esc_award, ["completeness", "governance"])
    assert body["message"] == "Cycle esc-2028 created as a draft."
    assert (cycle.phase, cycle.framework, cycle.size_classes.count()) == (CyclePhase.DRAFT, framework, 2)


def test_the_new_draft_is_at_its_location_for_admins_only(cast, framework):
    admin = token_client(cast.admin)
    location = admin.post(reverse("api:cycle-list"), new_cycle(framework), content_type="application/json")["Location"]

    as_admin = admin.get(location)
    listed = admin.get(reverse("api:cycle-list")).json()["results"]
    as_anyone = Client().get(location)
    as_officer = token_client(cast.editor_a, scope="read").get(location)

    assert (as_admin.status_code, as_admin.json()["code"]) == (200, "esc-2028")
    assert [row["code"] for row in listed] == ["esc-2028"]
    assert (as_anyone.status_code, as_officer.status_code) == (404, 404)


def test_a_read_only_admin_token_cannot_create_a_cycle(cast, framework):
    response = token_client(cast.admin, scope="read").post(
        f"{reverse('api:cycle-list')}?lang=en", new_cycle(framework), content_type="application/json"
    )

    assert response.status_code == 403
    assert response.json()["errors"] == [
        {
            "field": None,
            "code": "permission_denied",
            "message": "This token may only read. Use a read-and-write token to make changes.",
        }
    ]
    assert not AwardCycle.objects.exists()


@pytest.mark.parametrize(
    ("query", "message"), [("", THAI_TAKEN), ("?lang=en", "A cycle with this code already exists.")]
)
def test_a_taken_code_is_refused_in_thai_by_default_and_in_english_when_asked(cast, framework, cycle, query, message):
    response = token_client(cast.admin).post(
        f"{reverse('api:cycle-list')}{query}", new_cycle(framework, code=cycle.code), content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json() == {"errors": [{"field": "code", "code": "duplicate", "message": message}]}
    assert AwardCycle.objects.count() == 1


def test_an_english_accept_language_header_asks_for_english(cast, framework, cycle):
    response = token_client(cast.admin).post(
        reverse("api:cycle-list"),
        new_cycle(framework, code=cycle.code),
        content_type="application/json",
        headers={"Accept-Language": "en"},
    )

    assert response.json()["errors"][0]["message"] == "A cycle with this code already exists."


@pytest.mark.parametrize("language", ["th", "en"])
def test_invalid_fields_get_the_new_cycle_pages_own_messages(cast, framework, language):
    data = {**new_cycle(framework, name_en="", reference_year=1990, phase="call_open"), "framework": 0}
    with translation.override(language):
        page = {name: [str(message) for message in errors] for name, errors in CycleCreateForm(data).errors.items()}

    response = token_client(cast.admin).post(
        f"{reverse('api:cycle-list')}?lang={language}", data, content_type="application/json"
    )

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert [(error["field"], error["code"]) for error in errors] == [
        ("name_en", "required"),
        ("reference_year", "min_value"),
        ("framework", "invalid_choice"),
        ("phase", "unknown"),
    ]
    assert {error["field"]: [error["message"]] for error in errors[:3]} == page
    assert not AwardCycle.objects.exists()


def test_invalid_fields_are_named_in_thai_by_default(cast, framework):
    response = token_client(cast.admin).post(
        reverse("api:cycle-list"), new_cycle(framework, reference_year=1990), content_type="application/json"
    )

    assert response.json()["errors"] == [
        {"field": "reference_year", "code": "min_value", "message": "ค่านี้ต้องมากกว่าหรือเท่ากับ 2000"}
    ]


def test_a_body_that_is_not_an_object_is_a_bad_request(cast):
    response = token_client(cast.admin).post(reverse("api:cycle-list"), ["esc-2028"], content_type="application/json")

    assert (response.status_code, response.json()["errors"][0]["code"]) == (400, "parse_error")


def test_an_admin_session_creates_a_cycle_with_its_csrf_token(cast, framework):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(cast.admin)
    browser.get(reverse("indicators:cycle-create"))  # any page with a form sets the CSRF cookie
    url = reverse("api:cycle-list")

    refused = browser.post(url, new_cycle(framework), content_type="application/json")
    created = browser.post(
        url,
        new_cycle(framework),
        content_type="application/json",
        headers={"X-CSRFToken": browser.cookies["csrftoken"].value},
    )

    assert refused.status_code == 403
    assert created.status_code == 201


# ---- settings ------------------------------------------------------------------------------------------------------


def test_patch_changes_only_the_given_settings_and_records_them_with_the_reason(cast, cycle):
    before = AwardCycle.objects.get(pk=cycle.pk)

    response = token_client(cast.admin).patch(
        f"{reverse('api:cycle-detail', args=[cycle.code])}?lang=en",
        {"submission_deadline": "2027-06-30T16:30:00+07:00", "max_points": 5, "reason": "มติคณะกรรมการ"},
        content_type="application/json",
    )

    assert response.status_code == 200, response.json()
    assert (response.json()["max_points"], response.json()["message"]) == (5, "Cycle settings saved.")
    assert response.json()["submission_deadline"] == "2027-06-30T16:30:00+07:00"
    after = AwardCycle.objects.get(pk=cycle.pk)
    assert (after.max_points, timezone.localtime(after.submission_deadline).isoformat()) == (
        5,
        "2027-06-30T16:30:00+07:00",
    )
    unchanged = ["name_th", "name_en", "reference_year", "tiers", "tie_breaks", "completeness_minimum", "phase"]
    assert [getattr(after, name) for name in unchanged] == [getattr(before, name) for name in unchanged]
    change = CycleSettingsChange.objects.get(cycle=cycle)
    assert (change.fields, change.changed_by, change.reason) == (
        ["submission_deadline", "max_points"],
        cast.admin,
        "มติคณะกรรมการ",
    )
    assert (change.before, change.after) == (
        {"submission_deadline": None, "max_points": 4},
        {"submission_deadline": "2027-06-30T16:30:00+07:00", "max_points": 5},
    )
    assert list(ScoreRun.objects.filter(cycle=cycle).values_list("reason", flat=True)) == ["settings: max_points"]


def test_patch_takes_the_tiers_as_they_are_stored(cast, cycle):
    tiers = [
        {"min_score": "75", "code": "gold", "label_th": "ดีเยี่ยม", "label_en": "Excellent"},
        {"min_score": "0", "code": "entry", "label_th": "เริ่มต้น", "label_en": "Entry"},
    ]

    response = token_client(cast.admin).patch(
        reverse("api:cycle-detail", args=[cycle.code]), {"tiers": tiers}, content_type="application/json"
    )

    assert (response.status_code, response.json()["tiers"]) == (200, tiers)
    assert AwardCycle.objects.get(pk=cycle.pk).tiers == tiers
    assert CycleSettingsChange.objects.get(cycle=cycle).fields == ["tiers"]


def test_patch_checks_a_changed_weight_against_the_other_one_kept(cast, cycle):
    admin = token_client(cast.admin)
    url = f"{reverse('api:cycle-detail', args=[cycle.code])}?lang=en"

    alone = admin.patch(url, {"esc_award_core_weight": "0.7"}, content_type="application/json")
    both = admin.patch(
        url, {"esc_award_core_weight": 0.7, "esc_award_governance_weight": 0.3}, content_type="application/json"
    )

    assert alone.status_code == 400
    assert alone.json()["errors"] == [
        {
            "field": None,
            "code": "invalid",
            "message": "The ESC Award weights of core areas and governance must add up to 1.",
        }
    ]
    assert (both.status_code, both.json()["esc_award_core_weight"]) == (200, "0.700")
    assert CycleSettingsChange.objects.get(cycle=cycle).fields == [
        "esc_award_core_weight",
        "esc_award_governance_weight",
    ]


def test_patch_refuses_what_is_not_a_setting_of_the_page_and_changes_nothing(cast, cycle):
    response = token_client(cast.admin).patch(
        f"{reverse('api:cycle-detail', args=[cycle.code])}?lang=en",
        {"phase": "call_open", "max_points": 5},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "phase", "code": "unknown", "message": "Unknown field: this request does not take it."}
    ]
    assert (AwardCycle.objects.get(pk=cycle.pk).max_points, CycleSettingsChange.objects.count()) == (4, 0)


def test_patch_passes_on_the_services_quota_refusal_with_its_code(cast):
    cycle = make_cycle(framework=load_shipped_framework("esc-2024"))

    response = token_client(cast.admin).patch(
        f"{reverse('api:cycle-detail', args=[cycle.code])}?lang=en",
        {"quota_certificates_total": 12},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "field": "quota_certificates_total",
            "code": "quota",
            "message": "Quotas: 12 certificate nominees in all is more than the 10 that 5 categories × 2 size classes "
            "× 1 per category and size class allow",
        }
    ]
    assert AwardCycle.objects.get(pk=cycle.pk).quota_certificates_total == 10


def test_patch_of_an_unknown_cycle_is_404(cast):
    response = token_client(cast.admin).patch(
        reverse("api:cycle-detail", args=["nowhere"]), {"max_points": 5}, content_type="application/json"
    )

    assert (response.status_code, response.json()["errors"][0]["code"]) == (404, "not_found")


# ---- extensions ----------------------------------------------------------------------------------------------------


@pytest.fixture
def closed_call(db):
    """A call still open whose deadline passed yesterday: only an extension lets a municipality in."""
    return make_cycle(
        code="esc-api-late", phase=CyclePhase.CALL_OPEN, submission_deadline=timezone.now() - dt.timedelta(days=1)
    )


def test_an_extension_lets_the_officer_start_after_the_cycles_deadline(cast, closed_call):
    officer = token_client(cast.editor_a)
    start = {"cycle": closed_call.code, "track": "esc_award"}
    deadline = timezone.localtime(timezone.now() + dt.timedelta(days=7)).replace(microsecond=0)

    too_late = officer.post(reverse("api:application-list"), start, content_type="application/json")
    granted = token_client(cast.admin).post(
        f"{reverse('api:cycle-extensions', args=[closed_call.code])}?lang=en",
        {"municipality": cast.municipality_a.code, "deadline": deadline.isoformat(), "reason": "น้ำท่วมสำนักงาน"},
        content_type="application/json",
    )
    started = officer.post(reverse("api:application-list"), start, content_type="application/json")

    assert too_late.status_code == 403
    assert granted.status_code == 201, granted.json()
    assert granted.json() == {
        "cycle": closed_call.code,
        "municipality": cast.municipality_a.code,
        "municipality_name_th": "เทศบาลนครยะลา",
        "municipality_name_en": "Yala City Municipality",
        "deadline": deadline.isoformat(),
        "reason": "น้ำท่วมสำนักงาน",
        "granted_at": granted.json()["granted_at"],
        "message": "Extension granted to Yala City Municipality.",
    }
    assert deadline_for(closed_call, cast.municipality_a) == deadline
    assert deadline_for(closed_call, cast.municipality_b) == closed_call.submission_deadline
    assert started.status_code == 201
    assert Application.objects.filter(cycle=closed_call, municipality=cast.municipality_a).count() == 1


def test_a_second_extension_replaces_the_first(cast, closed_call):
    admin = token_client(cast.admin)
    url = reverse("api:cycle-extensions", args=[closed_call.code])
    week, fortnight = (timezone.now().replace(microsecond=0) + dt.timedelta(days=days) for days in (7, 14))

    for deadline in (week, fortnight):
        admin.post(
            url,
            {"municipality": cast.municipality_a.code, "deadline": deadline.isoformat(), "reason": "ขยาย"},
            content_type="application/json",
        )

    assert list(DeadlineExtension.objects.values_list("cycle", "municipality", "deadline")) == [
        (closed_call.pk, cast.municipality_a.pk, fortnight)
    ]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "วันสิ้นสุดที่ขยายต้องอยู่หลังกำหนดส่งของรอบการประกวด"),
        ("?lang=en", "An extension must end after the cycle's submission deadline."),
    ],
)
def test_an_extension_ending_before_the_deadline_is_refused_with_the_services_code(cast, closed_call, query, message):
    response = token_client(cast.admin).post(
        f"{reverse('api:cycle-extensions', args=[closed_call.code])}{query}",
        {
            "municipality": cast.municipality_a.code,
            "deadline": (closed_call.submission_deadline - dt.timedelta(days=1)).isoformat(),
            "reason": "ขยาย",
        },
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json() == {"errors": [{"field": "deadline", "code": "not_later", "message": message}]}
    assert not DeadlineExtension.objects.exists()


def test_an_extension_for_an_unknown_municipality_gets_the_pages_message(cast, closed_call):
    response = token_client(cast.admin).post(
        f"{reverse('api:cycle-extensions', args=[closed_call.code])}?lang=en",
        {"municipality": "99999999", "deadline": (timezone.now() + dt.timedelta(days=7)).isoformat(), "reason": "-"},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "municipality", "code": "invalid", "message": "No municipality has the code “99999999”."}
    ]


@pytest.mark.parametrize("shape", [["2027-01-01T00:00:00+07:00"], {"at": "2027-01-01"}])
def test_a_list_or_an_object_for_a_one_value_field_is_refused_not_a_server_error(cast, closed_call, shape):
    response = token_client(cast.admin).post(
        f"{reverse('api:cycle-extensions', args=[closed_call.code])}?lang=en",
        {"municipality": cast.municipality_a.code, "deadline": shape, "reason": ["ขยาย"]},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": field, "code": "invalid", "message": "This field takes one value, not a list or an object."}
        for field in ("deadline", "reason")
    ]
    assert not DeadlineExtension.objects.exists()


def test_a_yes_or_no_setting_sent_as_other_text_is_refused_not_read_as_yes(cast, cycle):
    response = token_client(cast.admin).patch(
        f"{reverse('api:cycle-detail', args=[cycle.code])}?lang=en",
        {"normalise_reviewers": "{}", "reason": "ทดสอบ"},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "normalise_reviewers", "code": "invalid", "message": "Give true or false."}
    ]
    cycle.refresh_from_db()
    assert cycle.normalise_reviewers is False


@pytest.mark.parametrize(
    ("deadline", "message"), [(False, "Give this field as text."), (20270101, "Give this field as text.")]
)
def test_a_deadline_that_is_not_text_is_refused_not_a_server_error(cast, closed_call, deadline, message):
    response = token_client(cast.admin).post(
        f"{reverse('api:cycle-extensions', args=[closed_call.code])}?lang=en",
        {"municipality": cast.municipality_a.code, "deadline": deadline, "reason": "ขยาย"},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == [{"field": "deadline", "code": "invalid", "message": message}]


@pytest.mark.parametrize("tie_breaks", [[""], ["completeness", "completeness"], ["size"]])
def test_tie_breaks_must_be_known_names_each_once(cast, cycle, tie_breaks):
    response = token_client(cast.admin).patch(
        f"{reverse('api:cycle-detail', args=[cycle.code])}?lang=en",
        {"tie_breaks": tie_breaks, "reason": "ทดสอบ"},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "field": "tie_breaks",
            "code": "invalid",
            "message": "List tie-breaks from these, each at most once: completeness, governance.",
        }
    ]
    cycle.refresh_from_db()
    assert cycle.tie_breaks == ["completeness", "governance"]


# ---- who may write -------------------------------------------------------------------------------------------------


def write_requests(cycle, framework, municipality):
    """Each admin write with a valid body, as (method, url, body)."""
    deadline = (timezone.now() + dt.timedelta(days=7)).isoformat()
    return [
        ("post", reverse("api:cycle-list"), new_cycle(framework)),
        ("patch", reverse("api:cycle-detail", args=[cycle.code]), {"max_points": 5}),
        (
            "post",
            reverse("api:cycle-extensions", args=[cycle.code]),
            {"municipality": municipality.code, "deadline": deadline, "reason": "ขยาย"},
        ),
    ]


@pytest.mark.parametrize("role", ["editor_a", "signatory_a", "reviewer"])
def test_other_roles_get_403_and_change_nothing(cast, cycle, framework, role):
    client = token_client(cast.by_name(role))

    answers = [
        getattr(client, method)(f"{url}?lang=en", body, content_type="application/json")
        for method, url, body in write_requests(cycle, framework, cast.municipality_a)
    ]

    assert [(answer.status_code, answer.json()["errors"][0]["code"]) for answer in answers] == [
        (403, "permission_denied")
    ] * 3
    assert (AwardCycle.objects.count(), CycleSettingsChange.objects.count(), DeadlineExtension.objects.count()) == (
        1,
        0,
        0,
    )


def test_a_caller_without_credentials_gets_401_and_changes_nothing(cycle, framework, cast):
    client = Client()

    answers = [
        getattr(client, method)(url, body, content_type="application/json")
        for method, url, body in write_requests(cycle, framework, cast.municipality_a)
    ]

    assert [(answer.status_code, answer.json()["errors"][0]["code"]) for answer in answers] == [
        (401, "not_authenticated")
    ] * 3
    assert {answer["WWW-Authenticate"] for answer in answers} == {'Bearer realm="api"'}
    assert (AwardCycle.objects.count(), CycleSettingsChange.objects.count(), DeadlineExtension.objects.count()) == (
        1,
        0,
        0,
    )

"""/api/v1/'s common ground: the old paths answer 308, every error has one format in the language asked for, and the
throttles answer 429 in that format too."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from applications.services import start_application
from portal.i18n import asked_language
from tests.factories.indicators import make_cycle

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture
def application(cast):
    cycle = make_cycle(code="esc-v1", phase="call_open", submission_deadline=timezone.now() + dt.timedelta(days=30))
    return start_application(
        cycle=cycle, municipality=cast.municipality_a, track="esc_award", category_code="", by=cast.editor_a
    )


def test_the_old_paths_answer_308_to_api_v1_keeping_the_query(client, application):
    detail = client.get(f"/api/applications/{application.pk}/?lang=en")
    value = client.put(f"/api/applications/{application.pk}/values/CA-02/", {}, content_type="application/json")

    assert (detail.status_code, detail["Location"]) == (308, f"/api/v1/applications/{application.pk}/?lang=en")
    assert (value.status_code, value["Location"]) == (308, f"/api/v1/applications/{application.pk}/values/CA-02/")


@pytest.mark.parametrize(
    ("lang", "accept", "message"),
    [
        (None, None, "ค่าต้องอยู่ระหว่าง"),  # Thai by default
        ("en", None, "The value must be from 0 to 366."),
        (None, "en-GB,en;q=0.9", "The value must be from 0 to 366."),
        ("th", "en-GB,en;q=0.9", "ค่าต้องอยู่ระหว่าง"),  # ?lang= wins over the header
    ],
)
def test_validation_errors_come_in_one_format_in_the_language_asked(client, cast, application, lang, accept, message):
    client.force_login(cast.editor_a)
    url = reverse("api:application-value", args=[application.pk, "CA-02"])
    headers = {"HTTP_ACCEPT_LANGUAGE": accept} if accept else {}

    response = client.put(
        f"{url}?lang={lang}" if lang else url, {"value": "400"}, content_type="application/json", **headers
    )

    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert (error["field"], error["code"]) == ("value", "invalid")
    assert message in error["message"]
    assert response["Content-Language"] == ("en" if "The value" in message else "th")


def test_serializer_errors_name_their_field(client, cast, application):
    client.force_login(cast.editor_a)
    url = reverse("api:application-value", args=[application.pk, "CA-02"])

    response = client.put(f"{url}?lang=en", {"version": "many"}, content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {
        "errors": [{"field": "version", "code": "invalid", "message": "A valid integer is required."}]
    }


def test_401_403_and_404_use_the_same_format(client, cast, application):
    url = reverse("api:application-detail", args=[application.pk])

    anonymous = client.get(url)
    client.force_login(cast.editor_b)
    other_municipality = client.get(url)
    client.force_login(cast.reviewer)
    reviewer_put = client.put(
        reverse("api:application-value", args=[application.pk, "CA-02"]), {}, content_type="application/json"
    )

    assert anonymous.status_code == 401
    assert anonymous.json()["errors"][0]["code"] == "not_authenticated"
    assert other_municipality.status_code == 404
    assert other_municipality.json()["errors"][0]["code"] == "not_found"
    assert reviewer_put.status_code == 404  # an unassigned application does not exist for the reviewer
    assert set(reviewer_put.json()["errors"][0]) == {"field", "code", "message"}


def test_too_many_requests_answer_429_in_the_same_format(client, cast, application):
    cache.clear()
    client.force_login(cast.editor_a)
    url = reverse("api:application-detail", args=[application.pk])
    with override_settings(
        REST_FRAMEWORK={
            "EXCEPTION_HANDLER": "portal.api.portal_exception_handler",
            "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
            "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
            "DEFAULT_THROTTLE_CLASSES": ["portal.api_auth.PortalUserThrottle"],
            "DEFAULT_THROTTLE_RATES": {"user": "2/minute", "anon": "2/minute"},
        }
    ):
        statuses = [client.get(url).status_code for _ in range(3)]
        refused = client.get(url)

    assert statuses == [200, 200, 429]
    assert refused.json()["errors"][0]["code"] == "throttled"
    assert "Retry-After" in refused


@pytest.mark.unit
@pytest.mark.parametrize(
    ("query", "header", "expected"),
    [
        (None, None, None),
        ("en", "th", "en"),
        ("fr", "th-TH,th;q=0.9", "th"),
        (None, "fr-FR, en;q=0.5, th;q=0.4", "en"),
        (None, "de", None),
        (None, "en;q=0, th;q=0.2", "th"),
    ],
)
def test_asked_language(query, header, expected):
    assert asked_language(query, header) == expected


def test_an_unknown_api_path_answers_404_in_the_error_format(client):
    response = client.get("/api/v1/applications/null,null/")

    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "not_found"


@pytest.mark.parametrize("path", ["applications/null/values/a%0Ab/", "nowhere%0A/", "%0D%0A"])
def test_an_unknown_api_path_with_a_line_break_answers_404_in_the_error_format(client, path):
    response = client.put(f"/api/v1/{path}", {"value": "1"}, content_type="application/json")

    assert (response.status_code, response["Content-Type"]) == (404, "application/json")
    assert response.json()["errors"][0]["code"] == "not_found"


@pytest.mark.parametrize("method", ["put", "get", "post"])
def test_an_indicator_code_with_a_nul_character_answers_404_in_the_error_format(client, cast, application, method):
    client.force_login(cast.editor_a)
    url = {
        "put": f"/api/v1/applications/{application.pk}/values/CA%00/",
        "get": f"/api/v1/applications/{application.pk}/values/%00/evidence/",
        "post": f"/api/v1/applications/{application.pk}/values/CA-01%00/evidence/",
    }[method]

    response = getattr(client, method)(url)

    assert (response.status_code, response["Content-Type"]) == (404, "application/json")
    assert response.json()["errors"][0]["code"] == "not_found"


def test_a_request_with_too_many_fields_answers_400_in_the_error_format(client, cast, application):
    client.force_login(cast.editor_a)
    url = reverse("api:application-value", args=[application.pk, "CA-02"])
    fields = "&".join(f"field{number}=1" for number in range(1200))  # DATA_UPLOAD_MAX_NUMBER_FIELDS is 1000

    in_the_body = client.put(f"{url}?lang=en", fields, content_type="application/x-www-form-urlencoded")
    in_the_query = client.get(f"{reverse('api:application-list')}?lang=en&{fields}")

    assert [(response.status_code, response["Content-Type"]) for response in (in_the_body, in_the_query)] == [
        (400, "application/json"),
        (400, "application/json"),
    ]
    assert in_the_body.json()["errors"] == [
        {"field": None, "code": "too_many_fields", "message": "The request has too many fields or files."}
    ]
    # A query that cannot be read cannot ask for a language either: Thai, the default.
    assert in_the_query.json()["errors"] == [
        {"field": None, "code": "too_many_fields", "message": "คำขอมีช่องข้อมูลหรือไฟล์มากเกินไป"}
    ]

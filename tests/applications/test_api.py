import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.models import IndicatorValue, ValueChange
from applications.services import start_application
from tests.factories.indicators import make_cycle

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture
def application(cast):
    cycle = make_cycle(code="esc-api", phase="call_open", submission_deadline=timezone.now() + dt.timedelta(days=30))
    return start_application(
        cycle=cycle, municipality=cast.municipality_a, track="esc_award", category_code="", by=cast.editor_a
    )


def put_value(client, application, code, payload):
    url = reverse("api:application-value", args=[application.pk, code])
    return client.put(url, payload, content_type="application/json")


def test_api_saves_a_value_through_the_same_service_and_records_the_channel(client, cast, application):
    client.force_login(cast.editor_a)

    response = put_value(client, application, "CA-02", {"value": "12", "period": "2568", "version": 0})

    assert response.status_code == 200
    assert response.json()["value"]["value"] == "12"
    assert response.json()["value"]["version"] == 1
    assert list(ValueChange.objects.filter(field="number").values_list("new", "channel")) == [("12", "api")]


def test_api_refuses_an_invalid_value_with_400_and_saves_nothing(client, cast, application):
    client.cookies["django_language"] = "en"
    client.force_login(cast.editor_a)

    response = put_value(client, application, "CA-02", {"value": "400"})

    assert response.status_code == 400
    assert response.json() == {
        "errors": [{"field": "value", "code": "invalid", "message": "The value must be from 0 to 366."}]
    }
    assert IndicatorValue.objects.filter(number__isnull=False).count() == 0


def test_api_answers_409_with_the_current_value_when_the_version_is_stale(client, cast, application):
    client.force_login(cast.editor_a)
    put_value(client, application, "CA-02", {"value": "12", "version": 0})

    response = put_value(client, application, "CA-02", {"value": "30", "version": 0})

    assert response.status_code == 409
    assert (response.json()["current"]["value"], response.json()["current"]["version"]) == ("12", 1)
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [("version", "stale")]
    assert IndicatorValue.objects.get(indicator__code="CA-02").number == 12


def test_api_detail_lists_the_values(client, cast, application):
    client.force_login(cast.signatory_a)
    put_value(client, application, "CA-01", {"value": "91.5"})

    response = client.get(reverse("api:application-detail", args=[application.pk]))

    assert response.status_code == 200
    assert [(value["code"], value["value"]) for value in response.json()["values"]] == [("CA-01", "91.5")]

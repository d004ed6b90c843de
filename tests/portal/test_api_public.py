"""/api/v1/'s public reads, its OpenAPI schema and its documentation page."""

import datetime as dt
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from indicators.enums import CyclePhase
from portal.enums import MunicipalityKind
from tests.factories.indicators import make_cycle
from tests.factories.portal import MunicipalityFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture
def cycle(db):
    return make_cycle(
        code="esc-pub", phase=CyclePhase.CALL_OPEN, submission_deadline=timezone.now() + dt.timedelta(days=30)
    )


def test_cycles_list_public_ones_only(client, cycle):
    make_cycle(code="esc-draft", phase=CyclePhase.DRAFT)

    response = client.get(reverse("api:cycle-list"))

    assert response.status_code == 200
    assert [row["code"] for row in response.json()["results"]] == ["esc-pub"]
    assert client.get(reverse("api:cycle-detail", args=["esc-draft"])).status_code == 404


def test_a_cycles_framework_has_areas_and_indicators_with_rules_in_both_languages(
    client, cycle, django_assert_max_num_queries
):
    with django_assert_max_num_queries(3):
        response = client.get(reverse("api:cycle-framework", args=[cycle.code]))

    assert response.status_code == 200
    areas = response.json()["areas"]
    indicator = areas[0]["indicators"][0]
    assert areas[0]["name_th"]
    assert {"name_th", "name_en", "rule", "data_preparation_th", "data_preparation_en", "evidence_en"} <= set(indicator)
    assert indicator["rule"]
    assert sum(len(area["indicators"]) for area in areas) == cycle.framework.indicators.count()


def test_municipalities_filter_order_and_paginate(client, django_assert_num_queries):
    yala = MunicipalityFactory(name_th="ยะลา", name_en="Yala", full_name_en="Yala City Municipality", kind="city")
    MunicipalityFactory(name_th="เบตง", name_en="Betong", kind=MunicipalityKind.TOWN, province=yala.province)
    MunicipalityFactory(name_th="หาดใหญ่", name_en="Hat Yai", kind="city")
    url = reverse("api:municipality-list")

    with django_assert_num_queries(2):  # the count and the page
        in_province = client.get(url, {"province": yala.province.code, "ordering": "-name_en"}).json()
    cities = client.get(url, {"kind": "city", "ordering": "name_en"}).json()
    found = client.get(url, {"q": "Yala"}).json()

    assert [row["name_en"] for row in in_province["results"]] == ["Yala", "Betong"]
    assert [row["name_en"] for row in cities["results"]] == ["Hat Yai", "Yala"]
    assert [row["code"] for row in found["results"]] == [yala.code]
    assert found["results"][0]["province"]["name_th"] == yala.province.name_th
    assert in_province["count"] == 2


def test_a_bad_filter_answers_400_in_the_error_format(client):
    response = client.get(reverse("api:municipality-list"), {"kind": "village", "lang": "en"})

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "kind"


def test_the_schema_is_openapi_3_1_and_validates_without_warnings(tmp_path):
    target = tmp_path / "schema.yaml"

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))

    text = target.read_text()
    assert text.startswith("openapi: 3.1.0")
    for path in ("/api/v1/cycles/", "/api/v1/municipalities/", "/api/v1/applications/{id}/values/{code}/"):
        assert f"  {path}:" in text
    assert "apiToken" in text


def test_the_docs_page_loads_its_files_from_the_portal_only(client):
    response = client.get(reverse("api:docs"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert re.findall(r"""(?:src|href)=["']?(?:https?:)?//""", html) == []
    assert re.findall(r"https?://", html) == []

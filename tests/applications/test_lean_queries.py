"""The application form and one autosave take a small, fixed number of queries on a realistic application: the 2024
framework with every indicator answered, evidence on a section's indicators, a previous-cycle application, peers in
the size class, and an indicator that a check across indicators names.

These tests run outside a test transaction (transaction=True), as a request runs in production: no savepoints are
counted for the service's transaction, and what runs after commit (the signal's listeners) is counted.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from applications.models import Evidence, IndicatorValue
from applications.services import save_value, start_application
from indicators.enums import CyclePhase
from indicators.models import Indicator
from portal.enums import Role
from tests.factories.indicators import load_shipped_framework, make_cycle
from tests.factories.portal import MunicipalityFactory, UserFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

MAX_QUERIES = 10


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _save(application, code, raw, by):
    indicator = Indicator.objects.get(framework_id=application.cycle.framework_id, code=code)
    return save_value(
        application=application, indicator=indicator, by=by, changes={"value": raw}, expected_version=None
    )


def _fill(application, by):
    """Every indicator answered, as an officer near the end of the form; two evidence files on each CL indicator."""
    indicators = list(Indicator.objects.filter(framework_id=application.cycle.framework_id))
    IndicatorValue.objects.bulk_create(
        IndicatorValue(
            application=application,
            indicator=item,
            level=2 if item.value_type == "rubric" else None,
            number=None if item.value_type == "rubric" else Decimal(5),
            text="ดำเนินการครอบคลุม 12 ชุมชน" if item.value_type == "rubric" else "",
            period="ปีงบประมาณ 2568",
            source="กองสาธารณสุขและสิ่งแวดล้อม",
            version=1,
            updated_by=by,
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
            uploaded_by=by,
        )
        for item in indicators
        if item.code.startswith("CL-")
        for n in range(2)
    )
    return len(indicators)


@pytest.fixture
def realistic(cast):
    framework = load_shipped_framework("esc-2024")
    deadline = timezone.now() + timedelta(days=30)
    earlier = make_cycle(code="esc-prev", framework=framework, phase=CyclePhase.CALL_OPEN, submission_deadline=deadline)
    cycle = make_cycle(
        code="esc-now", framework=framework, phase=CyclePhase.CALL_OPEN, submission_deadline=deadline, previous=earlier
    )
    before = start_application(
        cycle=earlier, municipality=cast.municipality_a, track="esc_award", category_code="", by=cast.editor_a
    )
    _save(before, "CL-04", "40", cast.editor_a)
    for number in ("30", "31", "32", "33", "34"):
        municipality = MunicipalityFactory(population=cast.municipality_a.population)
        editor = UserFactory(role=Role.EDITOR, municipality=municipality)
        peer = start_application(cycle=cycle, municipality=municipality, track="esc_award", category_code="", by=editor)
        _save(peer, "CL-04", number, editor)
    application = start_application(
        cycle=cycle, municipality=cast.municipality_a, track="esc_award", category_code="", by=cast.editor_a
    )
    indicators = _fill(application, cast.editor_a)
    IndicatorValue.objects.filter(application=application, indicator__code="CL-04").delete()
    return application, indicators


def _client(user):
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_the_application_form_takes_at_most_ten_queries(cast, realistic, django_assert_max_num_queries):
    application, indicators = realistic
    client = _client(cast.editor_a)
    client.get(reverse("applications:detail", args=[application.pk]))  # the session's first renewal

    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(reverse("applications:detail", args=[application.pk]), {"section": "CL"})

    assert response.status_code == 200
    body = response.content.decode()
    assert f"{indicators - 1} / {indicators}" in body
    assert "CL-01-1.pdf" in body


def test_one_autosave_takes_at_most_ten_queries_and_reports_everything(cast, realistic):
    application, indicators = realistic
    client = _client(cast.editor_a)
    client.get(reverse("applications:detail", args=[application.pk]))

    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            reverse("applications:value-save", args=[application.pk, "CL-04"]),
            {"value": "95", "version": "0"},
            headers={"HX-Request": "true"},
        )

    assert len(queries) <= MAX_QUERIES, "\n".join(query["sql"][:200] for query in queries.captured_queries)
    body = response.content.decode()
    assert 'data-state="saved"' in body
    assert "Very different from your previous cycle (40)" in body
    assert "Unusual among municipalities of your size class (median 32)" in body
    assert "so it cannot exceed CE-01" in body  # CL-04 (95) > CE-01 (5)
    assert f"{indicators} / {indicators}" in body
    assert IndicatorValue.objects.get(application=application, indicator__code="CL-04").number == Decimal(95)


def test_an_autosave_of_an_unanswered_value_redraws_the_counters_from_the_database(cast, realistic):
    application, indicators = realistic
    client = _client(cast.editor_a)

    response = client.post(
        reverse("applications:value-save", args=[application.pk, "CE-01"]),
        {"value": "", "version": "1"},
        headers={"HX-Request": "true"},
    )

    body = response.content.decode()
    assert 'data-state="saved"' in body
    assert f"{indicators - 2} / {indicators}" in body


def _session_writes(queries):
    return [query for query in queries.captured_queries if query["sql"].startswith('UPDATE "django_session"')]


def test_the_session_is_renewed_at_most_every_few_minutes_not_on_every_request(cast, realistic):
    application, _indicators = realistic
    client = _client(cast.editor_a)
    page = reverse("applications:detail", args=[application.pk])
    client.get(page)

    with CaptureQueriesContext(connection) as soon:
        client.get(page)
    with time_machine.travel(timezone.now() + timedelta(seconds=settings.SESSION_RENEW_SECONDS + 1)):
        with CaptureQueriesContext(connection) as later:
            response = client.get(page)
        expiry = client.session.get_expiry_date()

    assert (_session_writes(soon), len(_session_writes(later))) == ([], 1)
    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == settings.SESSION_COOKIE_AGE
    assert expiry > timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE)

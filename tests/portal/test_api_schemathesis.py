"""Schemathesis against /api/v1/'s own schema: generated GET requests, anonymous and with a read token, never meet
a server error or a response that breaks the schema. Bounded (few examples per operation, no deadline) to stay
well under two minutes."""

import datetime as dt

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis import checks

from applications.services import start_application
from indicators.enums import CyclePhase
from portal.services_tokens import create_api_token
from tests.factories.indicators import make_cycle

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True)).include(method="GET")
schema.app = get_wsgi_application()


@pytest.fixture
def in_test_transaction():
    """As Django's test client does: requests served in-process keep the test's database connection open."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def token(cast, in_test_transaction):
    cycle = make_cycle(
        code="esc-fuzz", phase=CyclePhase.CALL_OPEN, submission_deadline=timezone.now() + dt.timedelta(days=30)
    )
    start_application(
        cycle=cycle, municipality=cast.municipality_a, track="esc_award", category_code="", by=cast.editor_a
    )
    return create_api_token(user=cast.editor_a, name="fuzz", scope="read").plaintext


@schema.parametrize()
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_public_and_token_reads_keep_to_the_schema(case, token):
    for headers in ({}, {"Authorization": f"Bearer {token}"}):
        # Lenient on input by design (an unknown ?lang= falls back to Thai, unknown parameters are ignored), so a
        # request outside the schema being answered is not a failure; every response must still match the schema.
        case.call_and_validate(headers=headers, excluded_checks=[checks.negative_data_rejection])

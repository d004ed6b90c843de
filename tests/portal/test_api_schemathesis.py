"""Schemathesis against /api/v1/'s own schema: generated requests never meet a server error or a response that breaks
the schema, and schema-breaking input is refused with a 4xx in the one error format.

GET requests go anonymous and with an officer's read token. POST, PUT, PATCH and DELETE requests (JSON, form and
multipart bodies, evidence uploads included) go with read-and-write tokens: each operation's own caller (the officer,
the signatory who submits, the assigned reviewer, the admin), and the fuzzed ones also an officer and an admin, against
a fixture world whose real objects replace the generated ids so that the requests reach validation and the services.
Bounded (few examples per operation, no deadline, derandomised) to stay well under two minutes."""

import datetime as dt
import zlib
from dataclasses import dataclass, field
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.files.base import ContentFile
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from rest_framework import serializers
from schemathesis import checks
from schemathesis.core.mutations import OperatorKind
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation.meta import CoveragePhaseData, CoverageScenario, TestPhase

from applications.enums import ApplicationStatus
from applications.models import Application, ClarificationRequest, Evidence, ReviewerAssignment
from applications.services import start_application
from indicators.enums import CyclePhase
from portal.enums import Role
from portal.models import ApiTokenScope
from portal.services_tokens import create_api_token
from tests.factories.indicators import make_cycle

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

MINIMAL_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
GENERATED = object()  # a choice of path parameter that keeps the generated value: odd codes reach the lookups too

API = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
API.app = get_wsgi_application()
reads = API.include(method="GET")
writes = API.include(method=["POST", "PUT", "PATCH", "DELETE"])


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


@reads.parametrize()
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_public_and_token_reads_keep_to_the_schema(case, token):
    for headers in ({}, {"Authorization": f"Bearer {token}"}):
        # Lenient on input by design (an unknown ?lang= falls back to Thai, unknown parameters are ignored), so a
        # request outside the schema being answered is not a failure; every response must still match the schema.
        case.call_and_validate(headers=headers, excluded_checks=[checks.negative_data_rejection])


@dataclass(frozen=True)
class Target:
    """Who is meant to call an operation (the role whose request reaches its validation), and real objects for its
    path parameters."""

    caller: str
    path_parameters: dict[str, list[Any]]
    body: dict[str, list[Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class FuzzWorld:
    targets: dict[str, Target]  # by the operation's path
    tokens: dict[str, str]  # a read-and-write token by role
    cycle_code: str

    def target(self, path: str) -> Target:
        """An operation without a target of its own is an admin's, on the fixture's cycle when the path names one."""
        fallback = Target(Role.ADMIN, {"code": [self.cycle_code]} if path.startswith("/api/v1/cycles/{code}/") else {})
        return self.targets.get(path, fallback)


@pytest.fixture
def fuzz_world(cast, in_test_transaction) -> FuzzWorld:
    """An open cycle; a draft of municipality A with evidence; a submitted application of A not yet assigned; one
    assigned to the reviewer, with a question for the municipality and one to close."""
    cycle = make_cycle(
        code="esc-fuzz", phase=CyclePhase.CALL_OPEN, submission_deadline=timezone.now() + dt.timedelta(days=30)
    )
    draft = start_application(
        cycle=cycle, municipality=cast.municipality_a, track="esc_award", category_code="", by=cast.editor_a
    )
    evidence = Evidence(
        application=draft,
        indicator=cycle.framework.indicators.get(code="CA-01"),
        name="aqi.pdf",
        file_type="pdf",
        size=len(MINIMAL_PDF),
        sha256="0" * 64,
        uploaded_by=cast.editor_a,
    )
    evidence.file.save("aqi.pdf", ContentFile(MINIMAL_PDF), save=False)
    evidence.save()
    submitted, reviewed = (
        start_application(
            cycle=cycle, municipality=cast.municipality_a, track="certificate", category_code=code, by=cast.editor_a
        )
        for code in ("CA", "CW")
    )
    Application.objects.filter(pk__in=[submitted.pk, reviewed.pk]).update(
        status=ApplicationStatus.SUBMITTED, submitted_at=timezone.now(), receipt_sha256="e" * 64
    )
    ReviewerAssignment.objects.create(application=reviewed, reviewer=cast.reviewer, assigned_by=cast.admin)
    question, to_close = (
        ClarificationRequest.objects.create(
            application=reviewed,
            indicator=cycle.framework.indicators.get(code=code),
            question="ที่มาของข้อมูล?",
            asked_by=cast.reviewer,
        )
        for code in ("CW-01", "CW-02")
    )
    # Percent (evidence required), count, number, rubric; and now and then the generated code itself.
    values = ["CA-01", "CA-02", "CA-04", "CA-07", GENERATED]
    on_cycle = {"code": [cycle.code]}
    return FuzzWorld(
        targets={
            "/api/v1/applications/": Target(Role.EDITOR, {}, body={"cycle": [cycle.code]}),
            "/api/v1/applications/{id}/values/{code}/": Target(Role.EDITOR, {"id": [draft.pk], "code": values}),
            "/api/v1/applications/{id}/values/{code}/evidence/": Target(
                Role.EDITOR, {"id": [draft.pk], "code": values}
            ),
            "/api/v1/applications/{id}/submit/": Target(Role.SIGNATORY, {"id": [draft.pk, submitted.pk]}),
            "/api/v1/applications/{id}/assignments/": Target(
                Role.ADMIN, {"id": [submitted.pk, draft.pk]}, body={"reviewers": [[cast.reviewer.pk]]}
            ),
            "/api/v1/clarifications/{id}/answer/": Target(Role.EDITOR, {"id": [question.pk]}),
            "/api/v1/cycles/{code}/phase/": Target(Role.ADMIN, on_cycle),
            "/api/v1/cycles/{code}/runs/": Target(Role.ADMIN, on_cycle),
            "/api/v1/cycles/{code}/decisions/": Target(
                Role.ADMIN, on_cycle, body={"ids": [[reviewed.pk], [submitted.pk, reviewed.pk], [draft.pk]]}
            ),
            "/api/v1/review/applications/{id}/values/{code}/verdict/": Target(
                Role.REVIEWER, {"id": [reviewed.pk], "code": ["CW-01", "CW-03", GENERATED]}
            ),
            "/api/v1/review/applications/{id}/rubric/{code}/": Target(
                Role.REVIEWER, {"id": [reviewed.pk], "code": ["CW-08", "GOV-01", GENERATED]}
            ),
            "/api/v1/review/applications/{id}/clarifications/{request_id}/close/": Target(
                Role.REVIEWER, {"id": [reviewed.pk], "request_id": [to_close.pk]}
            ),
        },
        tokens={
            user.role: create_api_token(user=user, name="fuzz", scope=ApiTokenScope.READ_WRITE).plaintext
            for user in (cast.editor_a, cast.signatory_a, cast.reviewer, cast.admin)
        },
        cycle_code=cycle.code,
    )


def pinned(generated: Any, choices: list[Any]) -> Any:
    """One of the choices, picked by the generated value, so that runs stay reproducible."""
    choice = choices[zlib.crc32(repr(generated).encode()) % len(choices)]
    return generated if choice is GENERATED else choice


def pin_to_fixture(case: Any, target: Target) -> None:
    """Generated ids and codes would meet 404 (or "no such cycle") nearly always, so those generated valid are
    replaced by the fixture's real objects and the request reaches the view's validation and the service. Parts
    generated invalid on purpose are left alone."""
    components = case.meta.components
    path, body = components.get(ParameterLocation.PATH), components.get(ParameterLocation.BODY)
    if path is None or not path.mode.is_negative:
        for name, choices in target.path_parameters.items():
            if name in case.path_parameters:
                case.path_parameters[name] = pinned(case.path_parameters[name], choices)
    if body is not None and not body.mode.is_negative and isinstance(case.body, dict):
        for name, choices in target.body.items():
            if name in case.body:
                case.body[name] = pinned(case.body[name], choices)


DRF_BOOLEANS = serializers.BooleanField.TRUE_VALUES | serializers.BooleanField.FALSE_VALUES


def coerced_as_designed(declared: str | None, sent: Any) -> bool:
    """Whether DRF reads a value of another type as the declared one, as the HTML forms do: 0/1, "yes"/"no" or
    "on"/"off" for a boolean, a string of digits for an integer, a number for a string."""
    if not isinstance(sent, str | int | float):
        return False
    if declared == "boolean":
        return sent in DRF_BOOLEANS
    if declared in ("integer", "number"):
        return isinstance(sent, str) and sent.strip().lstrip("+-").isdigit()
    return declared == "string" and not isinstance(sent, bool | str)


def declared_body_type(case: Any, name: str) -> str | None:
    operation = API.raw_schema["paths"][case.operation.path][case.method.lower()]
    body = operation["requestBody"]["content"][case.media_type]["schema"]
    if "$ref" in body:
        body = API.raw_schema["components"]["schemas"][body["$ref"].rsplit("/", 1)[1]]
    return body.get("properties", {}).get(name, {}).get("type")


def invalid_only_where_lenient(case: Any) -> bool:
    """Whether the only schema-breaking parts of a case are those the API takes leniently by design: the query (an
    unknown ?lang= falls back to Thai), the headers (the token is replaced by the caller's own), and a body property of
    another type that DRF coerces to the declared one."""
    negative = {location for location, info in case.meta.components.items() if info.mode.is_negative}
    if negative <= {ParameterLocation.QUERY, ParameterLocation.HEADER}:
        return True
    if negative != {ParameterLocation.BODY} or not isinstance(case.body, dict):
        return False
    data = case.meta.phase.data
    if isinstance(data, CoveragePhaseData):  # one property of the wrong type, named in the schema location
        if data.scenario != CoverageScenario.INCORRECT_TYPE or not (
            data.location and data.location.startswith("/properties/")
        ):
            return False
        names = [data.location.split("/")[2]]
    else:  # fuzzing: the mutations made
        if not data.mutations or any(m.operator != OperatorKind.CHANGE_TYPE for m in data.mutations):
            return False
        names = [str(m.path[0]) for m in data.mutations if len(m.path) == 1]
        if len(names) != len(data.mutations):
            return False
    return all(coerced_as_designed(declared_body_type(case, name), case.body.get(name)) for name in names)


@writes.parametrize()
@settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_writes_keep_to_the_schema(case, fuzz_world):
    target = fuzz_world.target(case.operation.path)
    pin_to_fixture(case, target)
    # Schema-valid input may still be refused by a rule the schema cannot state (an unknown cycle code, an illegal
    # phase, a blocking problem): 400 is the documented answer, so "valid data is accepted" is not checked here.
    excluded = [checks.positive_data_acceptance]
    if invalid_only_where_lenient(case):
        excluded.append(checks.negative_data_rejection)
    # The coverage phase's many systematic cases go to the caller whose request reaches validation; the examples
    # and the fuzzed cases also to an officer and an admin (their refusals keep to the schema too).
    callers = [target.caller]
    if case.meta.phase.name != TestPhase.COVERAGE:
        callers += [role for role in (Role.EDITOR, Role.ADMIN) if role != target.caller]

    for role in callers:
        case.call_and_validate(headers={"Authorization": f"Bearer {fuzz_world.tokens[role]}"}, excluded_checks=excluded)

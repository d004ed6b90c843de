"""`<text:...>` in the URLconfs: a code with a NUL character matches no URL, so the pages answer 404 where the lookup
used to end in a server error (PostgreSQL cannot compare a string holding NUL)."""

import datetime as dt

import pytest
from django.utils import timezone

from applications.enums import ApplicationStatus
from applications.models import Application, ReviewerAssignment
from applications.services import start_application
from indicators.enums import CyclePhase
from tests.factories.indicators import make_cycle

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture
def applications(cast):
    cycle = make_cycle(
        code="esc-nul", phase=CyclePhase.CALL_OPEN, submission_deadline=timezone.now() + dt.timedelta(days=30)
    )
    draft, reviewed = (
        start_application(
            cycle=cycle, municipality=cast.municipality_a, track="certificate", category_code=code, by=cast.editor_a
        )
        for code in ("CA", "CW")
    )
    Application.objects.filter(pk=reviewed.pk).update(status=ApplicationStatus.SUBMITTED, submitted_at=timezone.now())
    ReviewerAssignment.objects.create(application=reviewed, reviewer=cast.reviewer, assigned_by=cast.admin)
    return {"draft": draft.pk, "reviewed": reviewed.pk}


@pytest.mark.parametrize(
    ("role", "method", "path"),
    [
        ("editor_a", "post", "/applications/{draft}/values/CA-01%00/"),
        ("editor_a", "post", "/applications/{draft}/values/%00/confirm/"),
        ("editor_a", "post", "/applications/{draft}/evidence/%00/"),
        ("reviewer", "post", "/review/applications/{reviewed}/values/CW-01%00/"),
        ("reviewer", "post", "/review/applications/{reviewed}/rubric/%00/"),
        ("editor_a", "get", "/municipalities/%00/"),
        ("admin", "get", "/municipalities/%00/correct/"),
        ("signatory_a", "post", "/municipalities/%00/invite/"),
        ("editor_a", "put", "/api/applications/{draft}/values/%00/"),
    ],
)
def test_a_code_with_a_nul_character_is_not_found(client, cast, applications, role, method, path):
    client.force_login(getattr(cast, role))

    response = getattr(client, method)(path.format(**applications))

    assert response.status_code == 404
